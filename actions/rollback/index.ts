import { providerFor } from '../../shared/adapters/providers/index.js';
import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { run } from './main.js';

await run({ ...realDependencies(), providerFor });
