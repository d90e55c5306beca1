/**
 * The fault matrix's rows that no other suite covers, through the built bundles:
 * a provider command that fails mid-rollout, a host that does not resolve, a re-run
 * after a partial failure, and router metrics that cannot be read. The README's
 * "Faults" table maps every row to its test.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localProvider } from '../../shared/adapters/providers/local.js';
import { startLocalRouter } from '../../shared/adapters/local-router/server.js';
import { startGitHubApi, type GitHubApi } from '../support/github-api.js';
import { runAction, sealedStateOf, visibleLog, type ActionRun } from '../support/run-action.js';
import { v1ToV2OnLocalRouter, startTwoVersions, type TestService } from '../support/service.js';

let v1: TestService;
let v2: TestService;
let github: GitHubApi;
beforeAll(async () => ({ v1, v2 } = await startTwoVersions()));
afterAll(() => Promise.all([v1.close(), v2.close()]));
beforeEach(async () => {
  v2.setMode('ok');
  github = await startGitHubApi();
});
afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.close();
});

/** The "platform" is a flag file the user's commands read and write. */
const platform = (split: Record<string, number>, extra: Record<string, string> = {}) => ({
  'flags/rollout.json': JSON.stringify(split),
  'flags/revisions.json': JSON.stringify([
    { name: 'v1', url: v1.url },
    { name: 'v2', url: v2.url },
  ]),
  ...extra,
});
/** The platform as a run left it, for the next run. */
const carried = (run: ActionRun) =>
  Object.fromEntries(
    ['rollout.json', 'revisions.json', 'history.log'].map((f) => [
      `flags/${f}`,
      readFileSync(path.join(run.workspace, 'flags', f), 'utf8'),
    ]),
  );
const splitOf = (run: ActionRun) =>
  JSON.parse(readFileSync(path.join(run.workspace, 'flags', 'rollout.json'), 'utf8')) as Record<
    string,
    number
  >;
const shift = (files: Record<string, string>, inputs: Record<string, string> = {}) =>
  runAction('shift-traffic', {
    files,
    inputs: {
      provider: 'command',
      'command-get-split': 'cat flags/rollout.json',
      'command-set-split':
        'echo "$SPLIT_JSON" > flags/rollout.json && echo "v2=${SPLIT_V2:-0}" >> flags/history.log',
      'command-list-revisions': 'cat flags/revisions.json',
      'stable-revision': 'v1',
      'canary-revision': 'v2',
      'step-duration': '600ms',
      'check-interval': '200ms',
      probes: '[{name: canary-health, url: "${CANARY_URL}/health"}]',
      ...inputs,
    },
  });
const openIncident = (reason: string) =>
  runAction('open-incident-issue', {
    inputs: {
      mode: 'open',
      service: 'shop',
      kind: 'rollout',
      severity: 'P1',
      rollback: reason,
      'github-token': github.token,
    },
    env: { GITHUB_API_URL: github.url, RELEASE_ACTIONS_RETRY_AFTER_MS: '20' },
  });

describe('fault matrix', () => {
  it('4. the provider command fails at step 2 → traffic back on stable, one incident opened', async () => {
    const run = await shift(platform({ v1: 100 }), {
      // The platform refuses the 50 % step; going back to stable still works.
      'command-set-split':
        'if [ "${SPLIT_V2:-0}" = 50 ]; then echo "quota exceeded" >&2; exit 7; fi; ' +
        'echo "$SPLIT_JSON" > flags/rollout.json && echo "v2=${SPLIT_V2:-0}" >> flags/history.log',
    });
    expect(run.code).toBe(1);
    expect(splitOf(run)).toEqual({ v1: 100 });
    expect(carried(run)['flags/history.log']).toBe('v2=10\nv2=0\n');
    expect(visibleLog(run)).toMatch(/exited 7: quota exceeded/);
    const incident = await openIncident(run.outputs['reason'] ?? 'provider failed');
    expect(incident.outputs['action']).toBe('created');
    expect((await openIncident('again')).outputs['action']).toBe('nothing');
    expect(github.issues).toHaveLength(1);
  });

  it('6. a canary host that does not resolve → a clear failure, no traffic moved', async () => {
    const run = await runAction('deploy-canary', {
      files: platform({ v1: 100 }),
      inputs: {
        provider: 'command',
        'command-get-split': 'cat flags/rollout.json',
        'command-set-split': 'echo "$SPLIT_JSON" > flags/rollout.json',
        'command-list-revisions': 'cat flags/revisions.json',
        'command-deploy': 'echo \'{"name": "v3", "url": "http://release-actions-canary.invalid"}\'',
        'canary-revision': 'v3',
        'initial-percent': '10',
        probes: '[{name: canary-health, url: "${CANARY_URL}/health", retries: 0}]',
      },
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run)).toMatch(/v3 failed its probes before any traffic reached it: canary-health/);
    expect(visibleLog(run)).toMatch(/host not found \(DNS\)/);
    expect(splitOf(run)).toEqual({ v1: 100 });
  });

  it('8. the runner was killed mid-rollout (no post step): the monitor notices, rollback restores stable', async () => {
    const router = await startLocalRouter({ revisions: { v1: v1.url, v2: v2.url }, split: { v1: 100 } });
    const local = localProvider(router.url);
    try {
      const killed = await runAction('shift-traffic', {
        inputs: {
          ...v1ToV2OnLocalRouter(router.url),
          'step-duration': '30s',
        },
        whileRunning: async (child) => {
          while ((await local.readSplit())['v2'] !== 10) await new Promise((r) => setTimeout(r, 10));
          child.kill('SIGKILL');
        },
      });
      expect(killed.code).toBeNull();
      expect(await local.readSplit()).toEqual({ v1: 90, v2: 10 });
      // With nobody watching the canary, it breaks; the next scheduled check sees users fail.
      v2.setMode('error');
      const monitor = await runAction('healthcheck', {
        inputs: { probes: `[{name: shop, url: "${router.url}/health", samples: 20, retries: 0}]` },
      });
      expect(monitor.code).toBe(1);
      expect(monitor.outputs['healthy']).toBe('false');
      const rollback = await runAction('rollback', {
        inputs: { provider: 'local', 'local-router-url': router.url, 'to-revision': 'v1' },
      });
      expect(rollback.code).toBe(0);
      expect(await local.readSplit()).toEqual({ v1: 100 });
    } finally {
      await router.close();
    }
  });

  describe('9. two rollouts of one environment at once', () => {
    /** A platform both runs share, and a shift whose commands log which run set what. */
    const shared = (split: Record<string, number>) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'ra-platform-'));
      writeFileSync(path.join(dir, 'rollout.json'), JSON.stringify(split));
      writeFileSync(path.join(dir, 'history.log'), '');
      writeFileSync(
        path.join(dir, 'revisions.json'),
        JSON.stringify([
          { name: 'v1', url: v1.url },
          { name: 'v2', url: v2.url },
        ]),
      );
      return dir;
    };
    const rollout = (platformDir: string, runId: number, extra: Record<string, string> = {}) =>
      runAction('shift-traffic', {
        inputs: {
          provider: 'command',
          'command-get-split': 'cat "$PLATFORM/rollout.json"',
          'command-set-split':
            'echo "$SPLIT_JSON" > "$PLATFORM/rollout.json" && echo "run $GITHUB_RUN_ID: v2=${SPLIT_V2:-0}" >> "$PLATFORM/history.log"',
          'command-list-revisions': 'cat "$PLATFORM/revisions.json"',
          'stable-revision': 'v1',
          'canary-revision': 'v2',
          steps: '10,100',
          'step-duration': '1s',
          'check-interval': '250ms',
          probes: '[{name: canary-health, url: "${CANARY_URL}/health"}]',
          'github-environment': 'production',
          'github-token': github.token,
          ...extra,
        },
        env: {
          PLATFORM: platformDir,
          GITHUB_API_URL: github.url,
          GITHUB_SHA: 'a'.repeat(40),
          GITHUB_RUN_ID: String(runId),
          RELEASE_ACTIONS_RETRY_AFTER_MS: '20',
        },
      });
    const running = (id: number) =>
      github.workflowRuns.push({
        id,
        workflow: 'release.yml',
        created_at: new Date().toISOString(),
        status: 'in_progress',
        conclusion: null,
      });

    it('started together: one proceeds, the other stops without moving traffic', async () => {
      const dir = shared({ v1: 100 });
      running(501);
      running(502);
      const [a, b] = await Promise.all([rollout(dir, 501), rollout(dir, 502)]);
      const outcomes = [a.outputs['outcome'], b.outputs['outcome']].sort();
      expect(outcomes).toEqual(['busy', 'promoted']);
      const [winner, loser] = a.outputs['outcome'] === 'busy' ? [b, a] : [a, b];
      const loserRun = loser === a ? 501 : 502;
      expect(loser.code).toBe(1);
      expect(visibleLog(loser)).toMatch(
        /::error::Stopped without changing traffic: .* is rolling out production now; nothing was changed/,
      );
      expect(readFileSync(path.join(dir, 'history.log'), 'utf8')).not.toContain(`run ${loserRun}:`);
      expect(winner.code).toBe(0);
      expect(JSON.parse(readFileSync(path.join(dir, 'rollout.json'), 'utf8'))).toEqual({ v2: 100 });
      // The loser's deployment says why; its post step has nothing to undo.
      expect(github.deployments.some((d) => d.statuses.at(-1)?.description.startsWith('not started:'))).toBe(
        true,
      );
      expect(sealedStateOf(loser)['phase']).toBeUndefined();
    });

    it('one already mid-rollout: a second run stops; after the first run ended, a new one may take over', async () => {
      const dir = shared({ v1: 100 });
      running(601);
      const first = rollout(dir, 601, { steps: '10,50,100', 'step-duration': '2s' });
      while (!readFileSync(path.join(dir, 'history.log'), 'utf8').includes('run 601: v2=10'))
        await new Promise((r) => setTimeout(r, 20));
      running(602);
      const second = await rollout(dir, 602);
      expect(second.outputs['outcome']).toBe('busy');
      expect(visibleLog(second)).toContain(
        'run https://github.com/acme/shop/actions/runs/601 (deployment 1)',
      );
      expect((await first).outputs['outcome']).toBe('promoted');
      // Run 601 was killed before it could post its final status, and has ended.
      github.deployments[0]!.statuses.push({
        state: 'in_progress',
        description: 'canary 50%',
        environment_url: '',
        log_url: 'https://github.com/acme/shop/actions/runs/601',
      });
      github.workflowRuns.find((r) => r.id === 601)!.status = 'completed';
      running(603);
      writeFileSync(path.join(dir, 'rollout.json'), JSON.stringify({ v1: 100 }));
      const third = await rollout(dir, 603);
      expect(third.outputs['outcome']).toBe('promoted');
    });
  });

  it("9. a second release's deploy-canary refuses while a rollout is in progress, moving nothing", async () => {
    const run = await runAction('deploy-canary', {
      files: platform({ v1: 90, v2: 10 }),
      inputs: {
        provider: 'command',
        'command-get-split': 'cat flags/rollout.json',
        'command-set-split': 'echo "$SPLIT_JSON" > flags/rollout.json',
        'command-list-revisions': 'cat flags/revisions.json',
        'command-deploy': 'echo deployed >> flags/deployed.log; echo \'{"name": "v3"}\'',
        'canary-revision': 'v3',
        'initial-percent': '10',
      },
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toBe(
      '::error::deploy-canary: traffic is split v1 90% / v2 10%: a rollout is in progress. Let it finish or roll it back before deploying another canary.',
    );
    expect(splitOf(run)).toEqual({ v1: 90, v2: 10 });
    expect(existsSync(path.join(run.workspace, 'flags', 'deployed.log'))).toBe(false);
  });

  it('10. a re-run after the runner died at 50 % continues from there: no step repeated', async () => {
    // The first run was killed after moving to 50 % (no post step ran).
    const rerun = await shift(platform({ v1: 50, v2: 50 }, { 'flags/history.log': 'v2=10\nv2=50\n' }));
    expect(rerun.code).toBe(0);
    expect(rerun.outputs['outcome']).toBe('promoted');
    expect(carried(rerun)['flags/history.log']).toBe('v2=10\nv2=50\nv2=100\n');
    expect(visibleLog(rerun)).not.toContain('canary 10%');
    // A second re-run finds nothing to do and changes nothing.
    const again = await shift(carried(rerun));
    expect(again.outputs['outcome']).toBe('already-promoted');
    expect(carried(again)['flags/history.log']).toBe('v2=10\nv2=50\nv2=100\n');
  });

  it('12. router metrics that cannot be read → a warning, no verdict: a healthy canary is held, not rolled back', async () => {
    const run = await shift(platform({ v1: 100 }), {
      'command-metrics': 'echo "stats endpoint down" >&2; exit 3',
    });
    // The error-rate gate cannot judge and the probes alone do not promote: the split holds.
    expect(run.code).toBe(1);
    expect(run.outputs['outcome']).toBe('held');
    expect(splitOf(run)).toEqual({ v1: 90, v2: 10 });
    expect(carried(run)['flags/history.log']).toBe('v2=10\n');
    expect(visibleLog(run)).toMatch(
      /::warning::Router metrics unavailable, so this check has no verdict: .*exited 3: stats endpoint down/,
    );
    expect(visibleLog(run)).toMatch(
      /Held at v1 90% \/ v2 10%: no check reached a verdict.*Re-run to continue, or run rollback/,
    );
  });

  it('12. once the metrics are back, a re-run of the held rollout promotes the healthy canary', async () => {
    const held = await shift(platform({ v1: 100 }), { 'command-metrics': 'exit 3' });
    expect(held.outputs['outcome']).toBe('held');
    const rerun = await shift(carried(held));
    expect(rerun.outputs['outcome']).toBe('promoted');
    expect(carried(rerun)['flags/history.log']).toBe('v2=10\nv2=50\nv2=100\n');
  });
});
