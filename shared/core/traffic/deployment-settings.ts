/** Inputs for GitHub deployment records, shared by shift-traffic and rollback. */
import { z } from 'zod';
import { optionalInput } from '../schema-kit.js';

export const deploymentInputs = {
  /** Record as a GitHub deployment to this environment; empty: no records. */
  'github-environment': z.string().trim().max(255, 'must be at most 255 characters'),
  /** The environment's URL, shown on the Environments page. */
  'environment-url': optionalInput(z.string().url('must be a URL')),
  /** Appended to every deployment status, e.g. "hotfix: soak skipped". */
  'deployment-note': z.string().trim().max(60, 'must be at most 60 characters'),
  /** Token for deployment records (deployments: write). */
  'github-token': z.string().trim(),
};

export const deploymentExamples = {
  'github-environment': 'github-environment: production',
  'environment-url': 'environment-url: https://shop.example.com',
  'deployment-note': 'deployment-note: "hotfix: soak skipped"',
  'github-token': 'github-token: ${{ github.token }}',
};

export type DeploymentSettings = z.output<z.ZodObject<typeof deploymentInputs>>;
