/**
 * Sends every request of this process (fetch for Octokit; node:http and https for
 * probes, Prometheus and Cloud Monitoring) through the runner's proxy, with Node's
 * own support: http.setGlobalProxyFromEnv() tunnels https with CONNECT, sends http in
 * absolute form and honours NO_PROXY, as Node documents for NODE_USE_ENV_PROXY.
 */
import { createRequire } from 'node:module';
import { runnerProxy, type RunnerProxy } from '../core/proxy.js';

interface ProxyLog {
  setSecret(value: string): void;
  info(message: string): void;
  warning(message: string): void;
}

type SetGlobalProxy = (env: Record<string, string>) => () => void;

/** Turns the runner's proxy on for this process; undefined when there is none to use. */
export function routeThroughRunnerProxy(
  env: Readonly<Record<string, string | undefined>>,
  log: ProxyLog,
): RunnerProxy | undefined {
  const proxy = runnerProxy(env);
  if (!proxy) return undefined;
  for (const secret of proxy.secrets) log.setSecret(secret);
  for (const problem of proxy.problems) log.warning(problem);
  if (proxy.routes.length === 0) return undefined;
  // Required, not imported: see http.ts (an ESM import of node:http loads undici).
  const http = createRequire(import.meta.url)('node:http') as { setGlobalProxyFromEnv?: SetGlobalProxy };
  if (typeof http.setGlobalProxyFromEnv !== 'function') {
    log.warning(
      `This runner's Node ${process.version} has no http.setGlobalProxyFromEnv(), so requests go direct, not through ${proxy.routes.map((r) => r.variable).join(' and ')}.`,
    );
    return undefined;
  }
  try {
    http.setGlobalProxyFromEnv(proxy.nodeEnv as Record<string, string>);
  } catch (error) {
    // Node refuses a configuration it cannot use (ERR_PROXY_INVALID_CONFIG); the step goes on, direct.
    log.warning(
      `Node refused the proxy settings, so requests go direct: ${(error as Error).message.split('\n')[0]}`,
    );
    return undefined;
  }
  log.info(proxy.line);
  return proxy;
}
