// Lints calls of our reusable workflows and output references (see
// tools/workflow-harness/lint-calls.ts). Usage:
//   node --import tsx scripts/lint-calls.ts [workflow.yml ...]
// With no files: .github/workflows/ and workflows-examples/ of this repository. Point
// it at a caller's files to check them before they run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { lintCalls } from '../tools/workflow-harness/lint-calls.js';

const root = path.resolve(import.meta.dirname, '..');
const yamlIn = (dir: string) =>
  existsSync(path.join(root, dir))
    ? readdirSync(path.join(root, dir))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join(root, dir, f))
    : [];
const files =
  process.argv.length > 2
    ? process.argv.slice(2).map((f) => path.resolve(f))
    : [...yamlIn('.github/workflows'), ...yamlIn('workflows-examples')];
let count = 0;
for (const file of files) {
  try {
    // A probes file for healthcheck's config: input lives beside the examples; it is data.
    if (!(parse(readFileSync(file, 'utf8')) as { jobs?: unknown } | null)?.jobs) continue;
    for (const p of await lintCalls(file, root)) {
      console.error(`${path.relative(process.cwd(), p.file)}:${p.line}: ${p.message}`);
      count++;
    }
  } catch (error) {
    console.error(`${path.relative(process.cwd(), file)}: ${(error as Error).message.split('\n')[0]}`);
    count++;
  }
}
if (count > 0) {
  console.error(`${count} problem${count > 1 ? 's' : ''} in calls and output references`);
  process.exit(1);
}
console.log(`${files.length} workflows: every reusable-workflow call and output reference checks out`);
