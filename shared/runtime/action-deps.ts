import type { Clock } from '../adapters/clock.js';
import type { HttpClient } from '../adapters/http.js';
import type { ProviderHints, TrafficProvider } from '../adapters/providers/provider.js';
import type { Runtime } from './runtime.js';

/** What a traffic action's main needs; tests pass fakes or real local parts. */
export interface TrafficActionDeps<Settings> {
  runtime: Runtime;
  clock: Clock;
  http: HttpClient;
  env: Readonly<Record<string, string | undefined>>;
  providerFor: (settings: Settings & ProviderHints) => TrafficProvider;
}
