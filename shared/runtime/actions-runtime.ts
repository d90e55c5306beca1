import * as core from '@actions/core';
import { inert } from '../core/log-line.js';
import { messageText, titleText } from '../core/plain-text.js';
import type { Runtime } from './runtime.js';

export function actionsRuntime(): Runtime {
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (value) => core.setSecret(value),
    // core.info writes the text as it is; everything else core escapes itself.
    info: (message) => core.info(inert(messageText(message))),
    debug: (message) => core.debug(message),
    isDebug: () => core.isDebug(),
    notice: (message, properties) => core.notice(...annotation(message, properties)),
    warning: (message, properties) => core.warning(...annotation(message, properties)),
    error: (message, properties) => core.error(...annotation(message, properties)),
    writeSummary: async (markdown) => {
      if (!process.env['GITHUB_STEP_SUMMARY']) return;
      await core.summary.addRaw(markdown, true).write();
    },
    // core.setFailed is exitCode 1 plus core.error(message); the same, with a title.
    setFailed: (message, properties) => {
      process.exitCode = 1;
      core.error(...annotation(message, properties));
    },
    getState: (name) => core.getState(name),
    saveState: (name, value) => core.saveState(name, value),
  };
}

// Annotations carry text from pull requests and responses into the run's page:
// its title one plain line, no control or bidirectional characters in either.
function annotation(
  message: string,
  properties: core.AnnotationProperties = {},
): [string, core.AnnotationProperties] {
  return [
    messageText(message),
    { ...properties, ...(properties.title !== undefined && { title: titleText(properties.title) }) },
  ];
}
