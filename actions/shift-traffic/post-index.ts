import { providerFor } from '../../shared/adapters/providers/index.js';
import { actionsRuntime } from '../../shared/runtime/actions-runtime.js';
import { post } from './post.js';

await post(actionsRuntime(), providerFor);
