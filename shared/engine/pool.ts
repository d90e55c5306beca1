export interface Bounds<T> {
  /** Items in flight at once. */
  limit: number;
  /** Items in flight at once that share a key (probes to one host); default: `limit`. */
  perKey?: number;
  keyOf?: (item: T) => string;
}

/**
 * Runs `work` over `items` within the bounds, keeping input order in the result.
 * Items start in input order, except that one whose key is full waits while later
 * items of other keys go ahead: one slow host never holds back the others.
 */
export function mapBounded<T, R>(
  items: readonly T[],
  bounds: Bounds<T>,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const limit = Math.max(1, bounds.limit);
  const perKey = Math.max(1, bounds.perKey ?? limit);
  const keys = items.map((item) => bounds.keyOf?.(item) ?? '');
  const keyOf = (index: number) => keys[index] as string;
  const results = new Array<R>(items.length);
  const pending = items.map((_, index) => index);
  const inFlight = new Map<string, number>();
  let running = 0;
  return new Promise((resolve, reject) => {
    let failed = false;
    const pump = () => {
      if (failed) return;
      if (pending.length === 0 && running === 0) return resolve(results);
      while (running < limit) {
        const at = pending.findIndex((index) => (inFlight.get(keyOf(index)) ?? 0) < perKey);
        if (at < 0) return;
        const index = pending.splice(at, 1)[0] as number;
        const key = keyOf(index);
        inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
        running++;
        work(items[index] as T, index)
          .then(
            (result) => void (results[index] = result),
            (error: unknown) => {
              failed = true;
              reject(error);
            },
          )
          .finally(() => {
            running--;
            inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
            pump();
          });
      }
    };
    pump();
  });
}
