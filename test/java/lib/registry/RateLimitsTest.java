package lib.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Docker Hub's rate-limit headers in every form they have been seen in: nothing crashes, nothing unreadable counts as zero. */
public class RateLimitsTest {
    @ParameterizedTest(name = "[{0}] → {1}")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "100;w=21600          | 100",
            "0;w=21600            | 0",
            "76                   | 76",
            "'  76 ;w=21600'      | 76",
            "'76 ; w = 21600'     | 76",
            "'100;w=21600, 100;w=60' | 100",
            "';w=21600'           | none",
            "'  ;w=21600'         | none",
            "''                   | none",
            "'   '                | none",
            "w=21600;100          | none",
            "-1;w=21600           | none",
            "1e3                  | none",
            "100abc               | none",
            "99999999999;w=21600  | none",
    })
    void aHeaderValueIsACountOrNothing(String header, Integer count) {
        assertEquals(count, RateLimits.rate(header));
    }

    @Test
    void noHeaderIsNothing() {
        assertNull(RateLimits.rate(null));
    }

    @ParameterizedTest(name = "limit [{0}], remaining [{1}] → {2}")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "100;w=21600 | 76;w=21600 | 100/76",
            "100;w=21600 | 0;w=21600  | 100/0",
            "100;w=21600 | ;w=21600   | 100/50",
            ";w=21600    | 76;w=21600 | 100/50",
            "none        | 76;w=21600 | 100/50",
            "100;w=21600 | none       | 100/50",
            "none        | none       | 100/50",
            "''          | ''         | 100/50",
    })
    void anAnswerWithoutBothCountsLeavesTheLastOneStanding(String limit, String remaining, String expected) {
        RateLimits limits = new RateLimits();
        limits.observe("hub", headers(Map.of("ratelimit-limit", "100;w=21600", "ratelimit-remaining", "50;w=21600")));
        Map<String, String> seen = new java.util.HashMap<>();
        if (limit != null) {
            seen.put("RateLimit-Limit", limit);
        }
        if (remaining != null) {
            seen.put("RateLimit-Remaining", remaining);
        }
        limits.observe("hub", headers(seen));
        RateLimits.RateLimit last = limits.last("hub");
        assertEquals(expected, last.limit() + "/" + last.remaining());
        assertEquals(new RateLimits.RateLimit(100, 50), limits.first("hub"));
    }

    @Test
    void aRegistryThatNeverSentReadableCountsHasNoQuota() {
        RateLimits limits = new RateLimits();
        limits.observe("hub", headers(Map.of("ratelimit-limit", ";w=21600", "ratelimit-remaining", ";w=21600")));
        limits.observe("hub", headers(Map.of()));
        assertNull(limits.last("hub"), "unknown, not zero: the pull reserve then grants everything");
        assertEquals(List.of(), List.copyOf(limits.registries()));
    }

    private static HttpHeaders headers(Map<String, String> values) {
        Map<String, List<String>> multi = new java.util.HashMap<>();
        values.forEach((k, v) -> multi.put(k, List.of(v)));
        return HttpHeaders.of(multi, (k, v) -> true);
    }
}
