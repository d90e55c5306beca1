/**
 * The suite's own workflows as GitHub's hosted runners run them: every step as the
 * non-root user "runner" with passwordless sudo (support/runner-user.ts). ci.yml's
 * .ci/run installs its system packages through sudo, and says what it needs where
 * there is none (release-suite.e2e runs the tag job as that user). apt-get is a
 * stand-in that logs who ran it, so nothing is installed.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runWorkflow } from '../../tools/workflow-harness/index.js';
import { node24, repoRoot } from '../support/run-action.js';
import { runnerUser, userWithoutSudo, type TestUser } from '../support/runner-user.js';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const ciFiles = { '.ci/run': read('.ci/run'), '.github/workflows/ci.yml': read('.github/workflows/ci.yml') };

/** A PATH without /usr/sbin (so HAProxy is missing) and with an apt-get that logs `uid args`. */
function aptStandIn(): { bin: string; calls: () => string[]; path: string } {
  const bin = mkdtempSync(path.join(tmpdir(), 'ra-apt-'));
  chmodSync(bin, 0o755);
  const log = path.join(bin, 'calls.log');
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  writeFileSync(path.join(bin, 'apt-get'), `#!/bin/sh\necho "$(id -u) $*" >> '${log}'\n`, { mode: 0o755 });
  const rest = (process.env['PATH'] ?? '').split(':').filter((p) => !/\/sbin$/.test(p));
  return {
    bin,
    path: [bin, ...rest].join(':'),
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

const ci = (user: TestUser, apt: ReturnType<typeof aptStandIn>) =>
  runWorkflow(
    path.join(repoRoot, '.github', 'workflows', 'ci.yml'),
    { event: 'pull_request', payload: { pull_request: { number: 7 } } },
    {
      root: repoRoot,
      node: node24,
      repository: 'acme/release-actions',
      repositoryFiles: ciFiles,
      user,
      // Only the install step: the rest of .ci/run is this very test suite.
      env: { PATH: apt.path, CI_RUN_UNTIL: 'install' },
    },
  );

const asRoot = process.getuid?.() === 0;
const describeAsRoot = asRoot ? describe : describe.skip;

describeAsRoot("as GitHub's runner user (not root; the harness makes the user as root)", () => {
  it('ci.yml: .ci/run installs what is missing through sudo, as root, and goes on', async () => {
    const apt = aptStandIn();
    const run = await ci(runnerUser()!, apt);
    const job = run.jobs['ci'];
    const step = job?.steps.find((s) => s.name.includes('.ci/run'));
    expect(step?.log).toContain('ok   system packages');
    expect(step?.log).toContain('stopped after install (CI_RUN_UNTIL)');
    expect(job?.result).toBe('success');
    expect(apt.calls()).toEqual(['0 update -qq', '0 install -y -qq --no-install-recommends haproxy']);
  }, 60_000);

  it('ci.yml on a runner whose user has no sudo fails in one line saying what it needs', async () => {
    const apt = aptStandIn();
    const run = await ci(userWithoutSudo()!, apt);
    const step = run.jobs['ci']?.steps.find((s) => s.name.includes('.ci/run'));
    expect(run.jobs['ci']?.result).toBe('failure');
    expect(step?.log).toContain(
      'installing packages needs root: run .ci/run as root, or as a user with passwordless sudo',
    );
    expect(step?.log).toContain('FAIL system packages');
    expect(apt.calls()).toEqual([]);
  }, 60_000);
});

if (!asRoot)
  it.skip('runs the workflows as a non-root user only when the tests run as root (to make that user)', () => {});
