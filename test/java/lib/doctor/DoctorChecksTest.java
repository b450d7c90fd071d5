package lib.doctor;

import lib.core.Secret;
import lib.core.Target;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The doctor's checks that need no registry. */
class DoctorChecksTest {
    @Test
    void acrPersonalEditionRepositoriesAreCountedAgainstItsLimit() {
        Target personal = new Target("aliyun", "registry.cn-hangzhou.aliyuncs.com", "team", "u", new Secret("password"), "ALIYUN");
        assertEquals(Doctor.Mark.PASS, Doctor.acrQuota(personal, 12).mark());
        assertEquals("aliyun: the list uses 12 of the 300 repositories ACR Personal Edition holds (those already there count too)",
                Doctor.acrQuota(personal, 12).text());
        assertEquals(Doctor.Mark.WARN, Doctor.acrQuota(personal, 240).mark());
        assertEquals(Doctor.Mark.PASS, Doctor.acrQuota(personal, 239).mark());
        assertEquals(Doctor.Mark.FAIL, Doctor.acrQuota(personal, 301).mark());
        assertEquals(Doctor.Mark.WARN, Doctor.acrQuota(new Target("aliyun", "crpi-abc123.cn-beijing.personal.cr.aliyuncs.com", "team", "u",
                new Secret("password"), "ALIYUN"), 250).mark());
        for (String other : List.of("ghcr.io", "myinstance-registry.cn-hangzhou.cr.aliyuncs.com", "127.0.0.1:5000")) {
            assertNull(Doctor.acrQuota(new Target("aliyun", other, "team", "u", new Secret("password"), "ALIYUN"), 400), other + " is not Personal Edition");
        }
    }
}
