package lib.list;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Versions as tags write them, their order, and the ranges --semver takes. */
class SemVerTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // tag                  | major | minor | patch | parts | pre-release  | build
            "1.25.3                 | 1     | 25    | 3     | 3     | -            | -",
            "v1.2                   | 1     | 2     | 0     | 2     | -            | -",
            "8                      | 8     | 0     | 0     | 1     | -            | -",
            "22.04                  | 22    | 4     | 0     | 2     | -            | -",
            "1.25.3-alpine          | 1     | 25    | 3     | 3     | alpine       | -",
            "1.25-alpine3.19        | 1     | 25    | 0     | 2     | alpine3.19   | -",
            "8-jdk                  | 8     | 0     | 0     | 1     | jdk          | -",
            "1.0.0-rc.1+build.5     | 1     | 0     | 0     | 3     | rc.1         | build.5",
            "0.0.0                  | 0     | 0     | 0     | 3     | -            | -",
            "20240101               | 20240101 | 0  | 0     | 1     | -            | -",
            "999999999999999999.1   | 999999999999999999 | 1 | 0 | 2 | -          | -",
    })
    void tagsThatAreVersions(String tag, long major, long minor, long patch, int parts, String pre, String build) {
        SemVer v = SemVer.parse(tag);
        assertNotNull(v, tag);
        assertEquals(List.of(major, minor, patch), List.of(v.major(), v.minor(), v.patch()));
        assertEquals(parts, v.parts());
        assertEquals(pre == null ? List.of() : List.of(pre.split("\\.")), v.preRelease());
        assertEquals(build, v.build());
        assertEquals(tag, v.text(), "the tag as written, for display");
        assertEquals(tag, v.toString());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"latest", "stable", "alpine", "mainline", "1.2.3.4", "v", "V1.2", "vv1", "1.", ".1", "1..2",
            "1.2.3-", "1.2.3-a..b", "1.2.3+", "1.2.3_alpine", "alpine-1.2", "-1", "x", "1.x", "1234567890123456789", ""})
    void tagsThatAreNot(String tag) {
        assertNull(SemVer.parse(tag));
    }

    @Test
    void textLongerThanAnyTagIsNoVersion() {
        assertNull(SemVer.parse("1.0.0-" + "a.".repeat(70) + "b"), "129 characters or more");
        assertNotNull(SemVer.parse("1.0.0-" + "a".repeat(122)), "128 characters");
    }

    /** Each row's tags from lowest to highest; every pair in it is compared both ways, and a shuffle sorts back. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "the semver 2.0 example | 1.0.0-alpha 1.0.0-alpha.1 1.0.0-alpha.beta 1.0.0-beta 1.0.0-beta.2 1.0.0-beta.11 1.0.0-rc.1 1.0.0",
            "numbers, not text      | 1.2.0 1.9.0 1.10.0 1.11.0 2.0.0 10.0.0",
            "suffixed tags          | 1.24.0-alpine 1.25.2-alpine 1.25.3-alpine 1.25.3",
            "numeric below alpha    | 1.0.0-1 1.0.0-2 1.0.0-10 1.0.0-a 1.0.0-a.1",
            "longer numbers         | 1.0.0-99999999999999999999 1.0.0-100000000000000000000",
            "equal: by text         | 1.2 1.2.0 v1.2",
            "equal: leading zeros   | 22.04 22.4",
            "equal: build ignored   | 1.0.0+a 1.0.0+b",
    })
    void orderIsSemverPrecedenceThenText(String what, String ascending) {
        List<SemVer> versions = Arrays.stream(ascending.split(" ")).map(SemVer::parse).toList();
        for (int i = 0; i < versions.size(); i++) {
            for (int j = i + 1; j < versions.size(); j++) {
                assertTrue(versions.get(i).compareTo(versions.get(j)) < 0, versions.get(i) + " < " + versions.get(j));
                assertTrue(versions.get(j).compareTo(versions.get(i)) > 0, versions.get(j) + " > " + versions.get(i));
            }
        }
        List<SemVer> shuffled = new ArrayList<>(versions);
        Collections.shuffle(shuffled, new Random(11));
        Collections.sort(shuffled);
        assertEquals(versions, shuffled);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {"1.25 | 1.25.0", "v1.2 | 1.2", "22.04 | 22.4", "1.0.0+a | 1.0.0+b", "1.0.0-rc.007 | 1.0.0-rc.7"})
    void versionsWrittenDifferentlyHaveTheSamePrecedence(String a, String b) {
        assertEquals(0, SemVer.parse(a).precedence(SemVer.parse(b)));
        assertTrue(SemVer.parse(a).compareTo(SemVer.parse(b)) != 0, "yet a total order tells them apart");
    }

    @ParameterizedTest(name = "{0} ∋ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            // comparisons, commas meaning "and"
            ">=1.25,<1.27          | 1.25.0         | true",
            ">=1.25,<1.27          | 1.26.9         | true",
            ">=1.25,<1.27          | v1.26.1        | true",
            ">=1.25,<1.27          | 1.26           | true",
            ">=1.25,<1.27          | 1.27.0         | false",
            ">=1.25,<1.27          | 1.24.9         | false",
            ">=1.25,<1.27          | 1.26.0-rc.1    | false",
            ">=8.0,<9              | 8.0.35         | true",
            ">=8.0,<9              | 9.0.0          | false",
            ">=8.0,<9              | 8.0.36-debian  | false",
            "' >= 1.25 , < 1.27 '  | 1.26.0         | true",
            ">=v1.25               | 1.25.0         | true",
            ">1.25.3               | 1.25.4         | true",
            ">1.25.3               | 1.25.3         | false",
            // a partial version stands for all it is a prefix of (npm)
            ">1.25                 | 1.25.9         | false",
            ">1.25                 | 1.26.0         | true",
            ">1                    | 1.99.0         | false",
            ">1                    | 2.0.0          | true",
            "<=1.25                | 1.25.9         | true",
            "<=1.25                | 1.26.0         | false",
            "<=1.25.3              | 1.25.3         | true",
            "<=1.25.3              | 1.25.4         | false",
            "<1.25                 | 1.24.99        | true",
            "<1.25                 | 1.25.0         | false",
            // exact, and the prefix forms of exact
            "=1.25.3               | 1.25.3         | true",
            "=1.25.3               | v1.25.3        | true",
            "1.25.3                | 1.25.3         | true",
            "1.25.3                | 1.25.4         | false",
            "1.25.3                | 1.25.3-alpine  | false",
            "1.25                  | 1.25.7         | true",
            "1.25                  | 1.26.0         | false",
            "=8                    | 8.4.1          | true",
            "=8                    | 9.0.0          | false",
            "=1.0.0-rc.1           | 1.0.0-rc.1     | true",
            "=1.0.0-rc.1           | 1.0.0          | false",
            // caret, ^0.x included
            "^1.25                 | 1.25.0         | true",
            "^1.25                 | 1.99.0         | true",
            "^1.25                 | 2.0.0          | false",
            "^1.25                 | 1.24.9         | false",
            "^1.25                 | 1.25.3-alpine  | false",
            "^1.2.3                | 1.2.2          | false",
            "^1.2.3                | 1.9.9          | true",
            "^0.2.3                | 0.2.3          | true",
            "^0.2.3                | 0.2.9          | true",
            "^0.2.3                | 0.2.2          | false",
            "^0.2.3                | 0.3.0          | false",
            "^0.0.3                | 0.0.3          | true",
            "^0.0.3                | 0.0.4          | false",
            "^0.2                  | 0.2.9          | true",
            "^0.2                  | 0.3.0          | false",
            "^0.0                  | 0.0.9          | true",
            "^0.0                  | 0.1.0          | false",
            "^0                    | 0.9.9          | true",
            "^0                    | 1.0.0          | false",
            "^0.x                  | 0.9.9          | true",
            "^0.x                  | 1.0.0          | false",
            "^1.x                  | 1.0.0          | true",
            "^1.x                  | 2.0.0          | false",
            // tilde
            "~7.2                  | 7.2.0          | true",
            "~7.2                  | 7.2.13         | true",
            "~7.2                  | 7.3.0          | false",
            "~7.2                  | 7.1.9          | false",
            "~7.2.4                | 7.2.4          | true",
            "~7.2.4                | 7.2.3          | false",
            "~7.2.4                | 7.3.0          | false",
            "~7                    | 7.9.9          | true",
            "~7                    | 8.0.0          | false",
            "~0.2.3                | 0.2.5          | true",
            "~0.2.3                | 0.3.0          | false",
            // wildcards
            "1.25.x                | 1.25.0         | true",
            "1.25.x                | 1.25.9         | true",
            "1.25.x                | 1.26.0         | false",
            "1.25.*                | 1.25.9         | true",
            "1.25.*                | 1.24.9         | false",
            "1.x                   | 1.99.9         | true",
            "1.X.X                 | 2.0.0          | false",
            ">=1.25.x              | 1.25.0         | true",
            "*                     | 0.0.1          | true",
            "x                     | 99.0.0         | true",
            "*                     | 1.0.0-rc.1     | false",
            // pre-releases only where the range names one of the same MAJOR.MINOR.PATCH
            ">=1.0.0-rc.1          | 1.0.0-rc.2     | true",
            ">=1.0.0-rc.1          | 1.0.0-rc.0     | false",
            ">=1.0.0-rc.1          | 1.0.0          | true",
            ">=1.0.0-rc.1          | 1.1.0-rc.1     | false",
            ">=1.0.0-rc.1          | 1.1.0          | true",
            "^1.2.3-beta.2         | 1.2.3-beta.4   | true",
            "^1.2.3-beta.2         | 1.2.3-beta.1   | false",
            "^1.2.3-beta.2         | 1.2.4-beta     | false",
            "^1.2.3-beta.2         | 1.5.0          | true",
            "~1.2.3-beta.2         | 1.2.3-beta.3   | true",
            "'>=1.25,<1.26.0-rc.1' | 1.25.9         | true",
            "'>=1.25,<1.26.0-rc.1' | 1.26.0-beta    | true",
            "'>=1.25,<1.26.0-rc.1' | 1.26.0-rc.1    | false",
            // build metadata plays no part
            ">=1.0.0+build         | 1.0.0          | true",
            "=1.0.0                | 1.0.0+other    | true",
    })
    void rangesMatchAsNpmDoes(String range, String version, boolean expected) {
        assertEquals(expected, VersionRange.parse(range).matches(SemVer.parse(version)));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""           | the range is empty: write constraints separated by commas, e.g. '>=1.25,<1.27', '^1.25', '~7.2' or '1.25.x'
            " "          | the range is empty: write constraints separated by commas, e.g. '>=1.25,<1.27', '^1.25', '~7.2' or '1.25.x'
            >=1.25,      | '>=1.25,' has an empty constraint (two commas, or one at an end): write constraints separated by commas, e.g.
            ,<2          | ',<2' has an empty constraint
            >=1.2.3.4    | '>=1.2.3.4' in '>=1.2.3.4': '1.2.3.4' is not a version (MAJOR[.MINOR[.PATCH]], numbers, x or * for any); write constraints
            latest       | 'latest' in 'latest': 'latest' is not a version
            ^            | '^' in '^': '' is not a version
            =>1.2        | '=>1.2' in '=>1.2' is not a constraint: one operator (>=, >, <=, <, =, ^ or ~) goes before the version; write constraints
            >=1,>==2     | '>==2' in '>=1,>==2' is not a constraint
            1.x.3        | '1.x.3' in '1.x.3': a number cannot follow a wildcard; write constraints
            >=1.2-rc.1   | '>=1.2-rc.1' in '>=1.2-rc.1': a pre-release belongs to a full version, e.g. '>=1.25.0-rc.1'
            >=*          | '>=*' in '>=*': a wildcard alone means any version, so write '*' alone, or give a version after >=; write constraints
            >=1.25 <1.27 | '>=1.25 <1.27' in '>=1.25 <1.27': '1.25 <1.27' is not a version
            """)
    void badRangesSayWhatIsWrongWithAnExample(String range, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VersionRange.parse(range));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. '"), "an example: " + e.getMessage());
    }

    @Test
    void aRangeLongerThanAnyUsefulOneIsRefusedBeforeParsing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VersionRange.parse(">=1,".repeat(64) + "<2"));
        assertEquals("the range has 258 characters, more than 256: write constraints separated by commas, e.g. '>=1.25,<1.27', '^1.25', '~7.2' or '1.25.x'", e.getMessage());
    }

    @Test
    void aRangeIsShownAsWritten() {
        assertEquals(">= 1.25, <1.27", VersionRange.parse(">= 1.25, <1.27").toString());
    }
}
