import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SkopeoTest {
    final FakeRunner runner = new FakeRunner();
    final Skopeo skopeo = new Skopeo(runner, Path.of("/private/auth.json"), Set.of("127.0.0.1:5000"), true);

    @Test
    void inspectReadsTheRawManifestWithThePrivateAuthFile() {
        assertEquals(List.of("skopeo", "inspect", "--raw", "--authfile", "/private/auth.json", "docker://docker.io/library/nginx:1"),
                skopeo.inspectArgs("docker://docker.io/library/nginx:1", false));
        assertEquals(List.of("skopeo", "inspect", "--raw", "--config", "--authfile", "/private/auth.json", "--tls-verify=false",
                "docker://127.0.0.1:5000/library/nginx@sha256:abc"), skopeo.inspectArgs("docker://127.0.0.1:5000/library/nginx@sha256:abc", true));
    }

    @Test
    void copyPreservesDigestsRetriesAndRelaxesTlsOnlyForInsecureHosts() {
        assertEquals(List.of("skopeo", "copy", "--retry-times", "3", "--preserve-digests", "--authfile", "/private/auth.json",
                        "--src-tls-verify=false", "docker://127.0.0.1:5000/library/a@sha256:1", "docker://ghcr.io/me/a:1"),
                skopeo.copyArgs("docker://127.0.0.1:5000/library/a@sha256:1", "docker://ghcr.io/me/a:1"));
        Skopeo old = new Skopeo(runner, null, Set.of(), false);
        assertEquals(List.of("skopeo", "copy", "--retry-times", "3", "docker://a.io/x@sha256:1", "docker://b.io/y:1"),
                old.copyArgs("docker://a.io/x@sha256:1", "docker://b.io/y:1"));
    }

    @Test
    void theSecretGoesToStandardInputNeverToTheArguments() {
        skopeo.login("registry.example", "alice", new Secret("s3cret"));
        ProcessRunner.Command c = runner.commands.get(0);
        assertEquals(List.of("skopeo", "login", "--authfile", "/private/auth.json", "--username", "alice", "--password-stdin", "registry.example"), c.args());
        assertArrayEquals("s3cret".getBytes(StandardCharsets.UTF_8), c.stdin());
        assertFalse(String.join(" ", c.args()).contains("s3cret"));
        assertEquals("****", new Secret("s3cret").toString());
    }

    @Test
    void aMissingTargetTagIsAnAnswerNotAFailure() {
        runner.fail("docker://t.io/ns/a:1", "time=\"x\" level=fatal msg=\"Error parsing image name \\\"docker://t.io/ns/a:1\\\": reading manifest 1 in t.io/ns/a: manifest unknown: manifest unknown\"");
        assertNull(skopeo.inspectRaw("docker://t.io/ns/a:1", "reading target", true, null));
        SyncError e = assertThrows(SyncError.class, () -> skopeo.inspectRaw("docker://t.io/ns/a:1", "reading source t.io/ns/a:1", false, null));
        assertEquals(SyncError.Kind.PERMANENT, e.kind);
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
    void temporaryFilesGoToTheImagesOwnDirectory() {
        skopeo.copy("docker://a.io/x@sha256:1", "docker://b.io/y:1", "copying", Path.of("/tmp/image-1"));
        assertEquals("/tmp/image-1", runner.commands.get(0).env().get("TMPDIR"));
    }
}
