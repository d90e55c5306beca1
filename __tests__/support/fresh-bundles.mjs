// Jest's globalSetup: a run that includes tests of the bundles refuses bundles built
// from other sources (scripts/source-hash.mjs), so `npm test` cannot pass on a stale
// dist/. Runs limited to the pure core and the in-process engine do not need dist/.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const PURE = /__tests__[\\/](core|engine)([\\/]|$)/;

export default function freshBundles(globalConfig) {
  const patterns = globalConfig.testPathPatterns?.patterns ?? globalConfig.testPathPatterns ?? [];
  if (patterns.length > 0 && patterns.every((p) => PURE.test(String(p)))) return;
  const script = path.resolve(import.meta.dirname, '../../scripts/source-hash.mjs');
  try {
    execFileSync(process.execPath, [script, '--check'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(String(error.stderr ?? error.message).trim(), { cause: error });
  }
}
