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
//SOURCES lib/report/Report.java

import lib.core.Commands;
import lib.core.UsageError;
import lib.report.Report;
import lib.sync.Status;

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
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "badge", mixinStandardHelpOptions = true, version = "image-sync badge 0.2.0",
        description = "Sets the README's ![Last Sync](https://img.shields.io/badge/last%20sync-...) line to the given time in Asia/Shanghai: "
                + "blue when every image synced; orange, with how many images failed, when some did (--report). "
                + "Only that line changes; the same time twice changes nothing.")
public class badge implements Callable<Integer> {
    static final Pattern LINE = Pattern.compile("^!\\[Last Sync]\\(https://img\\.shields\\.io/badge/last%20sync-[^)]*\\)", Pattern.MULTILINE);
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Shanghai"));

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Markdown files holding the badge line (README.md README.zh-CN.md).")
    List<Path> files;

    @Option(names = "--time", paramLabel = "INSTANT", description = "The sync time, e.g. 2026-11-28T05:00:00Z (default: now).")
    Instant time;

    @Option(names = "--report", paramLabel = "FILE", description = "The run's report (sync.java --report): the badge says how many images failed.")
    Path report;

    public static void main(String[] args) {
        System.exit(Commands.of(new badge(), System.getenv()).execute(args));
    }

    /** shields.io's static badge path: '-' and '_' are doubled, spaces, other specials and anything not ASCII percent-encoded. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.replace("-", "--").replace("_", "__").getBytes(StandardCharsets.UTF_8)) {
            out.append(b == ' ' ? "%20" : b == '+' ? "%2B" : b < 0 ? String.format(Locale.ROOT, "%%%02X", b & 0xff) : String.valueOf((char) b));
        }
        return out.toString();
    }

    /** The badge at {@code at}; with {@code failing} images (some failed at a target), orange and saying how many. */
    static String line(Instant at, long failing) {
        return "![Last Sync](https://img.shields.io/badge/last%20sync-" + escape(FORMAT.format(at) + " UTC+8"
                + (failing == 0 ? "" : " · " + failing + " failing")) + (failing == 0 ? "-blue)" : "-orange)");
    }

    /** How many images of the report failed at one of their targets or more. */
    private long failing() {
        if (report == null) {
            return 0;
        }
        try {
            Report read = Report.read(report);
            if (read == null || read.images() == null) {
                throw new UsageError(report + " has no images: give the file sync.java --report wrote");
            }
            return read.checked().images().stream().filter(i -> i.targets().stream().anyMatch(t -> t.status() == Status.FAILED)).count();
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageError(report + " is not a readable sync report (" + e.getMessage().lines().findFirst().orElse("")
                    + "): give the file sync.java --report wrote");
        }
    }

    @Override
    public Integer call() throws IOException {
        String badgeLine = line(time == null ? Instant.now() : time, failing());
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
