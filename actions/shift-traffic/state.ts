/**
 * What the main step leaves for the post step (as actions/checkout's state-helper
 * does): whether traffic was left mid-shift, and what the provider must put back.
 * Kept apart so the post bundle carries this and the provider, not the rollout engine.
 *
 * The state itself is kept in a file under RUNNER_TEMP, which only this job's steps
 * can write; GITHUB_STATE holds nothing but the file's random name (the seal). The
 * runner also takes save-state from any line a step prints, so a value read from
 * GITHUB_STATE could have been forged by text in the log (a probed service's body, a
 * dry run's output); one that names no file of ours leaves the post step nothing to do.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProviderState, TrafficProvider } from '../../shared/adapters/providers/provider.js';
import type { Runtime } from '../../shared/runtime/runtime.js';

const PHASE = 'phase';
const SEAL = 'seal';
const SEAL_FORMAT = /^[0-9a-f]{32}$/;

const sealedFile = (seal: string) =>
  path.join(process.env['RUNNER_TEMP'] || tmpdir(), `release-actions-state-${seal}.json`);

const opened = new WeakMap<object, ProviderState>();

/** The main step's state: every value written to the sealed file, the seal to GITHUB_STATE once. */
export function stepState(runtime: Pick<Runtime, 'saveState'>): ProviderState {
  const known = opened.get(runtime);
  if (known) return known;
  const seal = randomBytes(16).toString('hex');
  const values: Record<string, string> = {};
  const state: ProviderState = {
    save(name, value) {
      values[name] = value;
      writeFileSync(sealedFile(seal), JSON.stringify(values), { mode: 0o600 });
      if (Object.keys(values).length === 1) runtime.saveState(SEAL, seal);
    },
    read: (name) => values[name] ?? '',
  };
  opened.set(runtime, state);
  return state;
}

/** The post step's view: what the main step sealed, or nothing at all. */
export function sealedState(getState: (name: string) => string): ProviderState {
  const seal = getState(SEAL);
  let values: Record<string, unknown> = {};
  if (SEAL_FORMAT.test(seal)) {
    try {
      values = JSON.parse(readFileSync(sealedFile(seal), 'utf8')) as Record<string, unknown>;
    } catch {
      values = {};
    }
  }
  return {
    save: (name, value) => void (values[name] = value),
    read: (name) => (typeof values[name] === 'string' ? values[name] : ''),
  };
}

/** Traffic is moving: if the main step dies now, the post step puts it back on stable. */
export const markShifting = (runtime: Runtime) => stepState(runtime).save(PHASE, 'shifting');

/** The main step settled the traffic (promoted, rolled back, held …). */
export const markSettled = (runtime: Runtime, outcome: string) => stepState(runtime).save(PHASE, outcome);

export const leftShifting = (state: ProviderState) => state.read(PHASE) === 'shifting';

/** What the provider changed besides the split goes back; failing that is a warning, as the traffic is settled. */
export async function putBack(provider: TrafficProvider, warn: (message: string) => void): Promise<void> {
  try {
    await provider.restore?.();
  } catch (error) {
    warn(error instanceof Error ? error.message : String(error));
  }
}
