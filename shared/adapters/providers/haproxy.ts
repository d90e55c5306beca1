/**
 * HAProxy over its runtime API (the admin stats socket). Revisions are the servers
 * of one backend; a split is their weights, one weight point per percent. Weights
 * apply within a millisecond and need no reload.
 */
import {
  addrAnswerRefusal,
  parseServerAddress,
  stalledRequests,
} from '../../core/traffic/haproxy-answers.js';
import { createConnection } from 'node:net';
import type { RouterMetrics } from '../../core/traffic/gates.js';
import type { LiveReading } from '../../core/traffic/tripwire.js';
import {
  liveCountsOf,
  parseServersState,
  parseStat,
  servedSplit,
  serverCounts,
  serversOf,
  splitRefusal,
  weightCommands,
  type StatRow,
} from '../../core/traffic/haproxy-backend.js';
import { normalizeSplit, type Split } from '../../core/traffic/split.js';
import { ProviderError, type DeployRequest, type Revision, type TrafficProvider } from './provider.js';

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
  return new HaproxyBackend(options);
}

class HaproxyBackend implements TrafficProvider {
  readonly kind = 'haproxy';

  constructor(private readonly options: HaproxyOptions) {}

  private command(...commands: string[]): Promise<string> {
    return runtimeCommand(this.options.socket, commands, this.options.timeoutMs ?? 5000);
  }

  /**
   * The backend's server rows. `show stat <backend> 4 -1` answers with those alone,
   * however large the configuration; a name of digits would be read as a proxy id.
   */
  private async servers(): Promise<StatRow[]> {
    const { backend, socket } = this.options;
    const answer = await this.command(/^\d+$/.test(backend) ? 'show stat' : `show stat ${backend} 4 -1`);
    const servers = /^No such proxy/.test(answer) ? [] : serversOf(parseStat(answer), backend);
    if (servers.length === 0)
      throw new ProviderError(`HAProxy has no backend '${backend}' with servers (socket ${socket})`);
    return servers;
  }

  async readSplit(): Promise<Split> {
    const servers = await this.servers();
    const answer = await this.command(
      ...servers.map((s) => `get weight ${this.options.backend}/${s['svname']}`),
    );
    return servedSplit(servers, answer);
  }

  async setSplit(split: Split): Promise<void> {
    const target = normalizeSplit(split);
    const servers = await this.servers();
    const refusal = splitRefusal(this.options.backend, servers, target);
    if (refusal) throw new ProviderError(refusal);
    const text = await this.command(...weightCommands(this.options.backend, servers, target));
    const complaint = text.split('\n').find((l) => l.trim() !== '');
    if (complaint) throw new ProviderError(`HAProxy refused the weights: ${complaint.trim()}`);
  }

  async listRevisions(): Promise<Revision[]> {
    const text = await this.command(`show servers state ${this.options.backend}`);
    return parseServersState(text).map((s) => ({ name: s.name, url: `http://${s.address}:${s.port}` }));
  }

  async deploy(request: DeployRequest): Promise<Revision> {
    const { backend } = this.options;
    const address = parseServerAddress(request.address ?? '');
    if (!address)
      throw new ProviderError(
        `HAProxy needs the new revision's address as IP:port (IPv6 as [addr]:port; the runtime API takes no host names), got ${JSON.stringify(request.address ?? '')}`,
      );
    const { host, port } = address;
    const names = (await this.servers()).map((s) => s['svname']);
    if (!names.includes(request.revision))
      throw new ProviderError(
        `backend '${backend}' has no server ${request.revision} to deploy into (it has ${names.join(', ')})`,
      );
    const server = `${backend}/${request.revision}`;
    // Weight 0 first, so the new address never receives traffic before the gates allow it.
    const text = await this.command(
      `set weight ${server} 0`,
      `set server ${server} addr ${host} port ${port}`,
      `set server ${server} state ready`,
    );
    const refusal = addrAnswerRefusal(text);
    if (refusal) throw new ProviderError(`HAProxy refused the new address: ${refusal}`);
    return { name: request.revision, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
  }

  async liveCounts(): Promise<LiveReading> {
    const servers = await this.servers();
    return Object.fromEntries(servers.map((row) => [row['svname'] as string, liveCountsOf(row)]));
  }

  async metrics(): Promise<RouterMetrics> {
    const { backend, hangAfterMs } = this.options;
    const stalled =
      hangAfterMs === undefined ? {} : stalledRequests(await this.command('show sess'), backend, hangAfterMs);
    const servers = await this.servers();
    return Object.fromEntries(
      servers.map((row) => [row['svname'] as string, serverCounts(row, stalled[row['svname'] as string])]),
    );
  }
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
