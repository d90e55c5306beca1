import { systemClock } from '../../shared/adapters/clock.js';
import { nodeHttpClient } from '../../shared/adapters/http.js';
import { workspaceFiles } from '../../shared/adapters/workspace.js';
import { actionsRuntime } from '../../shared/runtime/actions-runtime.js';
import { run } from './main.js';

await run({
  runtime: actionsRuntime(),
  http: nodeHttpClient(systemClock),
  clock: systemClock,
  files: workspaceFiles(process.env['GITHUB_WORKSPACE'] || process.cwd()),
  env: process.env,
});
