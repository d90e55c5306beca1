import { systemClock } from '../../shared/adapters/clock.js';
import { nodeHttpClient } from '../../shared/adapters/http.js';
import { providerFor } from '../../shared/adapters/providers/index.js';
import { actionsRuntime } from '../../shared/runtime/actions-runtime.js';
import { run } from './main.js';

await run({
  runtime: actionsRuntime(),
  clock: systemClock,
  http: nodeHttpClient(systemClock),
  env: process.env,
  providerFor,
});
