// The whole release, rehearsed on this machine with the built actions, in the order
// .github/workflows/release.yml runs them: verify-checklist → deploy-canary →
// healthcheck → (soak-gate: skipped, it reads GitHub) → shift-traffic → on failure
// rollback and open-incident-issue. Two real versions of a small service run behind
// the embedded local router with live load; the incident goes to a markdown file,
// so no GitHub token is needed.
//
//   npm run rehearse                      canary v2 breaks when it reaches 50 %
//   npm run rehearse -- --break-at 10     … at 10 % (or 100)
//   npm run rehearse -- --healthy         nothing breaks: v2 is promoted
//   npm run rehearse -- --out dir         where the report goes (default: rehearsal/)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const STEPS = [10, 50, 100];
const { values: flags } = parseArgs({
  options: {
    healthy: { type: 'boolean', default: false },
    'break-at': { type: 'string', default: '50' },
    out: { type: 'string', default: 'rehearsal' },
  },
});
const breakAt = flags.healthy ? undefined : Number(flags['break-at']);
if (breakAt !== undefined && !STEPS.includes(breakAt)) {
  console.error(
    `--break-at must be one of ${STEPS.join(', ')} (the rollout's steps), not ${flags['break-at']}`,
  );
  process.exit(2);
}
const out = path.resolve(flags.out);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);

// --- two versions of a small service --------------------------------------------
function service(version) {
  const state = { broken: false };
  const server = createServer((req, res) => {
    if (state.broken) {
      res.writeHead(500, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: 'TypeError: cannot read properties of undefined' }));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === '/api/version' ? { version } : { status: 'ok', version }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, state, close: () => server.close() }),
    ),
  );
}
const v1 = await service('1.0.0');
const v2 = await service('2.0.0');

// --- the embedded router, with v1 taking all traffic -----------------------------
const node = process.execPath;
const router = spawn(
  node,
  [path.join(root, 'dist/local-router/index.js'), '--revision', `v1=${v1.url}`, '--split', 'v1=100'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const routerUrl = await new Promise((resolve) =>
  router.stdout.once('data', (d) => resolve(String(d).trim())),
);

// --- users: steady load through the router, and the traffic chart -----------------
const load = { requests: 0, failed: 0, stop: false };
const chart = [];
const users = (async () => {
  while (!load.stop) {
    const batch = Array.from({ length: 4 }, () =>
      fetch(`${routerUrl}/health`)
        .then((r) => (load.requests++, r.ok || load.failed++))
        .catch(() => (load.requests++, load.failed++)),
    );
    await Promise.all(batch);
    await new Promise((r) => setTimeout(r, 50));
  }
})();
const watcher = setInterval(async () => {
  const split = await fetch(`${routerUrl}/__release-actions/split`)
    .then((r) => r.json())
    .catch(() => undefined);
  if (!split) return;
  chart.push({ t: Number(seconds()), v2: split.v2 ?? 0 });
  // The canary breaks once it carries the chosen share, as a real regression would
  // show only under real traffic.
  if (breakAt !== undefined && (split.v2 ?? 0) >= breakAt && !v2.state.broken) {
    v2.state.broken = true;
    console.log(`   ⚡ v2 starts failing at ${split.v2} % (--break-at ${breakAt})`);
  }
}, 100);

// --- a repository to release from ------------------------------------------------
const workspace = mkdtempSync(path.join(tmpdir(), 'rehearsal-'));
writeFileSync(
  path.join(workspace, 'RELEASE_CHECKLIST.md'),
  [
    '# Release v2.0.0',
    '',
    '## Pre-Release Checklist',
    '- [x] All tests pass',
    '- [x] Migration tested in staging environment',
    '- [ ] Privacy policy updated (if needed)',
    '- [x] CHANGELOG.md updated with release notes',
    '',
  ].join('\n'),
);
writeFileSync(
  path.join(workspace, 'CHANGELOG.md'),
  '# Changelog\n\n## [2.0.0] - rehearsal\n- New checkout.\n',
);
writeFileSync(path.join(workspace, 'package.json'), JSON.stringify({ name: 'shop', version: '2.0.0' }));

// --- run a built action as the runner does -----------------------------------------
const summaries = [];
async function action(name, inputs, title) {
  const meta = parseYaml(readFileSync(path.join(root, name, 'action.yml'), 'utf8'));
  const dir = mkdtempSync(path.join(tmpdir(), `rehearsal-${name}-`));
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' };
  const env = { PATH: process.env.PATH, HOME: dir, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace };
  for (const [k, f] of Object.entries(files)) writeFileSync((env[k] = path.join(dir, f)), '');
  Object.assign(env, {
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '1',
    GITHUB_SERVER_URL: 'https://github.com',
  });
  env.GITHUB_EVENT_PATH = path.join(dir, 'event.json');
  writeFileSync(env.GITHUB_EVENT_PATH, '{}');
  for (const [k, spec] of Object.entries(meta.inputs ?? {}))
    env[`INPUT_${k.toUpperCase()}`] = String(spec.default ?? '');
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  console.log(`\n▶ [${seconds()}s] ${title} (${name})`);
  const child = spawn(node, [path.join(root, meta.runs.main.replace('../', ''))], { cwd: workspace, env });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  for (const line of log.split('\n'))
    if (line && !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
      console.log(`   ${line.startsWith('::') ? decodeCommand(line) : line}`);
  const outputs = {};
  for (const m of readFileSync(env.GITHUB_OUTPUT, 'utf8').matchAll(/^([^<\n]+)<<(.+)\n([\s\S]*?)\n\2$/gm))
    outputs[m[1]] = m[3];
  const summary = readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8');
  summaries.push({ title, name, code, summary });
  console.log(
    `   → exit ${code}${summary ? `; summary: ${summary.split('\n')[0].replace(/^#+ /, '')}` : ''}`,
  );
  return { code, outputs };
}

/** `::error title=a%3A b::x%25` as the runner's log shows it: `error (a: b): x%`. */
function decodeCommand(line) {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) return line;
  const un = (t) =>
    t.replace(/%0A/g, ' ').replace(/%0D/g, '').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const title = /title=([^,]*)/.exec(m[2] ?? '')?.[1];
  return `${m[1]}${title ? ` (${un(title)})` : ''}: ${un(m[3])}`;
}

const local = { provider: 'local', 'local-router-url': routerUrl };
let expected = true;
const checklist = await action(
  'verify-checklist',
  {
    sources: 'RELEASE_CHECKLIST.md',
    tag: 'v2.0.0',
    changelog: 'CHANGELOG.md',
    'version-files': 'package.json',
  },
  'Gate on the release checklist and facts',
);
expected &&= checklist.code === 0;
const canary = await action(
  'deploy-canary',
  {
    ...local,
    'canary-revision': 'v2',
    'canary-address': v2.url,
    probes: '[{name: canary-health, url: "${CANARY_URL}/health"}]',
  },
  'Deploy v2 next to v1 with no traffic, probed first',
);
expected &&= canary.code === 0;
const health = await action(
  'healthcheck',
  {
    'base-url': v2.url,
    samples: '5',
    probes:
      '[{name: health, url: /health, expect: {p95-latency: 500ms}}, {name: version, url: /api/version, expect: {json: {version: "2.0.0"}}}]',
  },
  'Health gate on the new version (staging in release.yml)',
);
expected &&= health.code === 0;
console.log(
  `\n▶ [${seconds()}s] Soak gate (soak-gate): skipped — it reads GitHub deployments and monitor runs; the rehearsal takes the hotfix path`,
);
const shift = await action(
  'shift-traffic',
  {
    ...local,
    'stable-revision': 'v1',
    'canary-revision': 'v2',
    steps: STEPS.join(','),
    'step-duration': '4s',
    'check-interval': '250ms',
    'min-requests': '5',
    'max-error-rate': '5%',
    probes: '[{name: canary-health, url: "${CANARY_URL}/health"}]',
  },
  `Shift traffic ${STEPS.join(' → ')} %, gated on the router's error rate and probes`,
);
const rolledBack = shift.outputs.outcome === 'rolled-back';
let incidentFile;
if (shift.code !== 0) {
  const rollback = await action(
    'rollback',
    {
      ...local,
      'to-revision': 'v1',
      reason: 'rehearsal: canary failed',
      probes: '[{name: health, url: "${TARGET_URL}/health"}]',
    },
    'Make sure all traffic is on v1, verified',
  );
  expected &&= rollback.code === 0;
  const incident = await action(
    'open-incident-issue',
    {
      mode: 'open',
      service: 'shop',
      environment: 'rehearsal',
      kind: 'rollout',
      severity: 'P1',
      impact: `Canary v2 failed its gate at ${breakAt} %; users saw errors until the rollback.`,
      rollback: `Traffic back on v1 (${shift.outputs.reason ?? 'gate failed'}).`,
      'github-token': '',
      'record-dir': 'incidents',
    },
    'Record the incident (a markdown file; no GitHub token)',
  );
  expected &&= incident.code === 0;
  incidentFile = path.join(out, 'incident.md');
  const dir = path.join(workspace, 'incidents');
  const [file] = (await import('node:fs')).readdirSync(dir);
  if (file) writeFileSync(incidentFile, readFileSync(path.join(dir, file)));
}
expected &&= flags.healthy ? shift.outputs.outcome === 'promoted' : rolledBack && Boolean(incidentFile);

// --- wind down and report --------------------------------------------------------------
await new Promise((r) => setTimeout(r, 300));
clearInterval(watcher);
load.stop = true;
await users;
router.kill('SIGTERM');
v1.close();
v2.close();

const points = chart.filter((p, k) => k === 0 || p.v2 !== chart[k - 1].v2 || k === chart.length - 1);
const report = [
  `# Release rehearsal: ${flags.healthy ? 'healthy canary' : `canary breaks at ${breakAt} %`}`,
  '',
  `- Outcome: **${shift.outputs.outcome ?? 'failed'}**${shift.outputs.reason ? ` — ${shift.outputs.reason}` : ''}`,
  `- Users' requests through the router: ${load.requests}, failed: ${load.failed}`,
  `- Took ${seconds()} s`,
  incidentFile ? `- Incident: [incident.md](incident.md)` : '',
  '',
  '## Traffic on v2 (the canary)',
  '',
  '```mermaid',
  'xychart-beta',
  '  title "v2 share of traffic (%) over time (s)"',
  `  x-axis [${points.map((p) => p.t).join(', ')}]`,
  '  y-axis "v2 %" 0 --> 100',
  `  line [${points.map((p) => p.v2).join(', ')}]`,
  '```',
  '',
  ...summaries.flatMap((s) => [
    `## ${s.title} — \`${s.name}\`, exit ${s.code}`,
    '',
    s.summary.replace(/^## /gm, '### '),
    '',
  ]),
].join('\n');
writeFileSync(path.join(out, 'report.md'), report);
rmSync(workspace, { recursive: true, force: true });

console.log(
  `\n${expected ? '✔' : '✘'} Rehearsal ${expected ? 'behaved as expected' : 'did NOT behave as expected'}: ` +
    `${shift.outputs.outcome ?? 'no outcome'}; ${load.failed} of ${load.requests} user requests failed; ${seconds()} s.` +
    `\n  Report: ${path.relative(process.cwd(), path.join(out, 'report.md'))}` +
    (incidentFile ? `\n  Incident: ${path.relative(process.cwd(), incidentFile)}` : ''),
);
process.exit(expected ? 0 : 1);
