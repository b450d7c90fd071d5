package lib.report;

import lib.core.ErrorLine;
import lib.core.Secret;
import lib.list.ImageSpec;
import lib.sync.BatchLog;
import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything the user reads, rendered from results: it decides nothing. Each image's lines are held back and
 * printed together, so parallel jobs never interleave; under GitHub Actions they form a ::group:: and failures
 * become ::error:: annotations. Every line passes through the redactor, so a secret that slipped into a tool's
 * message is still not shown.
 */
public final class Console implements BatchLog {
    private static final String CLEAR_LINE = "\r\033[K";
    private final PrintStream out;
    private final PrintStream err;
    private final boolean github;
    /** A person at a terminal: statuses in colour and one live progress line (never in Actions, a pipe or with NO_COLOR). */
    private final boolean terminal;
    private final List<String> secrets = new ArrayList<>();
    private String progress;

    public Console(PrintStream out, PrintStream err, boolean github) {
        this(out, err, github, false);
    }

    public Console(PrintStream out, PrintStream err, boolean github, boolean terminal) {
        this.out = out;
        this.err = err;
        this.github = github;
        this.terminal = terminal && !github;
    }

    /** The console for this process: a terminal when stdout is one, GitHub Actions' conventions when running there. */
    public static Console of(java.util.Map<String, String> env) {
        boolean github = ErrorLine.github(env);
        return new Console(System.out, System.err, github, System.console() != null && env.get("NO_COLOR") == null && !"dumb".equals(env.get("TERM")));
    }

    /** On a terminal, the one line that shows how far the run is, redrawn under whatever else is printed; elsewhere nothing. */
    @Override
    public synchronized void progress(String line) {
        if (terminal) {
            progress = line;
            out.print(CLEAR_LINE + line);
            out.flush();
        }
    }

    /** Prints {@code lines} above the progress line, which is then drawn again. */
    private synchronized void above(PrintStream stream, List<String> lines) {
        if (progress != null) {
            out.print(CLEAR_LINE);
        }
        lines.forEach(stream::println);
        stream.flush();
        if (progress != null) {
            out.print(progress);
            out.flush();
        }
    }

    /** A status word in its colour on a terminal: green done, yellow waiting, red failed. */
    String colour(Status status, String text) {
        if (!terminal) {
            return text;
        }
        String code = switch (status) {
            case COPIED, SKIPPED -> "32";
            case WOULD_COPY, DEFERRED, CANCELLED -> "33";
            case FAILED -> "31";
        };
        return "\033[" + code + "m" + text + "\033[0m";
    }

    /** Hides {@code secret} from every line from now on; one too short to hide safely is named as weak instead. */
    public synchronized void hide(Secret secret, String variable) {
        if (secret == null) {
            return;
        }
        if (secret.redactable()) {
            secrets.add(secret.reveal());
        } else {
            warn(variable + " is shorter than " + Secret.MIN_REDACTABLE + " characters: too short to be hidden from logs without "
                    + "garbling them, and weak; use a longer password or an access token");
        }
    }

    public synchronized String redact(String text) {
        String result = text;
        for (String s : secrets) {
            result = result.replace(s, "****");
        }
        return result;
    }

    @Override
    public synchronized void info(String line) {
        above(out, List.of(redact(line)));
    }

    @Override
    public synchronized void warn(String line) {
        above(err, List.of(redact(ErrorLine.warning(line, github))));
    }

    public synchronized void error(String line) {
        above(err, List.of(redact(ErrorLine.error(line, github))));
    }

    /** The progress line is done with: the next output starts on a clean line. */
    @Override
    public synchronized void endProgress() {
        if (progress != null) {
            out.print(CLEAR_LINE);
            out.flush();
            progress = null;
        }
    }

    @Override
    public ImageLog image(int index, int total, ImageSpec spec) {
        return new ImageLog(String.format(Locale.ROOT, "[%d/%d] %s (%s)", index, total, spec.label(), spec.platform()));
    }

    /** Appends Markdown to $GITHUB_STEP_SUMMARY when GitHub provides one. */
    public void stepSummary(String path, String markdown) {
        if (path == null || path.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(path), redact(markdown), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            warn("could not write the step summary to " + path + ": " + e.getMessage());
        }
    }

    /** One image's lines: its warnings as they happen, then its outcomes; printed at once by {@link #flush()}. */
    public final class ImageLog implements BatchLog.ImageLog {
        private final String heading;
        private final List<String> lines = new ArrayList<>();
        private final List<String> errors = new ArrayList<>();

        ImageLog(String heading) {
            this.heading = heading;
        }

        /** Outside the image's group, at once: which image a job has started on. */
        @Override
        public void started() {
            Console.this.info(heading + " started");
        }

        /** Outside the image's group, at once: a long image is still going. */
        @Override
        public void stillRunning(String elapsed) {
            Console.this.info(heading + " still running after " + elapsed);
        }

        @Override
        public synchronized void info(String line) {
            lines.add("  " + line);
        }

        @Override
        public synchronized void warn(String message) {
            lines.add("  warning: " + message);
        }

        @Override
        public synchronized void add(ImageResult image) {
            for (TargetResult t : image.targets()) {
                String outcome = colour(t.status(), t.status().label + (t.reason() == null ? "" : " (" + t.reason() + ")"));
                lines.add(String.format(Locale.ROOT, "%s → %s %s  %s  %.1fs", heading, t.target(), t.image(), outcome, t.seconds()));
                if (t.error() != null) {
                    lines.add("  " + t.error());
                    if (t.status() == Status.FAILED) {
                        errors.add(heading + " → " + t.target() + ": " + t.error());
                    }
                }
                if (t.warning() != null) {
                    lines.add("  warning: " + t.warning());
                }
            }
        }

        @Override
        public void flush() {
            List<String> all = new ArrayList<>();
            synchronized (this) {
                if (github) {
                    all.add("::group::" + heading);
                }
                all.addAll(lines);
                if (github) {
                    all.add("::endgroup::");
                    errors.forEach(e -> all.add(ErrorLine.error(e, true)));
                }
            }
            above(out, all.stream().map(Console.this::redact).toList());
        }
    }
}
