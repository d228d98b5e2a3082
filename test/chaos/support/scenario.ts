/**
 * One chaos scenario's world and its bookkeeping: the config (a round-the-clock contract with
 * second-scale P1 targets, so timers fall due while the scenario runs, and a generic webhook
 * channel to the receiver), the signed Gitea deliveries (built from the recorded fixtures in
 * test/fixtures/gitea/), and the count at the end: every delivery applied once, every due
 * notification sent once, every tracker field converged, read from Redis and from the receiver.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { giteaDueDate } from '../../../connectors/gitea/write-back.js';
import { trackerConnectors } from '../../../connectors/registry.js';
import { chatJobId, chatQueueName, notificationId, pipelineQueues } from '../../../src/app/jobs/pipeline.js';
import { projectRoot } from '../../../src/project-root.js';
import { decodeEvent } from '../../../src/app/store/compact-event.js';
import { writeConfig } from '../../support/temp-config.js';
import { waitUntil } from '../../support/wait-for.js';
import type { Receiver, TrackerWrite } from './receiver.js';
import type { Delivery, TrackerSender } from './sender.js';
import { plannedTimers } from '../../support/planned-timers.js';

export const SOURCE = 'gitea-chaos';
const SECRET = 'chaos-gitea-secret';
const GITEA_TOKEN = 'chaos-api-token';
const CHAT_SECRET = 'chaos-chat-secret';
/** Every secret of the chaos config: none may appear in what the processes print. */
export const CHAOS_SECRETS = [SECRET, GITEA_TOKEN, CHAT_SECRET] as const;
const REPOSITORY = 'open2bizz/odoo-customer';
const ZONE = 'Europe/Amsterdam';
export const PREFIX = 'sla';
/** P1's reaction target: its 50% warning and its breach fall due while a scenario runs. */
export const P1_REACTION_MS = 8_000;
const AGENT = 'open2bizz-support';

export function chaosConfig(receiverUrl: string): string {
  return writeConfig({
    'calendars/round-the-clock.yaml': `zone: ${ZONE}\nhours: 24x7\n`,
    'channels/receiver.yaml': `kind: webhook\nsettings:\n  url: ${receiverUrl}/chat\n  allow_http: true\n  secret: ${CHAT_SECRET}\n`,
    'sources/gitea-chaos.yaml': [
      'kind: gitea',
      `base_url: ${receiverUrl}/gitea`,
      `webhook: { secrets: [${SECRET}] }`,
      `api: { token: ${GITEA_TOKEN} }`,
      'priority: { field: labels, map: { priority/1: P1, priority/2: P2 }, default: P4 }',
      `agents: { users: [${AGENT}] }`,
      'write_back: { enabled: true, due_date: true }',
      '',
    ].join('\n'),
    'contracts/chaos.yaml': [
      '# Seconds for P1, so that warnings and breaches fall due during a scenario; an hour for P2,',
      '# whose issues only carry events.',
      'customer: Chaos Customer',
      'calendar: round-the-clock',
      `covers: [{ source: ${SOURCE}, project: ${REPOSITORY} }]`,
      'metrics: { reaction: { met_by: [agent_comment, resolved] } }',
      `policies: { reaction: { P1: ${P1_REACTION_MS / 1_000}s, P2: 1h, P3: none, P4: none } }`,
      'warnings: ["50%"]',
      'notify: { warnings: [receiver], breaches: [receiver] }',
      '',
    ].join('\n'),
  });
}

export function removeConfig(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

interface Fixture {
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown> & { issue: Record<string, unknown>; comment?: Record<string, unknown> };
}

const fixture = (name: string) => JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/gitea', `${name}.json`), 'utf8')) as Fixture;
const giteaTime = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toISO({ suppressMilliseconds: true })!;
export const issueId = (number: number) => `${REPOSITORY}#${number}`;
/** Where the stand-in Gitea takes the issue's writes. */
export const issuePath = (number: number) => `/gitea/api/v1/repos/${REPOSITORY}/issues/${number}`;

export type DeliveryKind = 'opened' | 'customer-comment' | 'agent-comment';

export interface PlannedDelivery extends Delivery {
  readonly issue: number;
  readonly kind: DeliveryKind;
  /** The event's own time (whole seconds, as Gitea sends it). */
  readonly at: number;
}

export interface ChaosPlan {
  readonly deliveries: PlannedDelivery[];
  /** P1 issues nobody answers: each owes a 50% warning and a breach. */
  readonly timerIssues: { readonly number: number; readonly createdAt: number }[];
  /** P2 issues with customer comments, then an agent's comment (reaction met, due date cleared). */
  readonly eventIssues: { readonly number: number; readonly createdAt: number }[];
}

function delivery(kind: DeliveryKind, number: number, createdAt: number, at: number, commentId: number): PlannedDelivery {
  const source = fixture(kind === 'opened' ? 'issue-opened' : kind === 'agent-comment' ? 'comment-by-agent' : 'comment-by-customer');
  const body = structuredClone(source.body);
  const p1 = number < 1_000;
  Object.assign(body.issue, {
    id: 50_000 + number,
    number,
    title: `Chaos issue ${number}`,
    url: `https://gitea.example.com/api/v1/repos/${REPOSITORY}/issues/${number}`,
    html_url: `https://gitea.example.com/${REPOSITORY}/issues/${number}`,
    labels: [{ id: p1 ? 101 : 102, name: p1 ? 'priority/1' : 'priority/2' }],
    assignee: null,
    assignees: null,
    state: 'open',
    closed_at: null,
    created_at: giteaTime(createdAt),
    updated_at: giteaTime(at),
  });
  // Left out, so no delivery shows a due date the stand-in tracker would have to keep in step:
  // restoring an edited due date is write-back-restore.test.ts's subject, not this suite's.
  delete body.issue.due_date;
  if (kind === 'opened') body.number = number;
  if (body.comment) Object.assign(body.comment, { id: commentId, created_at: giteaTime(at), updated_at: giteaTime(at), html_url: `https://gitea.example.com/${REPOSITORY}/issues/${number}#issuecomment-${commentId}` });
  const raw = Buffer.from(JSON.stringify(body));
  const id = randomUUID();
  const headers = { ...source.headers, 'x-gitea-delivery': id, 'x-gogs-delivery': id, 'x-github-delivery': id, ...trackerConnectors.gitea.sign(SECRET, raw) };
  return { id, sourceId: SOURCE, raw, headers, issue: number, kind, at };
}

/**
 * `timerIssues` P1 issues opened now, then `eventIssues` P2 issues (opened two minutes ago) each
 * with `comments` customer comments and an agent's comment, a second apart; the deliveries of the
 * event issues interleaved, so that every issue's events spread over the whole burst.
 */
export function chaosPlan(options: { readonly timerIssues: number; readonly eventIssues: number; readonly comments: number }): ChaosPlan {
  const now = Math.floor(Date.now() / 1_000) * 1_000;
  const timerIssues = Array.from({ length: options.timerIssues }, (_, index) => ({ number: index + 1, createdAt: now }));
  const eventIssues = Array.from({ length: options.eventIssues }, (_, index) => ({ number: 1_001 + index, createdAt: now - 120_000 }));
  const deliveries = timerIssues.map(({ number, createdAt }) => delivery('opened', number, createdAt, createdAt, 0));
  for (let step = 0; step <= options.comments + 1; step += 1) {
    for (const { number, createdAt } of eventIssues) {
      const kind: DeliveryKind = step === 0 ? 'opened' : step === options.comments + 1 ? 'agent-comment' : 'customer-comment';
      deliveries.push(delivery(kind, number, createdAt, createdAt + step * 1_000, number * 100 + step));
    }
  }
  return { deliveries, timerIssues, eventIssues };
}

// ---------------------------------------------------------------------------------------------
// watching the bridge from outside, through its Redis

export class BridgeWatch {
  readonly redis: Redis;
  private readonly queues: Queue[];

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    this.redis.on('error', () => undefined);
    // The chaos config's one channel and the console fallback.
    this.queues = pipelineQueues(['receiver', 'console']).map((name) => new Queue(name, { connection: this.redis, prefix: PREFIX }));
    for (const queue of this.queues) queue.on('error', () => undefined);
  }

  /** Jobs waiting, running or retrying, per queue; timers that are merely planned do not count. */
  async pending(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const queue of this.queues) {
      const { waiting = 0, active = 0, prioritized = 0, delayed = 0 } = await queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
      const planned = queue.name === 'sla-timers' || queue.name === 'sla-reconcile';
      counts[queue.name] = waiting + active + prioritized + (planned ? 0 : delayed);
    }
    return counts;
  }

  queue(name: string): Queue {
    return this.queues.find((candidate) => candidate.name === name)!;
  }

  async idle(): Promise<boolean> {
    return Object.values(await this.pending()).every((count) => count === 0);
  }

  /** Every queue's active jobs, as `queue/id`, with their lock's token: what a worker held when it died. */
  async activeJobs(): Promise<Map<string, string | null>> {
    const held = new Map<string, string | null>();
    for (const queue of this.queues) {
      for (const id of await this.redis.lrange(`${PREFIX}:${queue.name}:active`, 0, -1)) held.set(`${queue.name}/${id}`, await this.redis.get(`${PREFIX}:${queue.name}:${id}:lock`));
    }
    return held;
  }

  /** Whether a job a dead worker held has left its hands: back in the queue, run by another worker, or finished. */
  async takenUp(queueAndId: string, deadToken: string | null): Promise<boolean> {
    const [name, id] = queueAndId.split(/\/(.*)/s) as [string, string];
    const state = await this.queue(name).getJobState(id);
    if (state !== 'active') return true;
    const token = await this.redis.get(`${PREFIX}:${name}:${id}:lock`);
    return token !== null && token !== deadToken;
  }

  /** Whether a job is finished (completed, or removed on completion); a failed one is not. */
  async finished(queueAndId: string): Promise<boolean> {
    const [name, id] = queueAndId.split(/\/(.*)/s) as [string, string];
    const queue = this.queues.find((candidate) => candidate.name === name)!;
    const state = await queue.getJobState(id);
    return state === 'completed' || state === 'unknown';
  }

  /** The issue locks held now, key to owner token. */
  async issueLocks(): Promise<Map<string, string>> {
    const locks = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${PREFIX}:issue:*lock`, 'COUNT', 1_000);
      cursor = next;
      for (const key of keys) {
        const token = await this.redis.get(key);
        if (token) locks.set(key, token);
      }
    } while (cursor !== '0');
    return locks;
  }

  async close(): Promise<void> {
    for (const queue of this.queues) await queue.close().catch(() => undefined);
    this.redis.disconnect();
  }
}

/** Waits until every job in `held` has left the dead worker's hands; answers when. */
export async function whenTakenUp(watch: BridgeWatch, held: ReadonlyMap<string, string | null>, timeoutMs: number): Promise<number> {
  await waitUntil(
    `the jobs held by the dead process (${[...held.keys()].join(', ')}) to be taken up`,
    async () => {
      const open: string[] = [];
      for (const [job, token] of held) if (!(await watch.takenUp(job, token))) open.push(job);
      return open;
    },
    (open) => open.length === 0,
    { timeoutMs, intervalMs: 25 },
  );
  return Date.now();
}

/** Waits until every job in `held` is finished; answers when. */
export async function whenFinished(watch: BridgeWatch, held: Iterable<string>, timeoutMs: number): Promise<number> {
  const jobs = [...held];
  await waitUntil(
    `the jobs held by the dead process (${jobs.join(', ')}) to finish`,
    async () => {
      const open: string[] = [];
      for (const job of jobs) if (!(await watch.finished(job))) open.push(job);
      return open;
    },
    (open) => open.length === 0,
    { timeoutMs, intervalMs: 50 },
  );
  return Date.now();
}

/** Waits until none of `locks` is held by the token it had; answers when. */
export async function whenFreed(watch: BridgeWatch, locks: ReadonlyMap<string, string>, timeoutMs: number): Promise<number> {
  await waitUntil(
    `the dead process's issue locks (${[...locks.keys()].join(', ')}) to be free`,
    async () => {
      const still: string[] = [];
      for (const [key, token] of locks) if ((await watch.redis.get(key)) === token) still.push(key);
      return still;
    },
    (still) => still.length === 0,
    { timeoutMs, intervalMs: 25 },
  );
  return Date.now();
}

// ---------------------------------------------------------------------------------------------
// the count at the end

export interface ChaosRow {
  readonly scenario: string;
  readonly sent: number;
  readonly answered202: number;
  readonly applied: number;
  /** Answered 202 and not in the log. */
  readonly lost: number;
  /** In the log more than once. */
  readonly appliedTwice: number;
  readonly notificationsDue: number;
  /** Distinct notification ids the receiver got. */
  readonly notificationsSent: number;
  /** Posts of an id the receiver already had. */
  readonly duplicated: number;
  /** Due (issue, threshold) pairs no notification covered (as itself or as one it stands for). */
  readonly missing: number;
  readonly late: number;
  /** Issues whose tracker fields the bridge keeps. */
  readonly writeBacksDue: number;
  /** Write requests the tracker answered. */
  readonly writes: number;
  /** Issues whose tracker shows what their state asks for. */
  readonly converged: number;
  /** Recovery figures (s), from the replacement or Redis being ready: what the dead process held back in hand, */
  readonly takenUpS?: number;
  /** ... and finished; */
  readonly finishedS?: number;
  /** the ingest queue empty with every delivery answered. */
  readonly drainedS?: number;
  readonly locksFreeS?: number;
}

interface LoggedEvent {
  readonly type: string;
  readonly at: number;
  readonly by?: string;
  readonly synthetic?: boolean;
}

const eventKey = (number: number, part: string) => `${PREFIX}:issue:${SOURCE}:${issueId(number)}:${part}`;

/** What the log holds of one delivery: its main event (the creation, or the comment). */
function copiesOf(delivery: PlannedDelivery, log: readonly LoggedEvent[]): number {
  if (delivery.kind === 'opened') return log.filter((event) => event.type === 'created' && !event.synthetic).length;
  const by = delivery.kind === 'agent-comment' ? 'agent' : 'customer';
  return log.filter((event) => event.type === 'commented' && event.at === delivery.at && event.by === by).length;
}

/** The due date Gitea should show at the end: the P1 issues' breach day; nothing for the answered ones. */
function expectedDueDate(plan: ChaosPlan, number: number): string | null {
  const timer = plan.timerIssues.find((issue) => issue.number === number);
  return timer ? giteaDueDate(timer.createdAt + P1_REACTION_MS, ZONE) : null;
}

export async function countScenario(
  scenario: string,
  plan: ChaosPlan,
  sender: TrackerSender,
  receiver: Receiver,
  watch: BridgeWatch,
  figures: Pick<ChaosRow, 'takenUpS' | 'finishedS' | 'drainedS' | 'locksFreeS'> = {},
): Promise<ChaosRow> {
  const logs = new Map<number, LoggedEvent[]>();
  for (const number of new Set(plan.deliveries.map((planned) => planned.issue))) {
    logs.set(number, (await watch.redis.lrangeBuffer(eventKey(number, 'events'), 0, -1)).map((stored) => JSON.parse(decodeEvent(stored)) as LoggedEvent));
  }
  const outcomes = new Map(sender.outcomes.map((outcome) => [outcome.delivery.id, outcome]));
  let answered202 = 0;
  let applied = 0;
  let lost = 0;
  let appliedTwice = 0;
  for (const planned of plan.deliveries) {
    const accepted = outcomes.get(planned.id)?.attempts.some((attempt) => attempt.status === 202) ?? false;
    const copies = copiesOf(planned, logs.get(planned.issue)!);
    if (accepted) answered202 += 1;
    if (copies > 0) applied += 1;
    if (copies > 1) appliedTwice += 1;
    if (accepted && copies === 0) lost += 1;
  }

  const { missingPairs: _, ...notifications } = countNotifications(plan, receiver);
  const writeBacks = countWriteBacks(plan, receiver);
  return {
    scenario,
    sent: plan.deliveries.length,
    answered202,
    applied,
    lost,
    appliedTwice,
    ...notifications,
    ...writeBacks,
    ...figures,
  };
}

/** The due (issue, threshold) pairs against what the receiver got. */
export function countNotifications(plan: ChaosPlan, receiver: Receiver): Pick<ChaosRow, 'notificationsDue' | 'notificationsSent' | 'duplicated' | 'missing' | 'late'> & { missingPairs: string[] } {
  const due = new Set(plan.timerIssues.flatMap(({ number }) => [`${issueId(number)} 50%`, `${issueId(number)} breach`]));
  const covered = new Set<string>();
  const ids = new Set<string>();
  const lateIds = new Set<string>();
  let duplicated = 0;
  for (const post of receiver.chat) {
    // Refused with an error status, it was not shown; one left hanging may have been.
    if (post.fault && post.fault.kind !== 'hang') continue;
    if (ids.has(post.notificationId)) duplicated += 1;
    ids.add(post.notificationId);
    const { notification } = post.body;
    // A late notification stands for the ones that passed unsent (`late.skipped`).
    for (const label of [notification.threshold, ...(notification.late?.skipped ?? [])]) covered.add(`${notification.issue.id} ${label}`);
    if (notification.late) lateIds.add(post.notificationId);
  }
  const missingPairs = [...due].filter((pair) => !covered.has(pair));
  return { notificationsDue: due.size, notificationsSent: ids.size, duplicated, missing: missingPairs.length, missingPairs, late: lateIds.size };
}

/** The due date the stand-in Gitea shows after `writes`: none until one is set, `unset_due_date` clears it. */
function shownDueDate(writes: readonly TrackerWrite[]): string | null {
  let shown: string | null = null;
  for (const write of writes) {
    const body = write.body as { due_date?: string; unset_due_date?: boolean };
    if (body.unset_due_date) shown = null;
    else if (body.due_date !== undefined) shown = body.due_date;
  }
  return shown;
}

/** Per issue, whether what the stand-in Gitea shows is what the issue's state asks for, and how many writes it answered. */
export function countWriteBacks(plan: ChaosPlan, receiver: Receiver): Pick<ChaosRow, 'writeBacksDue' | 'writes' | 'converged'> {
  const issues = [...plan.timerIssues, ...plan.eventIssues];
  let converged = 0;
  let writes = 0;
  for (const { number } of issues) {
    const ofIssue = receiver.tracker.filter((write) => write.method === 'PATCH' && write.path === issuePath(number));
    writes += ofIssue.length;
    if (shownDueDate(ofIssue) === expectedDueDate(plan, number)) converged += 1;
  }
  return { writeBacksDue: issues.length, writes, converged };
}

/** What is still open at the end of a scenario: due notifications not arrived, tracker fields not converged, queued work. */
export async function openWork(plan: ChaosPlan, receiver: Receiver, watch: BridgeWatch): Promise<{ missing: string[]; unconverged: number; pending: Record<string, number> }> {
  const { missingPairs } = countNotifications(plan, receiver);
  const { writeBacksDue, converged } = countWriteBacks(plan, receiver);
  return { missing: missingPairs, unconverged: writeBacksDue - converged, pending: await watch.pending() };
}

/** For a failure: what Redis holds of the issues whose notifications are missing. */
async function explainMissing(watch: BridgeWatch, pairs: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const pair of pairs.slice(0, 3)) {
    const id = pair.split(' ')[0]!;
    const key = (part: string) => `${PREFIX}:issue:${SOURCE}:${id}:${part}`;
    const planned = { ...(await watch.redis.hgetall(key('timers'))), ...(await plannedTimers(watch.redis, PREFIX, SOURCE, id)) };
    const jobs = await Promise.all(
      Object.values(planned).map(async (jobId) => {
        const job = await watch.queue('sla-timers').getJob(jobId);
        return `${jobId}: ${job ? `${await job.getState()} at ${JSON.stringify(job.data)} ${job.failedReason ?? ''}` : 'gone'}`;
      }),
    );
    const state = JSON.parse((await watch.redis.get(key('state'))) ?? 'null') as { computedAt?: number; eventCount?: number } | null;
    const notifyId = notificationId(SOURCE, id, 'reaction', pair.split(' ')[1]!);
    const describeJob = async (queue: string, jobId: string) => {
      const job = await watch.queue(queue).getJob(jobId);
      return job ? `${await job.getState()} after ${job.attemptsMade} attempts, returned ${JSON.stringify(job.returnvalue)}${job.failedReason ? `, failed: ${job.failedReason}` : ''}, data ${JSON.stringify(job.data).slice(0, 300)}` : 'no such job';
    };
    lines.push(
      `${pair}: sent ${JSON.stringify(await watch.redis.smembers(key('sent:reaction')))}, planned ${jobs.join('; ') || 'none'}, state computed at ${state?.computedAt} from ${state?.eventCount} events;` +
        ` chat job ${await describeJob(chatQueueName('receiver'), chatJobId(notifyId, 'receiver'))};` +
        ` breach chat job ${await describeJob(chatQueueName('receiver'), chatJobId(notificationId(SOURCE, id, 'reaction', 'breach'), 'receiver'))}`,
    );
  }
  return lines.join('\n');
}

/** For a failure: what Redis holds of the issues whose tracker fields did not converge. */
async function explainUnconverged(plan: ChaosPlan, receiver: Receiver, watch: BridgeWatch): Promise<string> {
  const lines: string[] = [];
  const failed = await watch.queue('sla-write-back').getJobs(['failed', 'completed', 'waiting', 'delayed', 'active']);
  for (const { number } of [...plan.timerIssues, ...plan.eventIssues]) {
    const writes = receiver.tracker.filter((write) => write.method === 'PATCH' && write.path.endsWith(`/issues/${number}`));
    const last = writes.at(-1)?.body;
    const expected = expectedDueDate(plan, number);
    if (shownDueDate(writes) === expected) continue;
    const key = (part: string) => `${PREFIX}:issue:${SOURCE}:${issueId(number)}:${part}`;
    const jobs = await Promise.all(failed.filter((job) => job.data.issueId === issueId(number)).map(async (job) => `${job.id} ${await job.getState()} after ${job.attemptsMade}: ${job.failedReason ?? ''} ${JSON.stringify(job.returnvalue)}`));
    lines.push(`#${number}: ${writes.length} writes, last ${JSON.stringify(last)}, expected ${expected}; written ${await watch.redis.get(key('written'))}; writing ${await watch.redis.get(key('writing'))}; lock ${await watch.redis.get(key('write-back-lock'))}; jobs ${jobs.join(' | ') || 'none'}`);
    if (lines.length >= 4) break;
  }
  return lines.join('\n');
}

/** Waits until nothing is open (see `openWork`); a timeout says what was, and why for missing notifications. */
export async function waitUntilSettled(plan: ChaosPlan, receiver: Receiver, watch: BridgeWatch, timeoutMs: number): Promise<void> {
  try {
    await waitUntilQuiet(plan, receiver, watch, timeoutMs);
  } catch (error) {
    const { missing } = await openWork(plan, receiver, watch);
    throw new Error(`${(error as Error).message}\n${await explainMissing(watch, missing)}\n${await explainUnconverged(plan, receiver, watch)}`);
  }
}

async function waitUntilQuiet(plan: ChaosPlan, receiver: Receiver, watch: BridgeWatch, timeoutMs: number): Promise<void> {
  await waitUntil(
    'every due notification, every converged write-back and no queued work',
    () => openWork(plan, receiver, watch),
    (open) => open.missing.length === 0 && open.unconverged === 0 && Object.values(open.pending).every((count) => count === 0),
    { timeoutMs, intervalMs: 100 },
  );
}

const COLUMNS: [string, (row: ChaosRow) => string][] = [
  ['scenario', (row) => row.scenario],
  ['events sent', (row) => String(row.sent)],
  ['answered 202', (row) => String(row.answered202)],
  ['applied', (row) => String(row.applied)],
  ['lost', (row) => String(row.lost)],
  ['applied twice', (row) => String(row.appliedTwice)],
  ['notifications due', (row) => String(row.notificationsDue)],
  ['sent (ids)', (row) => String(row.notificationsSent)],
  ['late', (row) => String(row.late)],
  ['duplicated', (row) => String(row.duplicated)],
  ['missing', (row) => String(row.missing)],
  ['write-backs due', (row) => String(row.writeBacksDue)],
  ['writes sent', (row) => String(row.writes)],
  ['converged', (row) => String(row.converged)],
  ['taken up (s)', (row) => (row.takenUpS === undefined ? '-' : row.takenUpS.toFixed(1))],
  ['finished (s)', (row) => (row.finishedS === undefined ? '-' : row.finishedS.toFixed(1))],
  ['drained (s)', (row) => (row.drainedS === undefined ? '-' : row.drainedS.toFixed(1))],
  ['locks free (s)', (row) => (row.locksFreeS === undefined ? '-' : row.locksFreeS.toFixed(1))],
];

export const TABLE_HEADER = `| ${COLUMNS.map(([name]) => name).join(' | ')} |\n|${COLUMNS.map(() => ' --- |').join('')}`;

export function tableRow(row: ChaosRow): string {
  return `| ${COLUMNS.map(([, cell]) => cell(row)).join(' | ')} |`;
}

/** Prints the row under the table's header, as the README shows them. */
export function printRow(row: ChaosRow): void {
  console.log(`      ${TABLE_HEADER.split('\n').join('\n      ')}\n      ${tableRow(row)}`);
}
