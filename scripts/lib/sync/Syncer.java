package lib.sync;

import lib.core.Context;
import lib.core.Target;
import lib.engine.Copier;
import lib.engine.Inspector;
import lib.list.Plan;
import lib.registry.RegistryClient;

import java.util.List;
import java.util.function.Function;

/**
 * One image to every target, put together from its pieces: the HEADs asked ahead ({@link HeadCache}), every read
 * under one policy ({@link ManifestReader}), the source as the state allows ({@link SourceResolver}), and the two
 * kinds of line, one platform ({@link PlatformSync}) and several under one tag ({@link IndexSync}).
 */
public final class Syncer {
    public record Options(boolean force, boolean dryRun) {}

    private final List<Target> targets;
    private final HeadCache heads;
    private final ManifestReader reader;
    private final PlatformSync single;
    private final IndexSync multi;

    /**
     * {@code client} null: the engine answers everything and nothing is asked ahead. {@code hosts}: the retry policy
     * and the run's verdicts on hosts, shared with the logins.
     */
    public Syncer(RegistryClient client, Inspector inspector, Copier copier, Reachability hosts, List<Target> targets, Options options,
                  SyncState state, PullBudget budget) {
        this.targets = targets;
        this.heads = client == null ? new HeadCache(null, 1, targets, options.force())
                : new HeadCache(client::head, client.perRegistry(), targets, options.force());
        this.reader = new ManifestReader(client, inspector, hosts, heads);
        SourceResolver sources = new SourceResolver(reader, state, budget);
        this.single = new PlatformSync(reader, sources, copier, budget, targets, options);
        this.multi = new IndexSync(reader, sources, copier, budget, targets, options);
    }

    public List<Target> targets() {
        return targets;
    }

    ManifestReader reader() {
        return reader;
    }

    /** Asks the batch's cheap questions up front (see {@link HeadCache}). */
    public void prefetch(List<Plan.Item> items, Context context) {
        heads.prefetch(items, context);
    }

    public ImageResult sync(Plan.Item item, Context context) {
        return item.spec().platform().multi() ? multi.sync(item, context) : single.sync(item, context);
    }

    /** The same outcome at every target, e.g. a source that could not be read. */
    public static ImageResult atEvery(List<Target> targets, Plan.Item item, Function<TargetResult.At, TargetResult> outcome) {
        long now = System.nanoTime();
        return ImageResult.of(item, targets.stream().map(t -> outcome.apply(at(t, item, now))).toList());
    }

    static TargetResult.At at(Target target, Plan.Item item, long start) {
        return TargetResult.At.of(target, item.nameAt(target), start);
    }
}
