/**
 * The action with the real runner, clock, network and files. The runner's entry
 * (index.ts) calls it; so does GitHub's local-action, which imports this module
 * and calls run() itself: `npx local-action run <name> actions/<name>/run.ts .env`.
 */
import { providerFor } from '../../shared/adapters/providers/index.js';
import { deploymentsFromEnv } from '../../shared/runtime/deployments-from-env.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run as main } from './main.js';

export function run(): Promise<void> {
  const deps = realDependencies();
  return main({ ...deps, providerFor, deploymentsFor: deploymentsFromEnv(deps.env) });
}
