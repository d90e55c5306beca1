/**
 * provider: eas-update with the real eas CLI (eas-cli 24.8.0) against a local Expo
 * GraphQL API (support/expo-api.ts). Devices launch the branch's updates while the
 * rollout runs, each in the rollout or on its control by its bucket, and crash at
 * their bundle's rate; the crash gate reads those launches through update:insights.
 * eas-cli reaches the local API only on 127.0.0.1:3000, so this is the one test file
 * that starts it.
 */
import { spawn } from 'node:child_process';
import { runWorkflow } from '../../tools/workflow-harness/index.js';
import { startExpoApi, type ExpoApi } from '../support/expo-api.js';
import { easCliEnv, exampleRolloutInputs } from '../support/eas-step.js';
import { exampleInSeconds } from '../support/recipes.js';
import {
  expectOneLineError,
  killedThenPost,
  maskedValues,
  node24,
  repoRoot,
  runAction,
  visibleLog,
} from '../support/run-action.js';

// Each eas call takes 0.7 s here and several seconds on a loaded machine.
const SLOW = 300_000;
const TOKEN = 'expoToken0123456789';
const PROJECT = '6a1b0c2d-0000-4000-8000-000000000001';
const OLD = '0b0b0b0b-0000-4000-8000-000000000000';
const STABLE = '11111111-1111-4111-8111-111111111111';
const CANARY = '22222222-2222-4222-8222-222222222222';
const OTHER = '33333333-3333-4333-8333-333333333333';

let api: ExpoApi;
let devices: NodeJS.Timeout | undefined;

beforeEach(async () => {
  api = await startExpoApi({
    token: TOKEN,
    projectId: PROJECT,
    groups: [
      ['production', OLD, 'v0'],
      ['production', STABLE, 'v1'],
      ['release-candidates', CANARY, 'v2'],
      ['release-candidates', OTHER, 'v3'],
    ],
    crashRates: { v0: 0.001, v1: 0.001 },
  });
  // Another test file may hold eas-cli's fixed port for a while.
}, 180_000);
afterEach(async () => {
  clearInterval(devices);
  await api.close();
});

/** Devices keep launching the app: 200 launches every 100 ms, split as the branch says. */
const launching = () => {
  devices = setInterval(() => api.launch('production', 200), 100);
};

const easInputs = () => ({
  provider: 'eas-update',
  'eas-branch': 'production',
  // Where checkout put the app: the workspace holds app.json.
  'eas-project-dir': '.',
  'expo-token': TOKEN,
});
const env = () => easCliEnv(api);
/** `files`: the checkout, by default the app's. */
const eas = (action: string, inputs: Record<string, string>, files: Record<string, string> = api.files) =>
  runAction(action, {
    inputs: { ...easInputs(), ...inputs },
    env: env(),
    files,
    timeoutMs: 280_000,
  });
const shift = (inputs: Record<string, string> = {}) =>
  eas('shift-traffic', {
    'stable-revision': STABLE,
    'canary-revision': CANARY,
    steps: '10,50,100',
    'step-duration': '3s',
    'check-interval': '1s',
    'min-launches': '20',
    // The local API reports a failed launch 500 ms after it (the device's next check).
    'launch-report-lag': '1s',
    ...inputs,
  });
/** The mutations eas made, in order. */
const changes = () => api.operations.filter((op) => /Mutation|Deletion/.test(op));

describe('eas-update provider through the eas CLI', () => {
  it(
    'an update whose crash rate rises is reverted by the crash gate; the branch serves the previous update again',
    async () => {
      api.setCrashRate('v2', 0.05);
      launching();
      const run = await shift();
      expect(run.outputs['outcome']).toBe('rolled-back');
      expect(run.code).toBe(1);
      expect(run.outputs['reason']).toMatch(
        /canary failed-launch rate \d+\.\d% \(\d+\/\d+\) over the 0\.5% limit/,
      );
      const [newest, ...rest] = api.groupsOn('production');
      // The revert deleted the rollout group and republished the control under a new id.
      expect(newest).toMatchObject({
        bundle: 'v1',
        rollout: null,
        message: `release-actions: rollback to ${STABLE}`,
      });
      expect(rest.map((g) => g.bundle)).toEqual(['v1', 'v0']);
      expect(changes()).toEqual([
        'UpdatePublishMutation',
        'ScheduleUpdateGroupDeletion',
        'UpdatePublishMutation',
      ]);
      expect(run.outputs['split']).toBe(JSON.stringify({ [STABLE]: 100 }));
      expect(visibleLog(run)).not.toContain(TOKEN);
      expect(maskedValues(run)).toContain(TOKEN);
    },
    SLOW,
  );

  it(
    "eas-update-rollout.yml's step raises a healthy update's rollout to 100; rollback then republishes the previous group",
    async () => {
      api.setCrashRate('v2', 0.001);
      launching();
      const run = await shift(exampleRolloutInputs(api, { token: TOKEN, stable: STABLE, canary: CANARY }));
      expect(run.stderr).toBe('');
      expect(run.outputs['reason']).toBe('');
      expect(run.outputs['outcome']).toBe('promoted');
      expect(api.groupsOn('production')[0]).toMatchObject({ bundle: 'v2', rollout: 100 });
      expect(changes()).toEqual([
        'UpdatePublishMutation',
        ...Array(changes().length - 1).fill('SetRolloutPercentageMutation'),
      ]);
      expect(run.summary).toContain('Canary weight (line) and failed-launch rate (bars), %');
      expect(run.summary.match(/\| passed \d+ of \d+ checks \|/g)).toHaveLength(3);

      const back = await eas('rollback', { 'to-revision': STABLE, reason: 'checkout crashes' });
      expect(back.stderr).toBe('');
      expect(back.code).toBe(0);
      expect(api.groupsOn('production')[0]).toMatchObject({
        bundle: 'v1',
        rollout: null,
        message: `release-actions: rollback to ${STABLE}`,
      });
      expect(back.outputs['split']).toBe(JSON.stringify({ [STABLE]: 100 }));
    },
    SLOW,
  );

  it(
    'eas-update-rollout.yml as GitHub runs it, hours made seconds: a crashing update is reverted and the job fails',
    async () => {
      const { workflow, bin, installed } = exampleInSeconds(
        'eas-update-rollout.yml',
        [
          ['step-duration: 80m', 'step-duration: 4s'],
          ['check-interval: 5m', 'check-interval: 1s'],
          ["min-launches: '500'", "min-launches: '300'"],
          ['launch-report-lag: 20m', 'launch-report-lag: 1s'],
        ],
        'eas-cli@24.8.0',
      );
      api.setCrashRate('v2', 0.05);
      launching();
      const run = await runWorkflow(
        workflow,
        { event: 'workflow_dispatch', inputs: { group: CANARY, 'previous-group': STABLE } },
        {
          root: repoRoot,
          node: node24,
          repository: 'acme/shop',
          // The app's repository: eas-project-dir '.' is where checkout puts app.json.
          repositoryFiles: api.files,
          secrets: { EXPO_TOKEN: TOKEN },
          env: { ...env(), PATH: `${bin}:${env().PATH}` },
        },
      );
      const job = run.jobs['rollout'];
      const shifted = job?.steps.find((step) => !step.post && step.uses?.includes('/shift-traffic@'));
      expect(installed()).toBe('install --global eas-cli@24.8.0\n');
      expect(job?.result).toBe('failure');
      expect(shifted?.outputs['outcome']).toBe('rolled-back');
      expect(shifted?.outputs['reason']).toMatch(
        /canary failed-launch rate \d+\.\d% \(\d+\/\d+\) over the 0\.5% limit/,
      );
      expect(api.groupsOn('production')[0]).toMatchObject({ bundle: 'v1', rollout: null });
      expect(changes()).toEqual([
        'UpdatePublishMutation',
        'ScheduleUpdateGroupDeletion',
        'UpdatePublishMutation',
      ]);
      expect(shifted?.log).not.toContain(TOKEN);
    },
    SLOW,
  );

  it(
    'deploy-canary starts the rollout at initial-percent; rollback with no to-revision reverts it; shift-traffic carries a new one on',
    async () => {
      const run = await eas('deploy-canary', {
        'canary-revision': CANARY,
        'stable-revision': STABLE,
        'initial-percent': '5',
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(api.groupsOn('production')[0]).toMatchObject({
        bundle: 'v2',
        rollout: 5,
        message: `release-actions: rollout of ${CANARY}`,
      });
      expect(JSON.parse(run.outputs['split'] ?? '{}')).toEqual({ [STABLE]: 95, [CANARY]: 5 });

      // Rolled back by hand with no to-revision: the branch's previous group is the rollout's control.
      const back = await eas('rollback', { reason: 'support tickets' });
      expect(back.stderr).toBe('');
      expect(visibleLog(back)).toContain(`The previous revision is ${STABLE}`);
      expect(api.groupsOn('production')[0]).toMatchObject({ bundle: 'v1', rollout: null });
      await eas('deploy-canary', {
        'canary-revision': CANARY,
        'stable-revision': STABLE,
        'initial-percent': '5',
      });

      launching();
      // The plan names the share deploy-canary gave, so the rollout resumes from it.
      const shifted = await shift({ steps: '5,50,100', 'step-duration': '2s' });
      expect(shifted.outputs['outcome']).toBe('promoted');
      expect(api.groupsOn('production')[0]).toMatchObject({ bundle: 'v2', rollout: 100 });
    },
    SLOW,
  );

  it(
    "a failed launch reaches EAS only with the device's next update check: no step passes on launches whose failures cannot have arrived",
    async () => {
      api.setFailureReportDelay(6000);
      api.setCrashRate('v2', 0.02);
      launching();
      const run = await shift({ steps: '50,100', 'step-duration': '6s', 'launch-report-lag': '6s' });
      // Judged on what was reported within the step, every launch would look fine and 100 % would follow.
      expect(run.outputs['outcome']).toBe('rolled-back');
      expect(run.outputs['reason']).toMatch(
        /^canary failed-launch rate \d+\.\d% \(\d+\/\d+\) over the 0\.5% limit/,
      );
      expect(api.groupsOn('production')[0]).toMatchObject({ bundle: 'v1', rollout: null });
      expect(run.summary).toContain("reported on the device's next update check");
    },
    SLOW,
  );

  it(
    'dry-run changes nothing; when the main step is killed mid-rollout, the post step reverts it',
    async () => {
      const dry = await shift({ 'dry-run': 'true' });
      expect(dry.code).toBe(0);
      expect(dry.outputs['outcome']).toBe('dry-run');
      expect(visibleLog(dry)).toContain(
        "failed launches: the canary update's launches that failed before their first render at most 0.5%, judged from 20 canary launches",
      );
      expect(changes()).toEqual([]);

      launching();
      const inputs = {
        ...easInputs(),
        'stable-revision': STABLE,
        'canary-revision': CANARY,
        steps: '10,50,100',
        'step-duration': '60s',
        'check-interval': '1s',
        'launch-report-lag': '1s',
      };
      const { run, post } = await killedThenPost('shift-traffic', {
        inputs,
        env: env(),
        files: api.files,
        reached: () => api.groupsOn('production')[0]?.rollout === 10,
      });
      expect(run.code).toBeNull();
      expect(post.code).toBe(0);
      expect(visibleLog(post)).toContain('shift-traffic did not finish');
      expect(maskedValues(post)).toContain(TOKEN);
      expect(api.groupsOn('production')[0]).toMatchObject({ bundle: 'v1', rollout: null });
      expect(changes()).toEqual([
        'UpdatePublishMutation',
        'ScheduleUpdateGroupDeletion',
        'UpdatePublishMutation',
      ]);
    },
    SLOW,
  );

  it(
    'a group eas does not know, a wrong token, and a rollout lowered by hand are refused in one line; nothing is published',
    async () => {
      const unknown = await eas('deploy-canary', {
        'canary-revision': '44444444-4444-4444-8444-444444444444',
        'stable-revision': STABLE,
      });
      expect(unknown.code).toBe(1);
      expect(visibleLog(unknown)).toMatch(
        /^::error::.*eas has no update group 44444444-4444-4444-8444-444444444444: Could not find any updates with group ID/m,
      );

      const elsewhere = await eas(
        'rollback',
        { 'to-revision': STABLE, 'eas-project-dir': 'docs' },
        { 'README.md': 'a checkout without the app', 'docs/README.md': 'not the app either' },
      );
      expect(visibleLog(elsewhere)).toMatch(
        /^::error::rollback: eas could not list the update groups on branch production: Run this command inside a project directory\. \(eas-project-dir must be the Expo project's directory, where app\.json is\)$/m,
      );

      const denied = await eas('rollback', { 'to-revision': STABLE, 'expo-token': 'someoneElsesToken' });
      expect(denied.code).toBe(1);
      expect(visibleLog(denied)).toMatch(/^::error::.*Unauthorized/m);
      expect(visibleLog(denied)).not.toContain('someoneElsesToken');

      // A partial rollback (stable to 90 %) would take the 50 % rollout to 10 %: EAS only raises it.
      await eas('deploy-canary', {
        'canary-revision': CANARY,
        'stable-revision': STABLE,
        'initial-percent': '50',
      });
      const lower = await eas('rollback', { 'to-revision': STABLE, percent: '90' });
      expect(lower.code).toBe(1);
      expect(visibleLog(lower)).toMatch(/EAS only raises a rollout's percentage \(revert it to go back\)/);
      // Nor can another group start while this one rolls out.
      const second = await eas('deploy-canary', {
        'canary-revision': OTHER,
        'stable-revision': STABLE,
        'initial-percent': '10',
      });
      expect(second.code).toBe(1);
      expect(visibleLog(second)).toMatch(
        /a rollout is in progress\. Let it finish or roll it back before deploying another canary/,
      );
      expect(changes()).toEqual(['UpdatePublishMutation']);
      // A folder outside the checkout is never where eas runs, however it is written.
      for (const dir of [api.projectDir, '..', '../../..']) {
        const outside = await eas('rollback', { 'to-revision': STABLE, 'eas-project-dir': dir });
        expectOneLineError(outside, 'eas-project-dir', /which is outside the repository/);
      }
      for (const run of [unknown, elsewhere, denied, lower, second])
        expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
    },
    SLOW,
  );

  it(
    'the local Expo API refuses what EAS refuses, as the real CLI shows it',
    async () => {
      const cli = (...args: string[]) =>
        new Promise<{ code: number | null; output: string }>((resolve) => {
          const child = spawn('eas', [...args, '--json', '--non-interactive'], {
            cwd: api.projectDir,
            env: { ...process.env, ...env(), EXPO_TOKEN: TOKEN, EAS_NO_VCS: '1', DISABLE_EAS_ANALYTICS: '1' },
          });
          let output = '';
          child.stdout.on('data', (c: Buffer) => (output += c));
          child.stderr.on('data', (c: Buffer) => (output += c));
          child.on('close', (code) => resolve({ code, output }));
        });
      const rollout = (group: string) =>
        cli(
          'update:republish',
          '--group',
          group,
          '--destination-branch',
          'production',
          '--rollout-percentage',
          '10',
          '--message',
          'm',
        );
      expect((await rollout(CANARY)).code).toBe(0);
      const second = await rollout(OTHER);
      expect(second.code).not.toBe(0);
      expect(second.output).toContain('Only one update can be rolled out on a branch at one time');
      const group = api.groupsOn('production')[0]!.group;
      expect((await cli('update:edit', group, '--rollout-percentage', '100')).code).toBe(0);
      const again = await cli('update:edit', group, '--rollout-percentage', '100');
      expect(again.code).not.toBe(0);
      expect(again.output).toContain('This rollout has already ended (it is at 100%)');
    },
    SLOW,
  );

  it(
    'refuses bad inputs in one line before calling eas',
    async () => {
      const cases: [string, Record<string, string>, string, RegExp][] = [
        ['shift-traffic', { 'eas-branch': '' }, 'eas-branch', /is required with provider: eas-update/],
        ['rollback', { 'eas-branch': '--help' }, 'eas-branch', /EAS branch name/],
        ['deploy-canary', { 'canary-revision': 'v2.0.0' }, 'canary-revision', /EAS update group ID \(a UUID/],
        ['rollback', { 'to-revision': 'production' }, 'to-revision', /EAS update group ID/],
        ['shift-traffic', { 'expo-token': 'not a token' }, 'expo-token', /Expo access token/],
        ['shift-traffic', { 'max-crash-rate': 'lots' }, 'max-crash-rate', /./],
        ['shift-traffic', { 'min-launches': '0' }, 'min-launches', /./],
        [
          'shift-traffic',
          { 'launch-report-lag': '30m', 'step-duration': '20m' },
          'launch-report-lag',
          /is 30m, longer than an analysed step \(20m\): EAS learns of a failed launch on the device's next update check/,
        ],
      ];
      for (const [action, inputs, input, says] of cases) {
        const run = await eas(action, {
          'stable-revision': STABLE,
          'canary-revision': CANARY,
          'to-revision': STABLE,
          steps: '10,100',
          ...inputs,
        });
        expectOneLineError(run, input, says);
      }
      expect(api.operations).toEqual([]);
    },
    SLOW,
  );
});
