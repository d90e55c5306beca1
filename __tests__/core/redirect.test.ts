/**
 * Property: whatever the hop, a request's body and its credentials reach only the
 * origin the user named (redirectStep is what the probe client follows).
 */
import fc from 'fast-check';
import { redirectStep } from '../../shared/core/redirect.js';

const origin = fc.constantFrom(
  'https://api.example.com',
  'https://api.example.com:8443',
  'https://evil.example',
  'http://api.example.com',
  'http://127.0.0.1:8080',
);
const request = fc.record({
  status: fc.constantFrom(301, 302, 303, 307, 308),
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'),
  headers: fc.dictionary(
    fc.constantFrom(
      'authorization',
      'Authorization',
      'apikey',
      'cookie',
      'x-api-key',
      'accept',
      'user-agent',
    ),
    fc.string({ maxLength: 20 }),
  ),
  body: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
});

describe('redirectStep', () => {
  it('never sends a body or a credential header to another origin, and never downgrades https', () => {
    fc.assert(
      fc.property(origin, origin, fc.webPath(), request, (from, to, pathname, req) => {
        const [a, b] = [new URL(`${from}/start`), new URL(`${to}${pathname}`)];
        const step = redirectStep(a, b, req);
        if (a.protocol === 'https:' && b.protocol === 'http:') expect(step.kind).toBe('refuse');
        if (step.kind === 'refuse' || a.origin === b.origin) return;
        expect(step.body).toBeUndefined();
        for (const name of Object.keys(step.headers))
          expect(['accept', 'user-agent']).toContain(name.toLowerCase());
      }),
    );
  });

  it('keeps method and body on the same origin as fetch does: only 303, and 301/302 after POST, become a bodiless GET', () => {
    fc.assert(
      fc.property(request, (req) => {
        const at = new URL('https://api.example.com/a');
        const step = redirectStep(at, new URL('https://api.example.com/b'), req);
        const asGet =
          req.status === 303 || ((req.status === 301 || req.status === 302) && req.method === 'POST');
        expect(step).toEqual({
          kind: 'follow',
          headers: req.headers,
          method: asGet ? 'GET' : req.method,
          ...(!asGet && req.body !== undefined && { body: req.body }),
        });
      }),
    );
  });
});
