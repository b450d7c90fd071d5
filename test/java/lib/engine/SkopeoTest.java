package lib.engine;

import lib.core.Context;
import lib.core.Deadline;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Platform;
import lib.core.Secret;
import lib.core.SyncError;
import support.FakeRunner;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static support.Digests.d;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** skopeo's argument lists and how its answers are read, through a fake runner. */
class SkopeoTest {
    static final Context JOB = new Context(Deadline.after(Duration.ofMinutes(30)), Path.of("/tmp/image-1"), w -> { });
    final FakeRunner runner = new FakeRunner();
    final Skopeo skopeo = new Skopeo(runner, Path.of("/private/auth.json"), Set.of("127.0.0.1:5000"), true);

    static ImageRef ref(String text) {
        return ImageRef.parse(text, "docker.io");
    }

    @Test
    void inspectReadsTheRawManifestWithThePrivateAuthFile() {
        assertEquals(List.of("skopeo", "inspect", "--raw", "--authfile", "/private/auth.json", "docker://docker.io/library/nginx:1"),
                skopeo.inspectArgs(ref("nginx:1"), false));
        assertEquals(List.of("skopeo", "inspect", "--raw", "--config", "--authfile", "/private/auth.json", "--tls-verify=false",
                "docker://127.0.0.1:5000/library/nginx@sha256:" + "a".repeat(64)), skopeo.inspectArgs(ref("127.0.0.1:5000/library/nginx:1").withDigest(new Digest("sha256:" + "a".repeat(64))), true));
    }

    @Test
    void copyLeavesRetriesToUsPreservesDigestsAndRelaxesTlsOnlyForInsecureHosts() {
        ImageRef source = ref("127.0.0.1:5000/library/a:1").withDigest(d("1"));
        assertEquals(List.of("skopeo", "copy", "--retry-times", "0", "--preserve-digests", "--authfile", "/private/auth.json",
                        "--src-tls-verify=false", "docker://127.0.0.1:5000/library/a@" + d("1"), "docker://ghcr.io/me/a:1"),
                skopeo.copyArgs(source, ImageRef.in("ghcr.io", "me", "a", "1")));
        Skopeo old = new Skopeo(runner, null, Set.of(), false);
        assertEquals(List.of("skopeo", "copy", "--retry-times", "0", "docker://a.io/x@" + d("1"), "docker://b.io/ns/y:1"),
                old.copyArgs(ref("a.io/x:1").withDigest(d("1")), ImageRef.in("b.io", "ns", "y", "1")));
    }

    @Test
    void theSecretGoesToStandardInputNeverToTheArguments() {
        runner.answer("skopeo login", "Login Succeeded!");
        skopeo.login("registry.example", "alice", new Secret("s3cret"), JOB);
        ProcessRunner.Command c = runner.commands.get(0);
        assertEquals(List.of("skopeo", "login", "--authfile", "/private/auth.json", "--username", "alice", "--password-stdin", "registry.example"), c.args());
        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), c.stdin());
        assertFalse(String.join(" ", c.args()).contains("s3cret"));
        assertEquals("****", new Secret("s3cret").toString());
    }

    @Test
    void aMissingTargetTagIsAnAnswerNotAFailure() {
        runner.fail("docker://t.io/ns/a:1", "time=\"x\" level=fatal msg=\"Error parsing image name \\\"docker://t.io/ns/a:1\\\": reading manifest 1 in t.io/ns/a: manifest unknown: manifest unknown\"");
        ImageRef target = ImageRef.in("t.io", "ns", "a", "1");
        assertNull(skopeo.inspectRaw(target, "reading target", true, JOB));
        SyncError e = assertThrows(SyncError.class, () -> skopeo.inspectRaw(target, "reading source t.io/ns/a:1", false, JOB));
        assertEquals(SyncError.Kind.NOT_FOUND, e.kind);
        assertEquals("reading source t.io/ns/a:1: not found (reading manifest 1 in t.io/ns/a: manifest unknown: manifest unknown); check the image name and tag", e.getMessage());
    }

    @Test
    void preserveDigestsIsUsedFromSkopeo19On() {
        assertEquals(true, Skopeo.supportsPreserveDigests("skopeo version 1.9.3"));
        assertEquals(true, Skopeo.supportsPreserveDigests("skopeo version 1.13.3"));
        assertEquals(true, Skopeo.supportsPreserveDigests("skopeo version 2.0.0"));
        assertEquals(false, Skopeo.supportsPreserveDigests("skopeo version 1.4.1"));
        assertEquals(false, Skopeo.supportsPreserveDigests("garbled"));
    }

    @Test
    void temporaryFilesGoToTheImagesOwnDirectoryAndNoProcessOutlivesTheDeadline() {
        runner.answer("skopeo copy", "");
        Context soon = new Context(Deadline.after(Duration.ofSeconds(40)), Path.of("/tmp/image-1"), w -> { });
        try (Copier.Copy copy = skopeo.start(ref("a.io/x:1").withDigest(d("1")), Platform.DEFAULT, soon)) {
            copy.to(ImageRef.in("b.io", "ns", "y", "1"), "copying");
        }
        ProcessRunner.Command c = runner.commands.get(0);
        assertEquals("/tmp/image-1", c.env().get("TMPDIR"));
        assertTrue(c.timeout().compareTo(Duration.ofSeconds(40)) <= 0, "the copy may take what is left of the image's time, no more: " + c.timeout());
        assertTrue(skopeo.inspectArgs(ref("a.io/x:1"), false).size() > 0);
        runner.answer("inspect", "{}");
        skopeo.inspectRaw(ref("a.io/x:1"), "reading", false, JOB);
        assertEquals(Duration.ofMinutes(2), runner.commands.get(1).timeout(), "an inspect gets a short timeout of its own");
    }
}
