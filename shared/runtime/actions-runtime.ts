import * as core from '@actions/core';
import { inert } from '../core/log-line.js';
import type { Runtime } from './runtime.js';

export function actionsRuntime(): Runtime {
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (value) => core.setSecret(value),
    // core.info writes the text as it is; everything else core escapes itself.
    info: (message) => core.info(inert(message)),
    debug: (message) => core.debug(message),
    isDebug: () => core.isDebug(),
    notice: (message, properties) => core.notice(message, properties),
    warning: (message, properties) => core.warning(message, properties),
    error: (message, properties) => core.error(message, properties),
    writeSummary: async (markdown) => {
      if (!process.env['GITHUB_STEP_SUMMARY']) return;
      await core.summary.addRaw(markdown, true).write();
    },
    // core.setFailed is exitCode 1 plus core.error(message); the same, with a title.
    setFailed: (message, properties) => {
      process.exitCode = 1;
      core.error(message, properties);
    },
    getState: (name) => core.getState(name),
    saveState: (name, value) => core.saveState(name, value),
  };
}
