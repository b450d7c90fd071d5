package lib.core;

import java.util.function.Supplier;

/** Fetches at most once, and only when asked: the skip ladder rarely needs an image config. */
public final class Lazy<T> implements Supplier<T> {
    private Supplier<T> source;
    private T value;

    private Lazy(Supplier<T> source) {
        this.source = source;
    }

    public static <T> Lazy<T> of(Supplier<T> source) {
        return new Lazy<>(source);
    }

    @Override
    public synchronized T get() {
        if (source != null) {
            value = source.get();
            source = null;
        }
        return value;
    }
}
