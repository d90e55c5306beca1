import { providerFor as realProviderFor } from '../../shared/adapters/providers/index.js';
import type { ProviderHints, TrafficProvider } from '../../shared/adapters/providers/provider.js';
import { chatWebhooksOf, postToChats, type ChatWebhookSettings } from '../../shared/adapters/chat.js';
import { runnerClock } from '../../shared/adapters/clock.js';
import { nodeHttpClient, type HttpClient } from '../../shared/adapters/http.js';
import { routeThroughRunnerProxy } from '../../shared/adapters/proxy.js';
import { rollbackChatMessage } from '../../shared/core/notify/chat-message.js';
import { chatExamples, chatInputs } from '../../shared/core/notify/webhook-input.js';
import { githubContext } from '../../shared/runtime/github-context.js';
import { actionsRuntime } from '../../shared/runtime/actions-runtime.js';
import { allOn, describeSplit, sameSplit } from '../../shared/core/traffic/split.js';
import { runStep } from '../../shared/runtime/errors.js';
import { readSettings } from '../../shared/runtime/inputs.js';
import type { Runtime } from '../../shared/runtime/runtime.js';
import { leftShifting, putBack, sealedState } from './state.js';
import * as z from 'zod/mini';
import {
  checkProviderInputs,
  providerExamples,
  providerInputs,
  revisionName,
  type ProviderSettings,
} from '../../shared/core/traffic/provider-settings.js';

/**
 * Only what putting traffic back needs: the main step already checked every input,
 * and the rest (probes, gates, plans) would bring the whole engine into this bundle.
 */
const postInputs = z
  .object({
    ...providerInputs,
    'stable-revision': revisionName,
    'canary-revision': revisionName,
    ...chatInputs,
  })
  .check(z.superRefine(checkProviderInputs));
const postExamples = {
  ...providerExamples,
  'stable-revision': 'stable-revision: blue',
  'canary-revision': 'canary-revision: green',
  ...chatExamples,
};
type PostSettings = ProviderSettings & {
  'stable-revision': string;
  'canary-revision': string;
} & ChatWebhookSettings;

/**
 * Runs after the job, also when it was cancelled or failed. If the main step
 * never settled the traffic (killed by a signal mid-shift, crashed), all traffic
 * goes back to stable here.
 */
export function post(
  runtime: Runtime,
  providerFor: (s: PostSettings & ProviderHints) => TrafficProvider,
  http: HttpClient,
): Promise<void> {
  return runStep('shift-traffic (post)', runtime, async () => {
    const state = sealedState((name) => runtime.getState(name));
    if (!leftShifting(state)) return;
    const settings = await readSettings(runtime, postInputs, postExamples);
    const stable = settings['stable-revision'];
    const provider = providerFor({ ...settings, 'provider-state': state });
    const warn = (m: string) => runtime.warning(m);
    const before = await provider.readSplit();
    if (sameSplit(before, allOn(stable))) {
      runtime.info(`shift-traffic did not finish, and traffic is already all on ${stable}.`);
      return putBack(provider, warn);
    }
    await provider.setSplit(allOn(stable));
    await putBack(provider, warn);
    runtime.error(
      `shift-traffic did not finish (cancelled or crashed) with traffic at ${describeSplit(before)}; all traffic is back on ${stable}.`,
      {
        title: 'shift-traffic: rolled back after an unfinished run',
      },
    );
    const news = rollbackChatMessage({
      action: 'shift-traffic (post step)',
      from: describeSplit(before),
      to: describeSplit(allOn(stable)),
      reason: 'the run did not finish (cancelled or crashed)',
      runUrl: githubContext(process.env).runUrl,
    });
    await postToChats(http, chatWebhooksOf(settings), news, runtime);
  });
}

/** The post step with the real runner and routers; post-index loads it only when needed. */
export function postWithRealDependencies(): Promise<void> {
  const runtime = actionsRuntime();
  const proxy = routeThroughRunnerProxy(process.env, runtime);
  return post(runtime, realProviderFor, nodeHttpClient(runnerClock(process.env), { proxy }));
}
