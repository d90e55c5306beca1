import { systemClock } from '../../shared/adapters/clock.js';
import { nodeHttpClient, type HttpRequest } from '../../shared/adapters/http.js';
import { redirectStep } from '../../shared/core/redirect.js';
import { startService, type TestService } from '../support/service.js';

let service: TestService;
beforeAll(async () => (service = await startService({ anonKey: 'k-123' })));
afterAll(() => service.close());

const http = nodeHttpClient(systemClock);
const req = (path: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  url: `${service.url}${path}`,
  method: 'GET',
  headers: {},
  timeoutMs: 2000,
  followRedirects: true,
  ...extra,
});

describe('nodeHttpClient against a real server', () => {
  it('returns status, lower-case headers, body and latency', async () => {
    const outcome = await http.send(req('/health'));
    expect(outcome).toMatchObject({ kind: 'response', response: { status: 200, body: '{"status":"ok"}' } });
    if (outcome.kind !== 'response') throw new Error('no response');
    expect(outcome.response.headers['content-type']).toBe('application/json');
    expect(outcome.latencyMs).toBeGreaterThan(0);
  });

  it('sends method, headers and body', async () => {
    const outcome = await http.send(
      req('/echo', { method: 'POST', headers: { 'x-probe': 'yes' }, body: '{"a":1}' }),
    );
    if (outcome.kind !== 'response') throw new Error('no response');
    const echoed = JSON.parse(outcome.response.body);
    expect(echoed).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'x-probe': 'yes' } });
  });

  it('ends a hanging request at its timeout', async () => {
    const started = performance.now();
    const outcome = await http.send(req('/hang', { timeoutMs: 300 }));
    const took = performance.now() - started;
    expect(outcome).toMatchObject({ kind: 'error', error: 'no answer within 300ms (timeout)' });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1500);
  });

  it('follows redirects unless told not to', async () => {
    expect(await http.send(req('/redirect'))).toMatchObject({ response: { status: 200 } });
    expect(await http.send(req('/redirect', { followRedirects: false }))).toMatchObject({
      response: { status: 302, headers: { location: '/health' } },
    });
  });

  it('gives up on a redirect loop', async () => {
    expect(await http.send(req('/loop'))).toMatchObject({ kind: 'error', error: 'too many redirects' });
  });

  it('continues a POST answered 303 as a GET, without the body', async () => {
    const outcome = await http.send(req('/see-other', { method: 'POST', body: 'x=1' }));
    if (outcome.kind !== 'response') throw new Error('no response');
    expect(JSON.parse(outcome.response.body)).toMatchObject({ method: 'GET', body: '' });
  });

  it('counts the body against the timeout: a trickling server is as down as a silent one', async () => {
    const started = performance.now();
    const outcome = await http.send(req('/trickle', { timeoutMs: 400 }));
    expect(outcome).toMatchObject({ kind: 'error', error: 'no answer within 400ms (timeout)' });
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('measures a slow response', async () => {
    const outcome = await http.send(req('/slow?ms=200'));
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(195);
  });

  it('reports a refused connection as an outcome, not an exception', async () => {
    const closed = await startService();
    const url = closed.url;
    await closed.close();
    expect(await http.send({ ...req('/'), url: `${url}/health` })).toMatchObject({
      kind: 'error',
      error: 'connection refused',
    });
  });

  it('reports a host that does not resolve', async () => {
    const outcome = await http.send({
      ...req('/'),
      url: 'http://release-actions-test.invalid/health',
      timeoutMs: 5000,
    });
    expect(outcome.kind).toBe('error');
    if (outcome.kind === 'error') expect(outcome.error).toMatch(/host not found|lookup failed|timeout/);
  });
});

describe('credentials and redirects', () => {
  const secret = { authorization: 'Bearer s3cret', apikey: 'k-123', accept: 'application/json' };
  it('a redirect to another origin carries no credential header; the same origin keeps them', async () => {
    const other = await startService();
    try {
      await http.send(
        req(`/redirect-to?url=${encodeURIComponent(`${other.url}/echo`)}`, { headers: secret }),
      );
      const seen = other.requests.find((r) => r.url === '/echo')!.headers;
      expect(seen['authorization']).toBeUndefined();
      expect(seen['apikey']).toBeUndefined();
      expect(seen['accept']).toBe('application/json');
      const same = await http.send(req('/redirect-to?url=/echo', { headers: secret }));
      if (same.kind !== 'response') throw new Error('no response');
      expect(JSON.parse(same.response.body).headers).toMatchObject({
        authorization: 'Bearer s3cret',
        apikey: 'k-123',
      });
    } finally {
      await other.close();
    }
  });

  it('does not follow https to http, nor to other schemes', () => {
    const from = new URL('https://api.example.com/health');
    const get = { status: 302, method: 'GET', headers: secret };
    expect(redirectStep(from, new URL('http://api.example.com/health'), get)).toEqual({
      kind: 'refuse',
      reason: 'redirected from https to http (api.example.com), which is not followed',
    });
    expect(redirectStep(from, new URL('file:///etc/passwd'), get)).toMatchObject({ kind: 'refuse' });
    expect(redirectStep(from, new URL('https://cdn.example.com/x'), get)).toEqual({
      kind: 'follow',
      headers: { accept: 'application/json' },
      method: 'GET',
    });
  });

  it.each([
    [307, 'POST'],
    [308, 'POST'],
    [301, 'PUT'],
    [302, 'PATCH'],
  ])(
    'a %i after %s to another origin is not followed: the body (a password) never leaves',
    async (status, method) => {
      const other = await startService();
      try {
        const outcome = await http.send(
          req(`/redirect-to?status=${status}&url=${encodeURIComponent(`${other.url}/echo`)}`, {
            method,
            body: '{"password": "hunter2"}',
          }),
        );
        expect(outcome).toMatchObject({
          kind: 'error',
          error: expect.stringMatching(/another origin.*body; not followed/),
        });
        expect(other.requests).toEqual([]);
        const same = await http.send(
          req(`/redirect-to?status=${status}&url=/echo`, { method, body: 'kept' }),
        );
        if (same.kind !== 'response') throw new Error('no response');
        expect(JSON.parse(same.response.body)).toMatchObject({ method, body: 'kept' });
      } finally {
        await other.close();
      }
    },
  );

  it('a 303 (or a 302 after POST) continues as GET without the body, to any origin', () => {
    const from = new URL('https://api.example.com/login');
    for (const status of [303, 302])
      expect(
        redirectStep(from, new URL('https://sso.example.com/done'), {
          status,
          method: 'POST',
          headers: {},
          body: 'pw',
        }),
      ).toEqual({ kind: 'follow', headers: {}, method: 'GET' });
  });
});
