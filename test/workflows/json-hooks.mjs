// Module hooks for run-workflow.mjs: @actions/workflow-parser imports its JSON schema without an import attribute
// (it is built for bundlers), which Node refuses; this loads such a JSON file as a module whose default export is
// the parsed document, the same value a bundler would give it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export async function load(url, context, nextLoad) {
  if (url.startsWith("file:") && url.endsWith(".json")) {
    const json = readFileSync(fileURLToPath(url), "utf8");
    return { format: "module", shortCircuit: true, source: `export default ${json};` };
  }
  return nextLoad(url, context);
}
