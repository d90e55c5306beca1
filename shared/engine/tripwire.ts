/**
 * The tripwire at work: while a step waits, the router's live counters are read
 * every few milliseconds; a trip holds traffic on stable, asks both revisions
 * directly, then rolls back or restores the split. The rules are core/traffic/tripwire's.
 */
import type { HttpClient } from '../adapters/http.js';
import type { TrafficProvider } from '../adapters/providers/provider.js';
import type { Outcome } from '../core/probe.js';
import type { RolloutResult } from '../core/traffic/rollout-report.js';
import { allOn } from '../core/traffic/split.js';
import {
  confirmation,
  confirmTimeoutMs,
  observe,
  rest,
  startWatch,
  tripText,
  type LiveReading,
  type Trip,
  type TripwireWatch,
} from '../core/traffic/tripwire.js';
import type { RolloutRun } from './rollout-run.js';

export interface TripwireOptions {
  read: () => Promise<LiveReading>;
  /** Requests sent straight to a revision's own address, not through the router. */
  ask: (revision: string, timeoutMs: number) => Promise<Outcome[]>;
  /** What `ask` requests, for the log. */
  path: string;
  pollMs: number;
  /** The user's hang-after: the most a request may wait (0: hangs are not watched). */
  hangAfterMs: number;
  /** After a trip that was not confirmed, how long the tripwire rests. */
  restMs: number;
}

/** What a rollout's waits are watched with: the live tripwire, or the probe watch. */
export interface Watcher {
  /** Watches until `end` (clock ms); the trip that cut the wait short, if any. */
  until(end: number): Promise<Trip | undefined>;
  /** Acts on a trip: a result when the canary was rolled back. */
  spring(trip: Trip): Promise<RolloutResult | undefined>;
}

export class Tripwire implements Watcher {
  private watch: TripwireWatch | undefined;

  constructor(
    private readonly run: RolloutRun,
    private readonly options: TripwireOptions,
  ) {}

  async until(end: number): Promise<Trip | undefined> {
    const { clock } = this.run.deps;
    for (let first = this.watch === undefined; clock.now() < end; first = false) {
      if (!first) await this.run.sleep(Math.min(this.options.pollMs, end - clock.now()));
      // An unreadable router is the window check's to report; the tripwire reads again.
      const reading = await this.options.read().catch(() => undefined);
      if (!reading) continue;
      const at = clock.now();
      const counts = { canary: reading[this.run.spec.canary], stable: reading[this.run.spec.stable] };
      if (!this.watch) {
        this.watch = startWatch(counts.canary, at);
        continue;
      }
      const seen = observe(this.watch, counts, at, this.options.hangAfterMs);
      this.watch = seen.watch;
      if (seen.trip) return seen.trip;
    }
    return undefined;
  }

  /** Holds traffic on stable and asks both revisions before rolling back or restoring the split. */
  async spring(trip: Trip): Promise<RolloutResult | undefined> {
    const { run } = this;
    const { canary, stable } = run.spec;
    const restore = run.expected;
    run.failureSeenAt(trip.sinceMs);
    await run.setSplit(allOn(stable), 'hold', { record: false });
    run.deps.log(
      `Tripwire: ${tripText(trip)}; traffic held on stable while both revisions are asked directly`,
    );
    const timeoutMs = confirmTimeoutMs(trip);
    const [fromCanary, fromStable] = await Promise.all([
      this.options.ask(canary, timeoutMs),
      this.options.ask(stable, timeoutMs),
    ]);
    const verdict = confirmation(fromCanary, fromStable, this.options.path);
    if (verdict.confirmed) return run.rollback(`${tripText(trip)}; ${verdict.detail}`);
    // A run cancelled while the revisions were asked goes back to stable, not to the canary.
    run.checkCancelled();
    // Someone who moved the weights during the hold has the last word, as at any step.
    const moved = await run.drifted();
    if (moved) return run.afterDrift(moved);
    run.deps.log(
      `Tripwire: not confirmed (${verdict.detail}); the split is restored and the error-rate gate judges the window`,
    );
    await run.setSplit(restore, 'resume', { record: false });
    run.failureCleared();
    this.watch = rest(this.watch!, run.deps.clock.now(), this.options.restMs);
    return undefined;
  }
}

/** Requests sent to confirm a trip, to each revision at once. */
const CONFIRMING_REQUESTS = 3;

/**
 * `ask` over HTTP at the addresses the router lists (HAProxy: each server's own).
 * A revision without one answers with errors, which confirm nothing on their own.
 */
export function askAtRouterAddresses(
  provider: TrafficProvider,
  http: HttpClient,
  path: string,
): TripwireOptions['ask'] {
  return async (revision, timeoutMs) => {
    const listed = await provider.listRevisions().catch(() => []);
    const base = listed.find((r) => r.name === revision)?.url;
    const unknown: Outcome = { kind: 'error', error: 'no address for the revision', latencyMs: 0 };
    if (!base) return Array<Outcome>(CONFIRMING_REQUESTS).fill(unknown);
    const request = {
      // Joined, not resolved: the path can only ever add to the revision's own address.
      url: `${base.replace(/\/+$/, '')}${path}`,
      method: 'GET',
      headers: {},
      timeoutMs,
      followRedirects: false,
    };
    return Promise.all(Array.from({ length: CONFIRMING_REQUESTS }, () => http.send(request)));
  };
}
