package lib.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What the doctor reads from a registry's answers. */
class RegistryProbeTest {
    @Test
    void grantedActionsAreReadFromAJwtAccessClaimOnly() {
        // The claims of a real anonymous Docker Hub token, as published for the pull-quota check.
        String hubClaims = "{\"access\":[{\"type\":\"repository\",\"name\":\"ratelimitpreview/test\",\"actions\":[\"pull\"],"
                + "\"parameters\":{\"pull_limit\":\"100\",\"pull_limit_interval\":\"21600\"}}],\"aud\":\"registry.docker.io\","
                + "\"iss\":\"auth.docker.io\",\"sub\":\"\"}";
        String hubToken = jwt(hubClaims);
        assertEquals(Set.of("pull"), RegistryProbe.grantedActions(hubToken, "ratelimitpreview/test"));
        assertEquals(Set.of(), RegistryProbe.grantedActions(hubToken, "library/nginx"), "a repository the token does not name is granted nothing");
        // GHCR's token: base64 of "v1:NAME:time", not a JWT.
        assertNull(RegistryProbe.grantedActions("djE6cmljaGxhbmRlci9kb3RuZXQtZG9ja2VyOjE2NjQ5MjQ3NjkwMTgyNTg1Mjk=", "richlander/dotnet-docker"));
        assertNull(RegistryProbe.grantedActions(jwt("{\"sub\":\"x\"}"), "a/b"), "a JWT without an access claim says nothing");
        assertNull(RegistryProbe.grantedActions("a.not-base64!.c", "a/b"));
    }

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString("signature".getBytes(StandardCharsets.UTF_8));
    }
}
