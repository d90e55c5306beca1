import { actionsRuntime } from '../../shared/runtime/actions-runtime.js';
import { notAvailable } from '../../shared/runtime/not-available.js';

notAvailable(actionsRuntime(), 'verify-checklist', 'issue #5');
