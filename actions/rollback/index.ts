import { providerFor } from '../../shared/adapters/providers/index.js';
import { deploymentsFromEnv } from '../../shared/runtime/deployments-from-env.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run } from './main.js';

const deps = realDependencies();
await run({ ...deps, providerFor, deploymentsFor: deploymentsFromEnv(deps.env) });
