/**
 * One Octokit for every GitHub call: retries 5xx answers and dropped connections,
 * waits out rate limits (twice at most), and keeps Octokit's own request log quiet:
 * failures are ours to explain, and an expected 404 is not an error.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

const Client = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof Client>;

export interface ClientOptions {
  token: string;
  apiUrl: string;
  log?: (message: string) => void;
  /** Base wait of the retry plugin; tests shorten it. */
  retryAfterMs?: number;
}

export function githubClient(options: ClientOptions): GitHubClient {
  const limited =
    (kind: string) => (after: number, o: { method: string; url: string }, _k: unknown, count: number) => {
      options.log?.(`GitHub ${kind} on ${o.method} ${o.url}; retrying after ${after}s`);
      return count < 2;
    };
  return new Client({
    auth: options.token,
    baseUrl: options.apiUrl,
    userAgent: 'release-actions',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => options.log?.(m), error: () => {} },
    retry: { retryAfterBaseValue: options.retryAfterMs ?? 1000 },
    throttle: { onRateLimit: limited('rate limit'), onSecondaryRateLimit: limited('secondary rate limit') },
  });
}
