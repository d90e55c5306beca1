import { systemClock } from '../../shared/adapters/clock.js';
import { nodeHttpClient } from '../../shared/adapters/http.js';
import { providerFor } from '../../shared/adapters/providers/index.js';
import { actionsRuntime } from '../../shared/runtime/actions-runtime.js';
import { run } from './main.js';

// The runner sends SIGINT, then SIGTERM, when a job is cancelled: stop at the next
// await and put traffic back on stable before the process is killed.
const cancelled = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => cancelled.abort());

await run({
  runtime: actionsRuntime(),
  clock: systemClock,
  http: nodeHttpClient(systemClock),
  env: process.env,
  providerFor,
  signal: cancelled.signal,
});
