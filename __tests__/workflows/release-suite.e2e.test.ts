/**
 * .github/workflows/release-suite.yml's tag job, through the harness, on a copy of
 * this repository's workflows: the release commit pins every action ref to this
 * repository's owner and the checked commit's SHA.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runWorkflow, type HarnessOptions } from '../../tools/workflow-harness/index.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { node24, repoRoot } from '../support/run-action.js';
import { runnerUser } from '../support/runner-user.js';

let github: GitHubApi;
beforeEach(async () => (github = await startGitHubApi('acme', 'release-actions')));
afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.close();
});

const CHANGELOG = `# Changelog

## [Unreleased]

## [1.4.0] - 2026-12-08

### Added

- runs-on for the reusable workflows.

## [1.3.0] - 2026-11-01

- older notes
`;

const workflows = Object.fromEntries(
  readdirSync(path.join(repoRoot, '.github', 'workflows')).map((f) => [
    `.github/workflows/${f}`,
    readFileSync(path.join(repoRoot, '.github', 'workflows', f), 'utf8'),
  ]),
);
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

const release = (files: Record<string, string>, more: Partial<HarnessOptions> = {}) =>
  runWorkflow(
    path.join(repoRoot, '.github', 'workflows', 'release-suite.yml'),
    { event: 'workflow_dispatch', inputs: { version: 'v1.4.0' }, sha: SHA },
    {
      root: repoRoot,
      node: node24,
      repository: 'acme/release-actions',
      repositoryFiles: { ...workflows, ...files },
      given: { check: 'success' },
      token: github.token,
      env: { GITHUB_API_URL: github.url },
      ...more,
    },
  );

it('tags vX.Y.Z on a release commit whose action refs name this repository at the checked SHA', async () => {
  const run = await release({ 'CHANGELOG.md': CHANGELOG });
  const tag = run.jobs['tag'];
  expect(tag?.steps.map((s) => [s.name, s.outcome])).toEqual([
    ['actions/checkout', 'success'],
    ['Tag the release and move the major tag', 'success'],
  ]);
  expect(tag?.permissions).toEqual({ contents: 'write' });
  const origin = path.join(tag?.runnerTemp ?? '', 'origin.git');
  const show = (file: string) =>
    execFileSync('git', ['--git-dir', origin, 'show', `v1.4.0:${file}`], { encoding: 'utf8' });
  const releaseYml = show('.github/workflows/release.yml');
  expect(releaseYml).not.toMatch(/^\s*-? *uses: org\//m);
  expect(releaseYml).toContain(`uses: acme/release-actions/deploy-canary@${SHA} # v1.4.0`);
  expect(releaseYml).toContain(`uses: acme/release-actions/shift-traffic@${SHA} # v1.4.0`);
  for (const file of ['healthcheck.yml', 'rollback.yml'])
    expect(show(`.github/workflows/${file}`)).not.toMatch(/release-actions\/[a-z-]+@v\d/);
  // v1 moved to the same release commit.
  const tagged = (ref: string) =>
    execFileSync('git', ['--git-dir', origin, 'rev-parse', `${ref}^{commit}`], { encoding: 'utf8' });
  expect(tagged('v1')).toBe(tagged('v1.4.0'));
  // A GitHub Release on the tag, its notes the CHANGELOG's section for 1.4.0 alone.
  expect(github.releases).toEqual([
    {
      tag_name: 'v1.4.0',
      name: 'release-actions v1.4.0',
      body: '\n### Added\n\n- runs-on for the reusable workflows.\n\n',
    },
  ]);
}, 60_000);

// As GitHub's hosted runner runs it: as the user "runner", not root (support/runner-user.ts).
(process.getuid?.() === 0 ? it : it.skip)(
  'tags and publishes the release as a non-root runner user',
  async () => {
    const run = await release({ 'CHANGELOG.md': CHANGELOG }, { user: runnerUser()! });
    expect(run.jobs['tag']?.result).toBe('success');
    expect(github.releases.map((r) => r.tag_name)).toEqual(['v1.4.0']);
  },
  60_000,
);

it('refuses a version the CHANGELOG says nothing of, before anything is pushed', async () => {
  const run = await release({
    'CHANGELOG.md': CHANGELOG.replace('## [1.4.0] - 2026-12-08', '## [1.4.1] - 2026-12-08'),
  });
  const tag = run.jobs['tag'];
  expect(tag?.result).toBe('failure');
  expect(tag?.steps[1]?.log).toContain('::error::CHANGELOG.md has no section for v1.4.0');
  const origin = path.join(tag?.runnerTemp ?? '', 'origin.git');
  expect(execFileSync('git', ['--git-dir', origin, 'tag'], { encoding: 'utf8' })).toBe('');
  expect(github.releases).toEqual([]);
}, 60_000);
