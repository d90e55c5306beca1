export interface Clock {
  /** Milliseconds on a monotonic scale; only differences mean anything. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Wall-clock time for reports. */
  date(): Date;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  date: () => new Date(),
};

/**
 * The system clock; RELEASE_ACTIONS_NOW (an ISO time) pins the wall clock so a
 * rehearsal or a test can ask "what if we released on Friday at 16:30?".
 */
export function runnerClock(env: Readonly<Record<string, string | undefined>>): Clock {
  const pinned = env['RELEASE_ACTIONS_NOW'] ? new Date(env['RELEASE_ACTIONS_NOW']) : undefined;
  if (!pinned || Number.isNaN(pinned.getTime())) return systemClock;
  return { ...systemClock, date: () => new Date(pinned) };
}
