/**
 * One HAProxy backend as a traffic router: its `show stat` and `show servers state`
 * answers parsed, the split users actually get, which splits it cannot carry, the
 * order weights are set in, and each server's counters. Pure; the socket is the
 * adapter's.
 */
import { OperationalError } from '../errors.js';
import type { RouterCounts } from './gates.js';
import { serverOutOfService } from './haproxy-answers.js';
import { splitFromWeights, type Split } from './split.js';
import type { LiveCounts } from './tripwire.js';

export type StatRow = Record<string, string>;

export function parseStat(csv: string): StatRow[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift();
  if (!header?.startsWith('# '))
    throw new OperationalError(`HAProxy 'show stat' answered unexpectedly: ${csv.slice(0, 200)}`);
  const names = header.slice(2).split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i] ?? String(i), v])));
}

/** The backend's server rows (not its BACKEND and FRONTEND summary rows). */
export function serversOf(rows: readonly StatRow[], backend: string): StatRow[] {
  return rows.filter(
    (r) => r['pxname'] === backend && r['svname'] !== 'BACKEND' && r['svname'] !== 'FRONTEND',
  );
}

export function parseServersState(
  text: string,
): { name: string; address: string; port: string; weight: number }[] {
  // The first line is the format version ("1"), then a '# '-header, then one line per server.
  const lines = text.split('\n').filter((l) => l.trim() !== '' && l.trim() !== '1');
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) return [];
  const names = header.slice(2).split(' ');
  return lines
    .filter((l) => !l.startsWith('#'))
    .map((l) => Object.fromEntries(l.split(' ').map((v, i) => [names[i] ?? String(i), v])))
    .map((r) => ({
      name: r['srv_name'] ?? '',
      address: r['srv_addr'] ?? '',
      port: r['srv_port'] ?? '',
      weight: Number(r['srv_uweight'] ?? 0),
    }));
}

/**
 * What users get, from the servers' rows and the answers to one `get weight` per
 * server: a server in MAINT or DOWN takes nothing, whatever its weight says.
 */
export function servedSplit(servers: readonly StatRow[], getWeightAnswer: string): Split {
  const answers = getWeightAnswer.split('\n').filter((l) => /^\d+ \(initial \d+\)/.test(l));
  if (answers.length !== servers.length)
    throw new OperationalError(
      `HAProxy answered get weight unexpectedly: ${getWeightAnswer.trim().slice(0, 200)}`,
    );
  const weights: Record<string, number> = {};
  servers.forEach((row, i) => {
    const weight = Number(/^(\d+)/.exec(answers[i] as string)?.[1]);
    weights[row['svname'] as string] = serverOutOfService(row['status']) ? 0 : weight;
  });
  return splitFromWeights(weights);
}

/** Why the backend cannot carry this split, or undefined when it can. */
export function splitRefusal(
  backend: string,
  servers: readonly StatRow[],
  target: Split,
): string | undefined {
  const names = servers.map((s) => s['svname'] as string);
  const unknown = Object.keys(target).filter((r) => !names.includes(r));
  if (unknown.length > 0)
    return `backend '${backend}' has no server ${unknown.join(', ')} (it has ${names.join(', ')})`;
  // A weight on a server HAProxy does not send to would report a split users never get.
  const dark = servers.find(
    (r) => (target[r['svname'] as string] ?? 0) > 0 && serverOutOfService(r['status']),
  );
  if (!dark) return undefined;
  const server = `${backend}/${dark['svname']}`;
  return (
    `HAProxy server ${server} is ${dark['status']}: it takes no traffic at any weight; ` +
    `bring it back first (set server ${server} state ready, with its health checks passing) or choose another revision`
  );
}

/** One `set weight` per server, raising weights before lowering others so no instant has every server at 0. */
export function weightCommands(backend: string, servers: readonly StatRow[], target: Split): string[] {
  const names = servers.map((s) => s['svname'] as string);
  return [...names]
    .sort((a, b) => (target[b] ?? 0) - (target[a] ?? 0))
    .map((n) => `set weight ${backend}/${n} ${target[n] ?? 0}`);
}

/**
 * A server's cumulative counters. A server that never answers shows up as
 * connection and response errors, not 5xx: those count as failed requests.
 */
export function serverCounts(row: StatRow, stalled: number | undefined): RouterCounts {
  const n = (k: string) => Number(row[k] || 0);
  const answered =
    n('hrsp_1xx') + n('hrsp_2xx') + n('hrsp_3xx') + n('hrsp_4xx') + n('hrsp_5xx') + n('hrsp_other');
  const failedToAnswer = n('econ') + n('eresp');
  return {
    requests: answered + failedToAnswer,
    errors5xx: n('hrsp_5xx') + failedToAnswer,
    ...(stalled && { stalled }),
  };
}

/**
 * A server's live counters: stot (sent), the ended and failed requests serverCounts
 * counts, scur (in flight now) and rtime_max (its slowest time to a response's
 * headers; a column since HAProxy 2.4).
 */
export function liveCountsOf(row: StatRow): LiveCounts {
  const n = (k: string) => Number(row[k] || 0);
  const counts = serverCounts(row, undefined);
  return {
    dispatched: n('stot'),
    ended: counts.requests,
    failed: counts.errors5xx,
    inFlight: n('scur'),
    slowestMs: n('rtime_max'),
  };
}
