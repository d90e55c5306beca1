/** Moving traffic and making sure it moved: a router that ignores a split must not pass as done. */
import type { TrafficProvider } from '../adapters/providers/provider.js';
import { OperationalError } from '../core/errors.js';
import { describeSplit, sameSplit, type Split } from '../core/traffic/split.js';

export async function setAndConfirm(provider: TrafficProvider, to: Split): Promise<void> {
  await provider.setSplit(to);
  const after = await provider.readSplit();
  if (!sameSplit(after, to))
    throw new OperationalError(
      `the router still reports ${describeSplit(after)} after it was told ${describeSplit(to)}: the split did not take. Check the router (or the set-split command) and roll back by hand if needed.`,
    );
}
