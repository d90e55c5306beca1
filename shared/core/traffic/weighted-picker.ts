/**
 * Smooth weighted round robin (as nginx does it): deterministic, and exact over
 * every cycle of 100 picks, so a 10 % canary gets exactly 10 of 100 requests.
 */
import { normalizeSplit, type Split } from './split.js';

export interface Picker {
  next(): string | undefined;
}

export function weightedPicker(split: Split): Picker {
  const entries = Object.entries(normalizeSplit(split));
  const current = new Map(entries.map(([r]) => [r, 0]));
  const total = entries.reduce((a, [, w]) => a + w, 0);
  return {
    next() {
      if (total === 0) return undefined;
      let best: string | undefined;
      for (const [revision, weight] of entries) {
        const value = (current.get(revision) ?? 0) + weight;
        current.set(revision, value);
        if (best === undefined || value > (current.get(best) ?? 0)) best = revision;
      }
      if (best !== undefined) current.set(best, (current.get(best) ?? 0) - total);
      return best;
    },
  };
}
