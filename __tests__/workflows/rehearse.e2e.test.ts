/**
 * `npm run rehearse`, the README's first command: .github/workflows/release.yml
 * itself, run through the workflow harness against two real service versions
 * behind a staging and a production router, under load.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/run-action.js';

const rehearse = (...flags: string[]) => {
  const out = mkdtempSync(path.join(tmpdir(), 'ra-rehearsal-'));
  const run = spawnSync('npm', ['run', '--silent', 'rehearse', '--', '--out', out, ...flags], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 90_000,
  });
  const read = (file: string) => readFileSync(path.join(out, file), 'utf8');
  return { ...run, out, read };
};

/** The v2 shares the report's chart passes through, in order (the chart samples evenly in time). */
const shares = (report: string) =>
  (/^ {2}line \[(.*)\]$/m.exec(report)?.[1] ?? '')
    .split(', ')
    .map(Number)
    .filter((v, i, all) => i === 0 || v !== all[i - 1]);

it('a canary that breaks at 50 % is rolled back by release.yml and one incident opens', () => {
  const run = rehearse('--break-at', '50');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/✔ Rehearsal behaved as expected: rolled-back; \d+ of \d+ user requests failed/);
  for (const job of ['checklist', 'staging', 'soak', 'production', 'rollback', 'incident'])
    expect(run.stdout).toContain(`job ${job}: `);
  expect(run.read('report.md')).toContain('- Outcome: **rolled-back**');
  expect(run.read('report.md')).toContain(
    '- Ran: `.github/workflows/release.yml` through the workflow harness',
  );
  expect(shares(run.read('report.md'))).toEqual([0, 10, 50, 0]);
  expect(run.read('report.md')).toMatch(/x-axis "time \(s\)" 0 --> \d/);
  expect(run.read('incident.md')).toContain('# [P1] shop v2.0.0 rolled back');
}, 90_000);

it('a canary that breaks only at 100 % is caught by the bake and rolled back', () => {
  const run = rehearse('--break-at', '100');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('✔ Rehearsal behaved as expected: rolled-back');
  expect(shares(run.read('report.md'))).toEqual([0, 10, 50, 100, 0]);
}, 90_000);

it('a healthy canary is promoted with no failed user request', () => {
  const run = rehearse('--healthy');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/promoted; 0 of \d+ user requests failed/);
  expect(shares(run.read('report.md'))).toEqual([0, 10, 50, 100]);
}, 90_000);

it.each([
  [['--break-at', '30'], "--break-at must be one of 10, 50, 100 (the rollout's steps), not 30"],
  [['--brake-at', '10'], "Unknown option '--brake-at' (flags: --healthy, --break-at 10|50|100, --out DIR)"],
])('refuses %p in one line', (flags, line) => {
  const run = rehearse(...flags);
  expect(run.status).toBe(2);
  expect(run.stderr.trim()).toBe(line);
});

it('npm run rehearse:eas: an update that crashes is reverted by the crash gate through the real eas CLI', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'ra-rehearsal-eas-'));
  // Asynchronous: another test file may hold eas-cli's fixed port, and this one waits for it.
  const run = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'rehearse:eas', '--', '--out', out], { cwd: repoRoot });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.on('close', (status) => resolve({ status, stdout }));
  });
  expect(run.stdout).toContain('✔ Rehearsal behaved as expected: rolled-back; the branch serves v1');
  expect(run.status).toBe(0);
  const report = readFileSync(path.join(out, 'report.md'), 'utf8');
  expect(report).toMatch(
    /- Outcome: \*\*rolled-back\*\* — canary failed-launch rate \d+\.\d% \(\d+\/\d+\) over the 0\.5% limit/,
  );
  expect(report).toMatch(/^eas update:republish --group 2{8}-.* --rollout-percentage 10 /m);
  expect(report).toMatch(
    /^eas update:revert-update-rollout --group \S+ --message release-actions: rollback to 1{8}-/m,
  );
}, 200_000);
