import support.Tools;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small scripts the workflows run besides sync and notify: the badge, its commit, and the disk cleaner. */
@Tag("process")
class RunnerScriptsTest {
    static final String README = "# My images\n\n![Last Sync](https://img.shields.io/badge/last%20sync-never-lightgrey)\n\n"
            + "Text that mentions ![Last Sync](elsewhere) stays.\n\n- item - with - dashes\n";

    static Tools.Result jbang(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.REPO.resolve("jbang").toString()));
        cmd.addAll(List.of(args));
        return Tools.run(cmd, Tools.cleanEnv(), dir, null);
    }

    @Test
    void theBadgeLineAndNothingElseChangesAndTheSameTimeTwiceIsANoOp(@TempDir Path dir) throws IOException {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, README);
        String badge = Tools.REPO.resolve("scripts/badge.java").toString();

        Tools.Result first = jbang(dir, badge, "--time", "2026-11-28T05:07:00Z", "README.md");
        assertEquals(0, first.exit(), first.all());
        String expected = README.replace("last%20sync-never-lightgrey", "last%20sync-2026--11--28%2013:07%20UTC%2B8-blue");
        assertEquals(expected, Files.readString(readme));

        Tools.Result second = jbang(dir, badge, "--time", "2026-11-28T05:07:00Z", "README.md");
        assertEquals(0, second.exit(), second.all());
        assertTrue(second.out().contains("already says"), second.out());
        assertEquals(expected, Files.readString(readme));
    }

    /** With a report whose images failed, the badge is orange and says how many images fail (not image×target). */
    @Test
    void aReportWithFailuresMakesTheBadgeOrangeWithHowManyFail(@TempDir Path dir) throws IOException {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, README);
        Path report = dir.resolve("sync-report.json");
        lib.report.Report.of(List.of(failed("a"), failed("b"), ok("c"))).write(report);
        Tools.Result r = jbang(dir, Tools.REPO.resolve("scripts/badge.java").toString(), "--time", "2026-12-06T05:07:00Z", "--report", report.toString(), "README.md");
        assertEquals(0, r.exit(), r.all());
        assertEquals(README.replace("last%20sync-never-lightgrey", "last%20sync-2026--12--06%2013:07%20UTC%2B8%20%C2%B7%202%20failing-orange"),
                Files.readString(readme));
        lib.report.Report.of(List.of(ok("c"))).write(report);
        r = jbang(dir, Tools.REPO.resolve("scripts/badge.java").toString(), "--time", "2026-12-06T05:07:00Z", "--report", report.toString(), "README.md");
        assertEquals(0, r.exit(), r.all());
        assertEquals(README.replace("last%20sync-never-lightgrey", "last%20sync-2026--12--06%2013:07%20UTC%2B8-blue"), Files.readString(readme));
        Files.writeString(report, "not json");
        r = jbang(dir, Tools.REPO.resolve("scripts/badge.java").toString(), "--report", report.toString(), "README.md");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("is not a readable sync report"), r.all());
    }

    static lib.sync.ImageResult failed(String name) {
        lib.sync.TargetResult.At at = new lib.sync.TargetResult.At("aliyun", "reg.example/ns/" + name + ":1", null, 0);
        return result(name, at.failed(lib.core.SyncError.Kind.NOT_FOUND, "not found", null), at.failed(lib.core.SyncError.Kind.NOT_FOUND, "not found", null));
    }

    static lib.sync.ImageResult ok(String name) {
        lib.sync.TargetResult.At at = new lib.sync.TargetResult.At("aliyun", "reg.example/ns/" + name + ":1", null, 0);
        return result(name, at.skipped("digest", "sha256:1"));
    }

    static lib.sync.ImageResult result(String name, lib.sync.TargetResult... targets) {
        return new lib.sync.ImageResult(1, "docker.io/library/" + name + ":1", name, "docker.io/library/" + name, "1", null, "linux/amd64", null, null,
                List.of(targets), null);
    }

    @Test
    void bothReadmesCarryTheBadgeLine() throws IOException {
        for (String f : List.of("README.md", "README.zh-CN.md")) {
            assertTrue(badge.LINE.matcher(Files.readString(Tools.REPO.resolve(f))).find(), f);
        }
    }

    @Test
    void theBadgeCommitRebasesOnceWhenTheBranchMoved(@TempDir Path dir) throws IOException {
        Path runner = runnerWithOrigin(dir);
        Path other = dir.resolve("other");
        git(dir, "clone", "-q", dir.resolve("origin.git").toString(), other.toString());
        Files.writeString(other.resolve("images.txt"), "nginx:alpine\n");
        git(other, "add", "images.txt");
        git(other, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "someone pushed meanwhile");
        git(other, "push", "-q", "origin", "HEAD:main");

        Files.writeString(runner.resolve("README.md"), README.replace("never", "now"));
        Tools.Result r = Tools.run(List.of(Tools.REPO.resolve("scripts/commit-badge.sh").toString(), "README.md"), Tools.cleanEnv(), runner, null);
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("pushed"), r.all());
        String log = git(runner, "log", "--format=%s", "origin/main").out();
        assertEquals(List.of("Update last-sync badge [skip ci]", "someone pushed meanwhile", "init"), log.lines().toList());

        Tools.Result unchanged = Tools.run(List.of(Tools.REPO.resolve("scripts/commit-badge.sh").toString(), "README.md"), Tools.cleanEnv(), runner, null);
        assertEquals(0, unchanged.exit());
        assertTrue(unchanged.out().contains("nothing changed"));
    }

    /** The mirror/ files of a repository made before them are new, untracked files: they are committed all the same. */
    @Test
    void aFileTheRunWritesForTheFirstTimeIsCommitted(@TempDir Path dir) throws IOException {
        Path runner = runnerWithOrigin(dir);
        Files.createDirectories(runner.resolve("mirror"));
        Files.writeString(runner.resolve("mirror/pull.sh"), "#!/bin/sh\n");
        Tools.Result r = Tools.run(List.of(Tools.REPO.resolve("scripts/commit-badge.sh").toString(), "README.md", "mirror"), Tools.cleanEnv(), runner, null);
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("pushed"), r.all());
        assertEquals("#!/bin/sh\n", git(runner, "show", "origin/main:mirror/pull.sh").out());
    }

    @Test
    void aPushThatKeepsFailingIsOnlyAWarning(@TempDir Path dir) throws IOException {
        Path repo = dir.resolve("repo");
        git(dir, "init", "-q", "-b", "main", repo.toString());
        Files.writeString(repo.resolve("README.md"), README);
        git(repo, "add", "README.md");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init");
        git(repo, "remote", "add", "origin", dir.resolve("missing.git").toString());
        Files.writeString(repo.resolve("README.md"), README.replace("never", "now"));
        Tools.Result r = Tools.run(List.of(Tools.REPO.resolve("scripts/commit-badge.sh").toString(), "README.md"), Tools.cleanEnv(), repo, null);
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("::warning::commit-badge: could not push"), r.all());
    }

    static final List<String> REMOVED = List.of("usr/share/dotnet/sdk", "usr/local/lib/android/sdk", "opt/ghc/9.4", "usr/local/.ghcup/bin",
            "opt/hostedtoolcache/CodeQL/2.17");
    static final List<String> KEPT = List.of("usr/bin", "usr/share/doc", "opt/hostedtoolcache/Java_Temurin-Hotspot_jdk", "home/runner/work");

    static Path fakeRoot(Path dir) throws IOException {
        Path root = dir.resolve("root");
        for (String d : REMOVED) {
            Files.createDirectories(root.resolve(d));
            Files.writeString(root.resolve(d).resolve("big.bin"), "x".repeat(1000));
        }
        for (String d : KEPT) {
            Files.createDirectories(root.resolve(d));
            Files.writeString(root.resolve(d).resolve("keep.txt"), "keep");
        }
        return root;
    }

    /** The environment of a GitHub Actions job on a runner of this kind ("github-hosted" or "self-hosted"). */
    static Map<String, String> runner(String environment) {
        Map<String, String> env = Tools.cleanEnv();
        env.put("GITHUB_ACTIONS", "true");
        env.put("RUNNER_ENVIRONMENT", environment);
        return env;
    }

    @Test
    void diskCleanupRemovesTheToolchainsAndNothingElse(@TempDir Path dir) throws IOException {
        Path root = fakeRoot(dir);
        Tools.Result r = Tools.run(List.of(Tools.REPO.resolve("scripts/free-disk-space.sh").toString(), "--root", root.toString()),
                runner("github-hosted"), dir, null);
        assertEquals(0, r.exit(), r.all());
        for (String d : REMOVED) {
            assertFalse(Files.exists(root.resolve(d.substring(0, d.lastIndexOf('/')))), d + " was kept");
        }
        for (String d : KEPT) {
            assertTrue(Files.exists(root.resolve(d).resolve("keep.txt")), d + " was removed");
        }
        assertTrue(r.out().contains("free before:") && r.out().contains("free after:"), r.out());
    }

    @Test
    void diskCleanupRefusesOutsideAGithubHostedRunnerUnlessForced(@TempDir Path dir) throws IOException {
        Path root = fakeRoot(dir);
        String script = Tools.REPO.resolve("scripts/free-disk-space.sh").toString();
        Tools.Result refused = Tools.run(List.of(script, "--root", root.toString()), runner("self-hosted"), dir, null);
        assertEquals(1, refused.exit(), refused.all());
        assertTrue(refused.stderr().contains("nothing was removed"), refused.stderr());
        assertTrue(Files.exists(root.resolve("usr/share/dotnet/sdk/big.bin")));

        Tools.Result forced = Tools.run(List.of(script, "--root", root.toString(), "--force"), Tools.cleanEnv(), dir, null);
        assertEquals(0, forced.exit(), forced.all());
        assertFalse(Files.exists(root.resolve("usr/share/dotnet")));
    }

    /** A bare origin holding README.md, and a clone of it in dir/runner, as a workflow's checkout is. */
    private static Path runnerWithOrigin(Path dir) throws IOException {
        Path origin = dir.resolve("origin.git");
        git(dir, "init", "-q", "--bare", "-b", "main", origin.toString());
        Path runner = dir.resolve("runner");
        git(dir, "clone", "-q", origin.toString(), runner.toString());
        Files.writeString(runner.resolve("README.md"), README);
        git(runner, "add", "README.md");
        git(runner, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init");
        git(runner, "push", "-q", "origin", "HEAD:main");
        return runner;
    }

    private static Tools.Result git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Tools.Result r = Tools.run(cmd, Tools.cleanEnv(), dir, null);
        assertEquals(0, r.exit(), "git " + String.join(" ", args) + ": " + r.stderr());
        return r;
    }
}
