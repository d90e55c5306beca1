/**
 * Hostile HTTP answers: what probes, routers, Prometheus and the GitHub API may
 * send back. A probe that meets one is down (or up, where the answer is
 * acceptable) with a one-line reason, within its timeout; a rollout that meets one
 * ends with traffic on a known-good split; nothing crashes.
 */
import { readFileSync } from 'node:fs';
import { on, PROBE_SECRET, runCorpus, type Attack } from '../support/adversarial.js';
import { startHostileServer, type HostileServer } from '../support/hostile-http.js';
import { visibleLog, type ActionRun } from '../support/run-action.js';
import { commandIn } from '../support/runner-commands.js';

let hostile: HostileServer;
beforeAll(async () => (hostile = await startHostileServer()));
afterAll(() => hostile.close());

const reasonOf = (run: ActionRun) => /::error title=Probe \S+ is down::(.*)/.exec(run.stdout)?.[1] ?? '';

/** One probe at a hostile path: `up` when the answer is acceptable, else the reason it is down. */
const probe = (
  title: string,
  path: string,
  outcome: { down: RegExp } | { up: true },
  extra = '',
  withinMs = 6000,
): Attack => ({
  title,
  action: 'healthcheck',
  inputs: () =>
    on.healthcheck(
      {} as never,
      `[{name: api, url: "${hostile.url}${path}", timeout: 3s, retries: 0${extra}}]`,
    ),
  safe: {
    is: 'up' in outcome ? 'the probe is up' : `the probe is down: ${outcome.down.source}`,
    check: (run) => {
      expect(run.durationMs).toBeLessThan(withinMs);
      if ('up' in outcome) return expect(run.code).toBe(0);
      expect(run.code).toBe(1);
      expect(reasonOf(run)).toMatch(outcome.down);
    },
  },
});

const probes: Attack[] = [
  {
    title: "a body whose values are workflow commands by the runner's rules (mid-line ##[, U+0085)",
    action: 'healthcheck',
    inputs: () =>
      on.healthcheck(
        {} as never,
        `[{name: api, url: "${hostile.url}/forged-commands", retries: 0, expect: {json: {status: ok, detail: ok}}}]`,
      ),
    safe: {
      is: 'down, quoting the values; no line but our own commands is one the runner obeys',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.stdout).toContain('stop-commands');
        const forged = run.stdout.split(/\r\n|\r|\n/).filter((l) => !l.startsWith('::') && commandIn(l));
        expect(forged).toEqual([]);
      },
    },
  },
  probe('a redirect loop', '/redirect-loop', { down: /too many redirects/ }),
  probe('a redirect to file://', '/redirect-file', { down: /redirect.*file:/ }),
  probe('a redirect to ftp://', '/redirect-ftp', { down: /redirect.*ftp:/ }),
  probe('a redirect to a Location that is not a URL', '/redirect-garbage', { down: /redirect|Location/i }),
  probe('a 64 MiB body is read up to 1 MiB and judged, not waited out', '/huge', { up: true }, '', 4000),
  probe('an endless body is cut at 1 MiB and judged', '/endless', { up: true }, '', 4000),
  probe(
    'an endless body with a JSON expectation: not JSON',
    '/endless',
    { down: /body is not JSON \(or larger than the 1 MiB read\)/ },
    ', expect: {json: {status: ok}}',
    4000,
  ),
  probe('a body that drips a byte every 200 ms: down at its timeout', '/drip', { down: /timeout/ }),
  probe('broken chunked encoding', '/bad-chunk', { down: /chunk|HTTP/i }),
  probe('a 100 KiB response header', '/header-bomb', { down: /header/i }),
  probe('an answer that is not HTTP', '/not-http', { down: /did not answer with HTTP/ }),
  probe('a connection reset mid-body', '/reset-mid-body', { down: /reset|closed|aborted/ }),
  probe('a body shorter than its Content-Length', '/short-body', { down: /reset|closed|aborted|incomplete/ }),
  probe(
    'invalid JSON under a JSON expectation',
    '/invalid-json',
    { down: /not JSON/ },
    ', expect: {json: {status: ok}}',
  ),
  probe(
    'JSON sent as text/html still meets a JSON expectation',
    '/json-as-html',
    { up: true },
    ', expect: {json: {status: ok}}',
  ),
  probe(
    'a login page answered 200 fails a body expectation',
    '/html-200',
    { down: /body/ },
    ', expect: {body-contains: ["ok"]}',
  ),
  probe('a gzip bomb is never inflated', '/gzip-bomb', { up: true }, '', 4000),
  probe('status 999', '/status-999', { down: /999/ }),
  probe('an answer that never starts', '/no-headers', { down: /timeout/ }),
  probe('103 Early Hints before the answer', '/early-hints', { up: true }, ', expect: {body-contains: [ok]}'),
  {
    title: 'a redirect to another origin (localhost instead of 127.0.0.1) gets no credential header',
    action: 'healthcheck',
    inputs: (t) => {
      const elsewhere = t.service.url.replace('127.0.0.1', 'localhost');
      return on.healthcheck(
        t,
        `[{name: api, url: "${t.service.url}/redirect-to?url=${encodeURIComponent(`${elsewhere}/health`)}", retries: 0, headers: {Authorization: "Bearer ${PROBE_SECRET}"}}]`,
      );
    },
    safe: {
      is: 'followed, and the second origin never sees the Authorization header',
      check: (run, t) => {
        expect(run.code).toBe(0);
        const [first, second] = t.service.requests.slice(-2);
        expect(first!.headers['authorization']).toBe(`Bearer ${PROBE_SECRET}`);
        expect(second!.headers['host']).toMatch(/^localhost:/);
        expect(second!.headers['authorization']).toBeUndefined();
      },
    },
  },
];

const fileRouter = (t: Parameters<typeof on.commandRouter>[0]) => {
  const inputs = on.commandRouter(t, { blue: 100 });
  const file = /cat '(.*)'/.exec(inputs['command-get-split'])![1]!;
  return { inputs, split: () => JSON.parse(readFileSync(file, 'utf8')) as Record<string, number> };
};
let router: ReturnType<typeof fileRouter>;

/** blue → green on a file-backed command router, checked every 200 ms. */
const rolloutOn = (
  t: Parameters<typeof on.commandRouter>[0],
  steps: string,
  stepDuration: string,
  extra: Record<string, string>,
) => {
  router = fileRouter(t);
  return {
    ...router.inputs,
    'stable-revision': 'blue',
    'canary-revision': 'green',
    steps,
    'step-duration': stepDuration,
    'check-interval': '200ms',
    ...extra,
  };
};

const others: Attack[] = [
  {
    title: 'Prometheus answers a login page',
    action: 'shift-traffic',
    inputs: (t) =>
      rolloutOn(t, '10,100', '1s', {
        'prometheus-url': `${hostile.url}/html-200`,
        'prometheus-query': 'sum(rate(errors{revision="{{revision}}"}[1m]))',
        'prometheus-max': '1',
      }),
    timeoutMs: 20_000,
    safe: {
      is: 'refused at the preflight: no traffic moved, one line',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(router.split().green ?? 0).toBe(0);
        expect(visibleLog(run).trim()).toMatch(
          /^::error::shift-traffic: prometheus-url answered 200 with (text\/html|application\/json), not Prometheus's JSON .*; no traffic was moved$/,
        );
      },
    },
  },
  {
    title: 'Prometheus answers a gzip bomb, never inflated',
    action: 'shift-traffic',
    inputs: (t) =>
      rolloutOn(t, '10,100', '1s', {
        'prometheus-url': `${hostile.url}/gzip-bomb`,
        'prometheus-query': 'sum(rate(errors{revision="{{revision}}"}[1m]))',
        'prometheus-max': '1',
      }),
    timeoutMs: 20_000,
    safe: {
      is: 'refused at the preflight: no traffic moved, one line',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(router.split().green ?? 0).toBe(0);
        expect(visibleLog(run).trim()).toMatch(
          /^::error::shift-traffic: prometheus-url answered 200 with (text\/html|application\/json), not Prometheus's JSON .*; no traffic was moved$/,
        );
      },
    },
  },
  {
    title:
      'Prometheus turns to a login page mid-rollout: no verdict, so the canary is held where it was (documented)',
    action: 'shift-traffic',
    inputs: (t) =>
      rolloutOn(t, '10,100', '1s', {
        'prometheus-url': `${hostile.url}/turns-hostile`,
        'prometheus-query': 'sum(rate(errors{revision="{{revision}}"}[1m]))',
        'prometheus-max': '1',
      }),
    timeoutMs: 20_000,
    safe: {
      is: 'held at 10 %, with the reason; a re-run continues',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.outputs['outcome']).toBe('held');
        expect(run.outputs['reason']).toMatch(/not Prometheus's JSON/);
        expect(router.split()).toEqual({ blue: 90, green: 10 });
      },
    },
  },
  {
    title: 'a lone 100 % step is still gated: a canary that fails its probes at 100 % is rolled back',
    action: 'shift-traffic',
    inputs: (t) =>
      rolloutOn(t, '100', '2s', {
        probes: `[{name: canary, url: "${hostile.url}/fails-after-one", retries: 0}]`,
      }),
    timeoutMs: 20_000,
    safe: {
      is: 'moved to 100 %, then rolled back to blue 100 % by the bake that follows',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.outputs['outcome']).toBe('rolled-back');
        expect(run.summary).toMatch(/\| 1 \| weight 100% \| 100% \| .* \| set \|/);
        expect(run.summary).toMatch(/\| 2 \| analysis .* \| failed \|/);
        expect(router.split()).toEqual({ blue: 100 });
      },
    },
  },
  {
    title: 'a local router that answers a login page',
    action: 'rollback',
    inputs: () => ({
      provider: 'local',
      'local-router-url': `${hostile.url}/`,
      'to-revision': 'blue',
      'github-token': '',
    }),
    safe: {
      is: 'one line naming the router; nothing else printed',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(visibleLog(run).trim().split('\n')).toHaveLength(1);
      },
    },
  },
  {
    title: 'a set-split command that prints five megabytes',
    action: 'rollback',
    inputs: (t) => ({
      ...on.commandRouter(t, { blue: 0, green: 100 }),
      'command-set-split': 'head -c 5000000 /dev/zero | tr "\\0" x',
      'to-revision': 'blue',
    }),
    safe: {
      is: 'one line: the split did not take; the output is not echoed',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(run.stdout.length).toBeLessThan(20_000);
      },
    },
  },
  {
    title: 'a get-split command that prints invalid JSON',
    action: 'rollback',
    inputs: (t) => ({
      ...on.commandRouter(t, { blue: 0, green: 100 }),
      'command-get-split': `echo '{"blue": 100,'`,
      'to-revision': 'blue',
    }),
    safe: {
      is: 'one line naming the command and what it printed',
      check: (run) => {
        expect(run.code).toBe(1);
        expect(visibleLog(run)).toMatch(/get-split command must print JSON/);
      },
    },
  },
  {
    title: 'the GitHub API answers a 200 login page when listing issues',
    action: 'open-incident-issue',
    inputs: (t) => {
      t.github.fault({
        method: 'GET',
        path: /\/issues$/,
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html>login</html>',
        times: 1,
      });
      return on.incident({
        service: 'html',
        report: '{"healthy": false, "probes": [{"name": "api", "healthy": false}]}',
      });
    },
    safe: {
      is: 'one line; no issue opened on a listing it could not read',
      check: (run, t) => {
        expect(run.code).toBe(1);
        expect(t.github.issues.filter((i) => i.title.includes('html'))).toEqual([]);
      },
    },
  },
];

runCorpus({
  'hostile HTTP answers to probes': probes,
  'hostile answers from routers, Prometheus and GitHub': others,
});
