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
