package lib.core;

import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How every script's command line behaves, set up once: each error is one {@link ErrorLine} (a mistyped option with
 * picocli's own "did you mean"), a usage mistake exits 2 and anything unexpected 1, never with a stack trace or the
 * whole help; and the help is laid out for the terminal's width, the footer included.
 *
 * <p>A footer line holding a tab is a row of a two-column table (what, tab, its meaning): both columns wrap within
 * their own width, so a row is never broken across the columns. Any other footer line is text, wrapped at the width
 * with its indentation kept.
 */
public final class Commands {
    /** The exit code of a usage mistake: a bad option or value, a {@link UsageError}. */
    public static final int USAGE = 2;
    /** The first column never takes more than this share of the width. */
    private static final double NAME_SHARE = 0.4;

    private Commands() {}

    public static CommandLine of(Object command, Map<String, String> env) {
        boolean github = ErrorLine.github(env);
        CommandLine cli = new CommandLine(command)
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println(ErrorLine.error(problem(e), github));
                    return USAGE;
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println(ErrorLine.error((e instanceof UsageError ? "" : "internal error: ") + e.getMessage(), github));
                    return e instanceof UsageError ? USAGE : 1;
                })
                .setUsageHelpAutoWidth(true);
        footers(cli);
        return cli;
    }

    /** What is wrong with the command line, picocli's suggestions for a mistyped option, and where to read more. */
    static String problem(CommandLine.ParameterException e) {
        String said = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            List<String> suggestions = unmatched.getSuggestions();
            said += "; did you mean " + (suggestions.size() == 1 ? suggestions.get(0) : "one of " + String.join(", ", suggestions)) + "?";
        }
        return said + " (--help lists the options)";
    }

    private static void footers(CommandLine cli) {
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> String.join(System.lineSeparator(), layout(help.commandSpec().usageMessage().footer(), help.commandSpec().usageMessage().width())) + System.lineSeparator());
        cli.getSubcommands().values().forEach(Commands::footers);
    }

    /** The footer's lines laid out within {@code width} columns (see the class comment). */
    public static List<String> layout(String[] footer, int width) {
        int names = 0;
        for (String line : footer) {
            if (line.contains("\t")) {
                names = Math.max(names, line.substring(0, line.indexOf('\t')).strip().length());
            }
        }
        int nameWidth = Math.min(names, (int) (width * NAME_SHARE));
        List<String> out = new ArrayList<>();
        for (String line : footer) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                String indent = line.substring(0, line.length() - line.stripLeading().length());
                List<String> wrapped = wrap(line.strip(), width - indent.length() - 2);
                for (int i = 0; i < wrapped.size(); i++) {
                    out.add((i == 0 ? indent : indent + "  ") + wrapped.get(i));
                }
                continue;
            }
            String indent = line.substring(0, line.length() - line.stripLeading().length());
            List<String> left = wrap(line.substring(0, tab).strip(), nameWidth);
            List<String> right = wrap(line.substring(tab + 1).strip(), width - indent.length() - nameWidth - 2);
            for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
                String name = i < left.size() ? left.get(i) : "";
                String meaning = i < right.size() ? right.get(i) : "";
                out.add((indent + name + " ".repeat(Math.max(0, nameWidth - name.length())) + "  " + meaning).stripTrailing());
            }
        }
        return out;
    }

    /** {@code text} in lines of at most {@code width} characters, broken at spaces; a longer word stands alone. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" +")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
