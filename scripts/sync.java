///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.google.re2j:re2j:1.8
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.slf4j:slf4j-nop:1.7.36
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS commons-io:commons-io:2.18.0
//DEPS org.snakeyaml:snakeyaml-engine:3.2
//SOURCES lib/core/package-info.java
//SOURCES lib/list/package-info.java
//SOURCES lib/registry/package-info.java
//SOURCES lib/engine/package-info.java
//SOURCES lib/settings/package-info.java
//SOURCES lib/sync/package-info.java
//SOURCES lib/report/package-info.java
//SOURCES lib/doctor/package-info.java
//SOURCES lib/run/package-info.java

import lib.core.Commands;
import lib.core.Env;
import lib.core.Retry;
import lib.core.UsageError;
import lib.engine.ProcessRunner;
import lib.engine.ZtExecRunner;
import lib.list.Inputs;
import lib.report.Console;
import lib.run.SyncOptions;
import lib.run.SyncRun;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "sync", mixinStandardHelpOptions = true, version = "image-sync 0.2.0",
        description = "Copies container images (Docker Hub or any registry) into your Aliyun Container Registry and/or GHCR, "
                + "one platform per image, skipping what is already there.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image synced, skipped or deferred", "1:at least one image failed or was cancelled (the others were still processed)",
                "2:bad usage, bad list, bad or missing settings, failed login, unusable engine (nothing was copied)",
                "130:interrupted by Ctrl-C (SIGINT); 143: by SIGTERM. The images not done are cancelled and the report is written"},
        footerHeading = "%nEnvironment:%n",
        footer = {"  ALIYUN_REGISTRY, ALIYUN_NAMESPACE, ALIYUN_USERNAME, ALIYUN_PASSWORD\tthe Aliyun target (ALIYUN_NAME_SPACE, "
                + "ALIYUN_REGISTRY_USER and ALIYUN_REGISTRY_PASSWORD, another template's names, are read too)",
                "  GHCR_TOKEN (or GITHUB_TOKEN), GHCR_NAMESPACE, GHCR_USERNAME\tthe GHCR target",
                "  X_REGISTRY, X_NAMESPACE, X_USERNAME, X_PASSWORD, X_NAMING\ta target of your own named X in --to (X upper-cased, '-' as '_': "
                        + "harbor reads HARBOR_REGISTRY, acr-bj ACR_BJ_REGISTRY); X_NAMING flat (the default) or path",
                "  SYNC_SECRETS_JSON\tthe repository's secrets as one JSON object (the workflow's toJSON(secrets)): where those X_ "
                        + "settings are read when the environment does not set them",
                "  SYNC_TARGETS\tthe default of --to (when it is not set: SYNC_MODE=aliyun, ghcr or double)",
                "  DOCKERHUB_USERNAME, DOCKERHUB_TOKEN\tDocker Hub login",
                "  SOURCE_REGISTRY, INSECURE_REGISTRIES, SYNC_STATE, SYNC_ENGINE, SYNC_IMAGE_TIMEOUT, SYNC_SHARD, DOCKER\tas the options say",
                "",
                "Examples:",
                "  # check images.txt offline",
                "  ./jbang scripts/sync.java --plan",
                "  # check engine, logins, push permission and quotas online",
                "  ./jbang scripts/sync.java --doctor",
                "  # sync images.txt to every configured target",
                "  ./jbang scripts/sync.java",
                "  # one image, to Aliyun only, for arm64",
                "  ./jbang scripts/sync.java --to aliyun --platform linux/arm64 mysql:8.0",
                "  # one tag for every platform, checked only",
                "  ./jbang scripts/sync.java --platform all --dry-run nginx:1.27",
                "  # add the images a compose file uses to images.txt",
                "  ./jbang scripts/sync.java --from compose.yaml --append images.txt"})
public class sync implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images to sync (images.txt syntax); when none, --images is read.")
    List<String> images = new ArrayList<>();

    @Option(names = {"-f", "--images"}, paramLabel = "FILE", defaultValue = "images.txt", description = "The image list (default: ${DEFAULT-VALUE}).")
    Path imagesFile;

    @Option(names = "--to", paramLabel = "LIST",
            description = "auto, aliyun, ghcr, both or ids of your own targets (harbor, acr-bj: see X_REGISTRY below), as a comma list. "
                    + "Default: env SYNC_TARGETS, else auto: Aliyun when its "
                    + "settings are present; GHCR when GHCR_TOKEN or GHCR_NAMESPACE is set, or GITHUB_TOKEN when Aliyun is not configured.")
    String to;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]|all|LIST", defaultValue = "linux/amd64",
            description = "Platform for IMAGE arguments and list lines without one (default: ${DEFAULT-VALUE}). \"all\" copies the whole "
                    + "multi-platform image under one tag; a comma list (linux/amd64,linux/arm64) writes one tag serving exactly those.")
    String platform;

    @Option(names = "--name", paramLabel = "NAME[:TAG]", description = "Explicit target name; only with exactly one IMAGE.")
    String name;

    @Option(names = "--plan", description = "Offline: parse, name, check for collisions and print the source → target table.")
    boolean plan;

    @Option(names = "--doctor", description = "Online, copies and creates nothing: a checklist of the engine, each target (reachable, "
            + "login, push permission), the sources' pull quota and the list, with the fix for every problem. Exit 0 or 2.")
    boolean doctor;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report to FILE (checked before anything is copied).")
    Path report;

    @Option(names = "--from", paramLabel = "FILE|DIR|-", description = "Print the images.txt lines a stack needs, from its files: "
            + "Docker Compose files, Kubernetes manifests, helm template output (- reads standard input), or a folder of them. Syncs nothing.")
    String from;

    @Option(names = "--append", paramLabel = "FILE", description = "With --from: add the lines FILE (e.g. images.txt) lacks to it, "
            + "instead of printing them; lines already listed are not repeated and the file's comments are kept.")
    Path append;

    @Option(names = "--max-tags", paramLabel = "N", defaultValue = "" + SyncRun.DEFAULT_MAX_TAGS,
            description = "The most tags one tag-policy line (--tags, --semver, --latest) may select; more is an error for that line (default: ${DEFAULT-VALUE}).")
    int maxTags;

    @Mixin
    SyncOptions run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Map<String, String> env = System.getenv();
    ProcessRunner runner = new ZtExecRunner();
    Retry retry = Retry.standard();
    Console console;
    InputStream stdin = System.in;

    public static void main(String[] args) {
        System.exit(commandLine(new sync()).execute(Env.arguments(args)));
    }

    /** Every error is one line (see Commands); option defaults come from the command's environment. */
    static CommandLine commandLine(sync command) {
        return Commands.of(command, command.env).setDefaultValueProvider(arg -> SyncOptions.defaults(command.env).defaultValue(arg));
    }

    @Override
    public Integer call() throws Exception {
        if (console == null) {
            console = Console.of(env);
        }
        if (!images.isEmpty() && spec.commandLine().getParseResult().hasMatchedOption("--images")) {
            throw new UsageError("-f/--images and IMAGE arguments were both given: sync either the list file or the images named");
        }
        if (doctor && plan) {
            throw new UsageError("--doctor and --plan were both given: --doctor already checks the list as --plan does");
        }
        if (from != null || append != null) {
            if (from == null || !images.isEmpty() || plan || doctor) {
                throw new UsageError("--from FILE|DIR|- reads a stack's images (and --append needs it): give no IMAGE arguments, --plan or --doctor with it");
            }
            return new SyncRun(env, runner, retry, console).from(from, append, stdin);
        }
        Inputs inputs = Inputs.of(images, imagesFile, name, platform, run.sourceRegistry());
        SyncRun.Options options = run.options(inputs, to, report, maxTags);
        SyncRun sync = new SyncRun(env, runner, retry, console);
        return doctor ? sync.doctor(options) : plan ? sync.plan(options) : sync.sync(options).exit();
    }
}
