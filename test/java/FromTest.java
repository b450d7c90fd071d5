import support.Tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sync.java --from: the images.txt lines a stack's files need, printed or appended; nothing is copied and no setting is needed. */
class FromTest {
    static final Path STACKS = Tools.REPO.resolve("test/stacks");

    static Tools.Result sync(Path work, byte[] stdin, String... args) {
        return Cli.sync(work, Map.of(), null, null, stdin, args);
    }

    @Test
    void theLinesOfAComposeFileArePrintedOnceEachAndWhatCannotBeReadFailsTheRun(@TempDir Path work) {
        Tools.Result r = sync(work, null, "--from", STACKS.resolve("compose.yaml").toString());
        assertEquals(1, r.exit(), r.all());
        assertEquals(List.of("nginx:1.27-alpine", "redis:7.2", "docker.io/library/rabbitmq:3.13-management", "postgres:16", "quay.io/coreos/etcd:v3.5.0"),
                r.out().lines().toList());
        assertTrue(r.stderr().contains("compose.yaml:24: services.search.image 'elasticsearch:${ES_VERSION}' needs the variable ES_VERSION"), r.stderr());
    }

    @Test
    void helmTemplateOutputIsReadFromStandardInput(@TempDir Path work) throws IOException {
        Tools.Result r = sync(work, Files.readAllBytes(STACKS.resolve("helm-template.yaml")), "--from", "-");
        assertEquals(0, r.exit(), r.all());
        assertEquals(List.of("docker.io/bitnami/os-shell:12-debian-12-r27", "docker.io/bitnami/redis:7.2.5-debian-12-r4",
                "docker.io/bitnami/redis-exporter:1.62.0-debian-12-r2"), r.out().lines().toList());
    }

    @Test
    void appendAddsOnlyWhatTheListLacksKeepsItsCommentsAndASecondTimeAddsNothing(@TempDir Path work) throws IOException {
        String before = "# my list\nnginx:1.27          # the web server\n--platform=linux/arm64 busybox:1.36\ndocker.io/library/bitnami-not:1\n";
        Files.writeString(work.resolve("images.txt"), before);
        Files.copy(STACKS.resolve("k8s.yaml"), work.resolve("k8s.yaml"));
        Tools.Result r = sync(work, null, "--from", "k8s.yaml", "--append", "images.txt");
        assertEquals(1, r.exit(), "the digest-only image could not be read: " + r.all());
        String after = Files.readString(work.resolve("images.txt"));
        // nginx:1.27 is there; busybox is there for arm64 only, so the amd64 line is added.
        // (Cli resolves k8s.yaml in the work folder, as a shell there would find it.)
        assertEquals(before + "\n# from " + work.resolve("k8s.yaml") + " (sync.java --from)\nbusybox:1.36\nquay.io/prometheus/node-exporter:v1.8.1\nregistry.k8s.io/pause:3.9\n"
                + "bitnami/kubectl:1.30\nalpine:3.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", after);
        assertTrue(r.out().contains("images.txt: 5 line(s) added, 1 already listed"), r.out());

        Tools.Result again = sync(work, null, "--from", "k8s.yaml", "--append", "images.txt");
        assertTrue(again.out().contains("images.txt: 0 line(s) added, 6 already listed"), again.out());
        assertEquals(after, Files.readString(work.resolve("images.txt")));
        Tools.Result plan = Cli.sync(work, Map.of(), null, null, "--plan");
        assertEquals(0, plan.exit(), "the list it made does not pass --plan: " + plan.all());
    }

    @Test
    void aLineThatWouldCollideIsNotAddedAndABrokenListIsNotTouched(@TempDir Path work) throws IOException {
        Files.writeString(work.resolve("images.txt"), "--name=busybox:1.36 alpine:3.20\n");
        Files.writeString(work.resolve("pod.yaml"), "kind: Pod\nspec:\n  containers:\n    - image: busybox:1.36\n    - image: nginx:1\n");
        Tools.Result r = sync(work, null, "--from", "pod.yaml", "--append", "images.txt");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("not added: busybox:1.36: ") && r.stderr().contains("would both be written to busybox:1.36"), r.stderr());
        assertTrue(Files.readString(work.resolve("images.txt")).endsWith("\nnginx:1\n"));

        Files.writeString(work.resolve("images.txt"), "Nginx:broken\n");
        Tools.Result broken = sync(work, null, "--from", "pod.yaml", "--append", "images.txt");
        assertEquals(1, broken.exit());
        assertTrue(broken.stderr().contains("has problems of its own"), broken.stderr());
        assertEquals("Nginx:broken\n", Files.readString(work.resolve("images.txt")));
    }

    @Test
    void fromGoesAloneAndAppendNeedsIt(@TempDir Path work) {
        for (String[] args : new String[][]{{"--append", "images.txt"}, {"--from", "x.yaml", "nginx:1"}, {"--from", "x.yaml", "--plan"}}) {
            Tools.Result r = sync(work, null, args);
            assertEquals(2, r.exit(), String.join(" ", args));
            assertTrue(r.stderr().startsWith("sync: --from FILE|DIR|- reads a stack's images"), r.stderr());
        }
        Tools.Result missing = sync(work, null, "--from", "nope.yaml");
        assertEquals(2, missing.exit());
        assertTrue(missing.stderr().contains("no such file or folder"), missing.stderr());
    }
}
