///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.re2j:re2j:1.8
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//SOURCES lib/core/package-info.java
//SOURCES lib/list/ImageSpec.java
//SOURCES lib/list/Plan.java
//SOURCES lib/list/SemVer.java
//SOURCES lib/list/TagPolicy.java
//SOURCES lib/list/VersionRange.java
//SOURCES lib/sync/ImageResult.java
//SOURCES lib/sync/Status.java
//SOURCES lib/sync/TargetResult.java
//SOURCES lib/sync/Written.java
//SOURCES lib/report/Catalog.java
//SOURCES lib/report/MirrorFiles.java
//SOURCES lib/report/Report.java

import lib.core.Commands;
import lib.core.UsageError;
import lib.report.MirrorFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "mirror", mixinStandardHelpOptions = true, version = "image-sync mirror 0.1.0",
        description = "Writes the files that put the mirror to use, from the catalog (MIRRORS.md): pull.sh with your registries "
                + "filled in, k3s-registries.yaml (k3s/RKE2 rewrite rules), kustomization-images.yaml (a kustomize images list) and, "
                + "for targets whose names keep the repository path, containerd/<host>/hosts.toml. A file is written only when it "
                + "changes, and containerd files no target needs any more are removed.")
public class mirror implements Callable<Integer> {
    @Option(names = "--catalog", paramLabel = "FILE", defaultValue = "MIRRORS.md", description = "The catalog to read (default: ${DEFAULT-VALUE}).")
    Path catalog;

    @Option(names = "--pull-script", paramLabel = "FILE", defaultValue = "scripts/pull.sh",
            description = "The pull.sh to fill in (default: ${DEFAULT-VALUE}).")
    Path pullScript;

    @Parameters(paramLabel = "DIR", arity = "0..1", defaultValue = "mirror", description = "Where the files go (default: ${DEFAULT-VALUE}).")
    Path dir;

    public static void main(String[] args) {
        System.exit(Commands.of(new mirror(), System.getenv()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        for (Path file : List.of(catalog, pullScript)) {
            if (!Files.isRegularFile(file)) {
                throw new UsageError(file + " not found: run from the repository's root, or name it with " + (file == catalog ? "--catalog" : "--pull-script"));
            }
        }
        Map<String, String> files;
        try {
            files = MirrorFiles.render(Files.readString(catalog, StandardCharsets.UTF_8), Files.readString(pullScript, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new UsageError(pullScript + ": " + e.getMessage());
        }
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            if (!Files.isRegularFile(path) || !Files.readString(path, StandardCharsets.UTF_8).equals(file.getValue())) {
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
                changed.add(file.getKey());
            }
        }
        Path containerd = dir.resolve(MirrorFiles.CONTAINERD);
        if (Files.isDirectory(containerd)) {
            try (Stream<Path> walk = Files.walk(containerd)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    String name = dir.relativize(p).toString();
                    if (Files.isRegularFile(p) && !files.containsKey(name)) {
                        Files.delete(p);
                        changed.add(name + " (removed)");
                    } else if (Files.isDirectory(p) && isEmpty(p)) {
                        Files.delete(p);
                    }
                }
            }
        }
        System.out.println("mirror: " + dir + (changed.isEmpty() ? " unchanged" : " updated: " + String.join(", ", changed)));
        return 0;
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }
}
