import { githubDeployments, type DeploymentRecorder, type DeploymentState } from '../adapters/deployments.js';
import { deploymentDescription } from '../core/traffic/deployment-records.js';
import type { DeploymentSettings } from '../core/traffic/deployment-settings.js';
import { githubContext } from './github-context.js';
import type { RevisionRecord } from '../core/traffic/revision-history.js';
import type { Runtime } from './runtime.js';

/** The real deployment recorder, addressed from the runner's environment. */
export function deploymentsFromEnv(env: Readonly<Record<string, string | undefined>>) {
  return (settings: DeploymentSettings): DeploymentRecorder => {
    const github = githubContext(env);
    return githubDeployments({
      ...github,
      token: settings['github-token'],
      environment: settings['github-environment'],
      production: /^prod/i.test(settings['github-environment']),
      logUrl: github.runUrl,
      ...(settings['environment-url'] && { environmentUrl: settings['environment-url'] }),
    });
  };
}

/** This run's deployment in the environment, or undefined without github-environment. */
export function deploymentRecorder<S extends DeploymentSettings>(
  settings: S,
  deploymentsFor: ((settings: S) => DeploymentRecorder) | undefined,
  runtime: Pick<Runtime, 'setSecret'>,
): DeploymentRecorder | undefined {
  if (!settings['github-environment'] || !deploymentsFor) return undefined;
  runtime.setSecret(settings['github-token']);
  return deploymentsFor(settings);
}

/**
 * Deployment records are for people: a failure to write one is a warning and never
 * stops a rollout or a rollback. Without a recorder, recording does nothing.
 */
export function deploymentRecord(
  settings: DeploymentSettings,
  recorder: DeploymentRecorder | undefined,
  runtime: Pick<Runtime, 'warning'>,
): (state: DeploymentState, description: string) => Promise<void> {
  if (!recorder) return async () => {};
  return async (state, description) => {
    try {
      const note = settings['deployment-note'];
      await recorder.status(state, deploymentDescription(description, note));
    } catch (error) {
      runtime.warning(`Deployment record not written: ${(error as Error).message}`);
    }
  };
}

/** How long a rollback waits for GitHub's deployment history before going on without it. */
const HISTORY_WAIT_MS = 10_000;

/** The environment's deployment history; without it (no record, no access, slow) the rollback still runs. */
export async function revisionHistory(
  recorder: DeploymentRecorder | undefined,
  runtime: Pick<Runtime, 'warning'>,
): Promise<RevisionRecord[]> {
  if (!recorder) return [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), HISTORY_WAIT_MS)),
  );
  try {
    const history = await Promise.race([recorder.revisions(), late]);
    if (history) return history;
    runtime.warning(`GitHub's deployment history took over ${HISTORY_WAIT_MS / 1000}s; going on without it`);
  } catch (error) {
    runtime.warning(
      `Deployment history not read, so rolled-back revisions are not known: ${(error as Error).message}`,
    );
  } finally {
    clearTimeout(timer);
  }
  return [];
}
