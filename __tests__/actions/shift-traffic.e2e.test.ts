/**
 * dist/shift-traffic run as the runner runs it, moving real traffic through real
 * HAProxy between two real services, under a steady load.
 */
import { haproxyProvider } from '../../shared/adapters/providers/haproxy.js';
import { startHaproxy, type RunningHaproxy } from '../support/haproxy.js';
import { startLoad, type Load } from '../support/load.js';
import { runAction, sealedStateOf, visibleLog } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

let blue: TestService;
let green: TestService;
let proxy: RunningHaproxy;
let load: Load | undefined;

beforeAll(async () => {
  blue = await startService({ version: '1.0.0' });
  green = await startService({ version: '2.0.0' });
});
afterAll(async () => {
  await blue.close();
  await green.close();
});
beforeEach(async () => {
  blue.setMode('ok');
  green.setMode('ok');
  proxy = await startHaproxy({ blue: { url: blue.url, weight: 100 }, green: { url: green.url, weight: 0 } });
});
afterEach(async () => {
  await load?.stop();
  load = undefined;
  await proxy.stop();
});

const router = () => haproxyProvider({ socket: proxy.socket, backend: proxy.backend });
const inputs = (extra: Record<string, string> = {}) => ({
  provider: 'haproxy',
  'haproxy-socket': proxy.socket,
  'haproxy-backend': proxy.backend,
  'stable-revision': 'blue',
  'canary-revision': 'green',
  steps: '10,50,100',
  'step-duration': '1s',
  'check-interval': '250ms',
  'min-requests': '5',
  ...extra,
});
const until = async (condition: () => Promise<boolean>, timeoutMs = 10_000) => {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached');
};

describe('shift-traffic over real HAProxy', () => {
  it('promotes a healthy canary step by step', async () => {
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', { inputs: inputs() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      outcome: 'promoted',
      'stable-revision': 'green',
      split: '{"green":100}',
    });
    expect(await router().readSplit()).toEqual({ green: 100 });
    const report = JSON.parse(run.outputs['report']!);
    expect(report.steps.map((s: { step: string; result: string }) => s.step)).toEqual([
      'weight 10%',
      'analysis 1000ms every 250ms',
      'weight 50%',
      'analysis 1000ms every 250ms',
      'weight 100%',
      'analysis 1000ms every 250ms', // the bake at 100 %
    ]);
    expect(run.summary).toContain('## ✅ Promoted: green over blue');
    expect(run.summary).toContain('```mermaid');
    // A time axis: about 3 s of steps, drawn to scale, not one category per reading.
    const axis = /x-axis "time \(s\)" 0 --> ([\d.]+)/.exec(run.summary);
    expect(Number(axis?.[1])).toBeGreaterThan(2.5);
    expect(run.summary).not.toMatch(/x-axis \[/);
    const weights = /^ {2}line \[(.*)\]$/m.exec(run.summary)?.[1]?.split(', ').map(Number) ?? [];
    expect(weights.filter((w, i) => i === 0 || w !== weights[i - 1])).toEqual([0, 10, 50, 100]);
    expect((await load.stop()).failed).toBe(0);
  });

  it('takes a canary that fails from the start out at its first failed request, then rolls back once direct requests confirm it', async () => {
    green.setMode('error');
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', { inputs: inputs({ 'step-duration': '10s' }) });
    expect(run.code).toBe(1);
    expect(run.outputs['outcome']).toBe('rolled-back');
    // The failure is one error line, with its title: not an annotation and setFailed's copy of it.
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error title=shift-traffic%3A rolled-back::Rolled back to blue/);
    expect(run.outputs['reason']).toMatch(
      /^the router saw the canary fail (a request|\d+ requests) \(5xx or no answer\); asked directly for \/, the canary failed 3 of 3 \(500, 500, 500\) and stable 0 of 3 \(404, 404, 404\)$/,
    );
    expect(await router().readSplit()).toEqual({ blue: 100 });
    // Asked while traffic stays: the only move is the rollback itself.
    expect(visibleLog(run)).toMatch(
      /Tripwire: the router saw the canary fail .*; both revisions asked directly\nTraffic: blue 100% \(rollback\)/,
    );
    expect(visibleLog(run)).not.toMatch(/\(hold\)/);
    expect(run.durationMs).toBeLessThan(5000);
    const report = JSON.parse(run.outputs['report']!);
    // Read every 10 ms: the first failure is seen within a reading or two of happening.
    expect(report.detectionToRollbackMs).toBeLessThan(200);
    expect(report.steps.map((step: { result: string }) => step.result)).toEqual(['set', 'failed']);
  });

  it('without the tripwire, the error-rate gate rolls the failing canary back at a check', async () => {
    green.setMode('error');
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', {
      inputs: inputs({ 'step-duration': '10s', tripwire: 'false' }),
    });
    expect(run.code).toBe(1);
    expect(run.outputs['reason']).toMatch(/^canary 5xx rate 100\.0% \(\d+\/\d+\) over the 5\.0% limit/);
    expect(await router().readSplit()).toEqual({ blue: 100 });
    expect(visibleLog(run)).not.toMatch(/\(hold\)/);
    expect(visibleLog(run).trim().split('\n').pop()).toMatch(
      /^::error title=shift-traffic%3A rolled-back::Rolled back to blue: canary 5xx rate/,
    );
    const report = JSON.parse(run.outputs['report']!);
    // Dated from the last check that passed: at most a check interval before the failure.
    expect(report.detectionToRollbackMs).toBeLessThan(1000);
  });

  it("a failure the canary's confirm-path does not share moves no traffic; the error-rate gate then judges", async () => {
    green.setMode('users-error'); // /health answers; what users ask for fails
    load = startLoad(`${proxy.url}/orders`, 100);
    const run = await runAction('shift-traffic', {
      inputs: inputs({ 'step-duration': '3s', 'check-interval': '1s', 'confirm-path': '/health' }),
    });
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(visibleLog(run)).toMatch(
      /Tripwire: not confirmed \(asked directly for \/health, the canary failed 0 of 3 \(200, 200, 200\) and stable 0 of 3 \(200, 200, 200\)\)/,
    );
    expect(visibleLog(run)).not.toMatch(/\((hold|resume)\)/);
    expect(run.outputs['reason']).toMatch(/^canary 5xx rate/);
    expect(await router().readSplit()).toEqual({ blue: 100 });
  });

  it('rolls back a canary that breaks at a later step', async () => {
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', {
      inputs: inputs({ 'step-duration': '2s' }),
      whileRunning: async () => {
        await until(async () => (await router().readSplit())['green'] === 50);
        green.setMode('error');
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(await router().readSplit()).toEqual({ blue: 100 });
    const steps = JSON.parse(run.outputs['report']!).steps.map(
      (s: { step: string; result: string }) => `${s.step}: ${s.result}`,
    );
    expect(steps[1]).toMatch(/^analysis 2000ms every 250ms: passed/);
    expect(steps[steps.length - 1]).toBe('analysis 2000ms every 250ms: failed');
  });

  it('rolls back a canary that hangs', async () => {
    green.setMode('hang');
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', {
      inputs: inputs({ 'step-duration': '8s' }),
      timeoutMs: 15_000,
    });
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(await router().readSplit()).toEqual({ blue: 100 });
  });

  it('resumes from the split it finds instead of repeating steps', async () => {
    await router().setSplit({ blue: 50, green: 50 });
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', { inputs: inputs() });
    expect(run.code).toBe(0);
    const steps = JSON.parse(run.outputs['report']!).steps.map((s: { step: string }) => s.step);
    expect(steps).toEqual(['analysis 1000ms every 250ms', 'weight 100%', 'analysis 1000ms every 250ms']);
    expect(run.stdout).toContain('Resuming at step 4: the canary already has 50%');
  });

  it('says so when the canary is already promoted, changing nothing', async () => {
    await router().setSplit({ green: 100 });
    const run = await runAction('shift-traffic', { inputs: inputs() });
    expect(run.code).toBe(0);
    expect(run.outputs['outcome']).toBe('already-promoted');
  });

  it('never overwrites weights someone changed by hand mid-rollout', async () => {
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', {
      inputs: inputs({ 'step-duration': '5s' }),
      whileRunning: async () => {
        await until(async () => (await router().readSplit())['green'] === 10);
        await router().setSplit({ blue: 70, green: 30 });
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs['outcome']).toBe('drift');
    expect(run.outputs['reason']).toBe(
      'the split changed outside this run: expected blue 90% / green 10%, found blue 70% / green 30%; it was left as found',
    );
    expect(await router().readSplit()).toEqual({ blue: 70, green: 30 });
  });

  it('holds without a verdict when too little traffic reaches the canary', async () => {
    const run = await runAction('shift-traffic', { inputs: inputs({ 'min-requests': '50' }) });
    expect(run.code).toBe(1);
    expect(run.outputs['outcome']).toBe('held');
    expect(await router().readSplit()).toEqual({ blue: 90, green: 10 });
    expect(sealedStateOf(run)['phase']).toBe('held');
  });

  it('on cancellation (SIGTERM) puts all traffic back on stable before it exits', async () => {
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', {
      inputs: inputs({ 'step-duration': '30s' }),
      whileRunning: async (child) => {
        await until(async () => (await router().readSplit())['green'] === 10);
        child.kill('SIGTERM');
      },
    });
    expect(run.outputs['outcome']).toBe('rolled-back');
    expect(run.outputs['reason']).toBe('the run was cancelled');
    expect(await router().readSplit()).toEqual({ blue: 100 });
    const post = await runAction('shift-traffic', { post: true, inputs: inputs(), state: run.state });
    expect(post.code).toBe(0);
    expect(await router().readSplit()).toEqual({ blue: 100 });
  });

  it('when the main step was killed outright, the post step restores stable', async () => {
    load = startLoad(`${proxy.url}/health`, 100);
    const run = await runAction('shift-traffic', {
      inputs: inputs({ 'step-duration': '30s' }),
      whileRunning: async (child) => {
        await until(async () => (await router().readSplit())['green'] === 10);
        child.kill('SIGKILL');
      },
    });
    expect(run.code).toBeNull();
    expect(sealedStateOf(run)['phase']).toBe('shifting');
    expect(run.state).toEqual({ seal: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await router().readSplit()).toEqual({ blue: 90, green: 10 });
    const post = await runAction('shift-traffic', { post: true, inputs: inputs(), state: run.state });
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(
      '::error title=shift-traffic%3A rolled back after an unfinished run::shift-traffic did not finish',
    );
    expect(await router().readSplit()).toEqual({ blue: 100 });
  });

  it('the post step acts only on what its main step sealed: a save-state forged in the log moves nothing', async () => {
    await router().setSplit({ blue: 90, green: 10 });
    const forgeries: Record<string, string>[] = [
      { phase: 'shifting' },
      { seal: 'f'.repeat(32), phase: 'shifting' },
      { seal: '../x' },
    ];
    for (const forged of forgeries) {
      const post = await runAction('shift-traffic', { post: true, inputs: inputs(), state: forged });
      expect(post.code).toBe(0);
      expect(visibleLog(post)).toBe('');
      expect(await router().readSplit()).toEqual({ blue: 90, green: 10 });
    }
  });
});
