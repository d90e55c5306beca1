/**
 * What a step shows when it ends, as the core decides it: outputs, annotations,
 * the job summary and the one failure line. The runtime only writes it out.
 */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
}

export interface Annotation {
  level: 'notice' | 'warning' | 'error';
  message: string;
  properties?: AnnotationProperties;
}

export interface ActionResult {
  outputs: Record<string, string>;
  annotations: Annotation[];
  summary?: string;
  /** When set, the step fails with this one line after everything else is written. */
  failure?: string;
}
