/** One thing verify-checklist checked itself, and what to do when it is wrong. */
export interface FactResult {
  fact: 'changelog' | 'version-files' | 'build-numbers' | 'release-tag' | 'release-window';
  passed: boolean;
  /** Passed only because an override (the hotfix input) waived it. */
  waived?: boolean;
  /** What was found, or what to fix. */
  message: string;
  file?: string;
  line?: number;
}
