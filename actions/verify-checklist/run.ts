/**
 * The action with the real runner, clock, network and files. The runner's entry
 * (index.ts) calls it; so does GitHub's local-action, which imports this module
 * and calls run() itself: `npx local-action run <name> actions/<name>/run.ts .env`.
 */
import { githubChecklistIssues } from '../../shared/adapters/checklist-issues.js';
import { eventPayload } from '../../shared/adapters/event.js';
import { execRunner } from '../../shared/adapters/exec.js';
import { gitHistory } from '../../shared/adapters/git.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run as main } from './main.js';

export function run(): Promise<void> {
  const deps = realDependencies();
  const github = githubContext(deps.env);
  return main({
    ...deps,
    event: eventPayload(deps.env),
    git: gitHistory(execRunner(deps.env), deps.env['GITHUB_WORKSPACE'] || process.cwd()),
    issuesFor: (settings, log) => githubChecklistIssues({ ...github, token: settings['github-token'], log }),
  });
}
