import { providerFor } from '../../shared/adapters/providers/index.js';
import { deploymentsFromEnv } from '../../shared/runtime/deployments-from-env.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run } from './main.js';

// The runner sends SIGINT, then SIGTERM, when a job is cancelled: stop at the next
// await and put traffic back on stable before the process is killed.
const cancelled = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => cancelled.abort());

const deps = realDependencies();
await run({ ...deps, providerFor, signal: cancelled.signal, deploymentsFor: deploymentsFromEnv(deps.env) });
