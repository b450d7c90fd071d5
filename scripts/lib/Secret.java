import java.nio.charset.StandardCharsets;

/** A password or token: never printed, only ever handed to a process's standard input. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = value;
    }

    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** For redacting output: the raw text, to be searched for and replaced, never shown. */
    String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
