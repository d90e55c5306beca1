/**
 * The action with the real runner, clock, network and files. The runner's entry
 * (index.ts) calls it; so does GitHub's local-action, which imports this module
 * and calls run() itself: `npx local-action run <name> actions/<name>/run.ts .env`.
 */
import { githubWorkflowRuns } from '../../shared/adapters/workflow-runs.js';
import { githubTracker } from '../../shared/adapters/incident-tracker.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run as main } from './main.js';
import type { IncidentSettings } from './settings.js';

/** Where the incidents live: issue-repository's, else the run's own. */
const issueRepository = (settings: IncidentSettings) => {
  const [owner, repo] = settings['issue-repository']?.split('/') ?? [];
  return owner && repo ? { owner, repo } : {};
};

export function run(): Promise<void> {
  const deps = realDependencies();
  const github = githubContext(deps.env);
  return main({
    ...deps,
    trackerFor: (settings, log) =>
      githubTracker({ ...github, ...issueRepository(settings), token: settings['github-token'], log }),
    runsFor: (settings, log) => githubWorkflowRuns({ ...github, token: settings['github-token'], log }),
  });
}
