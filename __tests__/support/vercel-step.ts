/**
 * What a step with provider: vercel is given against the local Vercel API
 * (vercel-api.ts): its inputs, and the environment the real vercel CLI needs there
 * (its global config in HOME, node_modules/.bin on PATH, the local certificate).
 */
import path from 'node:path';
import { repoRoot } from './run-action.js';
import type { LocalCertificate } from './tls-front.js';
import { startVercelApi, type VercelApi, type VercelDeployment } from './vercel-api.js';

export const VERCEL_TOKEN = 'vercelToken0123456789';
/** The project's Protection Bypass for Automation secret, when a test protects its deployments. */
export const VERCEL_BYPASS = 'bypassSecret0123456789abcdefABCDEF';

export const vercelInputs = {
  provider: 'vercel',
  'vercel-project': 'shop',
  'vercel-domain': 'shop.example.com',
  'vercel-scope': 'acme',
  'vercel-token': VERCEL_TOKEN,
};

/** Project shop with production on dpl_stable and dpl_canary staged, at these hosts. */
export const startShopApi = (hosts: { stable: string; canary: string }, more: VercelDeployment[] = []) =>
  startVercelApi({
    token: VERCEL_TOKEN,
    domain: 'shop.example.com',
    production: 'dpl_stable',
    deployments: [
      { id: 'dpl_stable', url: hosts.stable, target: 'production', readyState: 'READY' },
      { id: 'dpl_canary', url: hosts.canary, target: 'production', readyState: 'READY' },
      ...more,
    ],
  });

export const vercelCliEnv = (api: VercelApi, certificate: LocalCertificate) => ({
  HOME: api.home,
  PATH: `${path.join(repoRoot, 'node_modules', '.bin')}:${process.env['PATH']}`,
  NODE_EXTRA_CA_CERTS: certificate.caFile,
});
