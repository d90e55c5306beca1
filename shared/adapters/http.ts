/**
 * Sends one probe request and reports what happened as an Outcome. Never throws:
 * a refused connection, an unknown host or a timeout is an outcome to judge,
 * not an exception.
 */
import type { HttpResponse, Outcome } from '../core/probe.js';
import type { Clock } from './clock.js';

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

export function fetchHttpClient(clock: Clock, userAgent = 'release-actions-healthcheck'): HttpClient {
  return {
    async send(request) {
      const started = clock.now();
      const signal = AbortSignal.timeout(request.timeoutMs);
      try {
        const res = await fetch(request.url, {
          method: request.method,
          headers: { 'user-agent': userAgent, ...request.headers },
          ...(request.body !== undefined && { body: request.body }),
          redirect: request.followRedirects ? 'follow' : 'manual',
          signal,
        });
        const body = request.method === 'HEAD' ? '' : await readCapped(res, MAX_BODY_BYTES);
        const headers: Record<string, string> = {};
        res.headers.forEach((value, name) => (headers[name] = value));
        const response: HttpResponse = { status: res.status, headers, body };
        return { kind: 'response', response, latencyMs: clock.now() - started };
      } catch (error) {
        const latencyMs = clock.now() - started;
        const timedOut = signal.aborted;
        return {
          kind: 'error',
          error: timedOut ? `no answer within ${request.timeoutMs}ms (timeout)` : describeFetchError(error),
          latencyMs,
        };
      }
    },
  };
}

async function readCapped(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= limit) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code;
  if (code && CAUSES[code]) return CAUSES[code];
  if (code) return `request failed (${code})`;
  const message = cause?.message ?? (error as Error)?.message ?? String(error);
  if (/redirect/i.test(message)) return 'too many redirects';
  return `request failed (${message.split('\n')[0]})`;
}
