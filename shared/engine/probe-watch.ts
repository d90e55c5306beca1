/**
 * The tripwire where the router counts nothing live (Cloud Run, Kubernetes, the
 * command provider): the revision probes, sent every quarter second between
 * checks. A failed pass is repeated at once, and only when every pass fails is the
 * canary rolled back: probes go straight to the revisions, so there is nothing to
 * hold traffic for while confirming.
 */
import type { RevisionProbeVerdict } from '../core/traffic/revision-probes.js';
import { tripText, type Trip } from '../core/traffic/tripwire.js';
import type { RolloutRun } from './rollout-run.js';
import type { Watcher } from './tripwire.js';

export interface ProbeWatchOptions {
  probe: () => Promise<RevisionProbeVerdict>;
  pollMs: number;
  /** Passes in a row that must fail, the first included. */
  passes: number;
}

export class ProbeWatch implements Watcher {
  /** When the last pass that found nothing wrong started. */
  private clearAt: number | undefined;

  constructor(
    private readonly run: RolloutRun,
    private readonly options: ProbeWatchOptions,
  ) {}

  async until(end: number): Promise<Trip | undefined> {
    const { clock } = this.run.deps;
    while (clock.now() < end) {
      await this.run.sleep(Math.min(this.options.pollMs, end - clock.now()));
      const evidence = this.run.evidenceTrip();
      if (evidence) return evidence;
      const started = clock.now();
      const down = await this.failing();
      if (down)
        return { kind: 'probes', down, passes: this.options.passes, sinceMs: this.clearAt ?? started };
      this.clearAt = started;
    }
    return undefined;
  }

  async spring(trip: Trip) {
    if (trip.kind !== 'evidence') this.run.failureSeenAt(trip.sinceMs);
    return this.run.rollback(tripText(trip));
  }

  /** What the last of `passes` failed passes found down; undefined when one passed. */
  private async failing(): Promise<readonly string[] | undefined> {
    let down: readonly string[] = [];
    for (let pass = 0; pass < this.options.passes; pass++) {
      const verdict = await this.options.probe();
      if (verdict.kind !== 'failed') return undefined;
      down = verdict.down;
    }
    return down;
  }
}
