package lib.issue;

import lib.core.Platforms;
import lib.list.ImageList;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which hosts an issue may name, and which addresses an answer may show. */
class IssueHostsTest {
    static List<String> refused(Map<String, String> env, String source, String issue) {
        return IssueHosts.from(env, source).refused(ImageList.parse("issue", issue, Platforms.DEFAULT, "docker.io").images())
                .stream().map(IssueReply.Problem::text).toList();
    }

    @Test
    void loopbackAndLinkLocalHostsAreRefusedPublicRegistriesAndTheSourceAllowed() {
        String issue = "nginx:1\nquay.io/coreos/etcd:v3.5.0\n127.0.0.1:22/x:1\n169.254.169.254/latest/meta-data:1\nmirror.example:5000/a:1\nlocalhost/x:1\n";
        assertEquals(List.of("127.0.0.1:22/x:1", "169.254.169.254/latest/meta-data:1", "mirror.example:5000/a:1", "localhost/x:1"),
                refused(Map.of(), null, issue));
        assertEquals(List.of("127.0.0.1:22/x:1", "169.254.169.254/latest/meta-data:1", "localhost/x:1"), refused(Map.of(), "mirror.example:5000", issue),
                "the configured source registry is allowed");
        assertEquals(List.of("nginx:1", "127.0.0.1:22/x:1", "169.254.169.254/latest/meta-data:1", "mirror.example:5000/a:1", "localhost/x:1"),
                refused(Map.of("ISSUE_SYNC_REGISTRIES", "quay.io"), null, issue), "ISSUE_SYNC_REGISTRIES replaces the default");
        IssueReply.Problem problem = IssueHosts.from(Map.of(), null).refused(ImageList.parse("issue", "127.0.0.1:22/x:1", Platforms.DEFAULT, "docker.io").images()).get(0);
        assertTrue(problem.message().startsWith("127.0.0.1:22 is not a registry this repository syncs from for issues"), problem.message());
        assertTrue(problem.message().endsWith("its owner can add it to the repository variable ISSUE_SYNC_REGISTRIES"), problem.message());
    }

    @Test
    void anAnswerShowsNoAddressNeitherTheIssueNorTheSettingsName() {
        String error = "reading source quay.io/a:1: Get \"https://quay.io/v2/\": dial tcp 10.1.2.3:443: connect: connection refused; "
                + "also [fd00::1]:443 and internal.corp:8443, and registry.example:5000 which the settings name";
        assertEquals("reading source quay.io/a:1: Get \"https://quay.io/v2/\": dial tcp <address>: connect: connection refused; "
                + "also <address> and <address>, and registry.example:5000 which the settings name",
                IssueHosts.scrub(error, "quay.io/a:1\nregistry.example:5000"));
    }
}
