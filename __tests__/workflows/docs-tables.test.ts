/**
 * The README's input tables follow the action.yml and workflow_call blocks: `npm run
 * lint` (docs-tables --check) fails on a copy of the repository where an input
 * changed and the table did not.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/run-action.js';

const check = (root: string) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'scripts', 'docs-tables.ts'), '--check', '--root', root],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );

const copy = () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ra-docs-'));
  for (const entry of [
    'README.md',
    '.github',
    'deploy-canary',
    'shift-traffic',
    'rollback',
    'healthcheck',
    'verify-checklist',
    'open-incident-issue',
    'soak-gate',
  ])
    cpSync(path.join(repoRoot, entry), path.join(root, entry), { recursive: true });
  return root;
};

it('passes on this repository', () => {
  const run = check(repoRoot);
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe(
    'README.md: 10 input tables match their action.yml and workflow_call blocks',
  );
});

it('fails when a workflow_call input changes and the table does not', () => {
  const root = copy();
  const file = path.join(root, '.github', 'workflows', 'release.yml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('      soak-interval:', '      soak-every:'));
  const run = check(root);
  expect(run.status).toBe(1);
  expect(run.stderr.trim()).toBe(
    'README.md: the table for .github/workflows/release.yml does not match it; run npm run docs',
  );
});

it('fails when an action.yml input has no table at all', () => {
  const root = copy();
  const readme = path.join(root, 'README.md');
  writeFileSync(readme, readFileSync(readme, 'utf8').replace('<!-- table: soak-gate/action.yml -->', ''));
  const run = check(root);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('README.md has no table for soak-gate/action.yml');
});
