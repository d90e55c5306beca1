/**
 * `npm run rehearse`, the README's main command: the built actions in release.yml's
 * order against two real service versions behind the local router, under load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { node24, repoRoot } from '../support/run-action.js';

const rehearse = (...flags: string[]) => {
  const out = mkdtempSync(path.join(tmpdir(), 'ra-rehearsal-'));
  const run = spawnSync(node24, [path.join(repoRoot, 'scripts', 'rehearse.mjs'), '--out', out, ...flags], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { ...run, out, report: readFileSync(path.join(out, 'report.md'), 'utf8') };
};

it('a canary that breaks at 50 % is rolled back and the incident is written to a file', () => {
  const run = rehearse('--break-at', '50');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('✔ Rehearsal behaved as expected: rolled-back');
  for (const action of [
    'verify-checklist',
    'deploy-canary',
    'healthcheck',
    'shift-traffic',
    'rollback',
    'open-incident-issue',
  ])
    expect(run.stdout).toContain(`(${action})`);
  expect(run.report).toContain('- Outcome: **rolled-back**');
  expect(run.report).toMatch(/line \[0, 10, 50, 0/);
  expect(readFileSync(path.join(run.out, 'incident.md'), 'utf8')).toContain(
    '# [P1] shop (rehearsal): rollout failing',
  );
}, 60_000);

it('a healthy canary is promoted with no failed user request', () => {
  const run = rehearse('--healthy');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/promoted; 0 of \d+ user requests failed/);
  expect(run.report).toMatch(/line \[0, 10, 50, 100/);
}, 60_000);

it('refuses a break point that is not a step', () => {
  const run = spawnSync(node24, [path.join(repoRoot, 'scripts', 'rehearse.mjs'), '--break-at', '30'], {
    encoding: 'utf8',
  });
  expect(run.status).toBe(2);
  expect(run.stderr.trim()).toBe("--break-at must be one of 10, 50, 100 (the rollout's steps), not 30");
});
