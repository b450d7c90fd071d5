package lib.core;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/** A password or token: never printed, only ever handed to a process's standard input or the private auth file. */
public final class Secret {
    /**
     * Shorter secrets are not searched for in output: replacing every "abc" would garble the log and, by what it
     * garbles, still give the secret away. Such a secret is also weak, which the run says.
     */
    public static final int MIN_REDACTABLE = 6;
    private static final Pattern SECRET_VARIABLE = Pattern.compile(".*(PASSWORD|PASSWD|TOKEN|SECRET|WEBHOOK|CREDENTIAL|AUTH_CONFIG).*");

    private final String value;

    /** Taken verbatim: spaces at either end belong to the password. */
    public Secret(String value) {
        this.value = value;
    }

    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** For redacting output and for an Authorization header: the raw text, to be searched for and replaced, never shown. */
    public String reveal() {
        return value;
    }

    public boolean redactable() {
        return value.length() >= MIN_REDACTABLE;
    }

    /** Environment variables a child process must not inherit: ours (ALIYUN_PASSWORD, GHCR_TOKEN, ...) and the like. */
    public static boolean isSecretVariable(String name) {
        return SECRET_VARIABLE.matcher(name.toUpperCase(Locale.ROOT)).matches();
    }

    @Override
    public String toString() {
        return "****";
    }
}
