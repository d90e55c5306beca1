import { githubChecklistIssues } from '../../shared/adapters/checklist-issues.js';
import { eventPayload } from '../../shared/adapters/event.js';
import { execRunner } from '../../shared/adapters/exec.js';
import { gitHistory } from '../../shared/adapters/git.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run } from './main.js';

const deps = realDependencies();
const github = githubContext(deps.env);
await run({
  ...deps,
  event: eventPayload(deps.env),
  git: gitHistory(execRunner(deps.env), deps.env['GITHUB_WORKSPACE'] || process.cwd()),
  issuesFor: (settings, log) => githubChecklistIssues({ ...github, token: settings['github-token'], log }),
});
