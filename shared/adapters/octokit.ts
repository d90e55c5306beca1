/**
 * One Octokit for every GitHub call: retries 5xx answers and dropped connections,
 * waits out rate limits (twice at most, and never longer than a minute: a primary
 * limit can ask for up to an hour, which no release step should sit through), and
 * keeps Octokit's own request log quiet: failures are ours to explain, and an
 * expected 404 is not an error.
 */
import type { retry } from '@octokit/plugin-retry';
import type { throttling } from '@octokit/plugin-throttling';
import type { Octokit } from '@octokit/rest';
import { OperationalError } from '../core/errors.js';
import { redactUrl } from '../core/url.js';

type ClientClass = ReturnType<typeof Octokit.plugin<typeof Octokit, [typeof retry, typeof throttling]>>;
export type GitHubClient = InstanceType<ClientClass>;

let clientClass: Promise<ClientClass> | undefined;

/**
 * Octokit and its plugins take about 11 ms to load on a cold start, and most steps
 * never talk to GitHub (deployment records are opt-in; a healthy monitor opens no
 * incident). They are loaded by the first step that does.
 */
function loadClientClass(): Promise<ClientClass> {
  return (clientClass ??= Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]).then(([{ Octokit }, { retry }, { throttling }]) => Octokit.plugin(retry, throttling)));
}

export interface ClientOptions {
  token: string;
  apiUrl: string;
  log?: (message: string) => void;
  /** Base wait of the retry plugin; tests shorten it. */
  retryAfterMs?: number;
}

/** A client for one repository, with the server its pages live on. */
export interface GitHubOptions extends ClientOptions {
  serverUrl: string;
  owner: string;
  repo: string;
}

export const MAX_RATE_LIMIT_WAIT_S = 60;

export async function githubClient(options: ClientOptions): Promise<GitHubClient> {
  const limited =
    (kind: string) => (after: number, o: { method: string; url: string }, _k: unknown, count: number) => {
      if (after > MAX_RATE_LIMIT_WAIT_S) {
        options.log?.(`GitHub ${kind} on ${o.method} ${o.url} lifts in ${after}s; not waiting that long`);
        return false;
      }
      options.log?.(`GitHub ${kind} on ${o.method} ${o.url}; retrying after ${after}s`);
      return count < 2;
    };
  const Client = await loadClientClass();
  return new Client({
    auth: options.token,
    baseUrl: options.apiUrl,
    userAgent: 'release-actions',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => options.log?.(m), error: () => {} },
    retry: { retryAfterBaseValue: options.retryAfterMs ?? 1000 },
    throttle: { onRateLimit: limited('rate limit'), onSecondaryRateLimit: limited('secondary rate limit') },
  });
}

/** The client, created (and Octokit loaded) by the first call that needs it. */
export function githubClientOnDemand(options: ClientOptions): () => Promise<GitHubClient> {
  let client: Promise<GitHubClient> | undefined;
  return () => (client ??= githubClient(options));
}

/**
 * One GitHub call whose failure becomes one sentence: a missing permission names the
 * `permissions:` entry to add; anything else names what we were trying to do.
 */
export async function githubCall<T>(what: string, permission: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof OperationalError) throw error;
    const e = error as { status?: number; message?: string };
    if (e.status === 403 && /not accessible by integration|permission/i.test(e.message ?? '')) {
      throw new OperationalError(`the token may not ${what}: add "permissions: ${permission}" to the job`);
    }
    const unreached = unreachedBecause(error);
    if (unreached) throw new OperationalError(`GitHub could not be reached to ${what}: ${unreached}`);
    if (e.status === 401)
      throw new OperationalError(`GitHub refused the token while trying to ${what} (401 Bad credentials)`);
    throw new OperationalError(
      `GitHub failed to ${what}: ${e.status ?? ''} ${(e.message ?? String(error)).split('\n')[0]}`.replace(
        / {2,}/g,
        ' ',
      ),
    );
  }
}

/**
 * Why no answer came back, when none did: Octokit reports a failed fetch as a made-up
 * status 500 ("Request was cancelled."), and the reason (a refused proxy tunnel, a
 * refused connection) is the last link of the error's cause chain.
 */
function unreachedBecause(error: unknown): string | undefined {
  if ((error as { response?: unknown }).response) return undefined;
  let deepest = error as { cause?: unknown; message?: string; code?: string } | undefined;
  while (deepest?.cause && deepest.cause !== deepest) deepest = deepest.cause as typeof deepest;
  if (!deepest || deepest === error) return undefined;
  const tunnel = /Proxy response \((\d+)\)/.exec(deepest.message ?? '');
  if (tunnel)
    return `the proxy refused the tunnel (HTTP ${tunnel[1]}); have it allow this runner, or add the host to NO_PROXY`;
  return redactUrl((deepest.message ?? String(deepest)).split('\n')[0] ?? '');
}
