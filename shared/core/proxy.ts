/**
 * The proxy a self-hosted runner sets for its jobs (HTTPS_PROXY, HTTP_PROXY, NO_PROXY),
 * read the way Node reads it for http.setGlobalProxyFromEnv(): the lower-case name wins
 * when both are set (as curl does), and a value must be an http(s) URL.
 */
import { redactUrl, urlSecrets } from './url.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface ProxyRoute {
  /** The variable the URL came from, as the user wrote it (https_proxy or HTTPS_PROXY). */
  variable: string;
  url: URL;
}

export interface RunnerProxy {
  /** What Node is handed: only the variables we read, each under one name. */
  nodeEnv: { HTTP_PROXY?: string; HTTPS_PROXY?: string; NO_PROXY?: string };
  routes: ProxyRoute[];
  /** Credentials in a proxy URL, to be masked before anything is printed. */
  secrets: string[];
  /** One sentence each for a variable that is set but unusable; that scheme then goes direct. */
  problems: string[];
  /** What the log says once, with credentials redacted. */
  line: string;
}

function pick(env: Env, name: string): { variable: string; value: string } | undefined {
  for (const variable of [name.toLowerCase(), name]) {
    const value = env[variable]?.trim();
    if (value) return { variable, value };
  }
  return undefined;
}

function proxyUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The runner's proxy settings, or undefined when no proxy variable is set. */
export function runnerProxy(env: Env): RunnerProxy | undefined {
  const chosen = { HTTP_PROXY: pick(env, 'HTTP_PROXY'), HTTPS_PROXY: pick(env, 'HTTPS_PROXY') };
  if (!chosen.HTTP_PROXY && !chosen.HTTPS_PROXY) return undefined;
  const noProxy = pick(env, 'NO_PROXY');
  const proxy: RunnerProxy = { nodeEnv: {}, routes: [], secrets: [], problems: [], line: '' };
  const parts: string[] = [];
  for (const name of ['HTTPS_PROXY', 'HTTP_PROXY'] as const) {
    const set = chosen[name];
    if (!set) continue;
    proxy.secrets.push(...urlSecrets(set.value));
    const url = proxyUrl(set.value);
    if (!url) {
      proxy.problems.push(
        `${set.variable} is not a proxy URL (${redactUrl(set.value)}); ${name === 'HTTPS_PROXY' ? 'https' : 'http'} requests go direct. Example: ${set.variable}=http://proxy.internal:3128`,
      );
      continue;
    }
    proxy.nodeEnv[name] = set.value;
    proxy.routes.push({ variable: set.variable, url });
    parts.push(
      `${name === 'HTTPS_PROXY' ? 'https' : 'http'} through ${redactUrl(url.href)} (${set.variable})`,
    );
  }
  if (noProxy && proxy.routes.length > 0) proxy.nodeEnv.NO_PROXY = noProxy.value;
  proxy.line =
    parts.length === 0
      ? ''
      : `Requests go through the runner's proxy: ${parts.join(', ')}${noProxy ? `; not for ${noProxy.variable}=${noProxy.value}` : ''}.`;
  return proxy;
}

/** The proxy whose address a failed connection went to, if it was one. */
export function proxyAt(
  proxy: RunnerProxy | undefined,
  where: { address?: string; port?: number; hostname?: string },
): ProxyRoute | undefined {
  return proxy?.routes.find(({ url }) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return (
      (where.hostname === host || where.address === host) && (where.port === undefined || where.port === port)
    );
  });
}
