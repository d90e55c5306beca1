/**
 * A real forward proxy for the tests: tinyproxy from the OS packages (.ci/run installs
 * it), as a self-hosted runner's HTTPS_PROXY would be. It forwards plain http in
 * absolute form (adding `Via: 1.1 <host> (tinyproxy/…)`) and tunnels with CONNECT,
 * which is how Node's fetch reaches even an http:// URL through a proxy. With
 * `refuse: true` it allows no client, and answers 403 "Access denied" as a locked-down
 * corporate proxy does (tinyproxy's Allow directive).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './haproxy.js';

export interface RunningProxy {
  url: string;
  /** What tinyproxy logged: one "Request … GET http://…" or "CONNECT host:port" line per request. */
  requests(): string[];
  stop(): Promise<void>;
}

export const hasTinyproxy = spawnSync('sh', ['-c', 'command -v tinyproxy']).status === 0;

export async function startTinyproxy(options: { refuse?: boolean } = {}): Promise<RunningProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-proxy-'));
  const port = await freePort();
  const log = path.join(dir, 'tinyproxy.log');
  writeFileSync(
    path.join(dir, 'tinyproxy.conf'),
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 15',
      'MaxClients 50',
      `LogFile "${log}"`,
      'LogLevel Connect',
      options.refuse ? 'Allow 192.0.2.1' : 'Allow 127.0.0.1',
    ].join('\n'),
  );
  writeFileSync(log, '');
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', path.join(dir, 'tinyproxy.conf')], {
    stdio: 'ignore',
  });
  await listening(port);
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => /Request \(file descriptor \d+\): /.test(l))
        .map((l) => l.replace(/^.*Request \(file descriptor \d+\): /, '')),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`tinyproxy did not listen on ${port}`);
}
