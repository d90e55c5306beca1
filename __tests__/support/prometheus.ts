/**
 * A real Prometheus (the Debian package's binary) on 127.0.0.1, scraping the test
 * services' /metrics every 500 ms with each service's revision as a label.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestPrometheus {
  url: string;
  /** The value of an instant query, or undefined for no data. */
  value(query: string): Promise<number | undefined>;
  close(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function startPrometheus(targets: { revision: string; url: string }[]): Promise<TestPrometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra-prom-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 500ms',
    '  evaluation_interval: 500ms',
    'scrape_configs:',
    '  - job_name: services',
    '    static_configs:',
    ...targets.flatMap((t) => [
      `      - targets: ['${new URL(t.url).host}']`,
      `        labels: { revision: '${t.revision}' }`,
    ]),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const child = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`prometheus did not start: ${stderr.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const value = async (query: string) => {
    const r = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    const v = Number(r.data.result[0]?.value[1]);
    return Number.isFinite(v) ? v : undefined;
  };
  // Prometheus 2 hands new targets to the scrapers only every 5 s: wait for the first scrapes.
  while ((await value('count(up == 1)')) !== targets.length) {
    if (Date.now() > deadline + 10_000) throw new Error('prometheus never scraped the targets');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    value,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
