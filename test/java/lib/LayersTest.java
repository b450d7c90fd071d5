package lib;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The floors of scripts/lib (CONTRIBUTING.md draws them), held by the build: a class that reaches up, or sideways
 * where no edge is drawn, fails here with the edge named (which class uses which, in which file and line).
 *
 * <pre>
 *   scripts (sync.java, issue.java, ...)
 *   issue              the issue flow (05)
 *   run                one sync, from options to report: what sync.java and issue.java call
 *   doctor             --doctor's checklist
 *   report             output: the console, reports, summaries, the catalog, webhooks
 *   sync               deciding, copying, state: Decision knows only core
 *   list, registry, engine, settings
 *   core               references, digests, platforms, errors, secrets, deadlines, the retry policy
 * </pre>
 */
@AnalyzeClasses(packages = "lib", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {
    private static final String DECISION = "lib\\.sync\\.Decision(\\$.*)?";

    @ArchTest
    static final ArchRule floors = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("core").definedBy("lib.core..")
            .layer("list").definedBy("lib.list..")
            .layer("registry").definedBy("lib.registry..")
            .layer("engine").definedBy("lib.engine..")
            .layer("settings").definedBy("lib.settings..")
            .layer("sync").definedBy("lib.sync..")
            .layer("report").definedBy("lib.report..")
            .layer("run").definedBy("lib.run..")
            .layer("doctor").definedBy("lib.doctor..")
            .layer("issue").definedBy("lib.issue..")
            .whereLayer("issue").mayNotBeAccessedByAnyLayer()
            .whereLayer("doctor").mayOnlyBeAccessedByLayers("run")
            .whereLayer("run").mayOnlyBeAccessedByLayers("issue")
            .whereLayer("report").mayOnlyBeAccessedByLayers("doctor", "run", "issue")
            .whereLayer("sync").mayOnlyBeAccessedByLayers("report", "run", "doctor", "issue")
            // Output knows no engine: the engines' counts reach the report as numbers.
            .whereLayer("engine").mayOnlyBeAccessedByLayers("sync", "run", "doctor", "issue")
            .whereLayer("registry").mayOnlyBeAccessedByLayers("sync", "report", "run", "doctor", "issue")
            .whereLayer("settings").mayOnlyBeAccessedByLayers("sync", "run", "doctor", "issue")
            .whereLayer("list").mayOnlyBeAccessedByLayers("sync", "report", "run", "doctor", "issue")
            .whereLayer("core").mayOnlyBeAccessedByLayers("list", "registry", "engine", "settings", "sync", "report", "run", "doctor", "issue");

    /** The skip ladder is pure: whatever it needs is fetched for it, lazily, by its callers. */
    @ArchTest
    static final ArchRule decisionKnowsOnlyCore = classes().that().haveNameMatching(DECISION)
            .should().onlyDependOnClassesThat(resideInAnyPackage("lib.core..", "java..").or(nameMatching("(\\[+L)?" + DECISION + ";?")));

    @ArchTest
    static final ArchRule noCycles = slices().matching("lib.(*)..").should().beFreeOfCycles();
}
