/**
 * `npm run lint` on caller workflows written from the README with the mistakes users
 * make: each gets one line naming the file, the line and what to write instead.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/run-action.js';

const lint = (yaml: string) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ra-lint-')), 'caller.yml');
  writeFileSync(file, yaml);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'scripts', 'lint-calls.ts'), file],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  return {
    ...run,
    lines: run.stderr
      .trim()
      .split('\n')
      .map((l) => l.replace(/^.*caller\.yml:/, 'caller.yml:')),
  };
};

it('names a missing required input, a misspelt input and a wrong secret, one line each', () => {
  const run = lint(`name: rollback
on:
  workflow_dispatch:
    inputs:
      environment: { type: string, required: true }
jobs:
  rollback:
    uses: acme/release-actions/.github/workflows/rollback.yml@v1
    with:
      environment: \${{ inputs.environment }}
      service: shop
      cloud-run-service: shop-api
      to-revision: shop-00042
      reason: by hand
    secrets:
      gcp-service-acount: \${{ secrets.GCP_SA }}
`);
  expect(run.status).toBe(1);
  expect(run.lines).toEqual([
    'caller.yml:12: jobs.rollback.with.cloud-run-service: rollback.yml has no input "cloud-run-service" (did you mean target? rollback.yml passes it on as cloud-run-service)',
    'caller.yml:13: jobs.rollback.with.to-revision: rollback.yml has no input "to-revision" (did you mean target-revision? rollback.yml passes it on as to-revision)',
    'caller.yml:10: jobs.rollback.with: misses target, which rollback.yml requires',
    'caller.yml:16: jobs.rollback.secrets.gcp-service-acount: rollback.yml has no secret "gcp-service-acount" (did you mean gcp-service-account?)',
    '4 problems in calls and output references',
  ]);
});

it('says secrets: inherit never fills a kebab-case secret, and checks literal types', () => {
  const run = lint(`name: release
on: { push: { tags: ['v*'] } }
jobs:
  release:
    uses: acme/release-actions/.github/workflows/release.yml@v1
    with:
      version: \${{ github.ref_name }}
      service: shop
      staging-target: shop-staging
      production-target: shop
      probes: '[]'
      soak-checks-workflow: staging-monitor.yml
      hotfix: 'yes'
    secrets: inherit
`);
  expect(run.lines).toContain(
    'caller.yml:13: jobs.release.with.hotfix: release.yml takes a boolean, not the string "yes"',
  );
  expect(run.lines).toContain(
    'caller.yml:14: jobs.release.secrets: inherit never fills release.yml\'s secret "gcp-workload-identity-provider" (GitHub secret names have no "-"); pass it by name: gcp-workload-identity-provider: ${{ secrets.YOUR_SECRET }}',
  );
});

it('checks steps.X.outputs.Y and needs.X.outputs.Y against what the action and the job declare', () => {
  const run = lint(`name: deploy
on: push
jobs:
  canary:
    runs-on: ubuntu-latest
    outputs:
      revision: \${{ steps.deploy.outputs.canary-revison }}
    steps:
      - id: deploy
        uses: acme/release-actions/deploy-canary@v1
        with: { provider: local, local-router-url: 'http://127.0.0.1:8080', canary-revision: v2, canary-address: 'http://127.0.0.1:9002' }
  shift:
    needs: canary
    runs-on: ubuntu-latest
    steps:
      - uses: acme/release-actions/shift-traffic@v1
        with:
          provider: local
          canary-revision: \${{ needs.canary.outputs.revison }}
          stable-revision: \${{ needs.deploy.outputs.stable-revision }}
`);
  expect(run.lines).toEqual([
    'caller.yml:7: jobs.canary: steps.deploy.outputs.canary-revison: that action has no output "canary-revison" (did you mean canary-revision?)',
    'caller.yml:19: jobs.shift: needs.canary.outputs.revison: job canary has no output "revison" (did you mean revision?)',
    'caller.yml:20: jobs.shift: needs.deploy.outputs.stable-revision, but shift does not need deploy',
    '3 problems in calls and output references',
  ]);
});

it('names a reusable workflow that does not exist, and a file that is not YAML, in one line each', () => {
  expect(
    lint(`name: x
on: push
jobs:
  r:
    uses: acme/release-actions/.github/workflows/relase.yml@v1
    with: { version: v1 }
`).lines,
  ).toEqual([
    'caller.yml:5: jobs.r.uses: acme/release-actions/.github/workflows/relase.yml@v1 names a workflow file that does not exist',
    '1 problem in calls and output references',
  ]);
  const broken = lint('name: x\non: push\njobs:\n  r: [\n');
  expect(broken.status).toBe(1);
  expect(broken.stderr).not.toMatch(/\n\s+at /);
  expect(broken.lines[0]).toMatch(/^caller\.yml: Flow sequence in block collection/);
});

it('passes the shipped workflows and examples', () => {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'scripts', 'lint-calls.ts')],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

it("names the permission a called workflow's job needs and the call does not grant (GitHub would not start the run)", () => {
  // A Vercel team's rollback caller: rollback.yml's job still asks for id-token (Cloud Run's OIDC).
  const run = lint(`name: rollback
on: workflow_dispatch
permissions:
  contents: read
  issues: write
jobs:
  rollback:
    uses: acme/release-actions/.github/workflows/rollback.yml@v1
    with:
      environment: production
      service: shop
      provider: vercel
      target: shop
      reason: by hand
`);
  expect(run.status).toBe(1);
  expect(run.lines).toEqual([
    'caller.yml:8: jobs.rollback: GitHub would not start rollback.yml: its jobs need deployments: write, id-token: write, which this call does not grant; add them to the permissions: of the calling job or workflow',
    '1 problem in calls and output references',
  ]);
});
