import type { Clock } from '../../shared/adapters/clock.js';
import type { HttpClient } from '../../shared/adapters/http.js';
import type { WorkspaceFiles } from '../../shared/adapters/workspace.js';
import {
  planProbes,
  probeFileSpecs,
  probeLine,
  probingLine,
  PROBE_FILE_EXAMPLE,
} from '../../shared/core/probe-plan.js';
import { runProbes } from '../../shared/engine/probe-runner.js';
import { runStep } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { healthcheckResult } from './result.js';
import { healthcheckExamples, healthcheckInputs, probeDefaultsOf } from './settings.js';

export interface HealthcheckDeps {
  runtime: Runtime;
  http: HttpClient;
  clock: Clock;
  files: WorkspaceFiles;
  env: Readonly<Record<string, string | undefined>>;
}

export function run(deps: HealthcheckDeps): Promise<void> {
  const { runtime } = deps;
  return runStep('healthcheck', runtime, async () => {
    const settings = await readSettings(runtime, healthcheckInputs, healthcheckExamples);
    const config = settings.config;
    const fromFile = config
      ? await probeFileSpecs(deps.files.read('config', config, PROBE_FILE_EXAMPLE), config)
      : [];
    const built = planProbes(settings.probes ?? [], fromFile, {
      baseUrl: settings['base-url'],
      defaults: probeDefaultsOf(settings),
      env: deps.env,
    });
    const redactor = maskSecrets(runtime, built.secrets);
    const say = (message: string) => runtime.info(redactor.redact(message));

    say(probingLine(built.probes.length, settings.concurrency));
    const bounds = { concurrency: settings.concurrency, perHost: settings['per-host'] };
    const report = await runProbes(built.probes, built.displayUrls, bounds, {
      http: deps.http,
      clock: deps.clock,
      log: say,
    });
    report.probes.forEach((p) => say(probeLine(p)));
    await publish(
      runtime,
      healthcheckResult(report, settings['fail-on-unhealthy'], deps.clock.date()),
      redactor,
    );
  });
}
