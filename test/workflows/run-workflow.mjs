#!/usr/bin/env node
/*
 * Runs this repository's GitHub workflows on this machine the way a GitHub-hosted runner would, for the workflow
 * tests (test/java/WorkflowRunTest.java). Usage: node test/workflows/run-workflow.mjs CONFIG.json (Node 20.6 or
 * newer, for module.register; the packages come from test/package.json, installed by test/run).
 *
 * What it does as GitHub does:
 * - Reads the workflow files of the commit the event is for (the head of the branch in a bare "origin" repository)
 *   with GitHub's own parser, @actions/workflow-parser: schema validation, embedded ${{ }} turned into format(),
 *   and an `if:` without a status function wrapped in `success() && (...)`. Any parse error stops the run.
 * - Decides which workflows an event starts: push (branches, paths and paths-ignore filters over the files the
 *   push changed; [skip ci] and its variants in the head commit skip push workflows), schedule,
 *   workflow_dispatch of one named workflow with its inputs (defaults filled in, booleans as booleans in `inputs`,
 *   strings in github.event.inputs), and issues and issue_comment with the payload the test gives (the `types`
 *   filter against its `action`). Workflows with only workflow_call are never started by an event.
 * - Evaluates every `if:`, `${{ }}`, env value, `with:` value, concurrency group and timeout-minutes with GitHub's
 *   own expression engine, @actions/expressions, over the contexts of that place: github (the event's payload,
 *   event_name, sha, ref, run_id, ...), inputs (empty on push and schedule, so inputs.x is null), vars (absent
 *   variables are null), secrets (plus GITHUB_TOKEN), env, job.status, steps, runner, strategy, matrix, needs.
 *   So the loose comparisons (null == false is true) and success()/failure()/always()/cancelled() behave as on
 *   GitHub; hashFiles() is SHA-256 over the SHA-256 of each matched workspace file, as the runner computes it.
 * - Runs each job on a fresh "runner": an empty workspace, HOME and RUNNER_TEMP under config.work, GitHub's
 *   default environment variables (GITHUB_*, RUNNER_*, CI) over the machine environment, `run:` steps with
 *   `bash --noprofile --norc -e -o pipefail`, and GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH and GITHUB_STEP_SUMMARY
 *   files read back after each step. continue-on-error, step outcome/conclusion and the job status follow GitHub.
 * - Emulates the `uses:` the workflows use; anything else fails its step, so a new action cannot go untested:
 *   actions/checkout (a clone of the origin at the event's commit, its branch tracking origin, so a push from the
 *   job lands in the origin), actions/setup-java and setup-node (the local JDK / Node, checked against the
 *   requested major version), actions/cache (restore, then save in a post step under `post-if: success()`, not on
 *   an exact hit), actions/cache/restore and actions/cache/save (a folder config.cache that outlives runs:
 *   exact key first, then each key and restore-key as a prefix, newest entry first, only entries saved with the
 *   same paths; a key is never overwritten; a missing path saves nothing, with a warning), actions/upload-artifact
 *   (a folder per run under config.artifacts; if-no-files-found; a name used twice in a run fails), and reusable
 *   workflows (`uses: ./.github/workflows/x.yml`: the callee, fetched and checked by the parser, runs with the
 *   caller's github context, its inputs typed and defaulted as declared, `secrets: inherit` or the listed secrets),
 *   and actions/download-artifact (by name, or every artifact of the run matching `pattern`, each in its own
 *   folder unless merge-multiple).
 * - Runs jobs in the order `needs` allows, one at a time, each job's `if:` with the needs context and the job-level
 *   status functions (success() only when every job it depends on, directly or not, succeeded; a job that does not
 *   run is skipped, and so is, by default, every job after it); jobs.<id>.outputs are evaluated over the job's steps
 *   and reach later jobs as needs.<id>.outputs, with needs.<id>.result (failure when any leg of a matrix failed).
 * - Expands strategy.matrix (also on a job that calls a reusable workflow), evaluated with needs so that
 *   fromJSON(needs.plan.outputs.x) works: one leg per combination, each a job of its own on a fresh runner, named
 *   "id (value, ...)", with the matrix and strategy contexts; at most 256 legs.
 *
 * What it does not do:
 * - Queue, cancel or time out runs: it evaluates the concurrency group (of the workflow, and of each job that runs)
 *   and timeout-minutes and reports them (the test applies GitHub's documented queueing rule to the groups); runs
 *   are never cancelled.
 * - Mask secrets in the log: the tests assert that no secret appears at all, which is stricter.
 * - Run matrix legs or independent jobs side by side, or cancel the other legs when one fails (fail-fast): legs run
 *   one after another and all of them run. Matrix include/exclude and max-parallel, reusable-workflow outputs.
 * - Other events, services, containers, composite or Docker actions, `shell:` other than bash, glob patterns in
 *   cache/artifact upload paths, or the cache's 10 GB eviction.
 * - Isolation: steps run as the current user on this machine. Java takes user.home from the password database,
 *   not from HOME, so JBang keeps using this user's ~/.jbang and ~/.m2 whatever HOME says; the emulated cache of
 *   those folders (under the fake HOME) stays empty. FREE_DISK_SPACE_ROOT is always set to a fake root under
 *   config.work, so the disk clean-up step (which on GitHub cleans /) only ever deletes inside it.
 *
 * CONFIG (JSON): mode ("run"; "concurrency": the groups of a list of events; "eval": expressions), origin (a bare
 * git repository), branch, event (push, schedule, workflow_dispatch, issues or issue_comment), payload (issues,
 * issue_comment: the event's payload, as GitHub sends it), apiUrl (github.api_url and GITHUB_API_URL; default
 * https://api.github.com), workflow and inputs (dispatch), before
 * (push: the commit before it), only (the workflow files allowed to run; others that the event starts are reported,
 * not run), vars, secrets, runnerEnv (the machine's environment on top of PATH, LANG, JAVA_HOME, ...), runId,
 * repository, actor, work (the runner: home, workspace, temp and disk-root, made anew for each job), cache,
 * artifacts, diskRootTemplate (copied to work/disk-root, the root FREE_DISK_SPACE_ROOT names), result (where the
 * JSON result goes). Exit status: 0 when it ran (the job conclusions are in the result), 3 when the harness itself
 * or a workflow file is at fault.
 */
import { register } from "node:module";
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

register("./json-hooks.mjs", import.meta.url);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter, isBasicExpression, isString, isBoolean, isNumber,
  isSequence, isMapping } = await import("@actions/workflow-parser");
const { Lexer, Parser, Evaluator, data } = await import("@actions/expressions");
// How GitHub turns a condition's value into true or false (an empty string, 0, NaN and null are false).
const { truthy } = await import("@actions/expressions/result");

class HarnessError extends Error {}

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const log = (line) => process.stdout.write(line + "\n");

// ---- expressions -----------------------------------------------------------------------------------------------

function toData(v) {
  if (v === null || v === undefined) return new data.Null();
  if (v instanceof data.Null || v instanceof data.StringData || v instanceof data.BooleanData || v instanceof data.NumberData
      || v instanceof data.Array || v instanceof data.Dictionary) return v;
  if (typeof v === "boolean") return new data.BooleanData(v);
  if (typeof v === "number") return new data.NumberData(v);
  if (typeof v === "string") return new data.StringData(v);
  if (Array.isArray(v)) return new data.Array(...v.map(toData));
  return new data.Dictionary(...Object.entries(v).map(([key, value]) => ({ key, value: toData(value) })));
}

function fromData(d) {
  switch (d.kind) {
    case data.Kind.Null: return null;
    case data.Kind.Boolean: case data.Kind.Number: case data.Kind.String: return d.value;
    case data.Kind.Array: return d.values().map(fromData);
    default: return Object.fromEntries(d.pairs().map(({ key, value }) => [key, fromData(value)]));
  }
}

function fn(name, minArgs, maxArgs, call) {
  return { name, minArgs, maxArgs, call };
}

/** The status functions and hashFiles, for a job whose status is status() and whose workspace is workspace. */
function functions(status, workspace) {
  const map = new Map();
  const add = (f) => map.set(f.name.toLowerCase(), f);
  add(fn("success", 0, 0, () => new data.BooleanData(status() === "success")));
  add(fn("failure", 0, 0, () => new data.BooleanData(status() === "failure")));
  add(fn("cancelled", 0, 0, () => new data.BooleanData(status() === "cancelled")));
  add(fn("always", 0, 0, () => new data.BooleanData(true)));
  add(fn("hashFiles", 1, 255, (...patterns) => new data.StringData(hashFiles(workspace, patterns.map((p) => p.coerceString())))));
  return map;
}

function evaluate(expression, context, fns = new Map()) {
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, Object.keys(context), [...fns.values()]).parse();
  return new Evaluator(tree, toData(context), fns).evaluate();
}

/** A template token (mapping, sequence, scalar, expression) evaluated to expression data. */
function evalToken(token, context, fns) {
  if (token === undefined || token === null) return new data.Null();
  if (isBasicExpression(token)) return evaluate(token.expression, context, fns);
  if (isString(token)) return new data.StringData(token.value);
  if (isBoolean(token)) return new data.BooleanData(token.value);
  if (isNumber(token)) return new data.NumberData(token.value);
  if (isSequence(token)) return new data.Array(...[...token].map((t) => evalToken(t, context, fns)));
  if (isMapping(token)) {
    const dict = new data.Dictionary();
    for (const { key, value } of token) dict.add(evalToken(key, context, fns).coerceString(), evalToken(value, context, fns));
    return dict;
  }
  return new data.Null();
}

/** A mapping token (env:, with:) as name → string, the way the runner hands them to processes and actions. */
function evalStrings(token, context, fns) {
  const out = {};
  if (!token) return out;
  for (const { key, value } of token) out[key.value ?? evalToken(key, context, fns).coerceString()] = evalToken(value, context, fns).coerceString();
  return out;
}

function find(mapping, key) {
  return mapping && isMapping(mapping) ? mapping.find(key) : undefined;
}

// ---- hashFiles and path filters --------------------------------------------------------------------------------

/** GitHub's filter pattern syntax: * within a segment, ** across segments, ? one character. */
function globRegExp(pattern) {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      if (pattern[i + 2] === "/") { re += "(?:.*/)?"; i += 2; } else { re += ".*"; i += 1; }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function listFiles(root, dir = "") {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.name === ".git") continue;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

function hashFiles(workspace, patterns) {
  const files = listFiles(workspace).filter((f) => patterns.some((p) => globRegExp(p.replace(/^\.\//, "")).test(f))).sort();
  if (files.length === 0) return "";
  const all = createHash("sha256");
  for (const f of files) all.update(createHash("sha256").update(fs.readFileSync(path.join(workspace, f))).digest());
  return all.digest("hex");
}

/** A paths / branches filter: later patterns win, a leading ! excludes. */
function matchesFilter(patterns, value) {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith("!")) { if (globRegExp(p.slice(1)).test(value)) matched = false; }
    else if (globRegExp(p).test(value)) matched = true;
  }
  return matched;
}

// ---- git and the origin ----------------------------------------------------------------------------------------

function git(cwd, ...args) {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new HarnessError(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

// ---- workflow files ---------------------------------------------------------------------------------------------

function parse(dir, file) {
  const content = fs.readFileSync(path.join(dir, file), "utf8");
  const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors();
  if (errors.length > 0) throw new HarnessError(`${file}: ${errors.map((e) => e.message).join("; ")}`);
  return result;
}

async function load(dir, file, fetchCallees) {
  const parsed = parse(dir, file);
  const provider = { getFileContent: async (ref) => ({ name: ref.path, content: fs.readFileSync(path.join(dir, ref.path), "utf8") }) };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, provider, { fetchReusableWorkflowDepth: fetchCallees ? 1 : 0 });
  const errors = [...(template.errors ?? []), ...parsed.context.errors.getErrors()];
  if (errors.length > 0) throw new HarnessError(`${file}: ${errors.map((e) => e.Message ?? e.message).join("; ")}`);
  return { file, raw: parsed.value, template };
}

// ---- events -------------------------------------------------------------------------------------------------------

const SKIP_CI = ["[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]"];

/** Why a workflow does not start for this event, or null when it does. */
function notStarted(workflow, event) {
  const on = workflow.template.events;
  if (event.name === "workflow_dispatch") return event.workflow === workflow.file && on.workflow_dispatch ? null : "not the dispatched workflow";
  if (event.name === "schedule") return on.schedule ? null : "no schedule trigger";
  if (event.name === "issues" || event.name === "issue_comment") {
    if (!on[event.name]) return `no ${event.name} trigger`;
    const types = on[event.name].types;
    return types && !types.includes(event.payload.action) ? `types filter (${event.payload.action})` : null;
  }
  if (event.name === "push") {
    const push = on.push;
    if (!push) return "no push trigger";
    if (SKIP_CI.some((s) => event.headMessage.toLowerCase().includes(s))) return "the head commit says [skip ci]";
    if (push.branches && !matchesFilter(push.branches, event.branch)) return "branches filter";
    if (push["branches-ignore"] && matchesFilter(push["branches-ignore"], event.branch)) return "branches-ignore filter";
    if (push.paths && !event.changed.some((f) => matchesFilter(push.paths, f))) return `paths filter (${event.changed.join(", ")})`;
    if (push["paths-ignore"] && event.changed.every((f) => matchesFilter(push["paths-ignore"], f))) return "paths-ignore filter";
    return null;
  }
  throw new HarnessError(`event ${event.name} is not emulated`);
}

/** workflow_dispatch inputs as GitHub gives them: the `inputs` context typed, github.event.inputs as strings. */
function dispatchInputs(workflow, given) {
  const defs = workflow.template.events.workflow_dispatch?.inputs ?? {};
  for (const name of Object.keys(given)) if (!(name in defs)) throw new HarnessError(`${workflow.file} has no input '${name}'`);
  const typed = {};
  for (const [name, def] of Object.entries(defs)) {
    let v = name in given ? given[name] : def.default;
    if (v === undefined || v === null) v = def.type === "boolean" ? false : "";
    if (def.type === "boolean") v = v === true || v === "true";
    else if (def.type === "number") v = Number(v);
    else v = String(v);
    if (def.required && v === "") throw new HarnessError(`${workflow.file}: input ${name} is required`);
    if (def.type === "choice" && !def.options.includes(v)) throw new HarnessError(`${workflow.file}: ${name}=${v} is not one of ${def.options}`);
    typed[name] = v;
  }
  const strings = Object.fromEntries(Object.entries(typed).map(([k, v]) => [k, String(v)]));
  return { typed, strings };
}

// ---- the runner -----------------------------------------------------------------------------------------------------

const RUNNER_OS = "Linux";

function localJavaMajor(env) {
  const java = env.JAVA_HOME ? path.join(env.JAVA_HOME, "bin", "java") : "java";
  const r = spawnSync(java, ["-XshowSettings:properties", "-version"], { encoding: "utf8", env });
  const m = /java\.specification\.version = (\d+)/.exec(r.stderr ?? "");
  const home = /java\.home = (.+)/.exec(r.stderr ?? "");
  if (!m || !home) throw new HarnessError("no local JDK found for actions/setup-java");
  return { major: m[1], home: home[1].trim() };
}

function localNodeMajor() {
  return { major: process.versions.node.split(".")[0], home: path.dirname(path.dirname(process.execPath)) };
}

/** One line per entry; ~ is HOME, relative paths are in the workspace. */
function actionPaths(value, job) {
  const lines = value.split("\n").map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) throw new HarnessError("a path input is empty");
  return lines.map((line) => {
    if (/[*?[\]]/.test(line)) throw new HarnessError(`glob paths are not emulated: ${line}`);
    const p = line.startsWith("~/") ? path.join(job.home, line.slice(2)) : line === "~" ? job.home : path.resolve(job.workspace, line);
    return { line, path: p };
  });
}

// The cache service: entries in config.cache/entries/N, their keys, versions (the paths) and order in index.json.
const cacheIndexFile = () => path.join(config.cache, "index.json");
function cacheIndex() {
  return fs.existsSync(cacheIndexFile()) ? JSON.parse(fs.readFileSync(cacheIndexFile(), "utf8")) : [];
}
function cacheVersion(paths) {
  return createHash("sha256").update(paths.map((p) => p.line).join("|")).digest("hex");
}
function cacheRestore(keys, paths) {
  const version = cacheVersion(paths);
  const entries = cacheIndex().filter((e) => e.version === version);
  let entry = entries.find((e) => e.key === keys[0]);
  if (!entry) {
    for (const prefix of keys) {
      const matches = entries.filter((e) => e.key.startsWith(prefix)).sort((a, b) => b.seq - a.seq);
      if (matches.length > 0) { entry = matches[0]; break; }
    }
  }
  if (!entry) return null;
  paths.forEach((p, i) => {
    const stored = path.join(config.cache, "entries", String(entry.seq), String(i));
    if (fs.existsSync(stored)) {
      fs.mkdirSync(path.dirname(p.path), { recursive: true });
      fs.cpSync(stored, p.path, { recursive: true, force: true });
    }
  });
  return entry.key;
}
function cacheSave(key, paths, say) {
  const index = cacheIndex();
  if (index.some((e) => e.key === key)) {
    say(`::warning::Failed to save: Unable to reserve cache with key ${key}, another job may be creating this cache.`);
    return false;
  }
  if (!paths.some((p) => fs.existsSync(p.path))) {
    say("::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.");
    return false;
  }
  const seq = index.reduce((m, e) => Math.max(m, e.seq), 0) + 1;
  paths.forEach((p, i) => {
    if (fs.existsSync(p.path)) fs.cpSync(p.path, path.join(config.cache, "entries", String(seq), String(i)), { recursive: true });
  });
  index.push({ key, version: cacheVersion(paths), seq });
  fs.writeFileSync(cacheIndexFile(), JSON.stringify(index, null, 1));
  say(`Cache saved with key: ${key}`);
  return true;
}

const KNOWN_INPUTS = {
  "actions/checkout": ["repository", "ref", "token", "ssh-key", "persist-credentials", "path", "clean", "fetch-depth", "fetch-tags",
    "filter", "sparse-checkout", "lfs", "submodules", "set-safe-directory", "github-server-url", "show-progress"],
  "actions/setup-java": ["java-version", "java-version-file", "distribution", "java-package", "architecture", "jdk-file", "check-latest",
    "server-id", "server-username", "server-password", "settings-path", "overwrite-settings", "gpg-private-key", "gpg-passphrase",
    "cache", "cache-dependency-path", "job-status", "token", "mvn-toolchain-id", "mvn-toolchain-vendor"],
  "actions/setup-node": ["node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache",
    "package-manager-cache", "cache-dependency-path", "mirror", "mirror-token"],
  "actions/cache": ["path", "key", "restore-keys", "upload-chunk-size", "enableCrossOsArchive", "fail-on-cache-miss", "lookup-only", "save-always"],
  "actions/cache/restore": ["path", "key", "restore-keys", "enableCrossOsArchive", "fail-on-cache-miss", "lookup-only"],
  "actions/cache/save": ["path", "key", "upload-chunk-size", "enableCrossOsArchive"],
  "actions/upload-artifact": ["name", "path", "if-no-files-found", "retention-days", "compression-level", "overwrite", "include-hidden-files", "archive"],
  "actions/download-artifact": ["name", "artifact-ids", "path", "pattern", "merge-multiple", "github-token", "repository", "run-id", "skip-decompress"],
};

/** The emulated action `uses` in a job; returns { ok, outputs } and may add post steps. */
function runAction(uses, inputs, job, say) {
  const action = uses.replace(/@.*$/, "");
  if (!(action in KNOWN_INPUTS)) throw new StepFailure(`${uses} is not emulated by this harness`);
  const unknown = Object.keys(inputs).filter((k) => !KNOWN_INPUTS[action].includes(k));
  if (unknown.length > 0) say(`::warning::Unexpected input(s) '${unknown.join("', '")}', valid inputs are [${KNOWN_INPUTS[action].join(", ")}]`);
  const required = (name) => {
    if (!inputs[name]) throw new StepFailure(`Input required and not supplied: ${name}`);
    return inputs[name];
  };
  switch (action) {
    case "actions/checkout": {
      // An empty workspace before this step, as on a fresh runner; the branch tracks the origin so a push works.
      git(job.workspace, "clone", "--quiet", "--depth", "1", "--branch", config.branch, `file://${config.origin}`, ".");
      if (git(job.workspace, "rev-parse", "HEAD") !== job.sha) git(job.workspace, "reset", "--quiet", "--hard", job.sha);
      say(`Checked out ${job.sha} (${config.branch}) from the origin`);
      return { outputs: { ref: `refs/heads/${config.branch}`, commit: job.sha } };
    }
    case "actions/setup-java":
    case "actions/setup-node": {
      const java = action === "actions/setup-java";
      const wanted = required(java ? "java-version" : "node-version");
      if (java) required("distribution");
      const local = java ? localJavaMajor(job.machineEnv) : localNodeMajor();
      if (String(wanted).split(".")[0] !== local.major) {
        throw new StepFailure(`${action}: the workflow asks for ${wanted}, this machine has ${local.major} (the harness uses the local one)`);
      }
      if (java) {
        job.globalEnv.JAVA_HOME = local.home;
        job.globalEnv[`JAVA_HOME_${local.major}_X64`] = local.home;
      }
      job.path.unshift(path.join(local.home, "bin"));
      say(`Using the local ${java ? "JDK" : "Node"} ${local.major} at ${local.home}`);
      return { outputs: { version: local.major, path: local.home } };
    }
    case "actions/cache":
    case "actions/cache/restore": {
      const paths = actionPaths(required("path"), job);
      const key = required("key");
      const restoreKeys = (inputs["restore-keys"] ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
      const matched = cacheRestore([key, ...restoreKeys], paths);
      const hit = matched === key;
      say(matched ? `Cache restored from key: ${matched}` : `Cache not found for input keys: ${[key, ...restoreKeys].join(", ")}`);
      if (!matched && inputs["fail-on-cache-miss"] === "true") throw new StepFailure(`Failed to restore cache entry. Exiting as fail-on-cache-miss is set.`);
      if (action === "actions/cache") {
        // action.yml of actions/cache: post: dist/save/index.js, post-if: success(); no save after an exact hit.
        job.post.push({ name: `Post ${uses}`, if: "success()", run: (sayPost) => {
          if (hit) sayPost(`Cache hit occurred on the primary key ${key}, not saving cache.`);
          else cacheSave(key, paths, sayPost);
        } });
      }
      return { outputs: { "cache-hit": String(hit), "cache-primary-key": key, "cache-matched-key": matched ?? "" } };
    }
    case "actions/cache/save": {
      cacheSave(required("key"), actionPaths(required("path"), job), say);
      return { outputs: {} };
    }
    case "actions/upload-artifact": {
      const name = inputs.name || "artifact";
      const files = actionPaths(required("path"), job).filter((p) => fs.existsSync(p.path));
      const mode = inputs["if-no-files-found"] || "warn";
      if (files.length === 0) {
        const message = `No files were found with the provided path: ${inputs.path}. No artifacts will be uploaded.`;
        if (mode === "error") throw new StepFailure(message);
        if (mode === "warn") say(`::warning::${message}`);
        else say(message);
        return { outputs: {} };
      }
      const dir = path.join(config.artifacts, String(config.runId), name);
      if (fs.existsSync(dir) && inputs.overwrite !== "true") {
        throw new StepFailure(`Failed to CreateArtifact: an artifact with this name already exists on the workflow run: ${name}`);
      }
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      for (const f of files) fs.cpSync(f.path, path.join(dir, path.basename(f.path)), { recursive: true });
      say(`Artifact ${name} uploaded: ${files.map((f) => f.line).join(", ")}`);
      return { outputs: { "artifact-id": name } };
    }
    case "actions/download-artifact": {
      // src/download-artifact.ts: a name must exist and lands in path itself; without one, every artifact of the run
      // (filtered by pattern) lands in path/<name>/, or in path itself with merge-multiple; none matching is no error.
      const runDir = path.join(config.artifacts, String(config.runId));
      const all = fs.existsSync(runDir) ? fs.readdirSync(runDir).sort() : [];
      const target = path.resolve(job.workspace, (inputs.path || ".").replace(/^~(?=\/|$)/, job.home));
      let chosen;
      if (inputs.name) {
        if (!all.includes(inputs.name)) throw new StepFailure(`Unable to download artifact(s): Artifact '${inputs.name}' not found`);
        chosen = [inputs.name];
      } else {
        chosen = inputs.pattern ? all.filter((a) => globRegExp(inputs.pattern).test(a)) : all;
      }
      const flat = Boolean(inputs.name) || inputs["merge-multiple"] === "true";
      for (const a of chosen) {
        const dest = flat ? target : path.join(target, a);
        fs.mkdirSync(dest, { recursive: true });
        fs.cpSync(path.join(runDir, a), dest, { recursive: true });
      }
      say(`Total of ${chosen.length} artifact(s) downloaded: ${chosen.join(", ")}`);
      return { outputs: { "download-path": target } };
    }
  }
  throw new StepFailure(`${uses} is not emulated by this harness`);
}

class StepFailure extends Error {}

/** Reads a GITHUB_ENV / GITHUB_OUTPUT file: name=value lines and name<<DELIMITER blocks. */
function readCommandFile(file) {
  const out = {};
  if (!fs.existsSync(file)) return out;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      out[heredoc[1]] = value.join("\n");
    } else {
      const eq = line.indexOf("=");
      if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

function runBash(script, env, cwd, say) {
  return new Promise((resolve) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const pipe = (stream) => {
      let rest = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop();
        lines.forEach(say);
      });
      stream.on("end", () => { if (rest) say(rest); });
    };
    pipe(child.stdout);
    pipe(child.stderr);
    child.on("close", (code) => resolve(code ?? 1));
  });
}

/** One job on a fresh runner: its steps, then its post steps in reverse order. */
async function runJob(job, raw, ctx, label) {
  const work = config.work;
  fs.rmSync(work, { recursive: true, force: true });
  const repoName = config.repository.split("/")[1];
  const home = path.join(work, "home");
  const workspace = path.join(work, "work", repoName, repoName);
  const temp = path.join(work, "temp");
  const diskRoot = path.join(work, "disk-root");
  for (const d of [home, workspace, temp, path.join(work, "toolcache")]) fs.mkdirSync(d, { recursive: true });
  if (config.diskRootTemplate) fs.cpSync(config.diskRootTemplate, diskRoot, { recursive: true });
  else fs.mkdirSync(diskRoot, { recursive: true });

  const machineEnv = {};
  for (const name of ["PATH", "LANG", "JAVA_HOME", "TMPDIR", "MAVEN_OPTS", "JBANG_REPO"]) if (process.env[name]) machineEnv[name] = process.env[name];
  Object.assign(machineEnv, config.runnerEnv ?? {});
  machineEnv.HOME = home;
  machineEnv.FREE_DISK_SPACE_ROOT = diskRoot;

  const state = {
    status: "success", home, workspace, sha: ctx.github.sha, machineEnv, globalEnv: {}, path: [], post: [], summary: [],
  };
  const fns = functions(() => state.status, workspace);
  const rawSteps = [...(find(raw, "steps") ?? [])];
  const timeout = find(raw, "timeout-minutes");
  const jobContext = { github: ctx.github, inputs: ctx.inputs, vars: ctx.vars, needs: ctx.needs ?? {}, strategy: ctx.strategy ?? {}, matrix: ctx.matrix ?? {} };
  const timeoutMinutes = timeout ? fromData(evalToken(timeout, jobContext, fns)) : 360;
  const runsOn = find(raw, "runs-on");
  const runsOnValue = runsOn ? evalToken(runsOn, jobContext, fns).coerceString() : "";
  if (!/^ubuntu-/.test(runsOnValue)) throw new HarnessError(`${label}: runs-on ${runsOnValue} is not emulated (ubuntu-* only)`);

  const runnerCtx = { os: RUNNER_OS, arch: "X64", name: "GitHub Actions 1", environment: "github-hosted", temp, tool_cache: path.join(work, "toolcache"), debug: "" };
  const steps = {};
  const results = [];
  const eventFile = path.join(temp, "_github_workflow", "event.json");
  fs.mkdirSync(path.dirname(eventFile), { recursive: true });
  fs.writeFileSync(eventFile, JSON.stringify(ctx.github.event));
  const defaults = {
    CI: "true", GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: workspace, GITHUB_EVENT_NAME: ctx.github.event_name, GITHUB_EVENT_PATH: eventFile,
    GITHUB_REPOSITORY: ctx.github.repository, GITHUB_REPOSITORY_OWNER: ctx.github.repository_owner, GITHUB_ACTOR: ctx.github.actor,
    GITHUB_TRIGGERING_ACTOR: ctx.github.actor, GITHUB_RUN_ID: ctx.github.run_id, GITHUB_RUN_NUMBER: ctx.github.run_number,
    GITHUB_RUN_ATTEMPT: "1", GITHUB_SERVER_URL: ctx.github.server_url, GITHUB_API_URL: ctx.github.api_url, GITHUB_SHA: ctx.github.sha,
    GITHUB_REF: ctx.github.ref, GITHUB_REF_NAME: ctx.github.ref_name, GITHUB_REF_TYPE: "branch", GITHUB_WORKFLOW: ctx.github.workflow,
    GITHUB_WORKFLOW_REF: ctx.github.workflow_ref,
    GITHUB_JOB: job.id.value, RUNNER_OS, RUNNER_ARCH: "X64", RUNNER_NAME: runnerCtx.name, RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: runnerCtx.tool_cache, RUNNER_ENVIRONMENT: "github-hosted", RUNNER_WORKSPACE: path.dirname(workspace), ImageOS: "ubuntu24",
  };

  const context = (extra = {}) => ({
    github: { ...ctx.github, workspace, job: job.id.value }, inputs: ctx.inputs, vars: ctx.vars, needs: ctx.needs ?? {},
    strategy: ctx.strategy ?? {}, matrix: ctx.matrix ?? {},
    steps, job: { status: state.status }, runner: runnerCtx, env: { ...ctx.env }, ...extra,
  });

  const runStep = async (step, rawStep) => {
    const stepLabel = step.name ? evalToken(step.name, context(), fns).coerceString()
      : step.uses ? `Run ${step.uses.value}` : `Run ${String(step.run.value ?? step.run.expression).split("\n")[0]}`;
    const say = (line) => log(`[${label} › ${stepLabel}] ${line}`);
    const condition = truthy(evaluate(step.if.expression, context(), fns));
    const entry = { name: stepLabel, if: step.if.expression, outcome: "skipped", conclusion: "skipped" };
    results.push(entry);
    if (!condition) {
      say(`skipped (if: ${step.if.expression})`);
      if (step.id && !step.id.startsWith("__")) steps[step.id] = { outputs: {}, outcome: "skipped", conclusion: "skipped" };
      return;
    }
    const files = {};
    for (const name of ["GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"]) {
      files[name] = path.join(temp, "_runner_file_commands", `${name.toLowerCase()}_${randomUUID()}`);
      fs.mkdirSync(path.dirname(files[name]), { recursive: true });
      fs.writeFileSync(files[name], "");
    }
    let outcome = "success";
    let outputs = {};
    try {
      const stepEnv = evalStrings(step.env, context({ secrets: ctx.secrets }), fns);
      const env = { ...machineEnv, ...defaults, ...state.globalEnv, ...ctx.env, ...stepEnv, ...files, GITHUB_ACTION: step.id };
      env.PATH = [...state.path, machineEnv.PATH].join(":");
      if (step.run) {
        const script = path.join(temp, `${randomUUID()}.sh`);
        fs.writeFileSync(script, evalToken(step.run, context({ secrets: ctx.secrets }), fns).coerceString());
        const cwd = find(rawStep, "working-directory") ? path.resolve(workspace, evalToken(find(rawStep, "working-directory"), context(), fns).coerceString()) : workspace;
        if (find(rawStep, "shell")) throw new StepFailure("shell: is not emulated (bash only)");
        const code = await runBash(script, env, cwd, say);
        if (code !== 0) throw new StepFailure(`Process completed with exit code ${code}.`);
      } else {
        const inputs = evalStrings(find(rawStep, "with"), context({ secrets: ctx.secrets }), fns);
        outputs = runAction(step.uses.value, inputs, state, say).outputs;
      }
    } catch (e) {
      if (!(e instanceof StepFailure)) throw e;
      say(`::error::${e.message}`);
      outcome = "failure";
    }
    Object.assign(outputs, readCommandFile(files.GITHUB_OUTPUT));
    Object.assign(state.globalEnv, readCommandFile(files.GITHUB_ENV));
    state.path.unshift(...fs.readFileSync(files.GITHUB_PATH, "utf8").split("\n").filter(Boolean).reverse());
    const summary = fs.readFileSync(files.GITHUB_STEP_SUMMARY, "utf8");
    if (summary) state.summary.push(summary);
    const continueOnError = step["continue-on-error"] === undefined ? false
      : typeof step["continue-on-error"] === "boolean" ? step["continue-on-error"] : truthy(evalToken(step["continue-on-error"], context(), fns));
    const conclusion = outcome === "failure" && continueOnError ? "success" : outcome;
    if (conclusion === "failure") state.status = "failure";
    Object.assign(entry, { outcome, conclusion, outputs });
    if (step.id && !step.id.startsWith("__")) steps[step.id] = { outputs, outcome, conclusion };
    say(`${outcome}${conclusion !== outcome ? " (continue-on-error)" : ""}`);
  };

  log(`[${label}] runs-on ${runsOnValue}, timeout-minutes ${timeoutMinutes}`);
  for (let i = 0; i < job.steps.length; i++) await runStep(job.steps[i], rawSteps[i]);
  for (const post of state.post.reverse()) {
    const say = (line) => log(`[${label} › ${post.name}] ${line}`);
    const entry = { name: post.name, if: post.if, outcome: "skipped", conclusion: "skipped" };
    results.push(entry);
    if (!truthy(evaluate(post.if, context(), fns))) { say(`skipped (if: ${post.if})`); continue; }
    post.run(say);
    Object.assign(entry, { outcome: "success", conclusion: "success" });
  }
  // jobs.<id>.outputs, evaluated when the job is done, over its steps (what `needs.<id>.outputs` gives later jobs).
  const outputs = job.outputs ? fromData(evalToken(job.outputs, context(), fns)) : {};
  log(`[${label}] job ${state.status}${Object.keys(outputs).length ? `, outputs ${JSON.stringify(outputs)}` : ""}`);
  return { id: label, conclusion: state.status, timeoutMinutes, runsOn: runsOnValue, steps: results, summary: state.summary.join("\n"), outputs };
}

/** Callee inputs as GitHub gives them: declared types checked, defaults filled in, unknown inputs refused. */
function calleeInputs(job, callerCtx, fns) {
  const given = job["input-values"] ? fromData(evalToken(job["input-values"], callerCtx, fns)) : {};
  const defs = job["input-definitions"] ? [...job["input-definitions"]] : [];
  const names = defs.map(({ key }) => key.value);
  for (const name of Object.keys(given)) if (!names.includes(name)) throw new HarnessError(`${job.ref.value} has no input '${name}'`);
  const inputs = {};
  for (const { key, value } of defs) {
    const name = key.value;
    const def = fromData(evalToken(value, { github: callerCtx.github, inputs: {}, vars: callerCtx.vars }, fns));
    let v = name in given ? given[name] : def.default;
    if (v === undefined || v === null) {
      if (def.required) throw new HarnessError(`${job.ref.value}: input ${name} is required`);
      v = def.type === "boolean" ? false : def.type === "number" ? 0 : "";
    }
    if (typeof v !== def.type) throw new HarnessError(`${job.ref.value}: input ${name} must be a ${def.type}, got ${JSON.stringify(v)}`);
    inputs[name] = v;
  }
  return inputs;
}

/**
 * The status functions of a job's `if:`, as GitHub gives them there: success() when every job it depends on
 * (directly or through others) succeeded, failure() when one of them failed, always(); cancelled() is false, since
 * runs are never cancelled here.
 */
function jobFunctions(job, results, byId) {
  const ancestors = new Set();
  const visit = (id) => {
    for (const n of byId.get(id).needs ?? []) if (!ancestors.has(n.value)) { ancestors.add(n.value); visit(n.value); }
  };
  visit(job.id.value);
  const map = new Map();
  const add = (f) => map.set(f.name.toLowerCase(), f);
  add(fn("success", 0, 0, () => new data.BooleanData([...ancestors].every((id) => results[id].result === "success"))));
  add(fn("failure", 0, 0, () => new data.BooleanData([...ancestors].some((id) => results[id].result === "failure"))));
  add(fn("cancelled", 0, 0, () => new data.BooleanData(false)));
  add(fn("always", 0, 0, () => new data.BooleanData(true)));
  return map;
}

/** Jobs in the order `needs` allows (GitHub starts a job once its needs are done; here one at a time). */
function inNeedsOrder(jobs) {
  const byId = new Map(jobs.map((j) => [j.id.value, j]));
  const done = new Set();
  const order = [];
  const visit = (job, path) => {
    if (done.has(job.id.value)) return;
    if (path.includes(job.id.value)) throw new HarnessError(`needs form a cycle: ${[...path, job.id.value].join(" → ")}`);
    for (const n of job.needs ?? []) {
      if (!byId.has(n.value)) throw new HarnessError(`job ${job.id.value} needs ${n.value}, which does not exist`);
      visit(byId.get(n.value), [...path, job.id.value]);
    }
    done.add(job.id.value);
    order.push(job);
  };
  jobs.forEach((j) => visit(j, []));
  return { order, byId };
}

/**
 * The legs of a job's strategy.matrix (evaluated with needs, so `fromJSON(needs.x.outputs.y)` works): the cross
 * product of its variables in the order GitHub documents; `include` and `exclude` are not emulated. No strategy:
 * one leg with an empty matrix.
 */
function matrixLegs(job, jobCtx, fns) {
  if (!job.strategy) return [{ matrix: {}, strategy: {} }];
  const strategy = fromData(evalToken(job.strategy, jobCtx, fns));
  const matrix = strategy.matrix;
  if (!matrix || typeof matrix !== "object" || Array.isArray(matrix)) throw new HarnessError(`${job.id.value}: strategy.matrix is not a mapping`);
  if ("include" in matrix || "exclude" in matrix) throw new HarnessError(`${job.id.value}: matrix include/exclude are not emulated`);
  let legs = [{}];
  for (const [name, values] of Object.entries(matrix)) {
    if (!Array.isArray(values) || values.length === 0) throw new HarnessError(`${job.id.value}: matrix ${name} must be a non-empty array, got ${JSON.stringify(values)}`);
    legs = legs.flatMap((leg) => values.map((v) => ({ ...leg, [name]: v })));
  }
  if (legs.length > 256) throw new HarnessError(`${job.id.value}: a matrix may have at most 256 jobs, this one has ${legs.length}`);
  const failFast = strategy["fail-fast"] ?? true;
  return legs.map((m, i) => ({ matrix: m, strategy: { "fail-fast": failFast, "job-index": i, "job-total": legs.length, "max-parallel": legs.length } }));
}

async function runWorkflow(workflow, event, ctx) {
  const fns = functions(() => "success", config.work);
  const concurrency = concurrencyOf(workflow, ctx, fns);
  log(`[${workflow.file}] concurrency group ${JSON.stringify(concurrency?.group ?? null)}, cancel-in-progress ${concurrency?.cancelInProgress ?? false}`);
  const jobs = [];
  ctx.env = evalStrings(workflow.template.env && isMapping(workflow.template.env) ? workflow.template.env : undefined,
    { github: ctx.github, inputs: ctx.inputs, vars: ctx.vars, secrets: ctx.secrets }, fns);
  const { order, byId } = inNeedsOrder(workflow.template.jobs);
  // needs.<id>: { result, outputs } of every job that has finished; a matrix job's result is failure when a leg failed.
  const results = {};
  for (const job of order) {
    const id = job.id.value;
    const needs = Object.fromEntries((job.needs ?? []).map((n) => [n.value, results[n.value]]));
    const jobFns = jobFunctions(job, results, byId);
    const callerCtx = { github: ctx.github, inputs: ctx.inputs, vars: ctx.vars, needs, strategy: {}, matrix: {} };
    if (!truthy(evaluate(job.if.expression, callerCtx, jobFns))) {
      log(`[${id}] skipped (if: ${job.if.expression})`);
      results[id] = { result: "skipped", outputs: {} };
      jobs.push({ id, conclusion: "skipped", if: job.if.expression });
      continue;
    }
    const concurrency = jobConcurrency(job, callerCtx, jobFns);
    const legs = matrixLegs(job, callerCtx, fns);
    const legResults = [];
    for (const { matrix, strategy } of legs) {
      const legLabel = job.strategy ? `${id} (${Object.values(matrix).join(", ")})` : id;
      const legCtx = { ...callerCtx, matrix, strategy };
      const rawJob = find(find(workflow.raw, "jobs"), id);
      if (job.type === "reusableWorkflowJob") {
        const callee = job.ref.value.replace(/^\.\//, "");
        const inputs = calleeInputs(job, legCtx, fns);
        const secrets = job["inherit-secrets"] ? { ...ctx.secrets }
          : evalStrings(job["secret-values"], { ...legCtx, secrets: ctx.secrets }, fns);
        secrets.GITHUB_TOKEN = ctx.secrets.GITHUB_TOKEN;
        const calleeRaw = parse(config.definitions, callee).value;
        log(`[${workflow.file} › ${legLabel}] calls ${callee} with ${JSON.stringify(inputs)}, concurrency ${JSON.stringify(concurrency)}`);
        for (const inner of job.jobs) {
          const innerRaw = find(find(calleeRaw, "jobs"), inner.id.value);
          const calleeCtx = { github: ctx.github, inputs, vars: ctx.vars, secrets, env: {} };
          const result = await runJob(inner, innerRaw, calleeCtx, `${legLabel} / ${inner.id.value}`);
          legResults.push({ ...result, calls: callee, inputs, matrix, concurrency });
        }
      } else {
        const env = { ...ctx.env, ...evalStrings(job.env, { ...legCtx, secrets: ctx.secrets }, fns) };
        legResults.push({ ...(await runJob(job, rawJob, { ...ctx, env, needs, matrix, strategy }, legLabel)), matrix, concurrency });
      }
    }
    jobs.push(...legResults);
    results[id] = {
      result: legResults.some((r) => r.conclusion === "failure") ? "failure" : "success",
      outputs: Object.assign({}, ...legResults.map((r) => r.outputs ?? {})),
    };
  }
  const conclusion = jobs.some((j) => j.conclusion === "failure") ? "failure" : "success";
  return { workflow: workflow.file, name: fromName(workflow), concurrency, conclusion, jobs, needs: results };
}

/** A job's own concurrency group, evaluated only for a job that runs: GitHub queues (and groups) only jobs that run. */
function jobConcurrency(job, callerCtx, fns) {
  if (!job.concurrency) return null;
  const value = fromData(evalToken(job.concurrency, callerCtx, fns));
  if (typeof value === "string") return { group: value, cancelInProgress: false };
  return { group: value.group, cancelInProgress: Boolean(value["cancel-in-progress"]) };
}

function fromName(workflow) {
  const name = find(workflow.raw, "name");
  return name && isString(name) ? name.value : workflow.file;
}

function concurrencyOf(workflow, ctx, fns) {
  const token = workflow.template.concurrency;
  if (!token) return null;
  const value = fromData(evalToken(token, { github: ctx.github, inputs: ctx.inputs, vars: ctx.vars }, fns));
  if (typeof value === "string") return { group: value, cancelInProgress: false };
  return { group: value.group, cancelInProgress: Boolean(value["cancel-in-progress"]), queue: value.queue ?? "single" };
}

// ---- main ------------------------------------------------------------------------------------------------------------

function githubContext(workflow, event, sha) {
  const [owner] = config.repository.split("/");
  return {
    event_name: event.name, event: event.payload, sha, ref: `refs/heads/${config.branch}`, ref_name: config.branch, ref_type: "branch",
    ref_protected: false, base_ref: "", head_ref: "", repository: config.repository, repository_owner: owner,
    repository_owner_id: "1", repository_id: "1", actor: config.actor, actor_id: "1", triggering_actor: config.actor,
    run_id: String(config.runId), run_number: String(config.runNumber ?? 1), run_attempt: "1", retention_days: "90",
    server_url: "https://github.com", api_url: config.apiUrl ?? "https://api.github.com", graphql_url: "https://api.github.com/graphql",
    workflow: fromName(workflow), workflow_ref: `${config.repository}/.github/workflows/${workflow.file}@refs/heads/${config.branch}`,
    action: "", action_path: "", token: config.secrets?.GITHUB_TOKEN ?? "", secret_source: "Actions", path: "", env: "",
  };
}

function eventFor(sha) {
  const name = config.event;
  if (name === "push") {
    const changed = git(config.origin, "diff", "--name-only", config.before, sha).split("\n").filter(Boolean);
    const headMessage = git(config.origin, "log", "-1", "--format=%B", sha);
    return { name, branch: config.branch, changed, headMessage,
      payload: { ref: `refs/heads/${config.branch}`, before: config.before, after: sha, head_commit: { id: sha, message: headMessage } } };
  }
  if (name === "schedule") return { name, payload: { schedule: config.cron ?? "0 19 * * *" } };
  if (name === "workflow_dispatch") return { name, workflow: config.workflow, payload: { ref: `refs/heads/${config.branch}`, inputs: {} } };
  if (name === "issues" || name === "issue_comment") {
    if (!config.payload) throw new HarnessError(`the ${name} event needs config.payload`);
    return { name, payload: config.payload };
  }
  throw new HarnessError(`event ${name} is not emulated`);
}

async function main() {
  if (config.mode === "eval") {
    // Expressions evaluated as GitHub would, each with its context: how a condition really behaves.
    const values = config.expressions.map((e) => fromData(evaluate(e.expression, e.context ?? {}, functions(() => e.jobStatus ?? "success", "."))));
    fs.writeFileSync(config.result, JSON.stringify({ values }));
    return;
  }
  // The workflow files of the commit the event is for, as GitHub reads them.
  const sha = git(config.origin, "rev-parse", `refs/heads/${config.branch}`);
  config.definitions = path.join(config.work + "-definitions");
  fs.rmSync(config.definitions, { recursive: true, force: true });
  git(path.dirname(config.definitions), "clone", "--quiet", `file://${config.origin}`, config.definitions);
  git(config.definitions, "checkout", "--quiet", sha);
  const dir = path.join(config.definitions, ".github", "workflows");
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const workflows = [];
  for (const f of files) workflows.push(await load(config.definitions, path.join(".github/workflows", f), false).then((w) => ({ ...w, file: f })));

  if (config.mode === "concurrency") {
    const groups = [];
    for (const e of config.events) {
      const w = workflows.find((x) => x.file === e.workflow) ?? (() => { throw new HarnessError(`no workflow ${e.workflow}`); })();
      const event = { name: e.event, payload: {} };
      const inputs = e.event === "workflow_dispatch" ? dispatchInputs(w, e.inputs ?? {}).typed : {};
      const ctx = { github: githubContext(w, event, sha), inputs, vars: config.vars ?? {} };
      groups.push(concurrencyOf(w, ctx, functions(() => "success", ".")));
    }
    fs.writeFileSync(config.result, JSON.stringify({ groups }, null, 1));
    return;
  }

  const event = eventFor(sha);
  const started = [];
  const notRun = {};
  for (const w of workflows) {
    const onlyCall = Object.keys(w.template.events).every((k) => k === "workflow_call");
    const why = onlyCall ? "called by other workflows only" : notStarted(w, event);
    if (why) notRun[w.file] = why;
    else started.push(w);
  }
  if (event.name === "workflow_dispatch" && started.length === 0) throw new HarnessError(`${config.workflow} cannot be dispatched`);
  log(`event ${event.name}: starts ${started.map((w) => w.file).join(", ") || "nothing"}`);
  const runs = [];
  const skipped = [];
  for (const w of started) {
    if (config.only && !config.only.includes(w.file)) { skipped.push(w.file); continue; }
    const full = { ...(await load(config.definitions, path.join(".github/workflows", w.file), true)), file: w.file };
    const dispatch = event.name === "workflow_dispatch" ? dispatchInputs(full, config.inputs ?? {}) : null;
    if (dispatch) event.payload.inputs = dispatch.strings;
    const inputs = dispatch ? dispatch.typed : {};
    const ctx = { github: githubContext(full, event, sha), inputs, vars: config.vars ?? {}, secrets: { ...(config.secrets ?? {}) } };
    runs.push(await runWorkflow(full, event, ctx));
  }
  const result = { event: event.name, sha, started: started.map((w) => w.file), notStarted: notRun, startedButNotRun: skipped, runs };
  fs.writeFileSync(config.result, JSON.stringify(result, null, 1));
}

try {
  await main();
} catch (e) {
  console.error(`run-workflow: ${e instanceof HarnessError ? e.message : e.stack}`);
  process.exit(3);
}
