import type { AnnotationProperties, Runtime } from '../../shared/runtime/runtime.js';

export interface RecordingRuntime extends Runtime {
  outputs: Record<string, string>;
  secrets: string[];
  logs: string[];
  annotations: { level: string; message: string; properties?: AnnotationProperties }[];
  summaries: string[];
  failed?: string;
}

/** A Runtime that records what an action did, for in-process tests. */
export function recordingRuntime(inputs: Record<string, string>): RecordingRuntime {
  const state: Record<string, string> = {};
  const rt: RecordingRuntime = {
    outputs: {},
    secrets: [],
    logs: [],
    annotations: [],
    summaries: [],
    getInput: (name) => (inputs[name] ?? '').trim(),
    setOutput: (name, value) => void (rt.outputs[name] = value),
    setSecret: (value) => void rt.secrets.push(value),
    info: (m) => void rt.logs.push(m),
    debug: (m) => void rt.logs.push(`debug: ${m}`),
    isDebug: () => false,
    notice: (message, properties) =>
      void rt.annotations.push({ level: 'notice', message, ...(properties && { properties }) }),
    warning: (message, properties) =>
      void rt.annotations.push({ level: 'warning', message, ...(properties && { properties }) }),
    error: (message, properties) =>
      void rt.annotations.push({ level: 'error', message, ...(properties && { properties }) }),
    writeSummary: async (markdown) => void rt.summaries.push(markdown),
    setFailed: (message) => void (rt.failed = message),
    getState: (name) => state[name] ?? '',
    saveState: (name, value) => void (state[name] = value),
  };
  return rt;
}
