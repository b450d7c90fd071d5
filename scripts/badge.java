///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//SOURCES lib/core/package-info.java

import lib.core.Commands;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "badge", mixinStandardHelpOptions = true, version = "image-sync badge 0.1.0",
        description = "Sets the README's ![Last Sync](https://img.shields.io/badge/last%20sync-...) line to the given time in Asia/Shanghai. "
                + "Only that line changes; the same time twice changes nothing.")
public class badge implements Callable<Integer> {
    static final Pattern LINE = Pattern.compile("^!\\[Last Sync]\\(https://img\\.shields\\.io/badge/last%20sync-[^)]*\\)", Pattern.MULTILINE);
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Shanghai"));

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Markdown files holding the badge line (README.md README.zh-CN.md).")
    List<Path> files;

    @Option(names = "--time", paramLabel = "INSTANT", description = "The sync time, e.g. 2026-11-28T05:00:00Z (default: now).")
    Instant time;

    public static void main(String[] args) {
        System.exit(Commands.of(new badge(), System.getenv()).execute(args));
    }

    /** shields.io's static badge path: '-' and '_' are doubled, spaces and other specials percent-encoded. */
    static String escape(String text) {
        return text.replace("-", "--").replace("_", "__").replace(" ", "%20").replace("+", "%2B");
    }

    static String line(Instant at) {
        return "![Last Sync](https://img.shields.io/badge/last%20sync-" + escape(FORMAT.format(at) + " UTC+8") + "-blue)";
    }

    @Override
    public Integer call() throws IOException {
        String badgeLine = line(time == null ? Instant.now() : time);
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Matcher m = LINE.matcher(text);
            if (!m.find()) {
                System.out.println("badge: " + file + " has no ![Last Sync](https://img.shields.io/badge/last%20sync-...) line; left as it is");
                continue;
            }
            String updated = text.substring(0, m.start()) + badgeLine + text.substring(m.end());
            if (updated.equals(text)) {
                System.out.println("badge: " + file + " already says " + badgeLine);
            } else {
                Files.writeString(file, updated, StandardCharsets.UTF_8);
                System.out.println("badge: " + file + " updated");
            }
        }
        return 0;
    }
}
