/**
 * What may follow a redirect. As curl and browsers do: a hop from https to http is
 * not followed (it would send the request in the clear), and a hop to another
 * origin carries none of the request's own headers but the harmless ones, so an
 * Authorization, an apikey or a cookie never reaches a host the user did not name.
 */
export type RedirectStep =
  { kind: 'follow'; headers: Record<string, string> } | { kind: 'refuse'; reason: string };

/** Headers that say nothing about who is asking. */
const HARMLESS = new Set(['accept', 'accept-language', 'cache-control', 'content-type', 'user-agent']);

export function redirectStep(from: URL, to: URL, headers: Readonly<Record<string, string>>): RedirectStep {
  if (to.protocol !== 'http:' && to.protocol !== 'https:')
    return { kind: 'refuse', reason: `redirected to a ${to.protocol} URL, which is not followed` };
  if (from.protocol === 'https:' && to.protocol === 'http:')
    return { kind: 'refuse', reason: `redirected from https to http (${to.host}), which is not followed` };
  if (from.origin === to.origin) return { kind: 'follow', headers: { ...headers } };
  return {
    kind: 'follow',
    headers: Object.fromEntries(Object.entries(headers).filter(([name]) => HARMLESS.has(name.toLowerCase()))),
  };
}
