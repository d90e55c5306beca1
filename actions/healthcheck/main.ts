import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigurationError, leafIssue } from '../../shared/core/errors.js';
import { buildProbes, probeFile, type ProbeSpec } from '../../shared/core/probe-spec.js';
import type { Clock } from '../../shared/adapters/clock.js';
import type { HttpClient } from '../../shared/adapters/http.js';
import type { WorkspaceFiles } from '../../shared/adapters/workspace.js';
import { runProbes } from '../../shared/engine/probe-runner.js';
import { runAction } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { problemText, yamlErrorLine } from '../../shared/core/schema-kit.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { healthcheckResult } from './result.js';
import { healthcheckExamples, healthcheckInputs } from './settings.js';

export interface HealthcheckDeps {
  runtime: Runtime;
  http: HttpClient;
  clock: Clock;
  files: WorkspaceFiles;
  env: Readonly<Record<string, string | undefined>>;
}

export function run(deps: HealthcheckDeps): Promise<void> {
  const { runtime } = deps;
  return runAction('healthcheck', runtime, async () => {
    const settings = readSettings(runtime, healthcheckInputs, healthcheckExamples);
    const specs = [
      ...(settings.probes ?? []),
      ...(settings.config ? loadProbeFile(deps.files, settings.config) : []),
    ];
    const duplicate = specs.find((p, i) => specs.findIndex((q) => q.name === p.name) !== i);
    if (duplicate) {
      throw new ConfigurationError(
        'config',
        `repeats the probe name '${duplicate.name}' already used in probes; names must be unique`,
        'name: api-health',
      );
    }
    const built = buildProbes(specs, {
      input: settings.config && !settings.probes?.length ? 'config' : 'probes',
      baseUrl: settings['base-url'],
      defaults: {
        timeoutMs: settings.timeout,
        samples: settings.samples,
        retries: settings.retries,
        retryDelayMs: settings['retry-delay'],
      },
      env: deps.env,
    });
    const redactor = maskSecrets(runtime, built.secrets);
    const say = (message: string) => runtime.info(redactor.redact(message));

    say(
      `Probing ${built.probes.length} endpoint${built.probes.length > 1 ? 's' : ''} (concurrency ${settings.concurrency})`,
    );
    const report = await runProbes(built.probes, built.displayUrls, settings.concurrency, {
      http: deps.http,
      clock: deps.clock,
      log: say,
    });
    for (const p of report.probes) {
      const latency = p.latencyMs
        ? ` p50 ${Math.round(p.latencyMs.p50)}ms p95 ${Math.round(p.latencyMs.p95)}ms`
        : '';
      say(
        `${p.healthy ? 'up  ' : 'DOWN'} ${p.name}: ${p.method} ${p.url} → ${p.status ?? 'no response'}${latency}${p.reason ? ` — ${p.reason}` : ''}`,
      );
    }
    await publish(
      runtime,
      healthcheckResult(report, settings['fail-on-unhealthy'], deps.clock.date()),
      redactor,
    );
  });
}

function loadProbeFile(files: WorkspaceFiles, file: string): ProbeSpec[] {
  const example = 'config: .github/healthcheck.yml';
  const text = files.read('config', file, example);
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigurationError(
      'config',
      `names ${file}, which is not valid YAML (${yamlErrorLine(error)})`,
      example,
    );
  }
  const parsed = probeFile.safeParse(document);
  if (!parsed.success) {
    const issue = leafIssue(parsed.error.issues[0] as z.core.$ZodIssue);
    const path = issue.path[0] === 'probes' ? issue.path : ['probes', ...issue.path];
    throw new ConfigurationError(
      'config',
      `names ${file}, which ${problemText({ ...issue, path })}`,
      example,
    );
  }
  return parsed.data;
}
