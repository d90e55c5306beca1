import type { Runtime } from './runtime.js';

/** Entry for an action whose capability has not shipped: it fails plainly and touches nothing. */
export function notAvailable(runtime: Runtime, action: string, plannedIn: string): void {
  runtime.setFailed(
    `${action} is not available yet in this version of release-actions (planned: ${plannedIn}); ` +
      'it has not changed anything. Available today: healthcheck, deploy-canary, shift-traffic, rollback, open-incident-issue.',
  );
}
