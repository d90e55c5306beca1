import { githubWorkflowRuns } from '../../shared/adapters/workflow-runs.js';
import { githubTracker } from '../../shared/adapters/github.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run } from './main.js';

const deps = realDependencies();
const github = githubContext(deps.env);
await run({
  ...deps,
  trackerFor: (settings, log) => githubTracker({ ...github, token: settings['github-token'], log }),
  runsFor: (settings, log) => githubWorkflowRuns({ ...github, token: settings['github-token'], log }),
});
