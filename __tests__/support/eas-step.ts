/**
 * What a step with provider: eas-update is given against the local Expo API
 * (expo-api.ts): the environment the real eas CLI needs there, and the shift-traffic
 * step of workflows-examples/eas-update-rollout.yml as the runner would expand it.
 */
import path from 'node:path';
import type { ExpoApi } from './expo-api.js';
import { recipe } from './recipes.js';
import { repoRoot } from './run-action.js';

/** eas from node_modules, its home, and EXPO_LOCAL=1 (the API on 127.0.0.1:3000). */
export const easCliEnv = (api: ExpoApi, bin = path.join(repoRoot, 'node_modules', '.bin')) => ({
  HOME: api.home,
  PATH: `${bin}:${process.env['PATH']}`,
  EXPO_LOCAL: '1',
});

/**
 * The example's step with the secret and the dispatch inputs expanded; hours made seconds.
 * Its eas-project-dir is the checkout: run it with `files: api.files`.
 */
export function exampleRolloutInputs(
  api: ExpoApi,
  names: { token: string; stable: string; canary: string },
): Record<string, string> {
  return {
    ...(recipe('eas-update-rollout.yml', 'shift-traffic').with as Record<string, string>),
    'expo-token': names.token,
    'stable-revision': names.stable,
    'canary-revision': names.canary,
    'step-duration': '4s',
    'check-interval': '1s',
    // One crash in 1000 launches must not trip 0.5 %: a verdict needs enough launches.
    'min-launches': '300',
    // The local API reports a failed launch 500 ms after it.
    'launch-report-lag': '1s',
  };
}
