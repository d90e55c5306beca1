/** Inputs for GitHub deployment records, shared by shift-traffic and rollback. */
import * as z from 'zod/mini';
import { optionalInput } from '../schema-kit.js';

export const deploymentInputs = {
  /** Record as a GitHub deployment to this environment; empty: no records. */
  'github-environment': z.string().check(z.trim()).check(z.maxLength(255, 'must be at most 255 characters')),
  /** The environment's URL, shown on the Environments page. */
  'environment-url': optionalInput(z.url('must be a URL')),
  /** Appended to every deployment status, e.g. "hotfix: soak skipped". */
  'deployment-note': z.string().check(z.trim()).check(z.maxLength(60, 'must be at most 60 characters')),
  /** Token for deployment records (deployments: write). */
  'github-token': z.string().check(z.trim()),
};

export const deploymentExamples = {
  'github-environment': 'github-environment: production',
  'environment-url': 'environment-url: https://shop.example.com',
  'deployment-note': 'deployment-note: "hotfix: soak skipped"',
  'github-token': 'github-token: ${{ github.token }}',
};

export type DeploymentSettings = z.output<z.ZodMiniObject<typeof deploymentInputs>>;
