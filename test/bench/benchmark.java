///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS org.junit.jupiter:junit-jupiter-api:5.11.4
//SOURCES LatencyProxy.java
//SOURCES ../java/Fixtures.java
//SOURCES ../java/Registry.java
//SOURCES ../java/Tools.java

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "This toolkit against skopeo sync and a sequential loop in the original tool's style, through proxies that add a "
                + "fixed latency to every request: a cold sync, warm no-op re-syncs of several list sizes next to their floor, a list "
                + "split in shards run as processes and merged, and start-up. Run from the repository root.")
public class benchmark implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", defaultValue = "30,100,1000", description = "List sizes for the warm no-op (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--cold", defaultValue = "100", description = "Images in the cold sync against skopeo sync (default: ${DEFAULT-VALUE}).")
    int cold;

    @Option(names = "--shards", defaultValue = "4", description = "Shard processes for the largest size (default: ${DEFAULT-VALUE}; 0: none).")
    int shards;

    @Option(names = "--loop-max", defaultValue = "1000000", description = "Run the original-style loop only up to this size (it is slow).")
    int loopMax;

    @Option(names = "--delay-ms", defaultValue = "30", description = "Delay added to every request, per registry (default: ${DEFAULT-VALUE}).")
    int delayMs;

    @Option(names = "--repeat", defaultValue = "3", description = "Runs of each warm no-op and --plan; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--repo", description = "The checkout whose ./jbang scripts/sync.java is measured (default: this one), e.g. an older commit for a before/after.")
    Path repo;

    @Option(names = "--work", description = "Keep the registries, fixtures and logs here and reuse the fixtures on the next run (default: a new temporary directory).")
    Path work;

    @Option(names = "--out", description = "Also write the tables (Markdown) to this file.")
    Path out;

    Registry source;
    Registry target;
    LatencyProxy sourceProxy;
    LatencyProxy targetProxy;
    Path auth;
    final String password = "bench-password-" + Long.toHexString(System.nanoTime());
    final String run = "r" + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);
    final StringBuilder md = new StringBuilder();

    public static void main(String[] args) {
        System.exit(new CommandLine(new benchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        repo = (repo == null ? Tools.REPO : repo).toAbsolutePath().normalize();
        work = work == null ? Files.createTempDirectory("image-sync-bench-") : Files.createDirectories(work.toAbsolutePath());
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        int fixtures = Math.max(largest, cold);
        source = Registry.start(work.resolve("source"), null, null);
        target = Registry.start(work.resolve("target"), "bench", password);
        try {
            sourceProxy = new LatencyProxy(source.host, Duration.ofMillis(delayMs));
            targetProxy = new LatencyProxy(target.host, Duration.ofMillis(delayMs));
            auth = work.resolve("auth.json");
            check(Tools.run(List.of("skopeo", "login", "--authfile", auth.toString(), "--tls-verify=false", "-u", "bench", "--password-stdin",
                    targetProxy.host), null, null, password.getBytes(StandardCharsets.UTF_8)));
            List<String> names = fixtures(fixtures);
            // The first run of a changed script builds it: never inside a measurement.
            plan(repo.resolve("images.txt"));
            plan(repo.resolve("images.txt"));
            md.append(String.format(Locale.ROOT, "Measured %s: %s, %d cores, %d ms added to every request at source and target; sync.java of %s%n",
                    java.time.LocalDate.now(), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), delayMs, repo));
            md.append("Load average (1 min) at the start: ").append(load()).append("\n");

            if (cold > 0) {
                coldSync(names.subList(0, cold));
            }
            if (largest > 0) {
                List<String> all = names.subList(0, largest);
                Path list = list("all", all);
                Measured populate = measure(() -> ours(list, run + "w", state("w"), report("populate"), Map.of("JAVA_TOOL_OPTIONS", "-Xmx128m")));
                JsonNode single = Fixtures.JSON.readTree(report("populate").toFile());
                md.append(String.format(Locale.ROOT, "%nCold sync of %d images by this toolkit, the warm no-ops' target (JAVA_TOOL_OPTIONS=-Xmx128m): %.1f s, %s%n",
                        largest, populate.seconds(), single.path("summary")));
                noOps(names);
                if (shards > 1) {
                    sharded(all, single, populate.seconds());
                }
            }
            startup(names);
            md.append("\nLoad average (1 min) at the end: ").append(load()).append("\n");
            System.out.println();
            System.out.print(md);
            if (out != null) {
                Files.writeString(out, md.toString());
            }
        } finally {
            if (sourceProxy != null) {
                sourceProxy.close();
            }
            if (targetProxy != null) {
                targetProxy.close();
            }
            source.close();
            target.close();
        }
        return 0;
    }

    // ---- the phases -----------------------------------------------------------------------------

    void coldSync(List<String> names) throws Exception {
        Path list = list("cold", names);
        Files.writeString(work.resolve("skopeo-sync.yaml"), skopeoSyncYaml(names));
        md.append(String.format(Locale.ROOT, "%n### Cold sync of %d images%n%n| contender | wall time | manifest GETs at source | manifest HEADs at source | processes |%n|---|---|---|---|---|%n", names.size()));
        Counted ours = counted(() -> ours(list, run + "c", state("c"), report("cold"), Map.of()));
        Counted skopeo = counted(() -> {
            check(Tools.run(List.of("skopeo", "sync", "--src", "yaml", "--dest", "docker", "--dest-tls-verify=false", "--dest-authfile", auth.toString(),
                    "--preserve-digests", work.resolve("skopeo-sync.yaml").toString(), targetProxy.host + "/" + run + "s"), null, work, null));
            return 1;
        });
        Counted eight = counted(() -> ours(list, run + "c8", state("c8"), report("cold8"), Map.of(), "--jobs", "8"));
        row("this toolkit (default --jobs 4)", ours);
        row("this toolkit --jobs 8", eight);
        row("skopeo sync", skopeo);
        md.append(String.format(Locale.ROOT, "%nskopeo sync / this toolkit: %.1f× with the default --jobs 4 (goal ≥ 3×: %s), %.1f× with --jobs 8%n",
                skopeo.seconds / ours.seconds, met(skopeo.seconds / ours.seconds >= 3), skopeo.seconds / eight.seconds));
    }

    /**
     * Warm no-op of each size against its floor: the fixed start-up (--plan of the same list) plus the request rounds
     * the checks need (the HEADs at the busiest registry ÷ the requests in flight there × the added latency).
     */
    void noOps(List<String> names) throws Exception {
        md.append("\n### Warm no-op re-sync (the state and the target hold every image)\n\n")
                .append("| images | floor: --plan + HEAD rounds | this toolkit | original-style loop | loop / toolkit (goal ≥ 10×) | toolkit / floor (goal ≤ 1.5×) |"
                        + " toolkit's time: outside the report's phases / login / sync phase / HEADs per registry / processes |\n|---|---|---|---|---|---|---|\n");
        for (int size : sizes) {
            List<String> part = names.subList(0, size);
            Path list = list("noop-" + size, part);
            double plan = median(() -> plan(list));
            int inFlight = 8;
            double rounds = Math.ceil(size / (double) inFlight) * delayMs / 1000.0;
            double floor = plan + rounds;
            List<JsonNode> reports = new ArrayList<>();
            List<Double> walls = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                Path r = report("noop-" + size + "-" + i);
                walls.add(measure(() -> ours(list, run + "w", state("w"), r, Map.of("JAVA_TOOL_OPTIONS", "-Xmx128m"))).seconds());
                reports.add(Fixtures.JSON.readTree(r.toFile()));
            }
            double ours = median(walls);
            JsonNode typical = reports.get(walls.indexOf(ours));
            check(typical.path("summary").path("skipped").asInt() == size && typical.path("summary").path("copied").asInt() == 0,
                    "the no-op of " + size + " was not one: " + typical.path("summary"));
            Double loop = size <= loopMax ? measure(() -> originalLoop(part)).seconds() : null;
            JsonNode s = typical.path("stats");
            double total = s.at("/seconds/total").asDouble();
            md.append(String.format(Locale.ROOT, "| %d | %.2f s (%.2f + %.2f) | %.2f s | %s | %s | %.2f× (%s) | %.2f / %.2f / %.2f s / %d·%d / %d |%n",
                    size, floor, plan, rounds, ours, loop == null ? "not run" : String.format(Locale.ROOT, "%.1f s", loop),
                    loop == null ? "-" : String.format(Locale.ROOT, "%.1f× (%s)", loop / ours, met(loop / ours >= 10)),
                    ours / floor, met(ours / floor <= 1.5), ours - total, s.at("/seconds/login").asDouble(), s.at("/seconds/sync").asDouble(),
                    s.at("/requests/" + sourceProxy.host + "/HEAD").asLong(), s.at("/requests/" + targetProxy.host + "/HEAD").asLong(), processes(typical) - 1));
        }
        md.append("\n\"Outside the report's phases\" is the wall time less the report's own `total`: JVM start-up and ./jbang before it, "
                + "printing the summary, writing the report and exiting after it. The warm runs and the cold sync of the largest list ran with "
                + "JAVA_TOOL_OPTIONS=-Xmx128m. Each toolkit figure is the median of ").append(repeat).append(" runs; the loop ran once.\n");
    }

    /** The largest list in N shards, run as N processes side by side into a namespace of their own, merged and compared. */
    void sharded(List<String> all, JsonNode single, double singleSeconds) throws Exception {
        Path list = list("all", all);
        List<Path> reports = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(shards);
        long start = System.nanoTime();
        List<Future<Long>> running = new ArrayList<>();
        for (int i = 1; i <= shards; i++) {
            Path r = report("shard-" + i);
            reports.add(r);
            String shard = i + "/" + shards;
            running.add(pool.submit(() -> ours(list, run + "sh", state("sh-" + shard.replace("/", "of")), r, Map.of("SYNC_SHARD", shard))));
        }
        for (Future<Long> f : running) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Path merged = report("merged");
        List<String> merge = new ArrayList<>(List.of(repo.resolve("jbang").toString(), repo.resolve("scripts/report.java").toString(), "merge",
                "--out", merged.toString(), "--shards", String.valueOf(shards)));
        reports.forEach(r -> merge.add(r.toString()));
        check(process(merge, Tools.cleanEnv(), "merge"));
        JsonNode m = Fixtures.JSON.readTree(merged.toFile());
        List<String> a = outcomes(single);
        List<String> b = outcomes(m);
        long differ = a.size() == b.size() ? java.util.stream.IntStream.range(0, a.size()).filter(i -> !a.get(i).equals(b.get(i))).count() : -1;
        md.append(String.format(Locale.ROOT, "%n### %d images in %d shards, run as %d processes side by side (cold, into a namespace of their own)%n%n"
                        + "- wall time: %.1f s (the single process: %.1f s; here the shards share one machine, two cores and one registry)%n"
                        + "- merged report (`report.java merge`): %s; the single run's: %s%n"
                        + "- per image (line, source, platform, status, reason, digest): %d of %d in the merged report, %s%n",
                all.size(), shards, shards, seconds, singleSeconds, m.path("summary"), single.path("summary"), b.size(), a.size(),
                differ == 0 ? "every one equal to the single run's (goal: equal — met)" : differ + " differ (goal: equal — NOT met)"));
    }

    void startup(List<String> names) throws Exception {
        Path sample = repo.resolve("images.txt");
        double java = median(() -> measure(() -> {
            check(process(List.of("java", "-version"), Tools.cleanEnv(), "java-version"));
            return 0;
        }).seconds());
        double plan = median(() -> plan(sample));
        md.append(String.format(Locale.ROOT, "%n### Start-up%n%n| command | wall time (median of %d) |%n|---|---|%n| `java -version` | %.2f s |%n"
                + "| `./jbang scripts/sync.java --plan` (the sample images.txt) | %.2f s |%n", repeat, java, plan));
    }

    // ---- contenders ---------------------------------------------------------------------------------

    /** ./jbang scripts/sync.java as a user runs it; the processes it reports having started, plus itself. */
    long ours(Path list, String namespace, Path state, Path report, Map<String, String> extra, String... options) throws Exception {
        Map<String, String> env = Tools.cleanEnv();
        env.put("ALIYUN_REGISTRY", targetProxy.host);
        env.put("ALIYUN_NAMESPACE", namespace);
        env.put("ALIYUN_USERNAME", "bench");
        env.put("ALIYUN_PASSWORD", password);
        env.put("SOURCE_REGISTRY", sourceProxy.host);
        env.put("INSECURE_REGISTRIES", sourceProxy.host + "," + targetProxy.host);
        env.put("SYNC_STATE", state.toString());
        env.putAll(extra);
        Files.deleteIfExists(report);
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("jbang").toString(), repo.resolve("scripts/sync.java").toString(), "-f", list.toString(),
                "--report", report.toString()));
        cmd.addAll(List.of(options));
        check(process(cmd, env, "sync-" + namespace));
        return processes(Fixtures.JSON.readTree(report.toFile()));
    }

    double plan(Path list) throws Exception {
        return measure(() -> {
            check(process(List.of(repo.resolve("jbang").toString(), repo.resolve("scripts/sync.java").toString(), "--plan", "-f", list.toString()),
                    Tools.cleanEnv(), "plan"));
            return 0;
        }).seconds();
    }

    /** The original tool's way: inspect the source, inspect the target, compare the created times, copy when they differ. */
    long originalLoop(List<String> names) {
        long processes = 0;
        for (String name : names) {
            String src = "docker://" + sourceProxy.host + "/library/" + name;
            String dst = "docker://" + targetProxy.host + "/" + run + "w/" + name;
            Tools.Result s = Tools.run(List.of("skopeo", "inspect", "--tls-verify=false", src), null, null, null);
            Tools.Result t = Tools.run(List.of("skopeo", "inspect", "--tls-verify=false", "--authfile", auth.toString(), dst), null, null, null);
            processes += 2;
            check(s);
            if (t.exit() == 0 && created(s).equals(created(t))) {
                continue;
            }
            check(Tools.run(List.of("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--authfile", auth.toString(), src, dst), null, null, null));
            processes++;
        }
        return processes;
    }

    // ---- fixtures -------------------------------------------------------------------------------------

    /** bench-0001:1 … as three-platform images in the source registry; those a previous run left in --work are reused. */
    List<String> fixtures(int n) throws Exception {
        Path done = work.resolve("fixtures-built.txt");
        int built = Files.exists(done) ? Integer.parseInt(Files.readString(done).strip()) : 0;
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add(String.format(Locale.ROOT, "bench-%04d:1", i));
        }
        if (built >= n) {
            System.out.printf(Locale.ROOT, "reusing %d fixture images in %s%n", built, work);
            return names;
        }
        System.out.printf(Locale.ROOT, "building fixture images %d to %d (linux/amd64, linux/arm64, linux/arm/v7) ...%n", built + 1, n);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> pushes = new ArrayList<>();
        for (int i = built + 1; i <= n; i++) {
            String name = names.get(i - 1).replace(":1", "");
            pushes.add(pool.submit(() -> {
                List<Fixtures.Image> images = List.of(new Fixtures.Image("linux/amd64", "2024-05-01T00:00:00Z", name + "-amd64"),
                        new Fixtures.Image("linux/arm64", "2024-05-01T00:00:00Z", name + "-arm64"),
                        new Fixtures.Image("linux/arm/v7", "2024-05-01T00:00:00Z", name + "-armv7"));
                Fixtures.Layout layout = Fixtures.multiArch(Files.createDirectories(work.resolve("layouts").resolve(name)), images);
                check(Tools.run(List.of("skopeo", "copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout.dir() + ":fixture",
                        "docker://" + source.host + "/library/" + name + ":1"), null, null, null));
                return null;
            }));
        }
        for (Future<?> f : pushes) {
            f.get();
        }
        pool.shutdown();
        Files.writeString(done, String.valueOf(n));
        return names;
    }

    Path list(String name, List<String> names) throws IOException {
        Path file = work.resolve("list-" + name + ".txt");
        Files.writeString(file, String.join("\n", names) + "\n");
        return file;
    }

    String skopeoSyncYaml(List<String> names) {
        StringBuilder yaml = new StringBuilder(sourceProxy.host + ":\n  tls-verify: false\n  images:\n");
        for (String name : names) {
            String[] p = name.split(":");
            yaml.append("    library/").append(p[0]).append(": [\"").append(p[1]).append("\"]\n");
        }
        return yaml.toString();
    }

    Path state(String name) {
        return work.resolve(run + "-state-" + name + ".json");
    }

    Path report(String name) {
        return work.resolve(run + "-report-" + name + ".json");
    }

    // ---- measuring ------------------------------------------------------------------------------------

    interface Contender {
        long run() throws Exception;
    }

    record Measured(double seconds, long processes) {}

    record Counted(double seconds, long gets, long heads, long processes) {}

    static Measured measure(Contender c) throws Exception {
        long start = System.nanoTime();
        long processes = c.run();
        return new Measured((System.nanoTime() - start) / 1e9, processes);
    }

    Counted counted(Contender c) throws Exception {
        long gets = source.manifestRequests("GET");
        long heads = source.manifestRequests("HEAD");
        Measured m = measure(c);
        return new Counted(m.seconds(), source.manifestRequests("GET") - gets, source.manifestRequests("HEAD") - heads, m.processes());
    }

    void row(String name, Counted c) {
        System.out.printf(Locale.ROOT, "%-34s %7.1fs  GET %4d  HEAD %4d  processes %4d%n", name, c.seconds(), c.gets(), c.heads(), c.processes());
        md.append(String.format(Locale.ROOT, "| %s | %.1f s | %d | %d | %d |%n", name, c.seconds(), c.gets(), c.heads(), c.processes()));
    }

    interface Timed {
        double seconds() throws Exception;
    }

    double median(Timed t) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            times.add(t.seconds());
        }
        return median(times);
    }

    static double median(List<Double> times) {
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    static long processes(JsonNode report) {
        long count = 1;
        for (JsonNode p : report.at("/stats/processes")) {
            count += p.asLong();
        }
        return count;
    }

    static List<String> outcomes(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (JsonNode image : report.path("images")) {
            for (JsonNode t : image.path("targets")) {
                out.add(String.join("|", image.path("line").asText(), image.path("source").asText(), image.path("platform").asText(),
                        t.path("status").asText(), t.path("reason").asText(), t.path("digest").asText()));
            }
        }
        return out;
    }

    /** A process with its output kept in the work directory (not the 5-minute limit of Tools.run: a cold sync of a thousand may take longer). */
    Tools.Result process(List<String> cmd, Map<String, String> env, String name) throws IOException, InterruptedException {
        Path log = work.resolve("logs").resolve(run + "-" + name + "-" + System.nanoTime() + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).directory(work.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd + " (log: " + log + ")");
        }
        return new Tools.Result(p.exitValue(), Files.readAllBytes(log), "");
    }

    static String created(Tools.Result inspect) {
        try {
            return Fixtures.JSON.readTree(inspect.stdout()).path("Created").asText();
        } catch (Exception e) {
            return "";
        }
    }

    static Tools.Result check(Tools.Result r) {
        if (r.exit() != 0) {
            throw new IllegalStateException("command failed: " + r.all());
        }
        return r;
    }

    static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalStateException(problem);
        }
    }

    static String met(boolean ok) {
        return ok ? "met" : "NOT met";
    }

    static String load() {
        try {
            return Arrays.stream(Files.readString(Path.of("/proc/loadavg")).split(" ")).findFirst().orElse("?");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
