/**
 * The workflow linter that CI runs (npm run lint): actionlint plus our rules. A bad
 * workflow must be caught, so it is fed one; the repository's own must be clean.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/run-action.js';

const lint = (...files: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'lint-workflows.mjs'), ...files], {
    encoding: 'utf8',
  });

it('catches expressions in scripts, unpinned and local actions, unknown and missing inputs', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ra-lint-')), 'bad.yml');
  writeFileSync(
    file,
    [
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: ./healthcheck',
      '      - uses: org/release-actions/healthcheck@v1',
      '        with: { probez: x }',
      '      - uses: org/release-actions/soak-gate@v1',
      '      - run: echo "${{ github.event.issue.title }}"',
      '      - uses: actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3, node20',
      '    needs: missing',
    ].join('\n'),
  );
  const run = lint(file);
  expect(run.status).toBe(1);
  for (const problem of [
    'jobs.a.steps[0].uses: pin actions/checkout@v4 by a full commit SHA',
    'jobs.a.steps[1].uses: calls ./healthcheck locally',
    'jobs.a.steps[2].with.probez: is not an input of healthcheck',
    'jobs.a.steps[3].with: misses checks-workflow, which soak-gate requires',
    'jobs.a.steps[4].run: has a ${{ }} expression inside the script',
    '"github.event.issue.title" is potentially untrusted',
    'job "a" needs job "missing" which does not exist',
    'jobs.a.steps[0]: actions/checkout keeps the token in .git/config; add persist-credentials: false',
    'jobs.a.steps[5].uses: pins actions/cache/restore at 5a3ec84eff66, not a release known to run on node24 (27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5)',
  ])
    expect(run.stderr).toContain(problem);
});

it('lets a job that pushes keep the checkout credentials', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ra-lint-')), 'push.yml');
  writeFileSync(
    file,
    [
      'on: push',
      'permissions: { contents: write }',
      'jobs:',
      '  tag:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0',
      '      - run: git tag v1 && git push origin v1',
    ].join('\n'),
  );
  expect(lint(file).stderr).not.toContain('persist-credentials');
});

it('passes every workflow, example and action.yml in the repository', () => {
  const run = lint();
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
}, 30_000);
