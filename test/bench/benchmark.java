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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Cold sync and no-op re-sync of N multi-arch images through latency-injecting proxies: "
                + "this toolkit vs skopeo sync vs a sequential loop in the original tool's style. Run from the repository root.")
public class benchmark implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "100", description = "Number of fixture images (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--delay-ms", defaultValue = "30", description = "Delay added to every request, per registry (default: ${DEFAULT-VALUE}).")
    int delayMs;

    @Option(names = "--out", description = "Also write the table (Markdown) to this file.")
    Path out;

    record Run(String phase, String contender, double seconds, long sourceGets, long sourceHeads, long processes) {}

    Registry source;
    Registry target;
    LatencyProxy sourceProxy;
    LatencyProxy targetProxy;
    Path work;
    final String password = "bench-" + UUID.randomUUID();
    final List<Run> runs = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new benchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        work = Files.createTempDirectory("image-sync-bench-");
        source = Registry.start(work.resolve("source"), null, null);
        target = Registry.start(work.resolve("target"), "bench", password);
        try {
            sourceProxy = new LatencyProxy(source.host, Duration.ofMillis(delayMs));
            targetProxy = new LatencyProxy(target.host, Duration.ofMillis(delayMs));
            Path auth = work.resolve("auth.json");
            check(Tools.run(List.of("skopeo", "login", "--authfile", auth.toString(), "--tls-verify=false", "-u", "bench", "--password-stdin",
                    targetProxy.host), null, null, password.getBytes(StandardCharsets.UTF_8)));
            System.out.printf(Locale.ROOT, "building %d fixture images (linux/amd64, linux/arm64, linux/arm/v7) ...%n", n);
            List<String> names = fixtures();
            Files.writeString(work.resolve("images.txt"), String.join("\n", names) + "\n");
            writeSkopeoSyncYaml(names);

            cold("this toolkit --jobs 1", () -> ours("ours1", "--jobs", "1"));
            cold("this toolkit (default --jobs 4)", () -> ours("ours4"));
            cold("skopeo sync", () -> skopeoSync(auth));
            cold("original-style loop", () -> originalLoop(names, auth));

            noop("this toolkit, no state", () -> {
                Files.deleteIfExists(state("ours4"));
                return ours("ours4");
            });
            noop("skopeo sync", () -> skopeoSync(auth));
            noop("original-style loop", () -> originalLoop(names, auth));
            noop("this toolkit, warm state", () -> ours("ours4"));
            report();
        } finally {
            sourceProxy.close();
            targetProxy.close();
            source.close();
            target.close();
        }
        return 0;
    }

    interface Contender {
        long run() throws Exception;
    }

    void cold(String name, Contender c) throws Exception {
        measure("cold sync", name, c);
    }

    void noop(String name, Contender c) throws Exception {
        measure("no-op re-sync", name, c);
    }

    void measure(String phase, String name, Contender c) throws Exception {
        long gets = source.manifestRequests("GET");
        long heads = source.manifestRequests("HEAD");
        long start = System.nanoTime();
        long processes = c.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        Run run = new Run(phase, name, seconds, source.manifestRequests("GET") - gets, source.manifestRequests("HEAD") - heads, processes);
        runs.add(run);
        System.out.printf(Locale.ROOT, "%-14s %-34s %7.1fs  GET %4d  HEAD %4d  processes %4d%n", phase, name, seconds, run.sourceGets(), run.sourceHeads(), processes);
    }

    List<String> fixtures() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String name = String.format(Locale.ROOT, "bench-%03d", i);
            List<Fixtures.Image> images = List.of(new Fixtures.Image("linux/amd64", "2024-05-01T00:00:00Z", name + "-amd64"),
                    new Fixtures.Image("linux/arm64", "2024-05-01T00:00:00Z", name + "-arm64"),
                    new Fixtures.Image("linux/arm/v7", "2024-05-01T00:00:00Z", name + "-armv7"));
            Fixtures.Layout layout = Fixtures.multiArch(Files.createDirectories(work.resolve("layouts").resolve(name)), images);
            check(Tools.run(List.of("skopeo", "copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout.dir() + ":fixture",
                    "docker://" + source.host + "/library/" + name + ":1"), null, null, null));
            names.add(name + ":1");
        }
        return names;
    }

    Path state(String namespace) {
        return work.resolve("state-" + namespace + ".json");
    }

    /** Runs sync.java as a user does; returns the skopeo processes it reports having started, plus itself. */
    long ours(String namespace, String... extra) throws Exception {
        Map<String, String> env = Tools.cleanEnv();
        env.put("ALIYUN_REGISTRY", targetProxy.host);
        env.put("ALIYUN_NAMESPACE", namespace);
        env.put("ALIYUN_USERNAME", "bench");
        env.put("ALIYUN_PASSWORD", password);
        env.put("SOURCE_REGISTRY", sourceProxy.host);
        env.put("INSECURE_REGISTRIES", sourceProxy.host + "," + targetProxy.host);
        env.put("SYNC_STATE", state(namespace).toString());
        List<String> cmd = new ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString(), Tools.REPO.resolve("scripts/sync.java").toString(),
                "--report", work.resolve("report.json").toString()));
        cmd.addAll(List.of(extra));
        check(Tools.run(cmd, env, work, null));
        JsonNode processes = Fixtures.JSON.readTree(work.resolve("report.json").toFile()).at("/stats/processes");
        long count = 1;
        for (JsonNode p : processes) {
            count += p.asLong();
        }
        return count;
    }

    void writeSkopeoSyncYaml(List<String> names) throws Exception {
        StringBuilder yaml = new StringBuilder(sourceProxyHostPlaceholder() + ":\n  tls-verify: false\n  images:\n");
        for (String name : names) {
            String[] p = name.split(":");
            yaml.append("    library/").append(p[0]).append(": [\"").append(p[1]).append("\"]\n");
        }
        Files.writeString(work.resolve("skopeo-sync.yaml"), yaml.toString());
    }

    String sourceProxyHostPlaceholder() {
        return sourceProxy.host;
    }

    long skopeoSync(Path auth) {
        check(Tools.run(List.of("skopeo", "sync", "--src", "yaml", "--dest", "docker", "--dest-tls-verify=false", "--dest-authfile", auth.toString(),
                "--preserve-digests", work.resolve("skopeo-sync.yaml").toString(), targetProxy.host + "/skopeo"), null, work, null));
        return 1;
    }

    /** The original tool's way: inspect the source, inspect the target, compare, copy when they differ. */
    long originalLoop(List<String> names, Path auth) {
        long processes = 0;
        for (String name : names) {
            String src = "docker://" + sourceProxy.host + "/library/" + name;
            String dst = "docker://" + targetProxy.host + "/orig/" + name;
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

    void report() throws Exception {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d images, %d ms added per request, %s, %d cores%n%n", n, delayMs,
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors()));
        md.append("| phase | contender | wall time | manifest GETs at source | manifest HEADs at source | processes |\n|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f s | %d | %d | %d |%n", r.phase(), r.contender(), r.seconds(), r.sourceGets(), r.sourceHeads(), r.processes()));
        }
        Map<String, Double> t = new LinkedHashMap<>();
        runs.forEach(r -> t.put(r.phase() + "/" + r.contender(), r.seconds()));
        md.append("\nRatios:\n\n");
        ratio(md, "cold: skopeo sync / this toolkit (default --jobs)", t.get("cold sync/skopeo sync"), t.get("cold sync/this toolkit (default --jobs 4)"), 2);
        ratio(md, "no-op: original-style loop / this toolkit with warm state", t.get("no-op re-sync/original-style loop"), t.get("no-op re-sync/this toolkit, warm state"), 10);
        ratio(md, "no-op: skopeo sync / this toolkit with warm state", t.get("no-op re-sync/skopeo sync"), t.get("no-op re-sync/this toolkit, warm state"), 3);
        System.out.println();
        System.out.print(md);
        if (out != null) {
            Files.writeString(out, md.toString());
        }
    }

    static void ratio(StringBuilder md, String label, double slower, double faster, double goal) {
        double r = slower / faster;
        md.append(String.format(Locale.ROOT, "- %s: %.1f× (goal ≥ %.0f×: %s)%n", label, r, goal, r >= goal ? "met" : "NOT met"));
    }
}
