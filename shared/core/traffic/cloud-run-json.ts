/**
 * Pure readers of gcloud's JSON for Cloud Run (`run services describe --format
 * json`, `run revisions list --format json`). The status is the truth: spec is
 * what was asked for, status what Cloud Run serves.
 */
import { normalizeSplit, type Split } from './split.js';

interface StatusTarget {
  revisionName?: string;
  percent?: number;
  tag?: string;
  url?: string;
}

export interface CloudRunService {
  split: Split;
  latestCreatedRevision?: string;
  /** Tag → revision and its own URL. */
  tags: { tag: string; revision: string; url: string }[];
  /** The service's own address: it reaches whatever revision has all traffic. */
  url?: string;
  ready: boolean;
}

/**
 * A revision's address: its tag's URL, or, when it serves all traffic (as after a
 * rollback), the service's own URL. An untagged revision with a share has none.
 */
export function revisionUrl(service: CloudRunService, revision: string): string | undefined {
  return (
    service.tags.find((t) => t.revision === revision)?.url ??
    (service.split[revision] === 100 ? service.url : undefined)
  );
}

export function parseService(json: string): CloudRunService {
  const doc = JSON.parse(json) as {
    status?: {
      url?: string;
      traffic?: StatusTarget[];
      latestCreatedRevisionName?: string;
      conditions?: { type: string; status: string }[];
    };
  };
  const status = doc.status ?? {};
  const split: Record<string, number> = {};
  for (const t of status.traffic ?? []) {
    if (t.revisionName && t.percent) split[t.revisionName] = (split[t.revisionName] ?? 0) + t.percent;
  }
  const tags = (status.traffic ?? [])
    .filter(
      (t): t is Required<Pick<StatusTarget, 'tag' | 'revisionName' | 'url'>> & StatusTarget =>
        !!t.tag && !!t.revisionName && !!t.url,
    )
    .map((t) => ({ tag: t.tag, revision: t.revisionName, url: t.url }));
  return {
    split: normalizeSplit(split),
    ...(status.latestCreatedRevisionName && { latestCreatedRevision: status.latestCreatedRevisionName }),
    tags,
    ...(status.url && { url: status.url }),
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  };
}

/**
 * Revisions, newest first. A revision whose Ready condition is False or Unknown
 * never became able to serve (a crashing container, a bad image): it is no
 * place to send traffic back to.
 */
export function parseRevisions(json: string): { name: string; created: string; ready: boolean }[] {
  const items = JSON.parse(json) as {
    metadata?: { name?: string; creationTimestamp?: string };
    status?: { conditions?: { type: string; status: string }[] };
  }[];
  return items
    .map((r) => {
      const ready = (r.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status;
      return {
        name: r.metadata?.name ?? '',
        created: r.metadata?.creationTimestamp ?? '',
        ready: ready !== 'False' && ready !== 'Unknown',
      };
    })
    .filter((r) => r.name)
    .sort((a, b) => b.created.localeCompare(a.created));
}

/** `--to-revisions` for a split; revisions serving now but not in the split get 0. */
export function toRevisionsArgument(target: Split, current: Split): string {
  const names = [...new Set([...Object.keys(current), ...Object.keys(target)])].sort();
  return names.map((n) => `${n}=${target[n] ?? 0}`).join(',');
}
