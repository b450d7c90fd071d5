package lib;

import support.Tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What JBang needs of the library's files, which Maven (compiling every file at once) would never notice: each
 * package's package-info.java lists exactly the classes in its folder (scripts name a package by that file), each
 * file declares the package of its folder, and no two classes differ only in case (on macOS and Windows one
 * class file would overwrite the other).
 */
class PackagesTest {
    static final Path SCRIPTS = Tools.REPO.resolve("scripts");

    @Test
    void eachPackageInfoListsExactlyItsFolder() throws IOException {
        try (Stream<Path> folders = Files.list(SCRIPTS.resolve("lib"))) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                TreeSet<String> present = new TreeSet<>();
                try (Stream<Path> files = Files.list(folder)) {
                    files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".java") && !f.equals("package-info.java")).forEach(present::add);
                }
                TreeSet<String> listed = new TreeSet<>();
                Files.readAllLines(folder.resolve("package-info.java")).stream().filter(l -> l.startsWith("//SOURCES "))
                        .map(l -> l.substring("//SOURCES ".length()).strip()).forEach(listed::add);
                assertEquals(present, listed, folder.getFileName() + "/package-info.java must list every class of its folder, and only those");
            }
        }
    }

    @Test
    void everyLibraryFileDeclaresItsFoldersPackage() throws IOException {
        for (Path file : javaFiles(SCRIPTS.resolve("lib"))) {
            String expected = "package " + SCRIPTS.relativize(file.getParent()).toString().replace('/', '.') + ";";
            assertTrue(Files.readAllLines(file).contains(expected), file + " should declare " + expected);
        }
    }

    @Test
    void noTwoClassesDifferOnlyInCase() throws IOException {
        Map<String, String> seen = new HashMap<>();
        List<String> clashes = new ArrayList<>();
        for (Path file : javaFiles(SCRIPTS)) {
            // A script's class is in the default package, beside every other script's.
            String folder = file.getParent().equals(SCRIPTS) ? "" : SCRIPTS.relativize(file.getParent()) + "/";
            String name = folder + file.getFileName().toString().replaceFirst("\\.java$", "");
            for (String type : topLevelTypes(file, name)) {
                String other = seen.put(type.toLowerCase(Locale.ROOT), type);
                if (other != null && !other.equals(type)) {
                    clashes.add(other + " and " + type);
                }
            }
        }
        assertEquals(List.of(), clashes, "class files that differ only in case overwrite each other on macOS and Windows");
    }

    /** The class a file is named for, and any other class it declares. */
    private static List<String> topLevelTypes(Path file, String name) throws IOException {
        List<String> out = new ArrayList<>(List.of(name));
        String folder = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
        for (String line : Files.readAllLines(file)) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:public |final |abstract )*(?:class|record|interface|enum) (\\w+)").matcher(line);
            if (m.find()) {
                out.add(folder + m.group(1));
            }
        }
        return out;
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("package-info.java")).sorted().toList();
        }
    }
}
