package lib.report;

import lib.sync.ImageResult;
import lib.sync.Status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reports of a run split into shards (--shard I/N), merged into the one report a single run would have
 * written: images in list order, each keeping its shard number, the summary counted over all of them, and the
 * shards' stats combined (see {@link #stats}).
 */
public final class Merge {
    private Merge() {}

    /**
     * {@code names} label the reports in an error (e.g. their files); an image found in two of them is an
     * IllegalArgumentException. Only a tag-policy line that failed before choosing its tags may be in several: earlier
     * versions reported it in every shard; it is kept once.
     */
    public static Report of(List<Report> reports, List<String> names) {
        List<ImageResult> images = new ArrayList<>();
        Map<String, String> seenIn = new HashMap<>();
        for (int i = 0; i < reports.size(); i++) {
            for (ImageResult image : reports.get(i).images()) {
                String key = image.line() + " " + image.source() + " " + image.platform();
                String other = seenIn.putIfAbsent(key, names.get(i));
                if (other != null && failedLine(image)) {
                    continue;
                }
                if (other != null) {
                    throw new IllegalArgumentException(image.source() + " (" + image.platform() + (image.line() == null ? "" : ", line " + image.line())
                            + ") is in both " + other + " and " + names.get(i) + ": give each shard's report once");
                }
                images.add(image);
            }
        }
        // List order: by line; command-line images (no line) keep their order after the list's.
        images.sort(Comparator.comparing(ImageResult::line, Comparator.nullsLast(Comparator.naturalOrder())));
        return Report.of(images).withStats(stats(reports));
    }

    /**
     * A tag-policy line's own failure: no tag of its own (a report of an earlier version names no tag at all, but a
     * tag the line chose is in one shard only, so only the line's own failure can be in two), failed at every target.
     */
    private static boolean failedLine(ImageResult image) {
        return image.policy() != null && image.tag() == null && image.targets().stream().allMatch(t -> t.status() == Status.FAILED);
    }

    /**
     * Requests and processes are added up; each phase's seconds are the slowest shard's (the shards run side by
     * side, so that is how long the phase kept the run waiting); a quota is the lowest any shard saw (each runner
     * has a quota of its own, and the lowest is the one that may run out). Null when no shard had stats.
     */
    static Report.Stats stats(List<Report> reports) {
        List<Report.Stats> all = reports.stream().map(Report::stats).filter(s -> s != null).toList();
        if (all.isEmpty()) {
            return null;
        }
        Map<String, Map<String, Long>> requests = new TreeMap<>();
        Map<String, Long> processes = new TreeMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Report.Quota> quotas = new TreeMap<>();
        for (Report.Stats s : all) {
            nonNull(s.requests()).forEach((registry, methods) ->
                    methods.forEach((method, n) -> requests.computeIfAbsent(registry, r -> new TreeMap<>()).merge(method, n, Long::sum)));
            nonNull(s.processes()).forEach((kind, n) -> processes.merge(kind, n, Long::sum));
            nonNull(s.seconds()).forEach((phase, t) -> seconds.merge(phase, t, Math::max));
            nonNull(s.rateLimits()).forEach((registry, q) -> quotas.merge(registry, q, (a, b) -> new Report.Quota(Math.max(a.limit(), b.limit()),
                    Math.min(a.remainingAtStart(), b.remainingAtStart()), Math.min(a.remainingAtEnd(), b.remainingAtEnd()))));
        }
        return new Report.Stats(requests, processes, seconds, quotas);
    }

    private static <K, V> Map<K, V> nonNull(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
