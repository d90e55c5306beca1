import type { ProviderSettings } from '../../core/traffic/provider-settings.js';
import { execRunner } from '../exec.js';
import { cloudRunProvider } from './cloud-run.js';
import { commandProvider } from './command.js';
import { haproxyProvider } from './haproxy.js';
import { kubernetesProvider } from './kubernetes.js';
import { systemClock } from '../clock.js';
import { localProvider } from './local.js';
import type { TrafficProvider } from './provider.js';

/** The revisions an action names, handed to command scripts as context. */
interface NamedRevisions {
  'stable-revision'?: string | undefined;
  'canary-revision'?: string | undefined;
  'to-revision'?: string | undefined;
  'cloud-run-tag'?: string | undefined;
  'rollout-timeout'?: number | undefined;
  'hang-after'?: number | undefined;
}

/** An empty (or blank) input means "not given". */
const optional = (text: string) => (text.trim() ? text : undefined);

export function providerFor(settings: ProviderSettings & NamedRevisions): TrafficProvider {
  switch (settings.provider) {
    case 'haproxy':
      return haproxyProvider({
        socket: settings['haproxy-socket'],
        backend: settings['haproxy-backend'],
        ...(settings['hang-after'] && { hangAfterMs: settings['hang-after'] }),
      });
    case 'cloud-run':
      return cloudRunProvider(
        {
          service: settings['cloud-run-service'],
          region: settings['cloud-run-region'],
          ...(settings['cloud-run-project'] && { project: settings['cloud-run-project'] }),
          ...(settings['cloud-run-tag'] && { tag: settings['cloud-run-tag'] }),
        },
        execRunner(),
      );
    case 'kubernetes': {
      const namespace = optional(settings['kubernetes-namespace']);
      const context = optional(settings['kubernetes-context']);
      const deployment = optional(settings['kubernetes-deployment']);
      const container = optional(settings['kubernetes-container']);
      return kubernetesProvider(
        {
          route: settings['kubernetes-route'],
          revisions: [
            settings['stable-revision'],
            settings['canary-revision'],
            settings['to-revision'],
          ].filter((r): r is string => !!r),
          ...(namespace && { namespace }),
          ...(context && { context }),
          ...(deployment && { deployment }),
          ...(container && { container }),
          rolloutTimeoutMs: settings['rollout-timeout'] ?? 600_000,
          // Tests poll faster than a cluster needs.
          pollMs: Number(process.env['RELEASE_ACTIONS_POLL_MS'] ?? 2000),
        },
        execRunner(),
        systemClock,
      );
    }
    case 'local':
      return localProvider(settings['local-router-url']);
    case 'command': {
      const env: Record<string, string> = {};
      if (settings['stable-revision']) env['STABLE_REVISION'] = settings['stable-revision'];
      if (settings['canary-revision']) env['CANARY_REVISION'] = settings['canary-revision'];
      if (settings['to-revision']) env['TARGET_REVISION'] = settings['to-revision'];
      const list = optional(settings['command-list-revisions']);
      const deploy = optional(settings['command-deploy']);
      const metrics = optional(settings['command-metrics']);
      return commandProvider(
        {
          getSplit: settings['command-get-split'],
          setSplit: settings['command-set-split'],
          ...(list && { listRevisions: list }),
          ...(deploy && { deploy }),
          ...(metrics && { metrics }),
          env,
        },
        execRunner(),
      );
    }
    default:
      // Settings validation admits only available providers; reaching here is a bug.
      throw new Error(`provider ${settings.provider} has no adapter`);
  }
}
