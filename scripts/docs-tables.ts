// The README's input, secret and output tables, generated from each action.yml and
// each reusable workflow's workflow_call block, between markers such as
//   <!-- table: shift-traffic/action.yml -->  …  <!-- /table -->
// `npm run docs` rewrites them; `npm run lint` runs this with --check, so an input
// that changes fails CI until the README follows.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const rootAt = process.argv.indexOf('--root');
const root =
  rootAt > 0 ? path.resolve(process.argv[rootAt + 1] ?? '.') : path.resolve(import.meta.dirname, '..');
const readme = path.join(root, 'README.md');
const check = process.argv.includes('--check');

interface Field {
  description?: string;
  required?: boolean;
  default?: unknown;
  type?: string;
}
const cell = (text: unknown) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|');
const code = (value: unknown) => (value === undefined || value === '' ? '' : `\`${cell(value)}\``);

function actionTable(file: string): string {
  const meta = parse(readFileSync(path.join(root, file), 'utf8')) as {
    inputs?: Record<string, Field>;
    outputs?: Record<string, Field>;
  };
  const rows = [
    '| input | default | description |',
    '|---|---|---|',
    ...Object.entries(meta.inputs ?? {}).map(
      ([name, f]) => `| \`${name}\` | ${code(f.default)} | ${cell(f.description)} |`,
    ),
    '',
    '| output | description |',
    '|---|---|',
    ...Object.entries(meta.outputs ?? {}).map(([name, f]) => `| \`${name}\` | ${cell(f.description)} |`),
  ];
  return rows.join('\n');
}

function workflowTable(file: string): string {
  const call = (
    parse(readFileSync(path.join(root, file), 'utf8')) as {
      on: { workflow_call: Record<string, Record<string, Field>> };
    }
  ).on.workflow_call;
  const rows = [
    '| input | type | default | description |',
    '|---|---|---|---|',
    ...Object.entries(call['inputs'] ?? {}).map(
      ([name, f]) =>
        `| \`${name}\` | ${f.type ?? ''} | ${f.required ? '**required**' : code(f.default)} | ${cell(f.description)} |`,
    ),
  ];
  if (call['secrets'])
    rows.push(
      '',
      '| secret | required | description |',
      '|---|---|---|',
      ...Object.entries(call['secrets']).map(
        ([name, f]) => `| \`${name}\` | ${f.required ? 'yes' : 'no'} | ${cell(f.description)} |`,
      ),
    );
  if (call['outputs'])
    rows.push(
      '',
      '| output | description |',
      '|---|---|',
      ...Object.entries(call['outputs']).map(([name, f]) => `| \`${name}\` | ${cell(f.description)} |`),
    );
  return rows.join('\n');
}

const sources = [
  ...readdirSync(root)
    .filter((d) => existsSync(path.join(root, d, 'action.yml')))
    .map((d) => `${d}/action.yml`),
  ...readdirSync(path.join(root, '.github', 'workflows'))
    .filter((f) => /workflow_call:/.test(readFileSync(path.join(root, '.github', 'workflows', f), 'utf8')))
    .map((f) => `.github/workflows/${f}`),
];
const text = readFileSync(readme, 'utf8');
const problems: string[] = [];
let next = text;
for (const source of sources) {
  const marker = new RegExp(
    `(<!-- table: ${source.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} -->\\n)([\\s\\S]*?)(<!-- /table -->)`,
  );
  const found = marker.exec(next);
  if (!found) {
    problems.push(
      `README.md has no table for ${source}: add <!-- table: ${source} --> and <!-- /table --> where it belongs, then run npm run docs`,
    );
    continue;
  }
  const table = `${source.endsWith('action.yml') ? actionTable(source) : workflowTable(source)}\n`;
  if (found[2] !== table) {
    problems.push(`README.md: the table for ${source} does not match it; run npm run docs`);
    next = next.replace(
      marker,
      (_all, open: string, _old: string, close: string) => `${open}${table}${close}`,
    );
  }
}
if (check) {
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`README.md: ${sources.length} input tables match their action.yml and workflow_call blocks`);
} else {
  if (next !== text) writeFileSync(readme, next);
  const missing = problems.filter((p) => p.includes('has no table'));
  if (missing.length > 0) {
    console.error(missing.join('\n'));
    process.exit(1);
  }
  console.log(`README.md: ${sources.length} tables written`);
}
