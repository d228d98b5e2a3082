/**
 * `sla-bridge demo`: the real bridge on its own Redis with a contract whose targets are seconds,
 * fed signed sample webhooks from each tracker kind through the real HTTP endpoint, showing the
 * warnings and breaches on the console channel and the deadlines written back to a stand-in tracker.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import { connectorOf } from '../../connectors/connector.js';
import { trackerConnectors } from '../../connectors/registry.js';
import { startBridge, type RunningBridge } from '../app/bridge.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../app/store/embedded-redis.js';
import { createLogger, type Logger } from '../app/logger.js';
import { createRedis } from '../app/store/redis-connection.js';
import { describeRedisTarget, urlTarget, type RedisTarget } from '../app/store/redis-target.js';
import { loadBridgeConfig } from '../app/plugins.js';
import { projectRoot } from '../project-root.js';
import { sampleWebhooks, type SampleWebhook } from './sample-webhooks.js';
import { startStandInTracker, type StandInTracker, type StandInTrackerOptions } from './stand-in-tracker.js';
import { CARD_WARNING_JOB, CHAT_JOB, chatQueueName, HOURS_QUEUE, type CardWarningJob, type ChatJob, type HoursJob, QUEUE_STREAMS } from '../app/jobs/pipeline.js';
import { DateTime } from 'luxon';
import { sampleWorklog } from './sample-worklog.js';


/** Where the demo tells its story: a terminal for `sla-bridge demo`, a buffer in tests. */
export interface DemoOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export interface DemoOptions {
  readonly once: boolean;
  readonly port: number;
  readonly host: string;
  /** The Redis the environment names; without one the demo runs its own. */
  readonly redis?: RedisTarget | undefined;
  /** How long the demo waits for everything to arrive. */
  readonly timeoutMs?: number;
}

/** Parts of the scenario a caller may change to stage a fault; `sla-bridge demo` changes none. */
export interface DemoParts {
  readonly tracker?: StandInTrackerOptions;
  /** Sent instead of `sampleWebhooks()`. */
  readonly webhooks?: readonly SampleWebhook[];
  readonly logger?: Logger;
}

const EXPECTED_NOTIFICATIONS = ['50%', 'breach'];
const DEFAULT_TIMEOUT_MS = 45_000;

interface DemoIssue {
  readonly id: string;
  readonly key: string;
  readonly writeBackPath: string;
  /** Why nothing of this issue can arrive: the bridge did not accept its webhook. */
  readonly rejected: string | undefined;
}

interface WatchResult {
  /** What did not arrive, e.g. `breach of DEMO-1`, in the order of the issues. */
  readonly missing: string[];
  /** One line per issue with something missing, saying why when the demo knows. */
  readonly reasons: string[];
}

export interface DemoRun {
  /** Resolves with the exit code once the demo is over (at once with --once, on stop otherwise). */
  readonly finished: Promise<number>;
  stop(): Promise<void>;
}

export async function runDemo(options: DemoOptions, io: DemoOutput, parts: DemoParts = {}): Promise<DemoRun> {
  const tracker = await startStandInTracker(parts.tracker);
  let redis: EmbeddedRedis | undefined;
  let bridge: RunningBridge | undefined;
  const target = options.redis ?? urlTarget((redis = await startEmbeddedRedis({})).url);
  const config = loadBridgeConfig(path.join(projectRoot(), 'config', 'demo'), { ...process.env, SLA_BRIDGE_DEMO_TRACKER_URL: tracker.url });
  // Its own namespace, hash-tagged so that it also runs on a Cluster.
  const prefix = `{demo-${randomUUID().slice(0, 8)}}`;
  const apiToken = `demo-${randomUUID().slice(0, 12)}`;
  bridge = await startBridge({
    config,
    connectors: trackerConnectors,
    redis: target,
    prefix,
    port: options.port,
    host: options.host,
    apiToken,
    logger: parts.logger ?? createLogger({ format: 'pretty', level: 'info' }),
  });
  const url = bridge.url!;
  const watcherRedis = createRedis(target, 'worker');
  // What the console channel sent: a fired timer routes its notification there as a chat job.
  const notifications = new Queue<ChatJob>(chatQueueName(config.fallbackChannel.id), { streams: QUEUE_STREAMS, connection: watcherRedis, prefix });
  const hoursJobs = new Queue<HoursJob>(HOURS_QUEUE, { streams: QUEUE_STREAMS, connection: watcherRedis, prefix });
  const stop = async () => {
    await bridge?.close();
    await notifications.close();
    await hoursJobs.close();
    watcherRedis.disconnect();
    await tracker.close();
    await redis?.stop();
  };

  io.out(`sla-bridge demo: the bridge listens on ${url}, on ${options.redis ? describeRedisTarget(options.redis) : 'its own redis-server'}.`);
  const samples = parts.webhooks ?? sampleWebhooks(trackerConnectors, config.sources.values());
  const trackers = [...new Set(samples.map((sample) => connectorOf(trackerConnectors, sample.kind).displayName))];
  io.out(`Contract "demo": reaction P1 within 10 s, round the clock, a warning at 50%. Sending a new P1 issue from ${listed(trackers)}:`);
  const issues: DemoIssue[] = [];
  for (const sample of samples) {
    const response = await fetch(`${url}/webhooks/${sample.source}`, { method: 'POST', headers: sample.headers, body: sample.body });
    const answer = (await response.json().catch(() => ({}))) as { error?: string; reason?: string };
    const refusal = response.status === 202 ? undefined : `${response.status}: ${answer.error ?? answer.reason ?? 'no reason given'}`;
    io.out(`  POST /webhooks/${sample.source} (${sample.issueKey}, signed like ${sample.kind} does) -> ${refusal ?? response.status}`);
    issues.push({ id: sample.issueId, key: sample.issueKey, writeBackPath: sample.writeBackPath, rejected: refusal && `the bridge did not accept its webhook (${refusal})` });
  }
  // Time booked on the Jira issue, billed against the demo contract's hours card.
  const card = [...config.contracts.values()].find((contract) => contract.hours)?.hours;
  const worklog = card ? sampleWorklog(trackerConnectors, config.sources.values(), DateTime.now().setZone('Europe/Amsterdam')) : undefined;
  let cardWarning: { readonly label: string } | undefined;
  if (card && worklog) {
    const bought = card.purchases.reduce((sum, purchase) => sum + purchase.seconds, 0);
    const response = await fetch(`${url}/webhooks/${worklog.source}`, { method: 'POST', headers: worklog.headers, body: worklog.body });
    io.out(`The contract has an hours card of ${hoursText(bought)}. Booking ${hoursText(worklog.seconds)} on ${worklog.issueKey} (a Jira worklog_created webhook) -> ${response.status}: the card's 0h warning goes to the console channel once.`);
    if (response.status === 202) cardWarning = { label: 'hours card warning' };
  }
  const obligation = [...config.contracts.values()].flatMap((contract) => contract.obligations ?? [])[0];
  const recurring = obligation && { label: `recurring issue in ${obligation.project}`, path: `/gitea/api/v1/repos/${obligation.project}/issues` };
  if (obligation) io.out(`The contract also owes "${obligation.title}" every ${obligation.every}: the bridge opens its issue for this ${obligation.every} in the stand-in Gitea (${obligation.project}).`);
  io.out('Watch the console channel below: a warning after about 5 s, the breach after 10 s. Write-backs to the stand-in tracker are shown as they happen.');
  const dashboard = `${url}/dashboard#token=${apiToken}`;
  if (!options.once) io.out(`Meanwhile the dashboard shows the clocks: ${dashboard} (reload it to follow them).`);

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const finished = watch(issues, notifications, tracker, io, timeoutMs, recurring, cardWarning && { ...cardWarning, jobs: hoursJobs }).then(async ({ missing, reasons }) => {
    if (missing.length === 0) io.out('sla-bridge demo: every expected warning, breach and write-back arrived.');
    else io.err([`sla-bridge demo: did not arrive: ${missing.join('; ')}`, ...reasons.map((reason) => `  ${reason}`)].join('\n'));
    if (options.once) {
      await stop();
      if (missing.length === 0) io.out('Next: `npx sla-bridge demo` without --once keeps the bridge running, with its dashboard and queue board.');
      return missing.length === 0 ? 0 : 1;
    }
    io.out(
      [
        'Still serving. Next:',
        `  dashboard  ${dashboard} (logs you in; the queue board is linked at the top)`,
        `  API        curl -H 'Authorization: Bearer ${apiToken}' ${url}/api/issues`,
        `  metrics    ${url}/metrics`,
        'Ctrl-C stops the demo.',
      ].join('\n'),
    );
    return new Promise<number>(() => undefined);
  });
  return { finished, stop };
}

/** `1h30m`, `-0h30m`. */
const hoursText = (seconds: number) => {
  const minutes = Math.round(Math.abs(seconds) / 60);
  return `${seconds < 0 ? '-' : ''}${Math.floor(minutes / 60)}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
};

/** `Jira, Gitea and GitHub`. */
const listed = (names: readonly string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

const accepted = (status: number) => status >= 200 && status < 300;

/**
 * Shows notifications and write-backs as they arrive, until every expected one has arrived or can
 * no longer arrive (its webhook was rejected, or the tracker refused the write), or the time is up.
 */
async function watch(
  issues: DemoIssue[],
  notifications: Queue<ChatJob>,
  tracker: StandInTracker,
  io: DemoOutput,
  timeoutMs: number,
  recurring?: { readonly label: string; readonly path: string },
  cardWarning?: { readonly label: string; readonly jobs: Queue<HoursJob> },
): Promise<WatchResult> {
  let cardWarned = cardWarning === undefined;
  const seen = new Set<string>();
  let shownRequests = 0;
  const deadline = Date.now() + timeoutMs;
  const writes = (issue: DemoIssue) => tracker.requests.filter((request) => request.path.startsWith(issue.writeBackPath));
  const written = (issue: DemoIssue) => writes(issue).some((request) => request.method !== 'GET' && accepted(request.status));
  const refused = (issue: DemoIssue) => writes(issue).find((request) => !accepted(request.status));
  const missingOf = (issue: DemoIssue) => [
    ...EXPECTED_NOTIFICATIONS.filter((label) => !seen.has(`${issue.id}|${label}`)).map((label) => `${label} of ${issue.key}`),
    ...(written(issue) ? [] : [`write-back of ${issue.key}`]),
  ];
  // A refused write stays refused: the bridge dead-letters it and writes again only on the next change.
  const onlyRefusedWriteBack = (issue: DemoIssue) => missingOf(issue).length === 1 && !written(issue) && refused(issue) !== undefined;
  const settled = (issue: DemoIssue) => issue.rejected !== undefined || missingOf(issue).length === 0 || onlyRefusedWriteBack(issue);
  const isOpening = (request: { readonly method: string; readonly path: string }) => recurring !== undefined && request.method === 'POST' && request.path === recurring.path;
  const recurringOpened = () => recurring === undefined || tracker.requests.some((request) => isOpening(request) && accepted(request.status));
  for (;;) {
    for (const job of await notifications.getJobs(['completed'])) {
      if (job.name !== CHAT_JOB || !('threshold' in job.data.notification)) continue;
      const { notification } = job.data;
      const key = `${notification.issue.id}|${notification.threshold}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const issue = issues.find((candidate) => candidate.id === notification.issue.id);
      io.out(`  ${notification.kind === 'warning' ? '⚠️ ' : '🚨'} ${notification.kind} (${notification.threshold}) of ${issue?.key ?? notification.issue.id} sent to the console channel`);
    }
    for (const request of tracker.requests.slice(shownRequests)) {
      if (recurring && request.method === 'GET' && request.path === recurring.path) {
        io.out(`  🔎 looked for the recurring issue opened before (a restart, another worker): GET ${request.path} -> ${request.status}`);
        continue;
      }
      if (isOpening(request)) {
        io.out(`  📋 recurring issue opened: POST ${request.path} "${(request.body as { title?: string }).title ?? ''}" -> ${request.status}${accepted(request.status) ? '' : ' refused by the tracker'}`);
        continue;
      }
      const body = request.body === undefined ? '' : ` ${JSON.stringify(request.body)}`;
      io.out(`  ✍️  write-back ${request.method} ${request.path}${body} -> ${request.status}${accepted(request.status) ? '' : ' refused by the tracker'}`);
    }
    shownRequests = tracker.requests.length;
    if (!cardWarned) {
      const sent = (await cardWarning!.jobs.getJobs(['completed'])).find((job) => job.name === CARD_WARNING_JOB);
      if (sent) {
        const data = sent.data as CardWarningJob;
        io.out(`  💳 hours card warning (${data.level}) sent to the console channel: balance ${hoursText(data.balanceSeconds)} after ${data.call.key}'s ${hoursText(data.call.billedSeconds)}`);
        cardWarned = true;
      }
    }
    if ((issues.every(settled) && recurringOpened() && cardWarned) || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const missing = [...issues.flatMap(missingOf), ...(recurringOpened() ? [] : [recurring!.label]), ...(cardWarned ? [] : [cardWarning!.label])];
  const reasons = issues.flatMap((issue) => {
    if (missingOf(issue).length === 0) return [];
    if (issue.rejected) return [`${issue.key}: ${issue.rejected}`];
    const refusal = refused(issue);
    if (refusal && onlyRefusedWriteBack(issue)) return [`${issue.key}: the tracker refused the write-back (${refusal.method} ${refusal.path} -> ${refusal.status})`];
    return [`${issue.key}: not within ${Math.round(timeoutMs / 1000)} s; the bridge's log above may say why`];
  });
  if (!recurringOpened()) reasons.push(`${recurring!.label}: not within ${Math.round(timeoutMs / 1000)} s; the bridge's log above may say why`);
  if (!cardWarned) reasons.push(`${cardWarning!.label}: not within ${Math.round(timeoutMs / 1000)} s; the bridge's log above may say why`);
  return { missing, reasons };
}
