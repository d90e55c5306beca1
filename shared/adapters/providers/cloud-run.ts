/**
 * Cloud Run over the gcloud CLI (so google-github-actions/auth and the runner's
 * gcloud configuration just work). Argv only; JSON read by the pure parsers.
 */
import {
  parseRevisions,
  parseService,
  revisionUrl,
  toRevisionsArgument,
} from '../../core/traffic/cloud-run-json.js';
import { sameSplit } from '../../core/traffic/split.js';
import type { CommandRunner } from '../exec.js';
import { ProviderError, type DeployRequest, type Revision, type TrafficProvider } from './provider.js';

export interface CloudRunOptions {
  service: string;
  region: string;
  /** Empty: gcloud's configured project. */
  project?: string;
  /** The tag that gives the canary its own URL. */
  tag?: string;
}

export function cloudRunProvider(options: CloudRunOptions, runner: CommandRunner): TrafficProvider {
  const where = [
    '--region',
    options.region,
    ...(options.project ? ['--project', options.project] : []),
    '--quiet',
  ];
  const gcloud = async (...args: string[]) => (await runner.run('gcloud', [...args, ...where])).stdout;
  const describe = async () => {
    try {
      return parseService(await gcloud('run', 'services', 'describe', options.service, '--format', 'json'));
    } catch (error) {
      // gcloud: "Cannot find service [api]". A canary needs a serving revision to start from.
      if (/Cannot find service \[/.test((error as Error).message))
        throw new ProviderError(
          `Cloud Run has no service ${options.service} in ${options.region}${options.project ? ` (project ${options.project})` : ''} yet: ` +
            `a canary starts next to a serving revision, so deploy the first one once yourself ` +
            `(gcloud run deploy ${options.service} --image IMAGE --region ${options.region}), then release with deploy-canary`,
        );
      throw error;
    }
  };

  return {
    kind: 'cloud-run',
    async readSplit() {
      return (await describe()).split;
    },
    async setSplit(split) {
      const current = (await describe()).split;
      if (sameSplit(current, split)) return;
      await gcloud(
        'run',
        'services',
        'update-traffic',
        options.service,
        '--to-revisions',
        toRevisionsArgument(split, current),
        '--format',
        'json',
      );
    },
    async listRevisions(): Promise<Revision[]> {
      const [revisions, service] = await Promise.all([
        gcloud('run', 'revisions', 'list', '--service', options.service, '--format', 'json').then(
          parseRevisions,
        ),
        describe(),
      ]);
      return revisions.map((r) => {
        const url = revisionUrl(service, r.name);
        return { name: r.name, ready: r.ready, ...(url && { url }) };
      });
    },
    async deploy(request: DeployRequest): Promise<Revision> {
      if (!request.image) throw new ProviderError('Cloud Run needs the image to deploy');
      const tag = options.tag ?? 'canary';
      await gcloud(
        'run',
        'deploy',
        options.service,
        '--image',
        request.image,
        '--no-traffic',
        '--tag',
        tag,
        '--format',
        'json',
      );
      const service = await describe();
      const tagged = service.tags.find((t) => t.tag === tag);
      const name = tagged?.revision ?? service.latestCreatedRevision;
      if (!name)
        throw new ProviderError(
          `gcloud deployed ${options.service}, but the service reports no new revision`,
        );
      return { name, ...(tagged && { url: tagged.url }) };
    },
  };
}
