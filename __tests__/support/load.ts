/**
 * A steady load on 127.0.0.1, bounded in rate and time, that counts what users saw.
 */
import { Agent, request } from 'node:http';

export interface LoadStats {
  sent: number;
  ok: number;
  failed: number;
  /** performance.now() of each failed answer. */
  failedAt: number[];
}

export interface Load {
  stats: LoadStats;
  stop(): Promise<LoadStats>;
}

export function startLoad(url: string, perSecond: number, maxSeconds = 120): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const stats: LoadStats = { sent: 0, ok: 0, failed: 0, failedAt: [] };
  const inFlight = new Set<Promise<void>>();
  const one = () =>
    new Promise<void>((resolve) => {
      stats.sent++;
      const req = request(url, { agent, timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 500) {
            stats.failed++;
            stats.failedAt.push(performance.now());
          } else stats.ok++;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        stats.failed++;
        stats.failedAt.push(performance.now());
        resolve();
      });
      req.end();
    });
  const timer = setInterval(() => {
    const p = one();
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  }, 1000 / perSecond);
  const deadline = setTimeout(() => clearInterval(timer), maxSeconds * 1000);
  return {
    stats,
    async stop() {
      clearInterval(timer);
      clearTimeout(deadline);
      await Promise.all(inFlight);
      agent.destroy();
      return stats;
    },
  };
}
