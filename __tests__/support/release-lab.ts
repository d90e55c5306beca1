/**
 * A place to run the shipped workflows as GitHub runs them: two versions of a
 * service, a staging and a production router in front of them (the local provider,
 * whose targets are the routers' URLs), users' traffic on production, a GitHub API
 * that checks every request against GitHub's description, and the workflow harness
 * pointed at this checkout's built actions.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { startLocalRouter, type LocalRouter } from '../../shared/adapters/local-router/server.js';
import {
  CacheStore,
  runWorkflow,
  type HarnessOptions,
  type Trigger,
  type WorkflowResult,
} from '../../tools/workflow-harness/index.js';
import { startGitHubApi, type GitHubApi } from './github-api.js';
import { startLoad, type Load, type LoadStats } from './load.js';
import { node24, repoRoot } from './run-action.js';
import { startService, type TestService } from './service.js';

export const RELEASE_FILES: Record<string, string> = {
  'RELEASE_CHECKLIST.md':
    '# Release v2.0.0\n\n- [x] All tests pass\n- [x] Migration tested in staging\n- [x] CHANGELOG.md updated\n',
  'CHANGELOG.md': '# Changelog\n\n## [2.0.0] - 2026-11-29\n- New checkout.\n',
  'package.json': JSON.stringify({ name: 'shop', version: '2.0.0' }),
};

export interface ReleaseLab {
  v1: TestService;
  v2: TestService;
  staging: LocalRouter;
  production: LocalRouter;
  github: GitHubApi;
  cache: CacheStore;
  /** Writes a caller workflow (an object, as YAML) and returns its path. */
  caller(name: string, workflow: unknown): string;
  run(file: string, trigger: Trigger, extra?: Partial<HarnessOptions>): Promise<WorkflowResult>;
  split(router: LocalRouter): Promise<Record<string, number>>;
  /** Users' requests on production from now until stop(). */
  users(perSecond?: number): Load;
  /** The soak's evidence: a green staging-monitor run, a moment after staging went live. */
  greenMonitorRun(): Promise<void>;
  /** Makes v2 fail once production gives it at least `percent`. */
  breakAt(percent: number): {
    brokeAt: () => number | undefined;
    breakToRollbackMs: () => number | undefined;
    stop(): void;
  };
  close(): Promise<void>;
}

export async function startReleaseLab(): Promise<ReleaseLab> {
  const v1 = await startService({ version: '1.0.0' });
  const v2 = await startService({ version: '2.0.0' });
  const router = () => startLocalRouter({ port: 0, revisions: { v1: v1.url }, split: { v1: 100 } });
  const staging = await router();
  const production = await router();
  const github = await startGitHubApi();
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-callers-'));
  const cache = new CacheStore(mkdtempSync(path.join(tmpdir(), 'ra-cache-')));
  const loads: Load[] = [];
  const timers: NodeJS.Timeout[] = [];
  const split = async (r: LocalRouter) =>
    (await (await fetch(`${r.url}/__release-actions/split`)).json()) as Record<string, number>;
  return {
    v1,
    v2,
    staging,
    production,
    github,
    cache,
    caller(name, workflow) {
      const file = path.join(dir, '.github', 'workflows', name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, stringify(workflow, { lineWidth: 0 }));
      return file;
    },
    run: (file, trigger, extra) =>
      runWorkflow(file, trigger, {
        root: repoRoot,
        node: node24,
        repository: 'acme/shop',
        repositoryFiles: RELEASE_FILES,
        env: { GITHUB_API_URL: github.url },
        token: github.token,
        cache,
        msPerMinute: 60_000,
        ...extra,
      }),
    split,
    users(perSecond = 50) {
      const load = startLoad(`${production.url}/health`, perSecond, 120);
      loads.push(load);
      return load;
    },
    async greenMonitorRun() {
      await new Promise((r) => setTimeout(r, 1100));
      github.workflowRuns.push({
        workflow: 'staging-monitor.yml',
        created_at: new Date().toISOString(),
        status: 'completed',
        conclusion: 'success',
      });
    },
    breakAt(percent) {
      let brokeAt: number | undefined;
      let restoredAt: number | undefined;
      const timer = setInterval(() => {
        void split(production).then((s) => {
          const now = performance.now();
          if (brokeAt === undefined && (s['v2'] ?? 0) >= percent) {
            brokeAt = now;
            v2.setMode('error');
          } else if (brokeAt !== undefined && restoredAt === undefined && s['v1'] === 100) restoredAt = now;
        });
      }, 20);
      timers.push(timer);
      return {
        brokeAt: () => brokeAt,
        /** From the break to production back on v1 100 % (the router's own split, read every 20 ms). */
        breakToRollbackMs: () =>
          brokeAt !== undefined && restoredAt !== undefined ? restoredAt - brokeAt : undefined,
        stop: () => clearInterval(timer),
      };
    },
    async close() {
      timers.forEach(clearInterval);
      await Promise.all(loads.map((l) => l.stop()));
      await Promise.all([staging.close(), production.close(), github.close(), v1.close(), v2.close()]);
    },
  };
}

export type { LoadStats };

/** The caller a user writes from the README: release.yml on a tag, the local provider. */
export function releaseCaller(lab: ReleaseLab, with_: Record<string, unknown> = {}): unknown {
  return {
    name: 'release',
    on: { push: { tags: ['v*'] } },
    permissions: {
      contents: 'read',
      issues: 'write',
      actions: 'read',
      deployments: 'write',
      'id-token': 'write',
    },
    jobs: {
      release: {
        uses: 'acme/release-actions/.github/workflows/release.yml@v1',
        with: {
          version: '${{ github.ref_name }}',
          service: 'shop',
          provider: 'local',
          'staging-target': lab.staging.url,
          'production-target': lab.production.url,
          // A lab's few requests cannot decide the comparison with stable (see LAB_INPUTS).
          'max-error-increase': '',
          'max-latency-increase': '',
          'canary-revision': 'v2',
          'canary-address': lab.v2.url,
          probes: '- name: health\n  url: ${CANARY_URL}/health\n',
          'staging-probes': '- name: staging\n  url: /health\n- name: canary\n  url: ${CANARY_URL}/health\n',
          'staging-base-url': lab.staging.url,
          'rollback-probes': '- name: health\n  url: ${TARGET_URL}/health\n',
          steps: '10,50,100',
          'step-duration': '2s',
          'check-interval': '200ms',
          'min-requests': '5',
          'checklist-sources': 'RELEASE_CHECKLIST.md',
          changelog: 'CHANGELOG.md',
          'release-window': '',
          'soak-duration': '1s',
          'soak-interval': '1s',
          'soak-checks-workflow': 'staging-monitor.yml',
          ...with_,
        },
      },
    },
  };
}

export const TAG_PUSH: Trigger = { event: 'push', ref: 'refs/tags/v2.0.0', runId: 7001 };
