/**
 * A project's rolling-release configuration, read and put back without I/O. A
 * release takes its stages from that configuration when it starts, so shift-traffic
 * sets its own; Git deploys would then stall at the first stage, so what was there
 * goes back. GET /v1/projects/:idOrName/rolling-release/config answers
 * {rollingRelease: {target, stages: [{targetPercentage, requireApproval?, duration?,
 * linearShift?}], canaryResponseHeader?, gate?} | null} (@vercel/sdk
 * getrollingreleaseconfigop); it is written back with `vercel rolling-release
 * configure --cfg <json>`, which PATCHes {...json, enabled: true} (58.10.0,
 * configure-rolling-release.ts), or `--disable`. The PATCH body says how stages
 * advance with advancementType, as the CLI and terraform-provider-vercel send it,
 * where GET says it per stage (requireApproval).
 */
import { stagesFrom } from './vercel-release.js';

export interface ConfigStage {
  targetPercentage: number;
  requireApproval?: boolean;
  /** Minutes before an automatic stage advances. */
  duration?: number;
  linearShift?: boolean;
}

/** As GET …/rolling-release/config answers it; null when releases are off. */
export interface ReleaseConfig {
  stages: ConfigStage[];
  /** Anything else Vercel keeps there (target, canaryResponseHeader, gate …), put back as read. */
  [field: string]: unknown;
}

/** `vercel api …/rolling-release/config --raw`, on stdout. */
export function parseConfigOutput(stdout: string): ReleaseConfig | null {
  const doc = JSON.parse(stdout) as { rollingRelease?: unknown };
  if (!('rollingRelease' in doc)) throw new SyntaxError('no rollingRelease in its output');
  const config = doc.rollingRelease as Record<string, unknown> | null;
  if (config === null) return null;
  if (typeof config !== 'object' || !Array.isArray(config['stages']))
    throw new SyntaxError('a rolling-release configuration without stages');
  return config as ReleaseConfig;
}

/** The `vercel rolling-release configure` arguments that put `config` back. */
export function restoreArgs(config: ReleaseConfig | null): string[] {
  if (!config) return ['--disable'];
  const { stages } = config;
  // target is not part of the PATCH body; enabled is added by the CLI.
  const rest = Object.entries(config).filter(([field]) => field !== 'target' && field !== 'stages');
  const manual = stages.some((s) => s.requireApproval);
  const body = {
    ...Object.fromEntries(rest),
    advancementType: manual ? 'manual-approval' : 'automatic',
    stages: stages.map((s) => ({
      targetPercentage: s.targetPercentage,
      ...(s.duration !== undefined && { duration: s.duration }),
      ...(s.linearShift !== undefined && { linearShift: s.linearShift }),
    })),
  };
  return ['--cfg', JSON.stringify(body)];
}

const shape = (config: ReleaseConfig | null) =>
  config && {
    stages: config.stages.map((s) => [
      s.targetPercentage,
      s.requireApproval === true,
      s.duration ?? null,
      s.linearShift === true,
    ]),
    canaryResponseHeader: config['canaryResponseHeader'] === true,
  };

/** Whether two configurations release the same way (what Vercel reads them for). */
export function sameConfig(a: ReleaseConfig | null, b: ReleaseConfig | null): boolean {
  return JSON.stringify(shape(a)) === JSON.stringify(shape(b));
}

/** "off", or "manual approval at 10%, 50%, 100%". */
export function describeConfig(config: ReleaseConfig | null): string {
  if (!config) return 'off';
  const manual = config.stages.some((s) => s.requireApproval);
  const stages = config.stages.map((s) => `${s.targetPercentage}%${s.duration ? ` for ${s.duration}m` : ''}`);
  return `${manual ? 'manual approval' : 'automatic'} at ${stages.join(', ')}`;
}

/** What shift-traffic configures for a plan: manual approval at its weights, then 100. */
export function isPlanConfig(config: ReleaseConfig | null, planned: readonly number[]): boolean {
  if (!config || !planned.length) return false;
  const ours = [...stagesFrom(planned[0]!, planned), 100];
  const manual = config.stages.slice(0, -1).every((s) => s.requireApproval && s.duration === undefined);
  return manual && JSON.stringify(config.stages.map((s) => s.targetPercentage)) === JSON.stringify(ours);
}
