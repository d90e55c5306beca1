// An EAS Update rollout, rehearsed on this machine: the shift-traffic step of
// workflows-examples/eas-update-rollout.yml, as built in dist/, drives the real eas
// CLI (eas-cli 24.8.0 from node_modules) against a local Expo GraphQL API while
// simulated devices launch whichever update the branch serves them. By default the
// new update crashes on 5 % of launches and the crash gate reverts its rollout.
//
//   npm run rehearse:eas                  the update crashes: its rollout is reverted
//   npm run rehearse:eas -- --healthy     it crashes no more than the one before: promoted
//   npm run rehearse:eas -- --out dir     where the report goes (default: rehearsal-eas/)
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startExpoApi } from '../__tests__/support/expo-api.js';
import { easCliEnv, exampleRolloutInputs } from '../__tests__/support/eas-step.js';
import { repoRoot, runAction } from '../__tests__/support/run-action.js';

let flags: { healthy: boolean; out: string };
try {
  flags = parseArgs({
    options: {
      healthy: { type: 'boolean', default: false },
      out: { type: 'string', default: 'rehearsal-eas' },
    },
  }).values as typeof flags;
} catch (error) {
  console.error(`${(error as Error).message.split('\n')[0]} (flags: --healthy, --out DIR)`);
  process.exit(2);
}
const out = path.resolve(flags.out);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const TOKEN = 'expoRehearsalToken01';
const STABLE = '11111111-1111-4111-8111-111111111111';
const CANARY = '22222222-2222-4222-8222-222222222222';
const api = await startExpoApi({
  token: TOKEN,
  projectId: '6a1b0c2d-0000-4000-8000-000000000001',
  groups: [
    ['production', STABLE, 'v1'],
    ['release-candidates', CANARY, 'v2'],
  ],
  crashRates: { v1: 0.001, v2: flags.healthy ? 0.001 : 0.05 },
});
// Every eas call is logged on its way to the real CLI, for the report.
const shim = path.join(out, 'bin');
const calls = path.join(out, 'eas-calls.txt');
mkdirSync(shim);
writeFileSync(
  path.join(shim, 'eas'),
  `#!/bin/bash\nprintf '%s\\n' "eas $*" >> '${calls}'\nexec '${path.join(repoRoot, 'node_modules', '.bin', 'eas')}' "$@"\n`,
);
chmodSync(path.join(shim, 'eas'), 0o755);
writeFileSync(calls, '');

console.log(
  `▶ shift-traffic from eas-update-rollout.yml: ${CANARY} (crashes on ${flags.healthy ? '0.1' : '5'} % of launches) over ${STABLE}`,
);
const devices = setInterval(() => api.launch('production', 200), 100);
const started = performance.now();
const run = await runAction('shift-traffic', {
  inputs: exampleRolloutInputs(api, { token: TOKEN, stable: STABLE, canary: CANARY }),
  env: easCliEnv(api, shim),
  files: api.files,
  timeoutMs: 170_000,
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
clearInterval(devices);
const branch = api.groupsOn('production');
await api.close();

const outcome = run.outputs['outcome'] || 'no outcome';
const expected = flags.healthy
  ? outcome === 'promoted' && branch[0]?.bundle === 'v2'
  : outcome === 'rolled-back' && branch[0]?.bundle === 'v1' && branch[0]?.rollout === null;
const report = [
  `# EAS Update rehearsal: ${flags.healthy ? 'a healthy update' : 'an update that crashes on 5 % of launches'}`,
  '',
  `- Ran: the shift-traffic step of \`workflows-examples/eas-update-rollout.yml\` with the real eas-cli`,
  `- Outcome: **${outcome}**${run.outputs['reason'] ? ` — ${run.outputs['reason']}` : ''}`,
  `- The branch now serves: ${branch[0] ? `${branch[0].bundle} (${branch[0].message || 'no message'})` : 'nothing'}`,
  `- Took ${seconds} s`,
  '',
  run.summary.replace(/^## /gm, '### '),
  '## What eas was asked',
  '',
  '```',
  readFileSync(calls, 'utf8').trim(),
  '```',
  '',
].join('\n');
writeFileSync(path.join(out, 'report.md'), report);
console.log(
  `\n${expected ? '✔' : '✘'} Rehearsal ${expected ? 'behaved as expected' : 'did NOT behave as expected'}: ` +
    `${outcome}; the branch serves ${branch[0]?.bundle ?? 'nothing'}; ${seconds} s.` +
    `\n  Report: ${path.relative(process.cwd(), path.join(out, 'report.md'))}`,
);
process.exit(expected ? 0 : 1);
