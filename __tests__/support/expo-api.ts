/**
 * A local stand-in for Expo's GraphQL API (https://api.expo.dev/graphql), answering
 * exactly the operations eas-cli 24.8.0 sends for the commands provider: eas-update
 * runs. eas-cli talks to http://127.0.0.1:3000 when EXPO_LOCAL=1 (build/api.js), so
 * this server takes that fixed port and only one test file may start it.
 *
 * Shapes come from the CLI's own documents (build/graphql/types/Update.js
 * UpdateFragment, queries/UpdateQuery.js, BranchQuery.js, UpdateInsightsQuery.js,
 * mutations/PublishMutation.js, update/delete.js, BackgroundJobReceipt.js). What it
 * refuses, and how:
 * - a wrong token: HTTP 401 "Unauthorized", as api.expo.dev answers a bad EXPO_TOKEN
 *   (expo/eas-cli#1767: "CombinedError: [Network] Unauthorized");
 * - a second rollout on a branch while one is in progress ("Only one update can be
 *   rolled out on a branch at one time", docs.expo.dev/eas-update/rollouts). The CLI's
 *   own --rollout-percentage help reads as if the server took one over another ("even
 *   if that update is itself being rolled out"); the provider never asks for it, so
 *   only this test of the fake depends on which is true;
 * - a rollout percentage on an update that is not a rollout, or lower than it was (the
 *   CLI checks the same before it calls), or on a rollout already at 100. That last one
 *   is our reading of the docs' "Roll out fully" end state, not seen on the server;
 *   the provider never edits a rollout at 100;
 * - a rollout whose control is not the branch's latest update for that platform and
 *   runtime (update/republish.js reads it with ViewLatestUpdateOnBranch just before).
 * Deleting a group is a background job, as scheduleUpdateGroupDeletion is: the CLI
 * polls its receipt every second.
 *
 * Launches are simulated as devices do: each launch is one device, in the rollout
 * when its bucket (0–99) is under the percentage, else on the control update; it
 * fails before its first render at the rate of the bundle it runs. A failed launch
 * reaches the server late, as a real one does: expo-updates records it on the
 * device and sends it in Expo-Recent-Failed-Update-IDs with the device's next
 * manifest request (expo/expo packages/expo-updates, FileDownloader's extra
 * headers), so it shows in insights only `failureReportDelayMs` after the launch
 * (the device's next check), while a launch that rendered is counted at once. A
 * crash after the first render is never in these counts. A timespan must be ISO
 * dates with start before end, as the CLI checks (observe/startAndEndTime.js), and
 * the tests' launches all fall inside it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const EXPO_PORT = 3000;
const PLATFORMS = ['android', 'ios'] as const;
type Platform = (typeof PLATFORMS)[number];

interface Update {
  id: string;
  group: string;
  branch: string;
  platform: Platform;
  runtimeVersion: string;
  message: string;
  createdAt: string;
  /** Which JavaScript bundle it serves: republished copies share it. */
  bundle: string;
  rolloutPercentage: number | null;
  rolloutControlUpdate: { id: string; group: string } | null;
  installs: number;
  failedInstalls: number;
}

export interface ExpoApiOptions {
  token: string;
  projectId: string;
  /** Groups already published, oldest first: [branch, group id, bundle]. */
  groups: readonly [branch: string, group: string, bundle: string][];
  /** The share of launches that fail before first render, per bundle (absent: none). */
  crashRates?: Record<string, number>;
  /** How long after a failed launch the device's next manifest request reports it; default 500 ms. */
  failureReportDelayMs?: number;
}

export interface ExpoApi {
  /** An app directory eas-cli accepts (app.json with the project id), and HOME. */
  projectDir: string;
  /** Its files, for a workflow's checkout. */
  files: Record<string, string>;
  home: string;
  /** operationName of each request, in order. */
  operations: string[];
  /** The branch's groups, newest first, with their rollout percentage (null: not a rollout). */
  groupsOn(branch: string): { group: string; bundle: string; message: string; rollout: number | null }[];
  /** n device launches on the branch, split between the rollout and its control. */
  launch(branch: string, n: number): void;
  setCrashRate(bundle: string, rate: number): void;
  /** From now on, failed launches are reported this long after them. */
  setFailureReportDelay(ms: number): void;
  close(): Promise<void>;
}

const bucketOf = (device: number) => (device * 37) % 100;

/**
 * eas-cli's port is fixed, so test files that start this API take turns: one waits
 * while another holds the port (each closes it after its test).
 */
async function listenWhenFree(server: Server, deadline = Date.now() + 170_000): Promise<void> {
  for (;;) {
    const error = await new Promise<Error | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(EXPO_PORT, '127.0.0.1', () => resolve(undefined));
    });
    if (!error) return;
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw error;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startExpoApi(options: ExpoApiOptions): Promise<ExpoApi> {
  const branches = new Map<string, string>();
  const updates: Update[] = [];
  const crashRates = { ...options.crashRates };
  const receipts = new Map<string, { group: string; polls: number }>();
  const operations: string[] = [];
  let clock = Date.parse('2026-11-30T08:00:00Z');
  let devices = 0;
  const crashesSoFar = new Map<string, number>();
  const launchesOf = new Map<string, number>();
  let reportDelayMs = options.failureReportDelayMs ?? 500;
  /** Failed launches the devices have not reported yet: the update and when its device asks again. */
  const unreported: { update: Update; at: number }[] = [];
  const reportDue = () => {
    const now = Date.now();
    for (let i = unreported.length - 1; i >= 0; i--)
      if (unreported[i]!.at <= now) {
        unreported[i]!.update.failedInstalls++;
        unreported.splice(i, 1);
      }
  };

  const branchId = (name: string) => {
    let id = branches.get(name);
    if (!id) branches.set(name, (id = randomUUID()));
    return id;
  };
  const publish = (
    branch: string,
    group: string,
    bundle: string,
    message: string,
    runtimeVersion: string,
    rollout: Partial<
      Record<Platform, { rolloutPercentage: number; rolloutControlUpdateId: string | null }>
    > | null,
  ) => {
    branchId(branch);
    clock += 60_000;
    for (const platform of PLATFORMS) {
      const info = rollout?.[platform];
      const control = info?.rolloutControlUpdateId
        ? updates.find((u) => u.id === info.rolloutControlUpdateId)
        : undefined;
      updates.push({
        id: randomUUID(),
        group,
        branch,
        platform,
        runtimeVersion,
        message,
        createdAt: new Date(clock).toISOString(),
        bundle,
        rolloutPercentage: info ? info.rolloutPercentage : null,
        rolloutControlUpdate: control ? { id: control.id, group: control.group } : null,
        installs: 0,
        failedInstalls: 0,
      });
    }
  };
  for (const [branch, group, bundle] of options.groups)
    publish(branch, group, bundle, `publish ${bundle}`, '1.0.0', null);

  const onBranch = (branch: string, platform?: Platform, runtimeVersion?: string) =>
    updates
      .filter(
        (u) =>
          u.branch === branch &&
          (!platform || u.platform === platform) &&
          (!runtimeVersion || u.runtimeVersion === runtimeVersion),
      )
      .reverse();
  const groupOf = (group: string) => updates.filter((u) => u.group === group);
  const groupsOnBranch = (branch: string) => {
    const groups: Update[][] = [];
    for (const u of onBranch(branch)) {
      const found = groups.find((g) => g[0]!.group === u.group);
      if (found) found.push(u);
      else groups.push([u]);
    }
    return groups;
  };
  const rolloutInProgress = (u: Update | undefined) =>
    !!u && u.rolloutPercentage !== null && u.rolloutPercentage < 100;

  const fragment = (u: Update) => ({
    __typename: 'Update',
    id: u.id,
    group: u.group,
    message: u.message,
    createdAt: u.createdAt,
    runtime: { __typename: 'Runtime', id: `rt-${u.runtimeVersion}`, version: u.runtimeVersion },
    platform: u.platform,
    manifestFragment: JSON.stringify({
      launchAsset: { storageKey: u.bundle, contentType: 'application/javascript' },
      assets: [],
    }),
    isRollBackToEmbedded: false,
    manifestPermalink: `https://u.expo.dev/update/${u.id}`,
    gitCommitHash: null,
    isGitWorkingTreeDirty: false,
    environment: null,
    actor: { __typename: 'Robot', id: 'robot-ci', firstName: 'ci' },
    branch: { __typename: 'UpdateBranch', id: branchId(u.branch), name: u.branch },
    codeSigningInfo: null,
    rolloutPercentage: u.rolloutPercentage,
    rolloutControlUpdate: u.rolloutControlUpdate && { __typename: 'Update', ...u.rolloutControlUpdate },
    fingerprint: null,
    manifestHostOverride: null,
    assetHostOverride: null,
  });
  const app = () => ({
    __typename: 'App',
    id: options.projectId,
    name: 'shop',
    fullName: '@acme/shop',
    slug: 'shop',
    ownerAccount: { __typename: 'Account', id: 'acc-acme', name: 'acme', ownerUserActor: null, users: [] },
    githubRepository: null,
  });
  const userError = (message: string, errorCode = 'BAD_USER_INPUT') => ({
    errors: [{ message, extensions: { errorCode, errorType: 'USER' } }],
  });
  const platformOf = (appPlatform: string) => appPlatform.toLowerCase() as Platform;
  /** The app's answer with its branch (or null), as app.byId.updateBranchByName. */
  const inApp = (updateBranchByName: object | null) => ({
    data: {
      app: { __typename: 'AppQuery', byId: { __typename: 'App', id: options.projectId, updateBranchByName } },
    },
  });

  // GraphQL variables as the CLI sends them; each operation reads its own.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked per operation below
  type Vars = Record<string, any>;
  const answer = (operation: string, v: Vars): object => {
    const sameApp = (id: unknown) => id === options.projectId;
    switch (operation) {
      case 'CurrentUser':
        return {
          data: {
            meActor: {
              __typename: 'Robot',
              id: 'robot-ci',
              firstName: 'ci',
              featureGates: {},
              isExpoAdmin: false,
              accounts: [
                {
                  __typename: 'Account',
                  id: 'acc-acme',
                  name: 'acme',
                  ownerUserActor: null,
                  users: [],
                  viewerUserPermission: { __typename: 'UserPermission', role: 'ADMIN' },
                },
              ],
            },
          },
        };
      case 'AppByIdQuery':
        if (!sameApp(v['appId']))
          return userError(`Experience with id '${v['appId']}' does not exist.`, 'EXPERIENCE_NOT_FOUND');
        return { data: { app: { __typename: 'AppQuery', byId: app() } } };
      case 'ViewUpdatesByGroup':
        return { data: { updatesByGroup: groupOf(v['groupId']).map(fragment) } };
      case 'ViewUpdateGroupsOnBranch': {
        if (!sameApp(v['appId'])) return userError('Not authorized.', 'UNAUTHORIZED_ERROR');
        const id = branches.get(v['branchName']);
        const groups = groupsOnBranch(v['branchName']).slice(v['offset'], v['offset'] + v['limit']);
        return inApp(
          id ? { __typename: 'UpdateBranch', id, updateGroups: groups.map((g) => g.map(fragment)) } : null,
        );
      }
      case 'ViewBranch': {
        const id = branches.get(v['name']);
        return inApp(id ? { __typename: 'UpdateBranch', id, name: v['name'] } : null);
      }
      case 'ViewLatestUpdateOnBranch': {
        const id = branches.get(v['branchName']);
        const found = onBranch(v['branchName'], platformOf(v['platform']), v['runtimeVersion']);
        const updates = found
          .slice(v['offset'], v['offset'] + v['limit'])
          .map((u) => ({ __typename: 'Update', id: u.id }));
        return inApp(id ? { __typename: 'UpdateBranch', id, updates } : null);
      }
      case 'UpdatePublishMutation': {
        const published: Update[] = [];
        for (const input of v['publishUpdateGroupsInput'] as Vars[]) {
          const branch = [...branches].find(([, id]) => id === input['branchId'])?.[0];
          if (!branch) return userError(`Could not find branch with id ${input['branchId']}`, 'NOT_FOUND');
          const platforms = Object.keys(input['updateInfoGroup'] ?? {}) as Platform[];
          const rollout = input['rolloutInfoGroup'] as Record<
            Platform,
            { rolloutPercentage: number; rolloutControlUpdateId: string | null }
          > | null;
          for (const platform of platforms) {
            const latest = onBranch(branch, platform, input['runtimeVersion'])[0];
            if (rollout && rolloutInProgress(latest))
              return userError(
                'Only one update can be rolled out on a branch at one time. End the current rollout first.',
              );
            const control = rollout?.[platform]?.rolloutControlUpdateId ?? null;
            if (rollout && control !== (latest?.id ?? null))
              return userError('The rollout control update must be the latest update on the branch.');
            const pct = rollout?.[platform]?.rolloutPercentage;
            if (rollout && (pct === undefined || pct < 1 || pct > 100))
              return userError('Rollout percentage must be an integer between 1 and 100.');
          }
          const bundle = (
            JSON.parse(JSON.stringify(input['updateInfoGroup'][platforms[0]!])) as {
              launchAsset: { storageKey: string };
            }
          ).launchAsset.storageKey;
          const group = randomUUID();
          publish(branch, group, bundle, input['message'] ?? '', input['runtimeVersion'], rollout);
          published.push(...groupOf(group));
        }
        return {
          data: {
            updateBranch: {
              __typename: 'UpdateBranchMutation',
              publishUpdateGroups: published.map(fragment),
            },
          },
        };
      }
      case 'SetRolloutPercentageMutation': {
        const u = updates.find((x) => x.id === v['updateId']);
        if (!u) return userError(`Could not find update ${v['updateId']}`, 'NOT_FOUND');
        const pct = v['rolloutPercentage'] as number;
        if (u.rolloutPercentage === null) return userError('This update is not a rollout update.');
        if (u.rolloutPercentage === 100) return userError('This rollout has already ended (it is at 100%).');
        if (pct <= u.rolloutPercentage || pct > 100)
          return userError(
            `Rollout percentage must be greater than the current one (${u.rolloutPercentage}) and at most 100.`,
          );
        u.rolloutPercentage = pct;
        return { data: { update: { __typename: 'UpdateMutation', setRolloutPercentage: fragment(u) } } };
      }
      case 'ScheduleUpdateGroupDeletion': {
        if (groupOf(v['group']).length === 0)
          return userError(`Could not find update group ${v['group']}`, 'NOT_FOUND');
        const id = randomUUID();
        receipts.set(id, { group: v['group'], polls: 0 });
        return {
          data: {
            update: { __typename: 'UpdateMutation', scheduleUpdateGroupDeletion: receipt(id, 'IN_PROGRESS') },
          },
        };
      }
      case 'BackgroundJobReceiptById': {
        const job = receipts.get(v['id']);
        if (!job)
          return { data: { backgroundJobReceipt: { __typename: 'BackgroundJobReceiptQuery', byId: null } } };
        // The group goes once the job has run: it is still there when the mutation answers.
        for (let i = updates.length - 1; i >= 0; i--)
          if (updates[i]!.group === job.group) updates.splice(i, 1);
        return {
          data: {
            backgroundJobReceipt: {
              __typename: 'BackgroundJobReceiptQuery',
              byId: receipt(v['id'], 'SUCCESS'),
            },
          },
        };
      }
      case 'ViewUpdateGroupInsights':
        reportDue();
        if (!(Date.parse(v['timespan']?.start) < Date.parse(v['timespan']?.end)))
          return userError('timespan.start must be an ISO date before timespan.end');
        return {
          data: {
            updatesByGroup: groupOf(v['groupId']).map((u) => ({
              __typename: 'Update',
              id: u.id,
              platform: u.platform,
              insights: {
                __typename: 'UpdateInsights',
                id: `insights-${u.id}`,
                totalUniqueUsers: u.installs,
                cumulativeAverageMetrics: { launchAssetCount: 1, averageUpdatePayloadBytes: 1_200_000 },
                cumulativeMetrics: {
                  metricsAtLastTimestamp: {
                    totalInstalls: u.installs,
                    totalFailedInstalls: u.failedInstalls,
                  },
                  data: {
                    labels: [v['timespan']?.end ?? new Date().toISOString()],
                    installsDataset: {
                      id: 'installs',
                      label: 'installs',
                      cumulative: [u.installs],
                      difference: [u.installs],
                    },
                    failedInstallsDataset: {
                      id: 'failed',
                      label: 'failed',
                      cumulative: [u.failedInstalls],
                      difference: [u.failedInstalls],
                    },
                  },
                },
              },
            })),
          },
        };
      default:
        return {
          errors: [
            {
              message: `the local Expo API does not answer ${operation}`,
              extensions: { errorCode: 'INTERNAL_SERVER_ERROR' },
            },
          ],
        };
    }
  };
  const receipt = (id: string, state: string) => ({
    __typename: 'BackgroundJobReceipt',
    id,
    state,
    tries: 1,
    willRetry: false,
    resultId: null,
    resultType: 'VOID',
    resultData: null,
    errorCode: null,
    errorMessage: null,
    createdAt: new Date(clock).toISOString(),
    updatedAt: new Date(clock).toISOString(),
  });

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      if (req.headers['authorization'] !== `Bearer ${options.token}`) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
        return;
      }
      let request: { operationName?: string; variables?: Vars; query?: string };
      try {
        request = JSON.parse(body);
      } catch {
        res.writeHead(400).end('bad request');
        return;
      }
      const operation =
        request.operationName ?? /(?:query|mutation)\s+(\w+)/.exec(request.query ?? '')?.[1] ?? '?';
      operations.push(operation);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer(operation, request.variables ?? {})));
    });
  });
  await listenWhenFree(server);

  const files = {
    'app.json': JSON.stringify({
      expo: {
        name: 'shop',
        slug: 'shop',
        owner: 'acme',
        runtimeVersion: '1.0.0',
        extra: { eas: { projectId: options.projectId } },
        updates: { url: `https://u.expo.dev/${options.projectId}` },
      },
    }),
    'package.json': JSON.stringify({ name: 'shop', version: '1.0.0' }),
  };
  const projectDir = mkdtempSync(path.join(os.tmpdir(), 'expo-app-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(projectDir, name), text);
  const home = mkdtempSync(path.join(os.tmpdir(), 'expo-home-'));

  return {
    projectDir,
    files,
    home,
    operations,
    groupsOn: (branch) =>
      groupsOnBranch(branch).map((g) => ({
        group: g[0]!.group,
        bundle: g[0]!.bundle,
        message: g[0]!.message,
        rollout: g[0]!.rolloutPercentage,
      })),
    launch(branch, n) {
      for (let i = 0; i < n; i++) {
        const device = devices++;
        const platform = PLATFORMS[device % 2]!;
        const latest = onBranch(branch, platform)[0];
        if (!latest) continue;
        const inRollout = latest.rolloutPercentage === null || bucketOf(device) < latest.rolloutPercentage;
        const served = inRollout
          ? latest
          : (updates.find((u) => u.id === latest.rolloutControlUpdate?.id) ?? undefined);
        if (!served) continue;
        // Crashes land evenly: the k-th launch of a bundle crashes when the rate says one is due.
        const rate = crashRates[served.bundle] ?? 0;
        const launched = (launchesOf.get(served.id) ?? 0) + 1;
        launchesOf.set(served.id, launched);
        const failed = crashesSoFar.get(served.id) ?? 0;
        if (Math.floor(launched * rate) > failed) {
          crashesSoFar.set(served.id, failed + 1);
          unreported.push({ update: served, at: Date.now() + reportDelayMs });
        } else served.installs++;
      }
    },
    setCrashRate(bundle, rate) {
      crashRates[bundle] = rate;
    },
    setFailureReportDelay(ms) {
      reportDelayMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
