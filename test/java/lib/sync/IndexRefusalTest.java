package lib.sync;

import lib.core.SyncError;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which failures of a copy are a target refusing what it was given (then less is tried), in the words skopeo prints. */
class IndexRefusalTest {
    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "PERMANENT | writing manifest: uploading manifest 1 to r/ns/a: manifest invalid: manifest invalid                                    | true",
            "PERMANENT | Manifest list must be converted to type application/vnd.docker.distribution.manifest.list.v2+json to be written to destination, but we cannot modify it | true",
            "PERMANENT | uploading manifest 1 to r/ns/a: unsupported: The operation is unsupported.                                          | true",
            "PERMANENT | uploading manifest 1 to r/ns/a: unknown manifest class for application/vnd.oci.image.index.v1+json                  | true",
            "PERMANENT | uploading manifest 1 to r/ns/a: StatusCode: 415, {\"errors\":[]}                                                 | true",
            "PERMANENT | uploading manifest 1 to r/ns/a: received unexpected HTTP status: 400 Bad Request                                  | true",
            "PERMANENT | reading blob sha256:4001ab: something odd happened                                                                 | false",
            "DENIED    | uploading manifest 1 to r/ns/a: denied: requested access to the resource is denied                                | false",
            "TRANSIENT | uploading manifest 1 to r/ns/a: received unexpected HTTP status: 502 Bad Gateway                                 | false",
            "NOT_FOUND | reading manifest sha256:1 in r/ns/a: manifest unknown                                                             | false",
    })
    void aRefusalIsToldFromOtherFailures(SyncError.Kind kind, String message, boolean refused) {
        assertEquals(refused, IndexSync.refusesIndex(new SyncError(kind, message)));
    }
}
