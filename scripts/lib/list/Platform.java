import java.util.regex.Pattern;

/** An OCI platform as written on the command line and in images.txt: os/arch[/variant]. */
public record Platform(String os, String arch, String variant) {
    public static final Platform DEFAULT = new Platform("linux", "amd64", null);
    private static final Pattern PART = Pattern.compile("[a-z0-9]+");

    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("invalid platform '" + text + "': expected OS/ARCH or OS/ARCH/VARIANT, e.g. linux/arm64 or linux/arm/v7");
        }
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                throw new IllegalArgumentException("invalid platform '" + text + "': each part must be lowercase letters and digits, e.g. linux/arm64 or linux/arm/v7");
            }
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** Prefix that keeps architectures from overwriting each other at the target: "" for the default platform. */
    public String namePrefix() {
        if (equals(DEFAULT)) {
            return "";
        }
        return os + "_" + arch + (variant == null ? "" : "_" + variant) + "_";
    }

    /** Whether an image offered for os/arch/variant satisfies this requested platform; no requested variant accepts any. */
    public boolean accepts(String os, String arch, String variant) {
        return this.os.equals(os) && this.arch.equals(arch) && (this.variant == null || this.variant.equals(variant));
    }

    /** os/arch[/variant], as platforms are written everywhere. */
    static String text(String os, String arch, String variant) {
        return os + "/" + arch + (variant == null ? "" : "/" + variant);
    }

    @Override
    public String toString() {
        return text(os, arch, variant);
    }
}
