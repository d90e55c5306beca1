/**
 * The command recipes in workflows-examples/, run with their exact commands through
 * bash (curl and jq as the runner has them) against local servers that answer as
 * the platform does and refuse what it refuses.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot, runAction } from '../support/run-action.js';
import { startService, type TestService } from '../support/service.js';

type Step = { uses?: string; with?: Record<string, string>; env?: Record<string, string> };
const recipe = (file: string, action: string): Step => {
  const doc = parse(readFileSync(path.join(repoRoot, 'workflows-examples', file), 'utf8')) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  const step = Object.values(doc.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses?.includes(`/${action}@`));
  if (!step) throw new Error(`${file} has no ${action} step`);
  return step;
};

/**
 * A flag service's percentage rollout: GET the flag, PATCH {"percent": 0-100} with a
 * bearer token. Like the real ones, it refuses a body that is not JSON, or a percent
 * that is not a whole number from 0 to 100, with 400.
 */
async function startFlags(token: string) {
  const flag = { percent: 0, patches: [] as string[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const answer = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { error: 'unauthorized' });
      if (req.url !== '/api/flags/new-checkout') return answer(404, { error: 'no such flag' });
      if (req.method === 'GET') return answer(200, { key: 'new-checkout', percent: flag.percent });
      if (req.method !== 'PATCH') return answer(405, { error: 'method' });
      flag.patches.push(body);
      let parsed: { percent?: unknown };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return answer(400, { error: 'body is not JSON' });
      }
      if (
        !Number.isInteger(parsed.percent) ||
        (parsed.percent as number) < 0 ||
        (parsed.percent as number) > 100
      )
        return answer(400, { error: 'percent must be a whole number from 0 to 100' });
      flag.percent = parsed.percent as number;
      return answer(200, { key: 'new-checkout', percent: flag.percent });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    flag,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('feature-flag.yml (runbook 002: the kill switch is the rollback)', () => {
  let checkout: TestService;
  beforeEach(async () => (checkout = await startService({ version: '2.0.0' })));
  afterEach(() => checkout.close());

  it('a failing flag is switched off: the rollback sends {"percent": 0}', async () => {
    const flags = await startFlags('flag-token-123');
    const step = recipe('feature-flag.yml', 'shift-traffic');
    checkout.setMode('error');
    try {
      const run = await runAction('shift-traffic', {
        inputs: {
          ...step.with,
          steps: '10,100',
          'step-duration': '2s',
          'check-interval': '200ms',
          probes: `[{name: checkout, url: "${checkout.url}/health"}]`,
        },
        env: { FLAGS_TOKEN: 'flag-token-123', FLAGS_API: flags.url },
        timeoutMs: 30_000,
      });
      expect(run.outputs['outcome']).toBe('rolled-back');
      expect(flags.flag.patches).toEqual(['{"percent": 10}', '{"percent": 0}']);
      expect(flags.flag.percent).toBe(0);
      expect(run.stdout).not.toContain('flag-token-123');
    } finally {
      await flags.close();
    }
  }, 40_000);
});
