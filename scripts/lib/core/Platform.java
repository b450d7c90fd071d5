package lib.core;

import java.util.List;
import java.util.regex.Pattern;

/** An OCI platform as written on the command line and in images.txt: os/arch[/variant]. */
public record Platform(String os, String arch, String variant) {
    public static final Platform DEFAULT = new Platform("linux", "amd64", null);
    private static final Pattern PART = Pattern.compile("[a-z0-9]+");
    /** What registries publish (Go's GOOS/GOARCH with the variants OCI names); a typo such as linux/amd is caught before any request. */
    static final List<String> KNOWN = List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le",
            "linux/s390x", "linux/riscv64", "linux/amd64/v2", "linux/amd64/v3", "linux/arm64/v8", "linux/arm/v5", "linux/arm",
            "linux/mips64le", "linux/loong64", "windows/amd64", "windows/arm64");

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
        if (!KNOWN.contains(text)) {
            String near = KNOWN.stream().filter(k -> k.startsWith(text) || text.startsWith(k)).findFirst().orElse(null);
            throw new IllegalArgumentException("unknown platform '" + text + "'" + (near == null ? "" : " (did you mean " + near + "?)")
                    + ": use one of " + String.join(", ", KNOWN.subList(0, 8)));
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** What keeps architectures from overwriting each other at the target, put before the name: "" for the default platform, else e.g. linux_arm64. */
    public String namePrefix() {
        if (equals(DEFAULT)) {
            return "";
        }
        return os + "_" + arch + (variant == null ? "" : "_" + variant);
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
