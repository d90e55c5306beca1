/**
 * GitHub's own local-action runs an action from source: it loads action.yml for
 * inputs and defaults, stubs @actions/core, imports actions/<name>/run.ts and calls
 * its run(). Run here as the README shows, against a local service and the local
 * GitHub API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { node24, repoRoot } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

let service: TestService;
let github: GitHubApi;
beforeAll(async () => {
  service = await startService();
  github = await startGitHubApi();
});
afterAll(async () => {
  await service.close();
  await github.close();
});

async function localAction(
  name: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-local-action-'));
  const dotenv = path.join(dir, '.env');
  writeFileSync(path.join(dir, 'summary.md'), '');
  writeFileSync(
    dotenv,
    Object.entries({ GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'), ...env })
      // dotenv takes a single-quoted value literally (a double-quoted one keeps its \").
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n'),
  );
  const bin = path.join(repoRoot, 'node_modules', '.bin', 'local-action');
  const child = spawn(node24, [bin, 'run', name, `../actions/${name}/run.ts`, dotenv], {
    cwd: repoRoot,
    env: { PATH: `${path.dirname(node24)}:${process.env['PATH'] ?? ''}`, HOME: dir, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out };
}

it('runs healthcheck from source', async () => {
  const run = await localAction('healthcheck', {
    INPUT_PROBES: `[{name: api, url: "${service.url}/health", expect: {json: {status: ok}}}]`,
  });
  expect(run.out).toContain('up   api: GET');
  expect(run.out).toMatch(/'healthy'\s*│\s*'true'/);
  expect(service.hits('/health')).toBeGreaterThan(0);
}, 60_000);

it('runs open-incident-issue from source, against the GitHub API it is pointed at', async () => {
  const run = await localAction('open-incident-issue', {
    INPUT_SERVICE: 'checkout',
    INPUT_SEVERITY: 'P2',
    'INPUT_GITHUB-TOKEN': github.token,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '7',
  });
  expect(run.out).toMatch(/'action'\s*│\s*'created'/);
  expect(github.issues.map((i) => i.title)).toEqual(['[P2] checkout (production): healthcheck failing']);
  expect(github.violations).toEqual([]);
}, 60_000);

it('says which input still holds an unexpanded ${{ }} default when no token is given', async () => {
  const run = await localAction('open-incident-issue', { INPUT_SERVICE: 'checkout' });
  expect(run.out).toContain(
    "Input 'github-token' holds ${{ github.token }}, an expression no runner expanded; outside GitHub Actions set INPUT_GITHUB-TOKEN to the value itself.",
  );
}, 60_000);
