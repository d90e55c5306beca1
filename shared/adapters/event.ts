/** The webhook payload of the event that started the run (GITHUB_EVENT_PATH). */
import { readFileSync } from 'node:fs';

export function eventPayload(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const file = env['GITHUB_EVENT_PATH'];
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
