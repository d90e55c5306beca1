/**
 * What the main step leaves for the post step (as actions/checkout's state-helper
 * does): whether traffic was left mid-shift, and what the provider must put back.
 * Kept apart so the post bundle carries this and the provider, not the rollout engine.
 */
import type { ProviderState, TrafficProvider } from '../../shared/adapters/providers/provider.js';
import type { Runtime } from '../../shared/runtime/runtime.js';

const PHASE = 'phase';

/** Traffic is moving: if the main step dies now, the post step puts it back on stable. */
export const markShifting = (runtime: Runtime) => runtime.saveState(PHASE, 'shifting');

/** The main step settled the traffic (promoted, rolled back, held …). */
export const markSettled = (runtime: Runtime, outcome: string) => runtime.saveState(PHASE, outcome);

export const leftShifting = (runtime: Pick<Runtime, 'getState'>) => runtime.getState(PHASE) === 'shifting';

/** GITHUB_STATE, where a provider keeps what the post step must put back. */
export const providerState = (runtime: Pick<Runtime, 'getState' | 'saveState'>): ProviderState => ({
  save: (name, value) => runtime.saveState(name, value),
  read: (name) => runtime.getState(name),
});

/** What the provider changed besides the split goes back; failing that is a warning, as the traffic is settled. */
export async function putBack(provider: TrafficProvider, warn: (message: string) => void): Promise<void> {
  try {
    await provider.restore?.();
  } catch (error) {
    warn(error instanceof Error ? error.message : String(error));
  }
}
