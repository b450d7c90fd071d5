package lib.list;

import lib.core.Naming;
import lib.core.Platforms;
import lib.core.Secret;
import lib.core.Target;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The naming table of the README, row by row. */
class TargetNameTest {
    static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "nginx:alpine                              | nginx:alpine",
            "nginx                                     | nginx:latest",
            "docker.io/library/nginx:1.25              | nginx:1.25",
            "bitnami/redis:latest                      | bitnami_redis:latest",
            "--platform=linux/arm64 mysql:8.0          | linux_arm64_mysql:8.0",
            "--platform=linux/arm/v7 nginx:1.25        | linux_arm_v7_nginx:1.25",
            "--platform=linux/arm64 bitnami/redis:7    | linux_arm64_bitnami_redis:7",
            "quay.io/coreos/etcd:v3.5.0                | quay-io_coreos_etcd:v3.5.0",
            "registry.k8s.io/pause:3.9                 | registry-k8s-io_pause:3.9",
            "localhost:5000/team/app:v1                | localhost-5000_team_app:v1",
            "GHCR.io/owner/app:V1                      | ghcr-io_owner_app:V1",
            "--name=my-python python:3.9               | my-python:3.9",
            "--name=my-python:stable python:3.9        | my-python:stable",
            "nginx:1.25@sha256:" + HEX + "             | nginx:1.25",
            "--platform=linux/amd64 nginx:1            | nginx:1",
            "--name=My-App --platform=linux/arm64 a:1  | my-app:1",
            "index.docker.io/bitnami/redis:7           | bitnami_redis:7",
            "--platform=all nginx:1.25                 | nginx:1.25",
            "--platform=linux/amd64,linux/arm64 a/b:1  | a_b:1",
    })
    void namesFollowTheTable(String line, String expected) {
        ImageSpec spec = ImageList.parseLine(1, line, Platforms.DEFAULT, "docker.io");
        assertEquals(expected, spec.targetName().toString());
    }

    /** The README's path naming table: the same lines at a target that keeps repository paths. */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "nginx:alpine                              | library/nginx:alpine",
            "docker.io/library/nginx:1.25              | library/nginx:1.25",
            "bitnami/redis:latest                      | bitnami/redis:latest",
            "--platform=linux/arm64 mysql:8.0          | linux_arm64/library/mysql:8.0",
            "--platform=linux/arm/v7 bitnami/redis:7   | linux_arm_v7/bitnami/redis:7",
            "quay.io/coreos/etcd:v3.5.0                | quay.io/coreos/etcd:v3.5.0",
            "localhost:5000/team/app:v1                | localhost-5000/team/app:v1",
            "GHCR.io/owner/app:V1                      | ghcr.io/owner/app:V1",
            "--platform=all nginx:1.27                 | library/nginx:1.27",
            "--name=my-python python:3.9               | my-python:3.9",
            "--name=my-python:stable python:3.9        | my-python:stable",
            "nginx:1.25@sha256:" + HEX + "             | library/nginx:1.25",
    })
    void pathNamingKeepsTheRepositoryPath(String line, String expected) {
        ImageSpec spec = ImageList.parseLine(1, line, Platforms.DEFAULT, "docker.io");
        assertEquals(expected, spec.targetName(Naming.PATH).toString());
    }

    @ParameterizedTest(name = "{0} on a mirror → {1}")
    @CsvSource(delimiter = '|', value = {
            "nginx:alpine                 | mirror.gcr.io/library/nginx:alpine | nginx:alpine",
            "bitnami/redis:7              | mirror.gcr.io/bitnami/redis:7      | bitnami_redis:7",
            "docker.io/library/nginx:1    | docker.io/library/nginx:1          | nginx:1",
    })
    void namesResolvedThroughASourceRegistryAreNamedAsDockerHubNamesThem(String line, String source, String expected) {
        ImageSpec spec = ImageList.parseLine(1, line, Platforms.DEFAULT, "mirror.gcr.io");
        assertEquals(source, spec.source().display());
        assertEquals(expected, spec.targetName().toString());
    }

    @org.junit.jupiter.api.Test
    void theFullReferenceJoinsRegistryNamespaceAndName() {
        ImageSpec spec = ImageList.parseLine(1, "--platform=linux/arm64 mysql:8.0", Platforms.DEFAULT, "docker.io");
        Target target = new Target("aliyun", "registry.example", "ns", "u", new Secret("secret-1"), "ALIYUN");
        assertEquals("registry.example/ns/linux_arm64_mysql:8.0", target.reference(spec.targetName()).display());
    }
}
