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
import { sameSplit, type Split } from '../../core/traffic/split.js';
import { deployExtras } from '../../core/traffic/cloud-run-deploy.js';
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
  return new CloudRunService(options, runner);
}

class CloudRunService implements TrafficProvider {
  readonly kind = 'cloud-run';
  private readonly where: string[];

  constructor(
    private readonly options: CloudRunOptions,
    private readonly runner: CommandRunner,
  ) {
    this.where = [
      '--region',
      options.region,
      ...(options.project ? ['--project', options.project] : []),
      '--quiet',
    ];
  }

  private async gcloud(...args: string[]): Promise<string> {
    return (await this.runner.run('gcloud', [...args, ...this.where])).stdout;
  }

  private async describe() {
    const { service, region, project } = this.options;
    try {
      return parseService(await this.gcloud('run', 'services', 'describe', service, '--format', 'json'));
    } catch (error) {
      // gcloud: "Cannot find service [api]". A canary needs a serving revision to start from.
      if (!/Cannot find service \[/.test((error as Error).message)) throw error;
      throw new ProviderError(
        `Cloud Run has no service ${service} in ${region}${project ? ` (project ${project})` : ''} yet: ` +
          `a canary starts next to a serving revision, so deploy the first one once yourself ` +
          `(gcloud run deploy ${service} --image IMAGE --region ${region}), then release with deploy-canary`,
      );
    }
  }

  async readSplit(): Promise<Split> {
    return (await this.describe()).split;
  }

  async setSplit(split: Split): Promise<void> {
    const current = (await this.describe()).split;
    if (sameSplit(current, split)) return;
    const to = toRevisionsArgument(split, current);
    await this.gcloud(
      'run',
      'services',
      'update-traffic',
      this.options.service,
      '--to-revisions',
      to,
      '--format',
      'json',
    );
  }

  async listRevisions(): Promise<Revision[]> {
    const [revisions, service] = await Promise.all([
      this.gcloud('run', 'revisions', 'list', '--service', this.options.service, '--format', 'json').then(
        parseRevisions,
      ),
      this.describe(),
    ]);
    return revisions.map((r) => {
      const url = revisionUrl(service, r.name);
      return { name: r.name, ready: r.ready, ...(url && { url }) };
    });
  }

  async deploy(request: DeployRequest): Promise<Revision> {
    if (!request.image) throw new ProviderError('Cloud Run needs the image to deploy');
    const { service: name } = this.options;
    const tag = this.options.tag ?? 'canary';
    await this.gcloud(
      'run',
      'deploy',
      name,
      '--image',
      request.image,
      '--no-traffic',
      '--tag',
      tag,
      ...(request.cloudRun ? deployExtras(request.cloudRun) : []),
      '--format',
      'json',
    );
    const service = await this.describe();
    const tagged = service.tags.find((t) => t.tag === tag);
    const revision = tagged?.revision ?? service.latestCreatedRevision;
    if (!revision)
      throw new ProviderError(`gcloud deployed ${name}, but the service reports no new revision`);
    return { name: revision, ...(tagged && { url: tagged.url }) };
  }
}
