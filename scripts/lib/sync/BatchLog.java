package lib.sync;

import lib.core.Log;
import lib.list.ImageSpec;

/**
 * How the batch tells the user what happens, without knowing how it is shown: each image's log (its warnings as
 * they happen, its outcome once done) and the one line of progress. The console implements it.
 */
public interface BatchLog extends Log {
    ImageLog image(int index, int total, ImageSpec spec);

    /** The line that shows how far the run is; where nobody watches a terminal, nothing. */
    void progress(String line);

    void endProgress();

    /** One image's lines: held back and shown together by {@link #flush}, so parallel images never interleave. */
    interface ImageLog extends Log {
        /** Said at once: a job has started on the image. */
        void started();

        /** Said at once: a long image is still at work after {@code elapsed}. */
        void stillRunning(String elapsed);

        void add(ImageResult image);

        void flush();
    }
}
