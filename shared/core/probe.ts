/**
 * What a probe is and how one response is judged. Pure: the HTTP exchange happens
 * elsewhere and arrives here as an Outcome.
 */
import { userPattern } from './user-pattern.js';
import { jsonPathGet, formatJsonPath, type JsonPath } from './json-path.js';

export interface StatusRange {
  min: number;
  max: number;
}

export interface JsonExpectation {
  path: JsonPath;
  equals: unknown;
}

export interface HeaderExpectation {
  /** Lower-case header name. */
  name: string;
  /** Exact value; undefined means the header only has to be present. */
  equals?: string;
}

export interface Expectations {
  status: StatusRange[];
  bodyContains: string[];
  bodyMatches: string[];
  json: JsonExpectation[];
  headers: HeaderExpectation[];
  /** Every attempt must answer within this. */
  maxLatencyMs?: number;
  /** The p95 over all samples must stay within this (an SLO budget). */
  p95BudgetMs?: number;
}

export interface Probe {
  name: string;
  url: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
  timeoutMs: number;
  /** Requests sent to compute latency percentiles. */
  samples: number;
  /** Extra attempts that must also fail before a sample counts as down. */
  retries: number;
  retryDelayMs: number;
  followRedirects: boolean;
  expect: Expectations;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
  body: string;
  /** The body went on past what is read (1 MiB); `body` holds its start. */
  truncated?: boolean;
}

export type Outcome =
  | { kind: 'response'; response: HttpResponse; latencyMs: number }
  | { kind: 'error'; error: string; latencyMs: number };

export const DEFAULT_STATUS: StatusRange[] = [{ min: 200, max: 299 }];

export function describeStatus(ranges: readonly StatusRange[]): string {
  return ranges
    .map((r) => {
      if (r.min === r.max) return String(r.min);
      if (r.min % 100 === 0 && r.max === r.min + 99) return `${r.min / 100}xx`;
      return `${r.min}-${r.max}`;
    })
    .join(', ');
}

/** Short, single-line rendering of a value taken from a response; never a whole body. */
export function quoteObserved(value: unknown, limit = 60): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  const cut = flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
  return typeof value === 'string' ? JSON.stringify(cut) : cut;
}

/** Every reason this single outcome falls short of the probe's expectations; empty means it passed. */
export function judgeOutcome(probe: Probe, outcome: Outcome): string[] {
  if (outcome.kind === 'error') return [outcome.error];
  const { response, latencyMs } = outcome;
  const failures: string[] = [];
  const { expect } = probe;

  if (!expect.status.some((r) => response.status >= r.min && response.status <= r.max)) {
    failures.push(`status ${response.status}, expected ${describeStatus(expect.status)}`);
  }
  for (const needle of expect.bodyContains) {
    if (!response.body.includes(needle)) failures.push(`body does not contain ${quoteObserved(needle)}`);
  }
  for (const pattern of expect.bodyMatches) {
    if (!userPattern(pattern, { multiline: true }).test(response.body))
      failures.push(`body does not match /${pattern}/`);
  }
  if (expect.json.length > 0) failures.push(...judgeJson(expect.json, response));
  for (const header of expect.headers) {
    const actual = response.headers[header.name];
    if (actual === undefined) failures.push(`header ${header.name} is missing`);
    else if (header.equals !== undefined && actual !== header.equals) {
      failures.push(
        `header ${header.name} is ${quoteObserved(actual)}, expected ${quoteObserved(header.equals)}`,
      );
    }
  }
  if (expect.maxLatencyMs !== undefined && latencyMs > expect.maxLatencyMs) {
    failures.push(`took ${Math.round(latencyMs)}ms, over the ${expect.maxLatencyMs}ms limit`);
  }
  return failures;
}

function judgeJson(expectations: readonly JsonExpectation[], { body, truncated }: HttpResponse): string[] {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return [truncated ? 'body is not JSON (or larger than the 1 MiB read)' : 'body is not JSON'];
  }
  const failures: string[] = [];
  for (const { path, equals } of expectations) {
    const found = jsonPathGet(document, path);
    const name = formatJsonPath(path);
    if (!found.present) failures.push(`JSON ${name} is missing`);
    else if (!jsonEqual(found.value, equals)) {
      failures.push(`JSON ${name} is ${quoteObserved(found.value)}, expected ${quoteObserved(equals)}`);
    }
  }
  return failures;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
