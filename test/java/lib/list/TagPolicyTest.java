package lib.list;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The pure part of a tag policy: its options as a list line writes them, and which tags of a repository it selects. */
class TagPolicyTest {
    /** Tags as a repository like nginx lists them, in no particular order, with text no registry should list. */
    static final List<String> NGINX = List.of("latest", "stable", "alpine", "mainline", "1.24.0", "1.24.0-alpine", "1.25",
            "1.25.0", "1.25.1", "1.25.2", "1.25.2-alpine", "1.25.3", "1.25.3-alpine", "1.25-alpine", "1.26.0-rc.1", "1.26.0",
            "v1.26.1", "1.9.0", "1.10.0", "1.2.3.4", "-not-a-tag", "1.0." + "9".repeat(125));

    /** A line's options as the list parser hands them over: each value, or null when the option is absent. */
    static TagPolicy policy(String options) {
        Map<String, String> values = new HashMap<>();
        for (String option : options.split(" ")) {
            int eq = option.indexOf('=');
            values.put(option.substring(0, eq), option.substring(eq + 1));
        }
        return TagPolicy.parse(values.get("--tags"), values.get("--exclude"), values.get("--semver"), values.get("--latest"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            --tags=1\\.25\\..*                           | 1.25.0 1.25.1 1.25.2 1.25.2-alpine 1.25.3 1.25.3-alpine
            --tags=1\\.25\\..* --exclude=.*-alpine       | 1.25.0 1.25.1 1.25.2 1.25.3
            --tags=^[0-9.]+-alpine$ --latest=3          | 1.25.3-alpine 1.25.2-alpine 1.25-alpine
            --tags=[a-z]+                               | alpine latest mainline stable
            --tags=.*                                   | 1.10.0 1.2.3.4 1.24.0 1.24.0-alpine 1.25 1.25-alpine 1.25.0 1.25.1 1.25.2 1.25.2-alpine 1.25.3 1.25.3-alpine 1.26.0 1.26.0-rc.1 1.9.0 alpine latest mainline stable v1.26.1
            --tags=1\\.25                                | 1.25
            --exclude=.*[0-9].*                         | alpine latest mainline stable
            --semver=^1.25                              | v1.26.1 1.26.0 1.25.3 1.25.2 1.25.1 1.25.0 1.25
            --semver=~1.25 --latest=2                   | 1.25.3 1.25.2
            --exclude=1\\.25\\.0 --semver=1.25.x          | 1.25.3 1.25.2 1.25.1 1.25
            --semver=<1.24                              | 1.10.0 1.9.0
            --semver=>=1.26.0-rc.1                      | v1.26.1 1.26.0 1.26.0-rc.1
            --semver=* --latest=3                       | v1.26.1 1.26.0 1.25.3
            --latest=3                                  | v1.26.1 1.26.0 1.26.0-rc.1
            --latest=1000                               | v1.26.1 1.26.0 1.26.0-rc.1 1.25.3 1.25.3-alpine 1.25.2 1.25.2-alpine 1.25.1 1.25.0 1.25 1.25-alpine 1.24.0 1.24.0-alpine 1.10.0 1.9.0
            --tags=1\\.24.* --semver=^1.24 --latest=5    | 1.24.0
            --semver=>=2                                | ""
            --exclude=.*                                | ""
            """)
    void selectsInTheIssuesOrder(String options, String expected) {
        TagPolicy p = policy(options);
        assertEquals(expected.isEmpty() ? List.of() : List.of(expected.split(" ")), p.select(NGINX));
        assertEquals(options, p.describe(), "written back as the line wrote it");
    }

    @Test
    void theIssuesMysqlExampleKeepsReleasesOfEight() {
        List<String> mysql = List.of("latest", "5.7", "5.7.44", "8", "8.0", "8.0.35", "8.0.36-debian", "8.4", "8.4.1", "9.0.0", "innovation");
        assertEquals(List.of("8.4.1", "8.4", "8.0.35", "8.0", "8"), policy("--semver=>=8.0,<9").select(mysql));
    }

    @Test
    void tagsEqualAsVersionsComeInAFixedOrderAndEachCountsTowardsLatest() {
        List<String> tags = List.of("1.2", "v1.2", "1.2.0", "1.1");
        assertEquals(List.of("v1.2", "1.2.0", "1.2"), policy("--latest=3").select(tags));
        assertEquals(List.of("v1.2", "1.2.0", "1.2"), policy("--latest=3").select(List.of("1.2.0", "1.1", "v1.2", "1.2")), "whatever order they came in");
    }

    @Test
    void aTagListedTwiceIsSelectedOnce() {
        assertEquals(List.of("1.0", "2.0"), policy("--tags=.*").select(List.of("2.0", "1.0", "2.0")));
        assertEquals(List.of("2.0", "1.0"), policy("--latest=5").select(List.of("2.0", "1.0", "2.0")));
    }

    @Test
    void optionsAreDescribedInOneOrderWhateverOrderTheLineHadThem() {
        assertEquals("--tags=.*-alpine --exclude=1\\.2.* --semver=^1 --latest=2", policy("--latest=2 --semver=^1 --exclude=1\\.2.* --tags=.*-alpine").describe());
    }

    @Test
    void noOptionIsNoPolicy() {
        assertNull(TagPolicy.parse(null, null, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            --tags=[0-9                | --tags=[0-9 is not a regular expression: missing closing ]; write one that matches whole tags, e.g. --tags=1\\.25\\.[0-9]+
            --exclude=*-rc             | --exclude=*-rc is not a regular expression: missing argument to repetition operator; write one that matches whole tags, e.g. --exclude=.*-rc.*
            --tags=                    | --tags needs a regular expression that matches whole tags, e.g. --tags=1\\.25\\.[0-9]+
            --exclude=                 | --exclude needs a regular expression that matches whole tags, e.g. --exclude=.*-rc.*
            --semver=>=1.x.3           | --semver=>=1.x.3: '>=1.x.3' in '>=1.x.3': a number cannot follow a wildcard; write constraints separated by commas, e.g. '>=1.25,<1.27', '^1.25', '~7.2' or '1.25.x'
            --semver=                  | --semver=: the range is empty: write constraints separated by commas, e.g. '>=1.25,<1.27', '^1.25', '~7.2' or '1.25.x'
            --latest=0                 | --latest=0: give how many of the highest versions to keep, a whole number from 1, e.g. --latest=3
            --latest=-2                | --latest=-2: give how many of the highest versions to keep, a whole number from 1, e.g. --latest=3
            --latest=three             | --latest=three: give how many of the highest versions to keep, a whole number from 1, e.g. --latest=3
            --latest=99999999999       | --latest=99999999999: give how many of the highest versions to keep, a whole number from 1, e.g. --latest=3
            --latest=                  | --latest=: give how many of the highest versions to keep, a whole number from 1, e.g. --latest=3
            --tags=.* --latest=2.5     | --latest=2.5: give how many of the highest versions to keep, a whole number from 1, e.g. --latest=3
            """)
    void badOptionsSayWhichAndHowToWriteIt(String options, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> policy(options));
        assertEquals(message, e.getMessage());
    }

    /**
     * Java's backtracking engine took longer than any run may on this expression and tag (killed at 90 s); RE2's time
     * is linear in the tag, whatever the expression.
     */
    @Test
    void noExpressionCanHangTheSelection() {
        TagPolicy policy = TagPolicy.parse("(.*a){14}", null, null, null);
        String tag = "a".repeat(100) + "-";
        List<String> chosen = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(2),
                () -> policy.select(List.of(tag, "a".repeat(20))));
        assertEquals(List.of("a".repeat(20)), chosen);
    }
}
