/**
 * The tripwire's rules. Between a window's checks the router's live counters are
 * read every few milliseconds; the canary's first failed request, or one of its
 * requests left hanging, takes it out of traffic at once. One failure cannot tell a
 * broken canary from background noise, so a trip only holds traffic on stable:
 * both revisions are then asked directly, and only a canary that fails where stable
 * answers is rolled back. Otherwise the split is restored and the tripwire rests
 * for a check interval, leaving occasional errors to the window's error-rate gate.
 */
import type { Outcome } from '../probe.js';

/** One server as the router sees it now. */
export interface LiveCounts {
  /** Requests the router has sent it (cumulative; HAProxy's stot). */
  dispatched: number;
  /** Requests that ended, answered or failed (cumulative). */
  ended: number;
  /** Requests it failed: 5xx, no connection, no response (cumulative). */
  failed: number;
  /** Requests in flight now (HAProxy's scur). */
  inFlight: number;
  /**
   * The longest it has taken to begin an answer, ms (HAProxy's rtime_max; 0 when
   * unknown). Not ttime_max: that counts a keep-alive client's idle time too.
   */
  slowestMs: number;
}

export type LiveReading = Readonly<Record<string, LiveCounts>>;

export interface TripwireWatch {
  /** The last reading that showed nothing wrong: the earliest a failure can have happened. */
  clearAt: number;
  failed: number;
  dispatched: number;
  ended: number;
  /** When a canary request last ended: a canary still answering others is not hung. */
  endedAt: number;
  /** When each canary request that may still be in flight was first seen, oldest first. */
  pending: readonly number[];
  /** After a trip that was not confirmed: no new trip before this. */
  restUntil: number;
}

export type Trip =
  | { kind: 'failed'; count: number; sinceMs: number }
  | { kind: 'hung'; ageMs: number; thresholdMs: number; sinceMs: number }
  /** Where the router counts nothing live: the revision probes failed `passes` times in a row. */
  | { kind: 'probes'; down: readonly string[]; passes: number; sinceMs: number }
  /** The sequential comparison with stable found the canary decisively worse. */
  | { kind: 'evidence'; reason: string; sinceMs: number };

/** Below this a request is never called hung, however fast stable answers. */
export const HANG_FLOOR_MS = 250;

export function startWatch(canary: LiveCounts | undefined, at: number): TripwireWatch {
  return {
    clearAt: at,
    failed: canary?.failed ?? 0,
    dispatched: canary?.dispatched ?? 0,
    ended: canary?.ended ?? 0,
    endedAt: at,
    pending: [],
    restUntil: 0,
  };
}

/**
 * How long a canary request may go unanswered: twice the longest stable has ever
 * taken to begin an answer, at least HANG_FLOOR_MS, and never more than the user's
 * hang-after (0: hangs are not watched).
 */
export function hangThresholdMs(stable: LiveCounts | undefined, hangAfterMs: number): number {
  if (hangAfterMs === 0) return Infinity;
  return Math.min(hangAfterMs, Math.max(HANG_FLOOR_MS, 2 * (stable?.slowestMs ?? 0)));
}

/**
 * One reading. Requests are assumed to finish in the order they were sent, so the
 * in-flight count trims the oldest first: a hang is never overstated. A request is
 * hung when it has waited past the threshold and nothing else the canary had came
 * back meanwhile (a long download beside answered requests is not a hang).
 */
export function observe(
  watch: TripwireWatch,
  reading: { canary: LiveCounts | undefined; stable: LiveCounts | undefined },
  at: number,
  hangAfterMs: number,
): { watch: TripwireWatch; trip?: Trip } {
  const { canary } = reading;
  // No canary row, or its counters went back (a reload): start again from here.
  if (
    !canary ||
    canary.failed < watch.failed ||
    canary.dispatched < watch.dispatched ||
    canary.ended < watch.ended
  )
    return { watch: { ...startWatch(canary, at), restUntil: watch.restUntil } };
  const fresh = Math.min(canary.dispatched - watch.dispatched, canary.inFlight);
  const seen = [...watch.pending, ...Array<number>(fresh).fill(at)];
  const pending = seen.slice(Math.max(0, seen.length - canary.inFlight));
  const next: TripwireWatch = {
    clearAt: at,
    failed: canary.failed,
    dispatched: canary.dispatched,
    ended: canary.ended,
    endedAt: canary.ended > watch.ended ? at : watch.endedAt,
    pending,
    restUntil: watch.restUntil,
  };
  if (at < watch.restUntil) return { watch: next };
  if (canary.failed > watch.failed)
    return {
      watch: { ...next, clearAt: watch.clearAt },
      trip: { kind: 'failed', count: canary.failed - watch.failed, sinceMs: watch.clearAt },
    };
  const oldest = next.pending[0];
  const thresholdMs = hangThresholdMs(reading.stable, hangAfterMs);
  if (oldest !== undefined && at - oldest >= thresholdMs && at - next.endedAt >= thresholdMs)
    return {
      watch: { ...next, clearAt: watch.clearAt },
      trip: { kind: 'hung', ageMs: at - oldest, thresholdMs, sinceMs: oldest },
    };
  return { watch: next };
}

/** After a trip that was not confirmed: the counts as they are now, quiet for `restMs`. */
export function rest(watch: TripwireWatch, at: number, restMs: number): TripwireWatch {
  return { ...watch, clearAt: at, endedAt: at, pending: [], restUntil: at + restMs };
}

export function tripText(trip: Trip): string {
  if (trip.kind === 'evidence') return trip.reason;
  if (trip.kind === 'probes')
    return `the probes failed ${trip.passes} passes in a row: ${trip.down.join(', ')}`;
  return trip.kind === 'failed'
    ? `the router saw the canary fail ${trip.count === 1 ? 'a request' : `${trip.count} requests`} (5xx or no answer)`
    : `a canary request went unanswered for ${Math.round(trip.ageMs)} ms with nothing else coming back (the limit is ${Math.round(trip.thresholdMs)} ms: twice stable's slowest start of an answer, at least ${HANG_FLOOR_MS} ms, at most hang-after)`;
}

/** How long a confirming request may take: a hung canary must not be waited out for long. */
export function confirmTimeoutMs(trip: Trip): number {
  return trip.kind === 'hung' ? Math.max(1000, trip.thresholdMs) : 2000;
}

const failedAnswer = (o: Outcome) => o.kind === 'error' || o.response.status >= 500;
const answerText = (o: Outcome) => (o.kind === 'error' ? o.error : String(o.response.status));

/**
 * Whether direct requests confirm the trip: most of the canary's fail while most
 * of stable's do not. When both fail, the fault is not the canary's to roll back.
 */
export function confirmation(
  canary: readonly Outcome[],
  stable: readonly Outcome[],
  path: string,
): { confirmed: boolean; detail: string } {
  const canaryFailed = canary.filter(failedAnswer).length;
  const stableFailed = stable.filter(failedAnswer).length;
  const confirmed = canaryFailed * 2 > canary.length && stableFailed * 2 <= stable.length;
  const detail = `asked directly for ${path}, the canary failed ${canaryFailed} of ${canary.length} (${canary.map(answerText).join(', ')}) and stable ${stableFailed} of ${stable.length} (${stable.map(answerText).join(', ')})`;
  return { confirmed, detail };
}
