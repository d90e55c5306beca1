// The whole release, rehearsed on this machine by running the shipped
// .github/workflows/release.yml itself through the workflow harness (GitHub's own
// parser and expression engine, this checkout's built actions): a caller workflow
// as the README shows it, on a tag push, with the local provider. Two real versions
// of a small service sit behind a staging and a production router, users' traffic
// runs on production, and a local GitHub API (checked against GitHub's published
// description) takes the deployments and the incident, so no token is needed.
//
//   npm run rehearse                      canary v2 breaks when it reaches 50 %
//   npm run rehearse -- --break-at 10     … at 10 % (or 100: during the bake)
//   npm run rehearse -- --healthy         nothing breaks: v2 is promoted
//   npm run rehearse -- --out dir         where the report goes (default: rehearsal/)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { releaseCaller, startReleaseLab, TAG_PUSH } from '../__tests__/support/release-lab.js';
import type { WorkflowResult } from '../tools/workflow-harness/index.js';
import { peakStep, timeChart } from '../shared/core/time-chart.js';

const STEPS = [10, 50, 100];
let flags: { healthy: boolean; 'break-at': string; out: string };
try {
  flags = parseArgs({
    options: {
      healthy: { type: 'boolean', default: false },
      'break-at': { type: 'string', default: '50' },
      out: { type: 'string', default: 'rehearsal' },
    },
  }).values as typeof flags;
} catch (error) {
  console.error(
    `${(error as Error).message.split('\n')[0]} (flags: --healthy, --break-at 10|50|100, --out DIR)`,
  );
  process.exit(2);
}
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

const lab = await startReleaseLab();
const users = lab.users(40);
const breaking = breakAt === undefined ? undefined : lab.breakAt(breakAt);
const chart: { t: number; v2: number }[] = [];
const watcher = setInterval(() => {
  void lab.split(lab.production).then((s) => chart.push({ t: Number(seconds()), v2: s['v2'] ?? 0 }));
}, 100);

const caller = lab.caller('release.yml', releaseCaller(lab));
console.log(
  `▶ [${seconds()}s] release.yml, called as the README shows, on a push of tag v2.0.0 (provider: local)`,
);
const run: WorkflowResult = await lab.run(
  caller,
  { ...TAG_PUSH, offline: true },
  {
    log: (line) => console.log(`   ${line}`),
    beforeJob: async (id) => {
      if (id !== 'soak') return;
      await lab.greenMonitorRun();
      console.log(`   (the staging monitor ran once, green: the rehearsal's 1 s soak)`);
    },
  },
);
await new Promise((r) => setTimeout(r, 300));
clearInterval(watcher);
breaking?.stop();
const seen = await users.stop();

const called = run.jobs['release']?.called;
const outcome = run.jobs['release']?.outputs['outcome'] || 'no outcome';
const shift = called?.jobs['production']?.steps.find((s) => !s.post && s.uses?.includes('/shift-traffic@'));
const issue = lab.github.issues[0];
if (issue) writeFileSync(path.join(out, 'incident.md'), `# ${issue.title}\n\n${issue.body}\n`);
const expected = flags.healthy
  ? outcome === 'promoted' && seen.failed === 0
  : outcome === 'rolled-back' && lab.github.issues.length === 1;
await lab.close();

const points = chart.map((p) => ({ atMs: p.t * 1000, v2: p.v2 }));
const jobs = Object.entries(called?.jobs ?? {});
const report = [
  `# Release rehearsal: ${flags.healthy ? 'healthy canary' : `canary breaks at ${breakAt} %`}`,
  '',
  `- Ran: \`.github/workflows/release.yml\` through the workflow harness`,
  `- Outcome: **${outcome}**${shift?.outputs['reason'] ? ` — ${shift.outputs['reason']}` : ''}`,
  `- Jobs: ${jobs.map(([id, j]) => `${id} ${j.result}`).join(', ')}`,
  `- Users' requests on production: ${seen.sent}, failed: ${seen.failed}`,
  `- Took ${seconds()} s`,
  issue
    ? `- Incident: [incident.md](incident.md) (issue #${issue.number}, ${issue.state})`
    : '- Incident: none',
  '',
  '## Production traffic on v2 (the canary)',
  '',
  timeChart({
    title: 'v2 share of production traffic (%)',
    yAxis: 'v2 %',
    yMax: 100,
    endMs: points.at(-1)?.atMs ?? 0,
    series: [{ kind: 'line', valueAt: peakStep(points, (p) => p.v2) }],
  }),
  '',
  ...jobs.flatMap(([id, job]) => [
    `## Job \`${id}\`: ${job.result}`,
    '',
    ...job.steps.filter((s) => s.summary).map((s) => s.summary.replace(/^## /gm, '### ')),
    '',
  ]),
].join('\n');
writeFileSync(path.join(out, 'report.md'), report);

console.log(
  `\n${expected ? '✔' : '✘'} Rehearsal ${expected ? 'behaved as expected' : 'did NOT behave as expected'}: ` +
    `${outcome}; ${seen.failed} of ${seen.sent} user requests failed; ${seconds()} s.` +
    `\n  Report: ${path.relative(process.cwd(), path.join(out, 'report.md'))}` +
    (issue ? `\n  Incident: ${path.relative(process.cwd(), path.join(out, 'incident.md'))}` : ''),
);
process.exit(expected ? 0 : 1);
