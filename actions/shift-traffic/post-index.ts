import { realDependencies } from '../../shared/runtime/real-dependencies.js';
import { post } from './post.js';

const { runtime, providerFor } = realDependencies();
await post(runtime, providerFor);
