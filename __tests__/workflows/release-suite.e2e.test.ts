/**
 * .github/workflows/release-suite.yml's tag job, through the harness, on a copy of
 * this repository's workflows: the release commit pins every action ref to this
 * repository's owner and the checked commit's SHA.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runWorkflow } from '../../tools/workflow-harness/index.js';
import { node24, repoRoot } from '../support/run-action.js';

const workflows = Object.fromEntries(
  readdirSync(path.join(repoRoot, '.github', 'workflows')).map((f) => [
    `.github/workflows/${f}`,
    readFileSync(path.join(repoRoot, '.github', 'workflows', f), 'utf8'),
  ]),
);
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

it('tags vX.Y.Z on a release commit whose action refs name this repository at the checked SHA', async () => {
  const run = await runWorkflow(
    path.join(repoRoot, '.github', 'workflows', 'release-suite.yml'),
    { event: 'workflow_dispatch', inputs: { version: 'v1.4.0' }, sha: SHA },
    {
      root: repoRoot,
      node: node24,
      repository: 'acme/release-actions',
      repositoryFiles: workflows,
      given: { check: 'success' },
    },
  );
  const tag = run.jobs['tag'];
  expect(tag?.steps.map((s) => [s.name, s.outcome])).toEqual([
    ['actions/checkout', 'success'],
    ['Tag the release and move the major tag', 'success'],
  ]);
  expect(tag?.permissions).toEqual({ contents: 'write' });
  const origin = path.join(tag?.runnerTemp ?? '', 'origin.git');
  const show = (file: string) =>
    execFileSync('git', ['--git-dir', origin, 'show', `v1.4.0:${file}`], { encoding: 'utf8' });
  const release = show('.github/workflows/release.yml');
  expect(release).not.toMatch(/^\s*-? *uses: org\//m);
  expect(release).toContain(`uses: acme/release-actions/deploy-canary@${SHA} # v1.4.0`);
  expect(release).toContain(`uses: acme/release-actions/shift-traffic@${SHA} # v1.4.0`);
  for (const file of ['healthcheck.yml', 'rollback.yml'])
    expect(show(`.github/workflows/${file}`)).not.toMatch(/release-actions\/[a-z-]+@v\d/);
  // v1 moved to the same release commit.
  const tagged = (ref: string) =>
    execFileSync('git', ['--git-dir', origin, 'rev-parse', `${ref}^{commit}`], { encoding: 'utf8' });
  expect(tagged('v1')).toBe(tagged('v1.4.0'));
}, 60_000);
