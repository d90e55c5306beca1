/**
 * What a step with provider: vercel is given against the local Vercel API
 * (vercel-api.ts): its inputs, and the environment the real vercel CLI needs there
 * (its global config in HOME, node_modules/.bin on PATH, the local certificate).
 */
import path from 'node:path';
import { repoRoot } from './run-action.js';
import type { LocalCertificate } from './tls-front.js';
import type { VercelApi } from './vercel-api.js';

export const VERCEL_TOKEN = 'vercelToken0123456789';

export const vercelInputs = {
  provider: 'vercel',
  'vercel-project': 'shop',
  'vercel-domain': 'shop.example.com',
  'vercel-scope': 'acme',
  'vercel-token': VERCEL_TOKEN,
};

export const vercelCliEnv = (api: VercelApi, certificate: LocalCertificate) => ({
  HOME: api.home,
  PATH: `${path.join(repoRoot, 'node_modules', '.bin')}:${process.env['PATH']}`,
  NODE_EXTRA_CA_CERTS: certificate.caFile,
});
