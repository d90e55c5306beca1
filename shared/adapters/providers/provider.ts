import type { CloudRunDeployExtras } from '../../core/traffic/cloud-run-deploy.js';
import { OperationalError } from '../../core/errors.js';
import type { Counted, RouterMetrics } from '../../core/traffic/gates.js';
import type { Split } from '../../core/traffic/split.js';
import type { LiveReading } from '../../core/traffic/tripwire.js';

export interface Revision {
  name: string;
  /** Where this revision answers on its own (Cloud Run tag URL, HAProxy server address). */
  url?: string;
  /** false: the platform says it cannot serve (never became Ready). */
  ready?: boolean;
  /** Headers every request to `url` must carry (Vercel's Deployment Protection bypass). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * A traffic router. Every traffic action reads the split first: the platform,
 * not our memory, is the truth.
 */
export interface TrafficProvider {
  readonly kind: string;
  readSplit(): Promise<Split>;
  /** Idempotent: setting the split it already has changes nothing. */
  setSplit(split: Split): Promise<void>;
  listRevisions(): Promise<Revision[]>;
  /** Cumulative response counters per revision, when the router can see them. */
  metrics?(): Promise<RouterMetrics>;
  /**
   * metrics() counts requests sent straight to a revision's own address too (Cloud
   * Monitoring counts a Cloud Run tag URL's requests): latency pairs sent there
   * would be counted as users' answers and dilute the canary's 5xx share.
   */
  readonly countsDirectRequests?: boolean;
  /** What metrics() counts: a router's requests and 5xx (absent), or an app update's launches and crashes. */
  readonly counts?: Counted;
  /**
   * Each revision's counters right now, cheap enough to read every few milliseconds
   * (the tripwire's). Only routers that count each request as it happens have it.
   */
  liveCounts?(): Promise<LiveReading>;
  /** Puts a new revision in place without giving it traffic. */
  deploy?(request: DeployRequest): Promise<Revision>;
  /**
   * Once a run is over (or its post step runs), puts back what the provider changed
   * besides the split to move it (Vercel's rolling-release configuration); throws a
   * ProviderError saying what it could not.
   */
  restore?(): Promise<void>;
}

/** Where a provider keeps what its post step needs to put back (GITHUB_STATE). */
export interface ProviderState {
  save(name: string, value: string): void;
  read(name: string): string;
}

/** What a provider may need beyond the inputs. */
export interface ProviderHints {
  /** shift-traffic's plan weights: a Vercel release's stages. */
  'planned-weights'?: readonly number[] | undefined;
  'provider-state'?: ProviderState | undefined;
}

export interface DeployRequest {
  revision: string;
  /** HAProxy: host:port where the new revision listens. */
  address?: string;
  /** Cloud Run: the container image. */
  image?: string;
  /** Cloud Run: what else the new revision gets (variables, secrets, labels, flags). */
  cloudRun?: CloudRunDeployExtras;
}

/** A failure of the platform or router (not of the user's input). */
export class ProviderError extends OperationalError {
  override readonly name = 'ProviderError';
}

/**
 * The same router with its metrics read elsewhere (Cloud Monitoring for Cloud Run).
 * Delegates call by call, so a provider written as a class keeps its methods.
 */
export function withMetrics(
  provider: TrafficProvider,
  metrics: () => Promise<RouterMetrics>,
  { countsDirectRequests = false } = {},
): TrafficProvider {
  return {
    kind: provider.kind,
    readSplit: () => provider.readSplit(),
    setSplit: (split) => provider.setSplit(split),
    listRevisions: () => provider.listRevisions(),
    ...(provider.deploy && { deploy: (request: DeployRequest) => provider.deploy!(request) }),
    ...(provider.liveCounts && { liveCounts: () => provider.liveCounts!() }),
    ...(provider.restore && { restore: () => provider.restore!() }),
    metrics,
    ...(countsDirectRequests && { countsDirectRequests }),
  };
}
