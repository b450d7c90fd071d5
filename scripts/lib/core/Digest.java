package lib.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as registries write it, {@code sha256:} and 64 lowercase hex characters: what a manifest is
 * addressed by and what the skip ladder compares. The one place a digest is checked; anything holding a Digest
 * holds a valid one.
 */
public record Digest(@JsonValue String value) {
    private static final Pattern FORM = Pattern.compile("sha256:[0-9a-f]{64}");

    public Digest {
        if (value == null || !valid(value)) {
            throw new IllegalArgumentException("'" + value + "' is not a digest: expected sha256: followed by 64 lowercase hex characters");
        }
    }

    public static boolean valid(String text) {
        return text != null && FORM.matcher(text).matches();
    }

    /** The digest of these bytes: what a registry would address them by. */
    public static Digest of(byte[] content) {
        try {
            return new Digest("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** {@code text} as a digest, or null when it is not one (a registry's header, a remembered state entry). */
    @JsonCreator
    public static Digest parseOrNull(String text) {
        return valid(text) ? new Digest(text) : null;
    }

    /** "sha256:" and the first 12 hex characters: enough to tell images apart in a line people read. */
    public String brief() {
        return value.substring(0, 19);
    }

    @Override
    public String toString() {
        return value;
    }
}
