package lib.issue;

import lib.core.Json;
import lib.core.UsageError;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The part of an {@code issues} or {@code issue_comment} event (GitHub's payload at GITHUB_EVENT_PATH) the issue
 * flow uses. {@code actor} is who asked: the issue's author when it was opened, the commenter for a comment;
 * {@code association} is that person's author_association with the repository; {@code command} is the comment's text
 * (null when the issue was opened).
 */
public record IssueEvent(int number, String title, String body, String author, String actor, String association,
                         Set<String> labels, boolean pullRequest, String command) {
    /** The label that makes an issue a sync request; the issue form sets it. */
    public static final String LABEL = "sync";
    /** A title that makes an issue a sync request starts with this; the issue form's title does. */
    public static final String TITLE_PREFIX = "[sync]";

    /** Associations that may sync: the repository's owner, its organization's members and its collaborators. */
    public static final Set<String> TRUSTED = Set.of("OWNER", "MEMBER", "COLLABORATOR");

    public static IssueEvent read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UsageError("cannot read the event file " + file + " (GITHUB_EVENT_PATH): " + e.getMessage());
        }
        JsonNode issue = root == null ? null : root.get("issue");
        if (issue == null || !issue.path("number").canConvertToInt() || issue.path("number").asInt() <= 0) {
            throw new UsageError(file + " is not an issues or issue_comment event (it has no issue number): "
                    + "run this in a workflow started by 'issues' or 'issue_comment', or give such an event in GITHUB_EVENT_PATH");
        }
        JsonNode comment = root.get("comment");
        boolean byComment = comment != null && comment.isObject();
        JsonNode asker = byComment ? comment : issue;
        Set<String> labels = new LinkedHashSet<>();
        issue.path("labels").forEach(l -> labels.add(l.path("name").asText()));
        return new IssueEvent(issue.path("number").asInt(), issue.path("title").asText(""), issue.path("body").asText(""),
                issue.path("user").path("login").asText(""), asker.path("user").path("login").asText(""),
                asker.path("author_association").asText(""), labels, issue.hasNonNull("pull_request"),
                byComment ? comment.path("body").asText("") : null);
    }

    /**
     * Whether the issue is a sync request: it carries the sync label, or its title starts with [sync]. This is exactly
     * what the workflow's {@code if:} computes (GitHub's contains() and startsWith() ignore case), so an issue the
     * workflow leaves alone is left alone here too. Anything else is someone's ordinary issue.
     */
    public boolean request() {
        return labels.stream().anyMatch(LABEL::equalsIgnoreCase) || title.regionMatches(true, 0, TITLE_PREFIX, 0, TITLE_PREFIX.length());
    }

    /**
     * Whether {@code actor} may sync: a trusted association, or a login in {@code users} (ISSUE_SYNC_USERS: logins
     * separated by commas, optionally each followed by one space). This is exactly what the workflow's {@code if:}
     * computes with GitHub's case-insensitive contains(), so the two agree about who is let in (an empty login,
     * which GitHub never sends, is refused here: the safe side).
     */
    public boolean allowed(String users) {
        if (TRUSTED.contains(association.toUpperCase(Locale.ROOT))) {
            return true;
        }
        if (actor.isEmpty()) {
            return false;
        }
        String list = ("," + (users == null ? "" : users) + ",").toLowerCase(Locale.ROOT);
        String login = actor.toLowerCase(Locale.ROOT);
        return list.contains("," + login + ",") || list.contains(", " + login + ",");
    }
}
