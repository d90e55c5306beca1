/**
 * The Actions runner as our code sees it. Only this folder imports @actions/core,
 * so everything else can be driven by a recording fake in tests.
 */
import type { AnnotationProperties } from '../core/action-result.js';

export type { AnnotationProperties } from '../core/action-result.js';

export interface Runtime {
  /** The raw input string as the runner passed it (defaults from action.yml included). */
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  setSecret(value: string): void;
  info(message: string): void;
  debug(message: string): void;
  isDebug(): boolean;
  notice(message: string, properties?: AnnotationProperties): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  /** Appends markdown to the job summary; called once per run by the report writer. */
  writeSummary(markdown: string): Promise<void>;
  /** Fails the step with one error line (an annotation, with `properties` when given). */
  setFailed(message: string, properties?: AnnotationProperties): void;
  getState(name: string): string;
  saveState(name: string, value: string): void;
}
