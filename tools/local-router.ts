/**
 * Starts the embedded rehearsal router: `node dist/local-router/index.js --port 8080
 * --revision v1=http://127.0.0.1:9001 --revision v2=http://127.0.0.1:9002 --split v1=100`.
 * Not for production.
 */
import { startLocalRouter } from '../shared/adapters/local-router/server.js';

function pairs(values: string[]): Record<string, string> {
  return Object.fromEntries(values.flatMap((v) => v.split(',')).map((p) => p.split('=') as [string, string]));
}

const args = process.argv.slice(2);
const all = (flag: string) =>
  args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1] as string] : []));
const revisions = pairs(all('--revision'));
const split = Object.fromEntries(Object.entries(pairs(all('--split'))).map(([r, p]) => [r, Number(p)]));
if (Object.keys(revisions).length === 0) {
  process.stderr.write(
    'usage: local-router --port 8080 --revision NAME=URL [--revision …] --split NAME=100\n',
  );
  process.exit(2);
}
const router = await startLocalRouter({
  port: Number(all('--port')[0] ?? 0),
  revisions,
  split: Object.keys(split).length ? split : { [Object.keys(revisions)[0] as string]: 100 },
});
process.stdout.write(`${router.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void router.close().then(() => process.exit(0)));
