package support;

import lib.core.Digest;

import java.nio.charset.StandardCharsets;

/** Valid digests with names, for tests that need one without real content behind it: {@code d("amd64")}. */
public final class Digests {
    private Digests() {}

    /** The digest of the name's bytes: the same name, the same digest; two names, two digests. */
    public static Digest d(String name) {
        return Digest.of(name.getBytes(StandardCharsets.UTF_8));
    }
}
