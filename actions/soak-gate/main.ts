import type { Clock } from '../../shared/adapters/clock.js';
import type { SoakEvidenceSource } from '../../shared/adapters/soak-evidence.js';
import { escapeCell, table } from '../../shared/core/markdown.js';
import { judgeSoak, type SoakEvidence, type SoakVerdict } from '../../shared/core/soak.js';
import { runAction } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import { maskSecrets, publish } from '../../shared/runtime/report.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { soakExamples, soakInputs, type SoakSettings } from './settings.js';

export interface SoakDeps {
  runtime: Runtime;
  clock: Clock;
  evidenceFor: (settings: SoakSettings, log: (m: string) => void) => SoakEvidenceSource;
}

export function run(deps: SoakDeps): Promise<void> {
  const { runtime } = deps;
  return runAction('soak-gate', runtime, async () => {
    const settings = readSettings(runtime, soakInputs, soakExamples);
    const redactor = maskSecrets(runtime, [settings['github-token']]);
    const source = deps.evidenceFor(settings, (m) => runtime.info(redactor.redact(m)));
    const evidence = await source.evidence(settings.environment, settings.sha, settings['checks-workflow']);
    const policy = {
      environment: settings.environment,
      sha: settings.sha,
      durationMs: settings.duration,
      minChecks: settings['min-checks'] ?? Math.floor(settings.duration / settings.interval),
    };
    const verdict = judgeSoak(evidence, policy, deps.clock.date());
    const line = `${verdict.progress}${verdict.reason ? ` — ${verdict.reason}` : ''}`;
    const stop =
      verdict.status === 'failed' || (verdict.status === 'waiting' && settings['fail-while-waiting']);
    if (!stop) runtime.info(`Soak ${verdict.status}: ${line}`);
    await publish(
      runtime,
      {
        outputs: {
          status: verdict.status,
          progress: verdict.progress,
          'elapsed-seconds': String(Math.round(verdict.elapsedMs / 1000)),
          green: String(verdict.green),
          failed: String(verdict.failed),
        },
        annotations:
          verdict.status === 'waiting'
            ? [{ level: 'notice', message: line, properties: { title: 'Soak not over yet' } }]
            : [],
        summary: soakSummary(settings, evidence, verdict),
        ...(stop && {
          failure: verdict.status === 'failed' ? `Soak failed: ${line}` : `Soak not over yet: ${line}`,
        }),
      },
      redactor,
    );
  });
}

function soakSummary(settings: SoakSettings, evidence: SoakEvidence, verdict: SoakVerdict): string {
  const failed = evidence.checks.filter((c) => !c.passed);
  return [
    `## Soak of ${settings.sha.slice(0, 7)} on ${escapeCell(settings.environment)}: ${verdict.status}`,
    '',
    `**${verdict.progress}**${verdict.reason ? ` — ${escapeCell(verdict.reason)}` : ''}`,
    '',
    table(
      ['Evidence', ''],
      [
        [`Live on ${escapeCell(settings.environment)} since`, evidence.liveSince?.toISOString() ?? 'never'],
        [
          `Runs of ${escapeCell(settings['checks-workflow'])} since`,
          `${verdict.green} green, ${verdict.failed} failed`,
        ],
        ...failed.slice(0, 5).map((c) => ['Failed check', `${c.at.toISOString()} ${c.url}`]),
        ['Last check', evidence.checks.at(-1)?.at.toISOString() ?? 'none yet'],
      ],
    ),
    '',
  ].join('\n');
}
