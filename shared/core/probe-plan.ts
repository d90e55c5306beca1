import type { z } from 'zod';
import { ConfigurationError, leafIssue } from './errors.js';
import {
  buildProbes,
  probeFile,
  type BuiltProbes,
  type ProbeDefaults,
  type ProbeSpec,
} from './probe-spec.js';
import { problemText, yamlErrorLine } from './schema-kit.js';
import type { ProbeVerdict } from './verdict.js';
import { parseYaml } from './yaml-text.js';

export const PROBE_FILE_EXAMPLE = 'config: .github/healthcheck.yml';

/** The probes in a config file's text: a YAML list, or `probes:` under a mapping. */
export async function probeFileSpecs(text: string, file: string): Promise<ProbeSpec[]> {
  let document: unknown;
  try {
    document = await parseYaml(text);
  } catch (error) {
    throw new ConfigurationError(
      'config',
      `names ${file}, which is not valid YAML (${yamlErrorLine(error)})`,
      PROBE_FILE_EXAMPLE,
    );
  }
  const parsed = await probeFile.safeParseAsync(document);
  if (parsed.success) return parsed.data;
  const issue = leafIssue(parsed.error.issues[0] as z.core.$ZodIssue);
  const path = issue.path[0] === 'probes' ? issue.path : ['probes', ...issue.path];
  throw new ConfigurationError(
    'config',
    `names ${file}, which ${problemText({ ...issue, path })}`,
    PROBE_FILE_EXAMPLE,
  );
}

/**
 * Every probe the step sends: the inline ones, then the file's, with unique
 * names, placeholders filled and defaults applied.
 */
export function planProbes(
  inline: readonly ProbeSpec[],
  fromFile: readonly ProbeSpec[],
  context: { baseUrl: string; defaults: ProbeDefaults; env: Readonly<Record<string, string | undefined>> },
): BuiltProbes {
  const specs = [...inline, ...fromFile];
  const duplicate = specs.find((p, i) => specs.findIndex((q) => q.name === p.name) !== i);
  if (duplicate) {
    throw new ConfigurationError(
      'config',
      `repeats the probe name '${duplicate.name}' already used in probes; names must be unique`,
      'name: api-health',
    );
  }
  return buildProbes(specs, { ...context, input: inline.length === 0 ? 'config' : 'probes' });
}

export function probingLine(count: number, concurrency: number): string {
  return `Probing ${count} endpoint${count > 1 ? 's' : ''} (concurrency ${concurrency})`;
}

/** One probe's line in the log: up or DOWN, what answered, its latency and why it failed. */
export function probeLine(p: ProbeVerdict): string {
  const latency = p.latencyMs
    ? ` p50 ${Math.round(p.latencyMs.p50)}ms p95 ${Math.round(p.latencyMs.p95)}ms`
    : '';
  const reason = p.reason ? ` — ${p.reason}` : '';
  return `${p.healthy ? 'up  ' : 'DOWN'} ${p.name}: ${p.method} ${p.url} → ${p.status ?? 'no response'}${latency}${reason}`;
}
