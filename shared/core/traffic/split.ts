/**
 * A traffic split: which revision gets what share of requests, in whole percent
 * summing to 100. Revisions with 0 % are left out, so two splits compare equal
 * whatever idle revisions the platform lists.
 */
export type Split = Readonly<Record<string, number>>;

export function normalizeSplit(split: Readonly<Record<string, number>>): Split {
  const out: Record<string, number> = {};
  for (const [revision, percent] of Object.entries(split).sort(([a], [b]) => a.localeCompare(b))) {
    if (percent > 0) out[revision] = percent;
  }
  return out;
}

export function splitTotal(split: Split): number {
  return Object.values(split).reduce((a, b) => a + b, 0);
}

export function sameSplit(a: Split, b: Split): boolean {
  const x = normalizeSplit(a);
  const y = normalizeSplit(b);
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}

/** The split with `percent` on the canary and the rest on stable. */
export function canarySplit(stable: string, canary: string, percent: number): Split {
  return normalizeSplit({ [stable]: 100 - percent, [canary]: percent });
}

export function allOn(revision: string): Split {
  return { [revision]: 100 };
}

export function percentOf(split: Split, revision: string): number {
  return split[revision] ?? 0;
}

export function describeSplit(split: Split): string {
  const entries = Object.entries(normalizeSplit(split)).sort(([, a], [, b]) => b - a);
  return entries.length === 0 ? 'no traffic' : entries.map(([r, p]) => `${r} ${p}%`).join(' / ');
}

/**
 * Converts router weights (HAProxy 0-256, Kubernetes backendRef weights …) to
 * whole percentages that sum to 100, by largest remainder.
 */
export function splitFromWeights(weights: Readonly<Record<string, number>>): Split {
  const total = Object.values(weights).reduce((a, b) => a + Math.max(b, 0), 0);
  if (total === 0) return {};
  const exact = Object.entries(weights).map(([r, w]) => ({ r, exact: (Math.max(w, 0) * 100) / total }));
  const floored = exact.map((e) => ({ ...e, percent: Math.floor(e.exact) }));
  let left = 100 - floored.reduce((a, e) => a + e.percent, 0);
  for (const e of [...floored].sort(
    (a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)),
  )) {
    if (left-- <= 0) break;
    e.percent += 1;
  }
  return normalizeSplit(Object.fromEntries(floored.map((e) => [e.r, e.percent])));
}
