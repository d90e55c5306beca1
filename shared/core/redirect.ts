/**
 * What may follow a redirect. As curl and browsers do: a hop from https to http is
 * not followed (it would send the request in the clear), and a hop to another
 * origin carries none of the request's own headers but the harmless ones, so an
 * Authorization, an apikey or a cookie never reaches a host the user did not name.
 */
export type RedirectStep =
  | { kind: 'follow'; headers: Record<string, string>; method: string; body?: string }
  | { kind: 'refuse'; reason: string };

/** The request as sent to the hop that answered with a redirect. */
export interface RedirectedRequest {
  status: number;
  method: string;
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
}

/** Headers that say nothing about who is asking. */
const HARMLESS = new Set(['accept', 'accept-language', 'cache-control', 'content-type', 'user-agent']);

export function redirectStep(from: URL, to: URL, request: RedirectedRequest): RedirectStep {
  if (to.protocol !== 'http:' && to.protocol !== 'https:')
    return { kind: 'refuse', reason: `redirected to a ${to.protocol} URL, which is not followed` };
  if (from.protocol === 'https:' && to.protocol === 'http:')
    return { kind: 'refuse', reason: `redirected from https to http (${to.host}), which is not followed` };
  // As browsers and fetch do: 303, and 301/302 after POST, continue as GET without
  // the body; 307 and 308 (and 301/302 after PUT, PATCH …) repeat method and body.
  const asGet =
    request.status === 303 ||
    ((request.status === 301 || request.status === 302) && request.method === 'POST');
  const method = asGet ? 'GET' : request.method;
  const body = asGet ? undefined : request.body;
  if (from.origin === to.origin)
    return { kind: 'follow', headers: { ...request.headers }, method, ...(body !== undefined && { body }) };
  // A body may hold a password (a login probe's, from env:): it is never sent to a
  // host the user did not name.
  if (body !== undefined)
    return {
      kind: 'refuse',
      reason: `redirected (${request.status}) to another origin, ${to.origin}, which would be sent the request's body; not followed`,
    };
  return {
    kind: 'follow',
    headers: Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => HARMLESS.has(name.toLowerCase())),
    ),
    method,
  };
}
