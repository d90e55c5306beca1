/** What an action's entry hands to its main: the real runner, clock, network and files. */
import { runnerClock } from '../adapters/clock.js';
import { nodeHttpClient } from '../adapters/http.js';
import { workspaceFiles } from '../adapters/workspace.js';
import { actionsRuntime } from './actions-runtime.js';

export function realDependencies() {
  const clock = runnerClock(process.env);
  return {
    runtime: actionsRuntime(),
    clock,
    http: nodeHttpClient(clock),
    files: workspaceFiles(process.env['GITHUB_WORKSPACE'] || process.cwd()),
    env: process.env,
  };
}
