/**
 * Sends one probe request and reports what happened as an Outcome. Never throws:
 * a refused connection, an unknown host or a timeout is an outcome to judge,
 * not an exception.
 *
 * Built on node:http/https rather than fetch: fetch loads Node's bundled undici on
 * first use, which costs a scheduled check ~60 ms of start-up, and the deadline
 * here must cover the body as well as the headers.
 */
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { HttpResponse, Outcome } from '../core/probe.js';
import { proxyAt, type RunnerProxy } from '../core/proxy.js';
import { redirectStep } from '../core/redirect.js';
import { redactUrl } from '../core/url.js';
import type { Clock } from './clock.js';

// require(), not an ESM import: importing node:http as a module namespace evaluates
// its lazy WebSocket getter, which loads undici anyway. Each is loaded by the first
// request that needs it (https brings tls): a step that sends none, or only
// plain http, never pays for the other.
const require = createRequire(import.meta.url);
let http: typeof import('node:http') | undefined;
let https: typeof import('node:https') | undefined;
const transportFor = (url: URL) =>
  url.protocol === 'https:'
    ? (https ??= require('node:https') as typeof import('node:https'))
    : (http ??= require('node:http') as typeof import('node:http'));

export interface HttpRequest {
  url: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
  timeoutMs: number;
  followRedirects: boolean;
}

export interface HttpClient {
  send(request: HttpRequest): Promise<Outcome>;
}

/** A health body larger than this is cut; expectations read only the first part. */
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 10;

export interface HttpClientOptions {
  userAgent?: string;
  /** The runner's proxy, when requests go through it: a failure to reach it is named as such. */
  proxy?: RunnerProxy | undefined;
}

export function nodeHttpClient(clock: Clock, options: HttpClientOptions = {}): HttpClient {
  const userAgent = options.userAgent ?? 'release-actions-healthcheck';
  return {
    async send(request) {
      const started = clock.now();
      const deadline = started + request.timeoutMs;
      let url = request.url;
      let method = request.method;
      let body = request.body;
      let headers: Record<string, string> = { ...request.headers };
      try {
        for (let hop = 0; ; hop++) {
          const response = await exchange(
            url,
            method,
            { 'user-agent': userAgent, ...headers },
            body,
            deadline - clock.now(),
          );
          const location = response.headers['location'];
          if (
            !request.followRedirects ||
            !location ||
            response.status < 300 ||
            response.status > 399 ||
            response.status === 304
          ) {
            return { kind: 'response', response, latencyMs: clock.now() - started };
          }
          if (hop >= MAX_REDIRECTS)
            return { kind: 'error', error: 'too many redirects', latencyMs: clock.now() - started };
          const next = new URL(location, url);
          const step = redirectStep(new URL(url), next, { status: response.status, method, headers, body });
          if (step.kind === 'refuse')
            return { kind: 'error', error: step.reason, latencyMs: clock.now() - started };
          ({ headers, method, body } = step);
          url = next.toString();
        }
      } catch (error) {
        const latencyMs = clock.now() - started;
        if (error instanceof DeadlineExceeded) {
          return { kind: 'error', error: `no answer within ${request.timeoutMs}ms (timeout)`, latencyMs };
        }
        return { kind: 'error', error: describeError(error, options.proxy), latencyMs };
      }
    },
  };
}

class DeadlineExceeded extends Error {}

function exchange(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  remainingMs: number,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    if (remainingMs <= 0) return reject(new DeadlineExceeded());
    const target = new URL(url);
    const req = transportFor(target).request(target, {
      method,
      headers:
        body === undefined ? headers : { 'content-length': String(Buffer.byteLength(body)), ...headers },
    });
    // One timer covers connect, headers and body: a server that trickles bytes
    // forever is as down as one that never answers.
    const timer = setTimeout(() => req.destroy(new DeadlineExceeded()), remainingMs);
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      fn();
    };
    req.on('error', (error) => finish(() => reject(error)));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = (truncated: boolean) => {
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        finish(() =>
          resolve({
            status: res.statusCode ?? 0,
            headers: responseHeaders,
            body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
            ...(truncated && { truncated }),
          }),
        );
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // Judged on its first MiB: a body that never ends must not be waited out
        // until the timeout and reported as no answer.
        if (size >= MAX_BODY_BYTES) {
          settle(true);
          res.destroy();
        }
      });
      res.on('error', (error) => finish(() => reject(error)));
      res.on('end', () => settle(false));
    });
    req.end(body);
  });
}

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed by the server',
  HPE_INVALID_CONSTANT: 'the server did not answer with HTTP',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};

function describeError(error: unknown, proxy: RunnerProxy | undefined): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  // Node names the proxy in a refused tunnel; its URL may carry credentials.
  if (code === 'ERR_PROXY_TUNNEL')
    return `the proxy refused the request (${redactUrl(String((error as Error).message))})`;
  const blamed =
    code && CAUSES[code] ? proxyAt(proxy, error as { address?: string; port?: number }) : undefined;
  if (blamed && code)
    return `${CAUSES[code]} at the proxy ${redactUrl(blamed.url.href)} (${blamed.variable})`;
  if (code === 'ECONNRESET' && /socket hang up/.test(String((error as Error).message)))
    return 'connection closed before a response';
  if (code && CAUSES[code]) return CAUSES[code];
  if (code) return `request failed (${code})`;
  return `request failed (${String((error as Error)?.message ?? error).split('\n')[0]})`;
}
