package lib.sync;

import lib.core.ImageRef;
import lib.core.SyncError;
import lib.core.Target;
import lib.registry.Http;

import java.io.IOException;
import java.util.List;

/**
 * A registry that could not be reached, said once for --doctor's checklist and a sync's verdict alike: why ({@code
 * reason}, in the registry client's words) and what to do about it ({@code fix}), which depends on why and on what the
 * host is to this run (a target's registry, Docker Hub, a mirror named by SOURCE_REGISTRY, or a host the list names).
 * {@code verdict}: the reason is one that retrying within a run does not mend (the name does not resolve, the
 * connection is refused, TLS fails), rather than a timeout or a dropped connection.
 */
public record Unreachable(String host, String reason, String fix, boolean verdict) {
    static final String NO_SUCH_HOST = "no such host";
    static final String REFUSED = "connection refused";
    static final String DOCKER_HUB = "this machine cannot reach Docker Hub: run the sync in GitHub Actions (see README), or set SOURCE_REGISTRY "
            + "to a mirror you can reach, or set HTTPS_PROXY";

    /** {@code check}: what to check for this host, from {@link #check}. */
    public static Unreachable of(String host, IOException e, String check) {
        boolean tls = Http.isTls(e);
        String reason = tls ? "TLS failed: its certificate is not trusted, or it does not speak HTTPS" : Http.describe(e);
        String fix;
        if (check.equals(DOCKER_HUB)) {
            fix = DOCKER_HUB;
        } else if (tls) {
            fix = "if " + host + " is your own registry with a self-signed certificate or plain HTTP, add it to INSECURE_REGISTRIES "
                    + "(--insecure-registry); otherwise check the network";
        } else if (reason.equals(NO_SUCH_HOST)) {
            fix = check + ", or this machine's DNS and proxy (HTTPS_PROXY)";
        } else if (reason.equals(REFUSED)) {
            fix = check + " and that a registry runs there, or this machine's network and proxy (HTTPS_PROXY)";
        } else {
            fix = check + " and this machine's network (set HTTPS_PROXY if you need a proxy)";
        }
        return new Unreachable(host, reason, fix, tls || reason.equals(NO_SUCH_HOST) || reason.equals(REFUSED));
    }

    /**
     * What to check when {@code host} cannot be reached: a target's registry variable; for Docker Hub, how to do without
     * it; for the mirror that Docker Hub names are read through ({@code dockerHubNames}), SOURCE_REGISTRY; else the
     * list's images from that host.
     */
    public static String check(String host, List<Target> targets, boolean dockerHubNames) {
        for (Target t : targets) {
            if (t.registry().equals(host)) {
                return "check " + t.variables() + "_REGISTRY";
            }
        }
        if (host.equals(ImageRef.DOCKER_HUB)) {
            return DOCKER_HUB;
        }
        return dockerHubNames ? "check SOURCE_REGISTRY" : "check the images from " + host + " in the list";
    }

    /** The one line every image that needs the host fails with. */
    public SyncError error() {
        return new SyncError(reason.equals(NO_SUCH_HOST) ? SyncError.Kind.UNKNOWN_HOST : SyncError.Kind.UNREACHABLE,
                "cannot reach " + host + ": " + reason + " — fix: " + fix);
    }
}
