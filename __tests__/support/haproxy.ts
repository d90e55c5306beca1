/**
 * A real HAProxy (Debian's package) in front of test services: one frontend,
 * one backend whose servers are the revisions, an admin stats socket.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RunningHaproxy {
  url: string;
  socket: string;
  backend: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The HAProxy versions the provider is tested on: Debian's 2.6 (installed by .ci/run)
 * and 3.2 LTS from the kit beside the repository (../shared/tools/haproxy-3.2, a
 * copy of which CI has too; HAPROXY_32 overrides the path). The 3.x runtime API
 * words its answers differently.
 */
export function haproxyVersions(): [version: string, binary: string][] {
  const v32 =
    process.env['HAPROXY_32'] ??
    path.join(import.meta.dirname, '..', '..', '..', 'shared', 'tools', 'haproxy-3.2', 'haproxy');
  if (!existsSync(v32)) {
    // eslint-disable-next-line no-console -- say so rather than pass quietly
    console.warn(`HAProxy 3.2 not found at ${v32}: its tests are skipped here (CI has it)`);
    return [['2.6', 'haproxy']];
  }
  return [
    ['2.6', 'haproxy'],
    ['3.2', v32],
  ];
}

/** One runtime API command, as an operator would type it into the admin socket. */
export function haproxyCommand(socket: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let out = '';
    conn.on('connect', () => conn.end(`${text}\n`));
    conn.on('data', (chunk: Buffer) => (out += chunk.toString()));
    conn.on('error', reject);
    conn.on('close', () => resolve(out));
  });
}

export async function startHaproxy(
  servers: Record<string, { url: string; weight: number }>,
  binary = 'haproxy',
  options: { timeoutServer?: string } = {},
): Promise<RunningHaproxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-haproxy-'));
  const socket = path.join(dir, 'admin.sock');
  const port = await freePort();
  const lines = Object.entries(servers).map(([name, s]) => {
    const u = new URL(s.url);
    return `  server ${name} ${u.hostname}:${u.port} weight ${s.weight}`;
  });
  const config = [
    'global',
    `  stats socket ${socket} mode 600 level admin`,
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 10s',
    `  timeout server ${options.timeoutServer ?? '2s'}`,
    'frontend web',
    `  bind 127.0.0.1:${port}`,
    '  default_backend app',
    'backend app',
    '  balance roundrobin',
    ...lines,
    '',
  ].join('\n');
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child: ChildProcess = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(socket)) {
    child.kill('SIGKILL');
    throw new Error(`haproxy did not start: ${stderr}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    socket,
    backend: 'app',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
