/**
 * What the main step leaves for the post step (as actions/checkout's state-helper
 * does): whether traffic was left mid-shift. Kept apart so the post bundle carries
 * this and the provider, not the rollout engine.
 */
import type { Runtime } from '../../shared/runtime/runtime.js';

const PHASE = 'phase';

/** Traffic is moving: if the main step dies now, the post step puts it back on stable. */
export const markShifting = (runtime: Runtime) => runtime.saveState(PHASE, 'shifting');

/** The main step settled the traffic (promoted, rolled back, held …). */
export const markSettled = (runtime: Runtime, outcome: string) => runtime.saveState(PHASE, outcome);

export const leftShifting = (runtime: Pick<Runtime, 'getState'>) => runtime.getState(PHASE) === 'shifting';
