/**
 * HAProxy over its runtime API (the admin stats socket). Revisions are the servers
 * of one backend; a split is their weights, one weight point per percent. Weights
 * apply within a millisecond and need no reload.
 */
import {
  addrAnswerRefusal,
  parseServerAddress,
  serverOutOfService,
  stalledRequests,
} from '../../core/traffic/haproxy-answers.js';
import { createConnection } from 'node:net';
import type { RouterMetrics } from '../../core/traffic/gates.js';
import { normalizeSplit, splitFromWeights } from '../../core/traffic/split.js';
import { ProviderError, type Revision, type TrafficProvider } from './provider.js';

export interface HaproxyOptions {
  /** Path of a stats socket at `level admin`. */
  socket: string;
  backend: string;
  timeoutMs?: number;
  /**
   * A request still unanswered after this long counts as failed: a hung server is
   * otherwise seen only when HAProxy's `timeout server` ends the request.
   */
  hangAfterMs?: number;
}

export function haproxyProvider(options: HaproxyOptions): TrafficProvider {
  const command = (...commands: string[]) =>
    runtimeCommand(options.socket, commands, options.timeoutMs ?? 5000);

  const servers = async () => {
    const rows = parseStat(await command('show stat'));
    const mine = rows.filter(
      (r) => r['pxname'] === options.backend && r['svname'] !== 'BACKEND' && r['svname'] !== 'FRONTEND',
    );
    if (mine.length === 0)
      throw new ProviderError(
        `HAProxy has no backend '${options.backend}' with servers (socket ${options.socket})`,
      );
    return mine;
  };

  return {
    kind: 'haproxy',
    // What users get: a server in MAINT or DOWN takes nothing, whatever its weight says.
    async readSplit() {
      const weights: Record<string, number> = {};
      const rows = await servers();
      const names = rows.map((s) => s['svname'] as string);
      const text = await command(...names.map((n) => `get weight ${options.backend}/${n}`));
      const answers = text.split('\n').filter((l) => /^\d+ \(initial \d+\)/.test(l));
      if (answers.length !== names.length)
        throw new ProviderError(`HAProxy answered get weight unexpectedly: ${text.trim().slice(0, 200)}`);
      names.forEach((name, i) => {
        const weight = Number(/^(\d+)/.exec(answers[i] as string)?.[1]);
        weights[name] = serverOutOfService(rows[i]?.['status']) ? 0 : weight;
      });
      return splitFromWeights(weights);
    },
    async setSplit(split) {
      const target = normalizeSplit(split);
      const rows = await servers();
      const names = rows.map((s) => s['svname'] as string);
      const unknown = Object.keys(target).filter((r) => !names.includes(r));
      if (unknown.length > 0)
        throw new ProviderError(
          `backend '${options.backend}' has no server ${unknown.join(', ')} (it has ${names.join(', ')})`,
        );
      // A weight on a server HAProxy does not send to would report a split users never get.
      const dark = rows.find(
        (r) => (target[r['svname'] as string] ?? 0) > 0 && serverOutOfService(r['status']),
      );
      if (dark)
        throw new ProviderError(
          `HAProxy server ${options.backend}/${dark['svname']} is ${dark['status']}: it takes no traffic at any weight; ` +
            `bring it back first (set server ${options.backend}/${dark['svname']} state ready, with its health checks passing) or choose another revision`,
        );
      // Raise weights before lowering others, so no instant has every server at 0.
      const ordered = [...names].sort((a, b) => (target[b] ?? 0) - (target[a] ?? 0));
      const text = await command(
        ...ordered.map((n) => `set weight ${options.backend}/${n} ${target[n] ?? 0}`),
      );
      const complaint = text.split('\n').find((l) => l.trim() !== '');
      if (complaint) throw new ProviderError(`HAProxy refused the weights: ${complaint.trim()}`);
    },
    async listRevisions(): Promise<Revision[]> {
      const text = await command(`show servers state ${options.backend}`);
      return parseServersState(text).map((s) => ({ name: s.name, url: `http://${s.address}:${s.port}` }));
    },
    async deploy(request): Promise<Revision> {
      const address = parseServerAddress(request.address ?? '');
      if (!address)
        throw new ProviderError(
          `HAProxy needs the new revision's address as IP:port (IPv6 as [addr]:port; the runtime API takes no host names), got ${JSON.stringify(request.address ?? '')}`,
        );
      const { host, port } = address;
      const server = `${options.backend}/${request.revision}`;
      const names = (await servers()).map((s) => s['svname']);
      if (!names.includes(request.revision)) {
        throw new ProviderError(
          `backend '${options.backend}' has no server ${request.revision} to deploy into (it has ${names.join(', ')})`,
        );
      }
      // Weight 0 first, so the new address never receives traffic before the gates allow it.
      const text = await command(
        `set weight ${server} 0`,
        `set server ${server} addr ${host} port ${port}`,
        `set server ${server} state ready`,
      );
      const refusal = addrAnswerRefusal(text);
      if (refusal) throw new ProviderError(`HAProxy refused the new address: ${refusal}`);
      return { name: request.revision, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
    },
    async metrics(): Promise<RouterMetrics> {
      const out: Record<string, { requests: number; errors5xx: number; stalled?: number }> = {};
      const stalled =
        options.hangAfterMs === undefined
          ? {}
          : stalledRequests(await command('show sess'), options.backend, options.hangAfterMs);
      for (const row of await servers()) {
        const n = (k: string) => Number(row[k] || 0);
        const answered =
          n('hrsp_1xx') + n('hrsp_2xx') + n('hrsp_3xx') + n('hrsp_4xx') + n('hrsp_5xx') + n('hrsp_other');
        // A server that never answers shows up as connection and response errors, not 5xx.
        const failedToAnswer = n('econ') + n('eresp');
        const name = row['svname'] as string;
        out[name] = {
          requests: answered + failedToAnswer,
          errors5xx: n('hrsp_5xx') + failedToAnswer,
          ...(stalled[name] && { stalled: stalled[name] }),
        };
      }
      return out;
    },
  };
}

export function parseStat(csv: string): Record<string, string>[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift();
  if (!header?.startsWith('# '))
    throw new ProviderError(`HAProxy 'show stat' answered unexpectedly: ${csv.slice(0, 200)}`);
  const names = header.slice(2).split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i] ?? String(i), v])));
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
 * The one place that writes to the admin socket. ';' and line breaks separate
 * runtime API commands, so a command holding one (a hostile name that slipped past
 * input checks) is refused here, whatever the caller passed.
 */
function runtimeCommand(socket: string, commands: readonly string[], timeoutMs: number): Promise<string> {
  const smuggled = commands.find((c) => /[;\r\n]/.test(c));
  if (smuggled !== undefined)
    return Promise.reject(
      new ProviderError(
        `refused to send HAProxy a command holding ';' or a line break: ${JSON.stringify(smuggled)}`,
      ),
    );
  const text = commands.join('; ');
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let out = '';
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new ProviderError(`HAProxy runtime API at ${socket} did not answer within ${timeoutMs}ms`));
    }, timeoutMs);
    conn.on('connect', () => conn.end(`${text}\n`));
    conn.on('data', (chunk) => (out += chunk.toString()));
    conn.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new ProviderError(
          `cannot reach the HAProxy runtime API at ${socket} (${error.code ?? error.message})`,
        ),
      );
    });
    conn.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}
