/**
 * The post step runs after every job that used shift-traffic, and nearly always
 * finds the traffic settled: it reads the state the runner hands over
 * (STATE_<name>, as @actions/core's getState does) and loads the router code only
 * when the main step left traffic mid-shift.
 */
import { leftShifting, sealedState } from './state.js';

if (leftShifting(sealedState((name) => process.env[`STATE_${name}`] ?? ''))) {
  const { postWithRealDependencies } = await import('./post.js');
  await postWithRealDependencies();
}
