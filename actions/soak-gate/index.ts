import { githubSoakEvidence } from '../../shared/adapters/soak-evidence.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run } from './main.js';

const deps = realDependencies();
const github = githubContext(deps.env);
await run({
  ...deps,
  evidenceFor: (settings, log) => githubSoakEvidence({ ...github, token: settings['github-token'], log }),
});
