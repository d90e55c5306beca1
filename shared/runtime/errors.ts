/**
 * The one place that ends a step as failed. A ConfigurationError is the user's to
 * fix and prints as its own sentence; anything else is our bug and says so, with
 * the stack kept for debug logging.
 */
import { ConfigurationError, OperationalError } from '../core/errors.js';
import type { Runtime } from './runtime.js';

export async function runStep(action: string, runtime: Runtime, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      runtime.setFailed(oneLine(error.message));
      return;
    }
    if (error instanceof OperationalError) {
      runtime.setFailed(oneLine(`${action}: ${error.message}`));
      return;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    runtime.debug(err.stack ?? err.message);
    runtime.setFailed(
      oneLine(
        `${action} stopped on an unexpected error: ${err.message}. This is a bug in release-actions; ` +
          're-run with debug logging (ACTIONS_STEP_DEBUG) to see the stack, and report it.',
      ),
    );
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
