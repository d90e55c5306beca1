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
      this.run.evidence?.fromLiveReading(reading);
      const evidence = this.run.evidenceTrip();
      if (evidence) return evidence;
    }
    return undefined;
  }

  /**
   * A failed request is checked by asking both revisions directly while traffic
   * stays as it is: a canary that fails now and then answers them, and is left to
   * the comparison with stable, never pulled to 0 and back. A hang holds traffic on
   * stable while asking, but only once stable has answered and the canary has not
   * within HOLD_GRACE_MS more: when the whole machine stalls, both answers come late
   * together and nothing is held.
   */
  async spring(trip: Trip): Promise<RolloutResult | undefined> {
    const { run } = this;
    if (trip.kind === 'evidence') return run.rollback(tripText(trip));
    const { canary, stable } = run.spec;
    const restore = run.expected;
    run.failureSeenAt(trip.sinceMs);
    run.deps.log(`Tripwire: ${tripText(trip)}; both revisions asked directly`);
    const timeoutMs = confirmTimeoutMs(trip);
    const asked = {
      canary: this.options.ask(canary, timeoutMs),
      stable: this.options.ask(stable, timeoutMs),
    };
    const hold = trip.kind === 'hung' && (await canaryLate(asked, run.deps.clock));
    if (hold) {
      await run.setSplit(allOn(stable), 'hold', { record: false });
      run.deps.log('Tripwire: stable answered and the canary did not: traffic held on stable meanwhile');
    }
    const [fromCanary, fromStable] = await Promise.all([asked.canary, asked.stable]);
    const verdict = confirmation(fromCanary, fromStable, this.options.path);
    if (verdict.confirmed) return run.rollback(`${tripText(trip)}; ${verdict.detail}`);
    // A run cancelled while the revisions were asked goes back to stable, not to the canary.
    run.checkCancelled();
    if (hold) {
      // Someone who moved the weights during the hold has the last word, as at any step.
      const moved = await run.drifted();
      if (moved) return run.afterDrift(moved);
      await run.setSplit(restore, 'resume', { record: false });
    }
    run.deps.log(
      `Tripwire: not confirmed (${verdict.detail}); ${hold ? 'the split is restored and ' : ''}the comparison with stable judges the canary`,
    );
    run.failureCleared();
    this.watch = rest(this.watch!, run.deps.clock.now(), this.options.restMs);
    return undefined;
  }
}

/** How much longer than stable the canary may take to answer a confirming request before a hang is held. */
export const HOLD_GRACE_MS = 100;

/** Whether stable answered its confirming requests and the canary had not, HOLD_GRACE_MS later. */
async function canaryLate(
  asked: { canary: Promise<Outcome[]>; stable: Promise<Outcome[]> },
  clock: { sleep(ms: number): Promise<void> },
): Promise<boolean> {
  let canaryAnswered = false;
  void asked.canary.then(() => (canaryAnswered = true));
  await asked.stable;
  if (canaryAnswered) return false;
  const answered = await Promise.race([
    asked.canary.then(() => true),
    clock.sleep(HOLD_GRACE_MS).then(() => false),
  ]);
  return !answered;
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
    const found = listed.find((r) => r.name === revision);
    const unknown: Outcome = { kind: 'error', error: 'no address for the revision', latencyMs: 0 };
    if (!found?.url) return Array<Outcome>(CONFIRMING_REQUESTS).fill(unknown);
    const request = {
      // Joined, not resolved: the path can only ever add to the revision's own address.
      url: `${found.url.replace(/\/+$/, '')}${path}`,
      method: 'GET',
      headers: found.headers ?? {},
      timeoutMs,
      followRedirects: false,
    };
    return Promise.all(Array.from({ length: CONFIRMING_REQUESTS }, () => http.send(request)));
  };
}
