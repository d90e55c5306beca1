import type { ProviderSettings } from '../../core/traffic/provider-settings.js';
import { haproxyProvider } from './haproxy.js';
import type { TrafficProvider } from './provider.js';

export function providerFor(settings: ProviderSettings): TrafficProvider {
  switch (settings.provider) {
    case 'haproxy':
      return haproxyProvider({ socket: settings['haproxy-socket'], backend: settings['haproxy-backend'] });
    default:
      // Settings validation admits only available providers; reaching here is a bug.
      throw new Error(`provider ${settings.provider} has no adapter`);
  }
}
