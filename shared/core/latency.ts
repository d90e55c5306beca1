export interface LatencyStats {
  count: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * Nearest-rank percentile: the reported value is one that was actually observed,
 * which keeps small sample counts honest (p95 of 5 samples is the slowest one).
 */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(Math.max(rank, 1), sortedAscending.length) - 1] as number;
}

export function latencyStats(samplesMs: readonly number[]): LatencyStats | undefined {
  if (samplesMs.length === 0) return undefined;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    min: round(sorted[0] as number),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    max: round(sorted[sorted.length - 1] as number),
  };
}
