package lib.sync;

import lib.core.Context;
import lib.core.Digest;
import lib.core.ImageRef;
import lib.core.Manifests;
import lib.core.SyncError;
import lib.engine.Inspector;
import lib.registry.RegistryClient;

import java.util.List;
import java.util.function.Supplier;

/**
 * Every read of a manifest, a digest or a tag list, under one policy: the registry client first (a request instead
 * of a process, and a HEAD costs no pull), the inspecting engine (skopeo, else the docker CLI) only where the client
 * cannot answer, and everything under the one retry layer, the run's verdicts on hosts ({@link Reachability}) and
 * the context's deadline.
 */
final class ManifestReader {
    private final RegistryClient client;
    private final Inspector inspector;
    private final Reachability hosts;
    private final HeadCache heads;

    /** {@code client} null: the engine answers everything. */
    ManifestReader(RegistryClient client, Inspector inspector, Reachability hosts, HeadCache heads) {
        this.client = client;
        this.inspector = inspector;
        this.hosts = hosts;
        this.heads = heads;
    }

    /** A HEAD, asked ahead or now; null when the client cannot answer (then the engine does). */
    RegistryClient.Head head(ImageRef ref, Context context) {
        RegistryClient.Head early = heads.take(ref, context);
        if (early != null || client == null) {
            return early;
        }
        try {
            return attempt(ref, () -> client.head(ref, context), context);
        } catch (RegistryClient.Unsupported e) {
            return null;
        }
    }

    /**
     * A source manifest, byte for byte: by the client when it can (the same pull for Docker Hub's quota), else by the
     * engine, which also says in its own words what is missing.
     */
    byte[] source(ImageRef ref, String what, Context context) {
        if (client != null) {
            try {
                byte[] raw = attempt(ref, () -> client.manifest(ref, context), context);
                if (raw != null) {
                    return raw;
                }
            } catch (RegistryClient.Unsupported e) {
                // The engine answers what the client cannot.
            }
        }
        return attempt(ref, () -> hidden(ref, what, () -> inspector.inspectRaw(ref, what, false, context)), context);
    }

    /**
     * A source read the engine was refused although its login (or anonymous access) was good: what skopeo says
     * ("requested access to the resource is denied") when Docker Hub hides whether a repository exists, said as the
     * registry client says it (see RegistryClient#notFoundOrPrivate).
     */
    private static <T> T hidden(ImageRef ref, String what, Supplier<T> read) {
        try {
            return read.get();
        } catch (SyncError e) {
            // Only those words: a refused login, a wrong token or another registry's 403 keep their own, and their hint.
            boolean hides = e.kind == SyncError.Kind.DENIED && String.valueOf(e.getMessage()).contains("requested access to the resource is denied");
            throw hides ? RegistryClient.notFoundOrPrivate(what, ref.registry()) : e;
        }
    }

    /** A manifest at a target, by the engine; null when the tag does not exist and {@code missingOk}. */
    byte[] target(ImageRef ref, String what, boolean missingOk, Context context) {
        return attempt(ref, () -> inspector.inspectRaw(ref, what, missingOk, context), context);
    }

    /** What a tag points at as far as a HEAD can tell: null when it does not exist or the client cannot ask. */
    Digest digestAtByHead(ImageRef ref, Context context) {
        RegistryClient.Head head = head(ref, context);
        return head != null && head.found() ? head.digest() : null;
    }

    /** What a tag points at, or null when it does not exist: a HEAD, or the engine when the client cannot ask. */
    Digest digestAt(ImageRef ref, Context context) {
        RegistryClient.Head head = head(ref, context);
        if (head != null) {
            return head.found() ? head.digest() : null;
        }
        byte[] raw = target(ref, "reading target " + ref.display(), true, context);
        return raw == null ? null : Digest.of(raw);
    }

    /** The digest a target reports after a copy: a HEAD when the client can ask, else the engine. */
    Digest readBack(ImageRef ref, Context context) {
        RegistryClient.Head head = head(ref, context);
        if (head != null && head.found()) {
            return head.digest();
        }
        return Digest.of(target(ref, "reading back " + ref.display(), false, context));
    }

    /** Whether a manifest is known to be there; false also when only the engine could tell (it is then copied again). */
    boolean present(ImageRef ref, Context context) {
        return digestAtByHead(ref, context) != null;
    }

    Manifests.Config config(ImageRef ref, String what, Context context) {
        return Manifests.config(attempt(ref, () -> inspector.inspectConfig(ref, what, context), context));
    }

    /**
     * A source manifest read once by the client, for a check made inside a try of the retry layer (which must not
     * nest); null when the client cannot read it so.
     */
    byte[] sourceOnce(ImageRef ref, Context context) {
        if (client == null) {
            return null;
        }
        try {
            return client.manifest(ref, context);
        } catch (SyncError | RegistryClient.Unsupported e) {
            return null;
        }
    }

    /**
     * Whether {@code repository} holds everything {@code manifest} refers to (an image's config and layers, an index's
     * manifests), each confirmed by one HEAD, asked once as {@link #sourceOnce}; false when anything is missing or
     * cannot be asked.
     */
    boolean holdsAllOf(ImageRef repository, byte[] manifest, Context context) {
        if (client == null) {
            return false;
        }
        try {
            Manifests.Parsed parsed = Manifests.parse(manifest);
            if (parsed.index()) {
                return parsed.entries().stream().allMatch(e -> client.head(repository.withDigest(e.digest()), context).found());
            }
            return Manifests.blobs(manifest).stream().allMatch(d -> client.hasBlob(repository, d, context));
        } catch (SyncError | RegistryClient.Unsupported | IllegalArgumentException e) {
            return false;
        }
    }

    /** Every tag of a repository: the registry API (which Docker Hub does not count as pulls), else the engine. */
    List<String> tags(ImageRef repository, int pageSize, Context context) {
        if (client != null) {
            try {
                return attempt(repository, () -> client.tags(repository, pageSize, context), context);
            } catch (RegistryClient.Unsupported e) {
                // The engine lists what the client cannot.
            }
        }
        return attempt(repository, () -> hidden(repository, "listing the tags of " + repository.name(), () -> inspector.listTags(repository, context)), context);
    }

    /** A request to {@code ref}'s registry. */
    private <T> T attempt(ImageRef ref, Supplier<T> action, Context context) {
        return hosts.run(ref.registry(), action, context);
    }

    /** A copy: it talks to the source and a target, and only its failure can say which one it could not reach. */
    <T> T attempt(Supplier<T> action, Context context) {
        return hosts.run(null, action, context);
    }
}
