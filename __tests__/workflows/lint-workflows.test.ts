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
      '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
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
