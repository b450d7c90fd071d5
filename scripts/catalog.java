///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.re2j:re2j:1.8
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//SOURCES lib/core/package-info.java
//SOURCES lib/list/ImageList.java
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
//SOURCES lib/report/Report.java

import lib.core.Commands;
import lib.core.ErrorLine;
import lib.core.ImageRef;
import lib.core.Platforms;
import lib.core.UsageError;
import lib.list.ImageList;
import lib.report.Catalog;
import lib.report.Report;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "catalog", mixinStandardHelpOptions = true, version = "image-sync catalog 0.1.0",
        description = "Updates the mirror catalog (MIRRORS.md) from a batch run's report: every image with its platform, each "
                + "target's pull address and the date it was last copied (Beijing time). The previous catalog keeps the dates of "
                + "images that did not change, so a run that copied nothing leaves the file as it was.")
public class catalog implements Callable<Integer> {
    /** Beijing dates, as the badge shows Beijing time. */
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @Option(names = "--report", required = true, paramLabel = "FILE", description = "The batch run's report (sync.java --report).")
    Path report;

    @Option(names = {"-f", "--images"}, paramLabel = "FILE", defaultValue = "images.txt",
            description = "The list the run synced: it names the images of a report written before reports named them "
                    + "(by an older version) as the list writes them (default: ${DEFAULT-VALUE}).")
    Path images;

    @Option(names = "--time", paramLabel = "INSTANT", description = "When the run happened, e.g. 2026-11-28T05:00:00Z (default: now).")
    Instant time;

    @Parameters(paramLabel = "FILE", description = "The catalog (MIRRORS.md); created when missing.")
    Path file;

    public static void main(String[] args) {
        System.exit(Commands.of(new catalog(), System.getenv()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Report read;
        try {
            read = Report.read(report);
        } catch (IOException e) {
            throw new UsageError(report + " is not a readable sync report (" + e.getMessage().lines().findFirst().orElse("")
                    + "): give the file sync.java --report wrote");
        }
        if (read.images() == null) {
            throw new UsageError(report + " has no images: give the file sync.java --report wrote");
        }
        String previous = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        String updated = Catalog.update(previous, read.completed(this::listed), LocalDate.ofInstant(time == null ? Instant.now() : time, ZONE));
        if (updated.equals(previous)) {
            System.out.println("catalog: " + file + " unchanged");
        } else {
            Files.writeString(file, updated, StandardCharsets.UTF_8);
            System.out.println("catalog: " + file + " updated (" + read.images().size() + " image(s))");
        }
        return 0;
    }

    /**
     * Each line's image as the list writes it, for a report written before reports named their images; none when the
     * list cannot be read (then the report's references name them).
     */
    private Map<Integer, ImageRef> listed() {
        Map<Integer, ImageRef> labels = new HashMap<>();
        try {
            ImageList.parse(images.toString(), ImageList.read(images), Platforms.DEFAULT, ImageRef.DOCKER_HUB).images()
                    .forEach(spec -> labels.put(spec.line(), spec.source()));
        } catch (IllegalArgumentException e) {
            System.err.println(ErrorLine.warning(e.getMessage() + "; naming the images as the report does", ErrorLine.github(System.getenv())));
        }
        return labels;
    }
}
