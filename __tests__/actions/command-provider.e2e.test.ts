/**
 * The command provider: the user's own scripts move the traffic. Here the
 * "platform" is a feature-flag file that the scripts read and write, and the
 * two versions are real services probed on their own addresses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runAction, visibleLog } from '../support/run-action.js';
import { startTwoVersions, type TestService } from '../support/service.js';

let v1: TestService;
let v2: TestService;
beforeAll(async () => ({ v1, v2 } = await startTwoVersions()));
afterAll(() => Promise.all([v1.close(), v2.close()]));
beforeEach(() => {
  v1.setMode('ok');
  v2.setMode('ok');
});

const files = (split: Record<string, number>) => ({
  'flags/rollout.json': JSON.stringify(split),
  'flags/revisions.json': JSON.stringify([
    { name: 'v1', url: v1.url },
    { name: 'v2', url: v2.url },
  ]),
});
const commands = {
  provider: 'command',
  'command-get-split': 'cat flags/rollout.json',
  'command-set-split':
    'echo "$SPLIT_JSON" > flags/rollout.json && echo "v2=${SPLIT_V2:-0}" >> flags/history.log',
  'command-list-revisions': 'cat flags/revisions.json',
};
const state = (workspace: string, file: string) => readFileSync(path.join(workspace, 'flags', file), 'utf8');
const gate = `[{name: canary-version, url: "\${CANARY_URL}/api/version", expect: {json: {version: "2.0.0"}}}]`;

describe('command provider', () => {
  it('shift-traffic walks the flag 10 → 50 → 100 with probe gates', async () => {
    const run = await runAction('shift-traffic', {
      files: files({ v1: 100 }),
      inputs: {
        ...commands,
        'stable-revision': 'v1',
        'canary-revision': 'v2',
        'step-duration': '600ms',
        'check-interval': '200ms',
        probes: gate,
      },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs['outcome']).toBe('promoted');
    expect(JSON.parse(state(run.workspace, 'rollout.json'))).toEqual({ v2: 100 });
    expect(state(run.workspace, 'history.log')).toBe('v2=10\nv2=50\nv2=100\n');
  });

  it('shift-traffic returns the flag to stable when the canary fails its probes', async () => {
    v2.setMode('error');
    const run = await runAction('shift-traffic', {
      files: files({ v1: 100 }),
      inputs: {
        ...commands,
        'stable-revision': 'v1',
        'canary-revision': 'v2',
        'step-duration': '2s',
        'check-interval': '200ms',
        probes: gate,
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs['reason']).toMatch(
      /^the probes failed 3 passes in a row: canary-version \(status 500/,
    );
    expect(JSON.parse(state(run.workspace, 'rollout.json'))).toEqual({ v1: 100 });
    expect(state(run.workspace, 'history.log')).toBe('v2=10\nv2=0\n');
  });

  it('shift-traffic will not run without a gate: the commands report no metrics and no probes were given', async () => {
    const run = await runAction('shift-traffic', {
      files: files({ v1: 100 }),
      inputs: { ...commands, 'stable-revision': 'v1', 'canary-revision': 'v2' },
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toMatch(
      /^::error::Input 'probes' are required with provider command, which reports no router metrics/,
    );
    expect(JSON.parse(state(run.workspace, 'rollout.json'))).toEqual({ v1: 100 });
  });

  it('rollback hands the split to the set-split command', async () => {
    const run = await runAction('rollback', {
      files: files({ v1: 50, v2: 50 }),
      inputs: { ...commands, 'to-revision': 'v1' },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(state(run.workspace, 'rollout.json'))).toEqual({ v1: 100 });
  });

  it('deploy-canary runs the deploy command with REVISION and probes what it reports', async () => {
    const run = await runAction('deploy-canary', {
      files: files({ v1: 100 }),
      inputs: {
        ...commands,
        'canary-revision': 'v2',
        'command-deploy': `echo "deployed $REVISION" > flags/deployed.txt; echo '{"url": "${v2.url}"}'`,
        probes: gate,
      },
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ 'canary-url': v2.url, 'stable-revision': 'v1' });
    expect(state(run.workspace, 'deployed.txt')).toBe('deployed v2\n');
  });

  it("a platform's answer cannot forge workflow commands in the log", async () => {
    // The deploy command reports a URL with a line break and workflow commands after it.
    const forged = JSON.stringify({ url: `${v2.url}\n::error title=forged::pwned\n::add-mask::Deployed` });
    const run = await runAction('deploy-canary', {
      files: files({ v1: 100 }),
      inputs: { ...commands, 'canary-revision': 'v2', 'command-deploy': `echo '${forged}'` },
    });
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('::error title=forged'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('::add-mask::Deployed'))).toEqual([]);
    expect(lines).toContain('▹ ::error title=forged::pwned');
  });

  it('a failing command ends the step with its stderr on one line, and nothing else runs', async () => {
    const run = await runAction('rollback', {
      files: files({ v1: 50, v2: 50 }),
      inputs: {
        ...commands,
        'to-revision': 'v1',
        'command-set-split': 'echo "flag service: 403 forbidden" >&2; exit 3',
      },
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toBe(
      '::error::rollback: command `echo "flag service: 403 forbidden" >&2; exit 3` exited 3: flag service: 403 forbidden',
    );
  });

  it('says what is wrong when get-split prints something that is not a split', async () => {
    const run = await runAction('rollback', {
      files: files({ v1: 100 }),
      inputs: { ...commands, 'to-revision': 'v1', 'command-get-split': 'echo 90/10' },
    });
    expect(run.code).toBe(1);
    expect(visibleLog(run).trim()).toBe(
      '::error::rollback: the get-split command must print JSON on its last line; it printed "90/10"',
    );
  });
});
