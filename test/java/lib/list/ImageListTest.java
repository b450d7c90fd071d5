package lib.list;

import lib.core.Naming;
import lib.core.Platform;
import lib.core.Platforms;
import lib.core.Target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageListTest {
    static final String HEX = TargetNameTest.HEX;

    static ImageList.Parsed parse(String content) {
        return ImageList.parse("images.txt", content, Platforms.DEFAULT, "docker.io");
    }

    @Test
    void commentsBlankLinesCrlfAndBomAreTolerated() {
        ImageList.Parsed p = parse("\uFEFF# header\r\n\r\nnginx:alpine   # trailing comment\r\n   \r\n  redis:7\r\n");
        assertEquals(List.of(), p.errors());
        assertEquals(List.of(3, 5), p.images().stream().limit(2).map(ImageSpec::line).toList());
        assertEquals("docker.io/library/nginx:alpine", p.images().get(0).source().display());
    }

    @Test
    void optionsMayBeWrittenWithEqualsOrSpace() {
        ImageList.Parsed p = parse("--platform=linux/arm64 mysql:8.0\n--platform linux/arm/v7 --name my-nginx:stable nginx:1.25\n");
        assertEquals(List.of(), p.errors());
        assertEquals(Platforms.of(new Platform("linux", "arm64", null)), p.images().get(0).platform());
        assertEquals(Platforms.of(new Platform("linux", "arm", "v7")), p.images().get(1).platform());
        assertEquals("my-nginx:stable", p.images().get(1).name());
    }

    @Test
    void aLineMayAskForAllPlatformsOrAListOfThem() {
        ImageList.Parsed p = parse("--platform=all nginx:1\n--platform=linux/amd64,linux/arm/v7 redis:7\n--platform=linux/amd64,linux/amd64 x:1\n");
        assertEquals("all", p.images().get(0).platform().toString());
        assertTrue(p.images().get(0).platform().all());
        assertEquals("linux/amd64,linux/arm/v7", p.images().get(1).platform().toString());
        assertEquals(null, p.images().get(1).platform().single());
        assertTrue(p.errors().get(0).contains("platform linux/amd64 is listed twice"), p.errors().toString());
    }

    @Test
    void aListLineWithoutPlatformTakesTheDefault() {
        ImageList.Parsed p = ImageList.parse("f", "nginx:1\n", Platforms.of(new Platform("linux", "arm64", null)), "docker.io");
        assertEquals("linux/arm64", p.images().get(0).platform().toString());
    }

    @Test
    void digestReferencesKeepTheirTag() {
        ImageSpec spec = parse("nginx:1.25@sha256:" + HEX + "\n").images().get(0);
        assertEquals("1.25", spec.source().tag());
        assertEquals("sha256:" + HEX, spec.source().digest().value());
        assertEquals("docker.io/library/nginx@sha256:" + HEX, spec.source().pullable());
    }

    @Test
    void aDigestWithoutTagHasNoTagUntilNamed() {
        ImageSpec spec = parse("nginx@sha256:" + HEX + "\n").images().get(0);
        assertNull(spec.source().tag());
        assertEquals(1, Plan.of("images.txt", List.of(spec), List.of()).errors().size());
        ImageSpec named = parse("--name=web:1 nginx@sha256:" + HEX + "\n").images().get(0);
        assertEquals("web:1", named.targetName().toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--plattform=linux/arm64 nginx       | unknown option '--plattform'",
            "--platform=linux nginx              | invalid platform 'linux'",
            "--platform=Linux/AMD64 nginx        | invalid platform",
            "--platform nginx:1                  | invalid platform 'nginx:1'",
            "--platform=                         | --platform needs a value",
            "nginx redis                         | more than one image",
            "--name=x                            | no image on the line",
            "nginx:bad tag                       | more than one image",
            "nginx:-bad                          | invalid tag '-bad'",
            "nginx@sha256:abc                    | invalid digest",
            "my..image:1                         | not a valid name component",
            "bad_host.io:5000/x:1                | invalid registry host 'bad_host.io:5000'",
            "--platform=linux/arm64 --platform=linux/amd64 nginx | --platform is given twice",
            "/nginx                              | not a valid name component",
    })
    void badLinesNameTheFileLineAndProblem(String line, String problem) {
        ImageList.Parsed p = parse("ok:1\n" + line + "\n");
        assertEquals(1, p.errors().size(), p.errors().toString());
        assertTrue(p.errors().get(0).startsWith("images.txt:2: "), p.errors().get(0));
        assertTrue(p.errors().get(0).contains(problem), p.errors().get(0));
    }

    /** What an input method types instead of ASCII is named, with the ASCII character to type instead. */
    @Test
    void fullWidthPunctuationAndCurlyQuotesAreNamedWithTheirAsciiReplacement() {
        ImageList.Parsed p = parse("nginx\uFF1A1.27\n--platform=linux\uFF0Flinux/arm64\u3000redis:7\n\u201Cbusybox:1.36\u201D\nalpine:3.19\u2019\n");
        assertEquals(List.of("images.txt:1: 'nginx：1.27' has the full-width '：' (U+FF1A): write ':' instead (an input method in full-width mode "
                        + "types these; switch it to half-width)",
                "images.txt:2: '--platform=linux／linux/arm64　redis:7' has the full-width '／' (U+FF0F): write '/' instead; a full-width space "
                        + "(U+3000): write ' ' instead (an input method in full-width mode types these; switch it to half-width)",
                "images.txt:3: '“busybox:1.36”' has the curly quote '“' (U+201C): write '\"' instead; the curly quote '”' (U+201D): write '\"' "
                        + "instead (images.txt needs no quotes)",
                "images.txt:4: 'alpine:3.19’' has the curly quote '’' (U+2019): write ''' instead (images.txt needs no quotes)"), p.errors());
        assertEquals(List.of(), p.images());
    }

    @Test
    void everyBadLineIsReportedInOneGo() {
        ImageList.Parsed p = parse("--x a\nok\n--platform=z b\n\nc d\n");
        assertEquals(3, p.errors().size());
        assertTrue(p.errors().get(0).startsWith("images.txt:1:"));
        assertTrue(p.errors().get(1).startsWith("images.txt:3:"));
        assertTrue(p.errors().get(2).startsWith("images.txt:5:"));
        assertEquals(1, p.images().size());
    }

    @Test
    void anIdenticalDuplicateIsAWarningAndSyncedOnce() {
        ImageList.Parsed p = parse("nginx:1\nnginx:1\ndocker.io/library/nginx:1\n");
        assertEquals(List.of(), p.errors());
        assertEquals(1, p.images().size());
        assertEquals(2, p.warnings().size());
        assertTrue(p.warnings().get(0).contains("images.txt:2") && p.warnings().get(0).contains("repeats line 1"));
    }

    @Test
    void differentImagesWithOneTargetNameCollide() {
        ImageList.Parsed p = parse("nginx:1\n--name=nginx quay.io/x/nginx:1\n--platform=linux/arm64 nginx:1\n");
        Plan.Result plan = Plan.of("images.txt", p.images(), List.of());
        assertEquals(1, plan.errors().size());
        String error = plan.errors().get(0);
        assertTrue(error.startsWith("images.txt:2:") && error.contains("line 1") && error.contains("nginx:1"), error);
        assertEquals(2, plan.items().size());
    }

    /**
     * A target with path naming names each image by its path: too long a name there is refused with that name, and an
     * item's name at a target follows the target's naming.
     */
    @Test
    void eachTargetNamesByItsNaming() {
        Target flat = new Target("aliyun", "reg.example", "ns", "u", null, "ALIYUN");
        Target path = new Target("harbor", "harbor.example", "proj", "u", null, "HARBOR", Naming.PATH);
        Plan.Result plan = Plan.of("images.txt", parse("bitnami/redis:7\n--platform=linux/arm64 quay.io/coreos/etcd:v3\n").images(), List.of(flat, path));
        assertEquals(List.of(), plan.errors());
        assertEquals(List.of("bitnami_redis:7", "bitnami/redis:7", "linux_arm64_quay-io_coreos_etcd:v3", "linux_arm64/quay.io/coreos/etcd:v3"),
                plan.items().stream().flatMap(i -> java.util.stream.Stream.of(i.nameAt(flat), i.nameAt(path))).map(Object::toString).toList());

        String deep = "a/".repeat(60) + "b";
        Target deepNamespace = new Target("harbor", "harbor.example", "p".repeat(130), "u", null, "HARBOR", Naming.PATH);
        List<String> errors = Plan.of("images.txt", parse(deep + ":1\n").images(), List.of(flat, deepNamespace)).errors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("the target name harbor.example/" + "p".repeat(130) + "/" + deep + " is longer than"), errors.get(0));
    }
}
