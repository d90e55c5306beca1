/** What an action's entry hands to its main: the real runner, clock, network and files. */
import { runnerClock } from '../adapters/clock.js';
import { nodeHttpClient } from '../adapters/http.js';
import { routeThroughRunnerProxy } from '../adapters/proxy.js';
import { workspaceFiles } from '../adapters/workspace.js';
import { actionsRuntime } from './actions-runtime.js';

export function realDependencies() {
  const clock = runnerClock(process.env);
  const runtime = actionsRuntime();
  const proxy = routeThroughRunnerProxy(process.env, runtime);
  return {
    runtime,
    clock,
    http: nodeHttpClient(clock, { proxy }),
    files: workspaceFiles(process.env['GITHUB_WORKSPACE'] || process.cwd()),
    env: process.env,
  };
}
