/** The HTTP side of a bridge: webhooks, the status API, the dashboard and the queue board, listening. */
import { HoursStore } from '../hours/hours-store.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { ConnectorRegistry } from '../../../connectors/connector.js';
import type { SlaConfig } from '../../config/load-config.js';
import { INGEST_QUEUE, chatChannelIds, pipelineQueues, type DeliveryJob, QUEUE_STREAMS } from '../jobs/pipeline.js';
import type { Logger } from '../logger.js';
import type { BridgeMetrics } from '../metrics.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import { DeadLetterStore } from '../store/dead-letters.js';
import type { AgentDirectory } from '../store/agent-directory.js';
import type { IssueStore } from '../store/issue-store.js';
import type { RedisClient } from '../store/redis-connection.js';
import type { RedisHealth } from '../store/redis-health.js';
import { DeliveryIntake } from './delivery-intake.js';
import { createRequestListener, type TrustProxy } from './http-app.js';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
import type { Contract } from '../../domain/contract.js';
import { reportExtras } from '../report-extras.js';
import { obligationStatuses } from '../obligations/obligation-status.js';
import { ObligationStore } from '../obligations/obligation-store.js';
import { currentAvailability } from '../availability/current.js';
import { explainIssue } from '../explain/explain-issue.js';
import { icalDeps } from '../ical/ical-deps.js';
import { teamMembers } from '../../config/team-config.js';
import { StateChanges } from '../store/state-changes.js';
import { StateEventStreams } from './dashboard-api.js';

export interface HttpParts {
  readonly config: SlaConfig;
  readonly connectors: ConnectorRegistry;
  /** The request-side connection: fails fast while Redis is away, so webhooks get 503. */
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly ingest: Queue<DeliveryJob>;
  readonly store: IssueStore;
  readonly agents: AgentDirectory;
  /** Whether Redis takes writes: readiness, and the one log line when that changes. */
  readonly health: RedisHealth;
  /** Answer a webhook 202 only once this many replicas hold it. */
  readonly waitReplicas: number;
  readonly http: OutboundHttp;
  readonly apiToken: string | undefined;
  readonly apiReadToken?: string | undefined;
  /** SLA_BRIDGE_ICAL_SECRET: signs the iCalendar feeds' URLs (../ical/); without it there are none. */
  readonly icalSecret?: string | undefined;
  readonly trustProxy: TrustProxy | undefined;
  /** How many wrong API tokens a client may send, and in what window; the default otherwise. */
  readonly loginThrottle?: LoginThrottleOptions | undefined;
  /** How many webhooks are handled at once (./webhook-gate.ts); unset: no limit. */
  readonly webhooksInFlight?: number | undefined;
  readonly port: number;
  readonly host: string;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
}

export interface RunningHttp {
  readonly server: Server;
  readonly url: string;
  /** The queue board's read-side handles, to close with the server (read at close: a reload may have added some). */
  readonly queues: readonly Queue[];
  /** The dashboards' event streams: ended before the server closes, since they never go idle. */
  readonly streams: StateEventStreams;
}

export async function startHttp(parts: HttpParts): Promise<RunningHttp> {
  const { config, redis, prefix, ingest, now, logger, metrics } = parts;
  const intake = new DeliveryIntake(ingest, redis, parts.waitReplicas);
  // Read-side handles of every queue, for the queue board; the workers have their own. Opened as
  // the config names them: a reload may add a chat channel.
  const opened = new Map<string, Queue>([[INGEST_QUEUE, ingest as Queue]]);
  const board = () =>
    pipelineQueues(chatChannelIds(config)).map((name) => {
      let queue = opened.get(name);
      if (!queue) {
        queue = new Queue(name, { streams: QUEUE_STREAMS, connection: redis, prefix, skipWaitingForReady: true });
        // Without a listener BullMQ prints every reconnect attempt to stderr while Redis is away.
        queue.on('error', () => undefined);
        opened.set(name, queue);
      }
      return queue;
    });
  board();
  const throttle = new LoginThrottle(redis, prefix, parts.loginThrottle);
  const obligationStore = new ObligationStore(redis, prefix);
  // The report's sections and the status views of recurring obligations and availability.
  const topics = {
    reportExtras: (contract: Contract, month: string) => reportExtras(redis, prefix, contract, month, now()),
    obligations: () => obligationStatuses(config.contracts.values(), obligationStore, parts.store, now()),
    availability: () => currentAvailability(config.contracts.values(), parts.store, now()),
    explain: (source: string, key: string) => explainIssue({ redis, prefix, store: parts.store, contracts: () => config.contracts.values(), channels: () => config.channels, fallbackChannel: () => config.fallbackChannel }, source, key, now()),
  };
  const streams = new StateEventStreams(new StateChanges(redis, prefix));
  const api = { streams, token: parts.apiToken, readToken: parts.apiReadToken, now, throttle, store: parts.store, contracts: config.contracts, calendars: config.calendars, deadLetters: new DeadLetterStore(redis, prefix), http: parts.http, queues: board, hours: new HoursStore(redis, prefix), teams: config.teams, ...topics, ical: icalDeps({ secret: parts.icalSecret, store: parts.store, contracts: config.contracts, redis, prefix, throttle, now, logger, teamMembers: (id) => teamMembers(config.teams, id)?.names, teamIds: () => [...(config.teams?.keys() ?? [])] }) };
  const listener = createRequestListener({ sources: config.sources, contracts: config.contracts, connectors: parts.connectors, intake, health: parts.health, agents: parts.agents, api, metrics, now, logger, trustProxy: parts.trustProxy, webhooksInFlight: parts.webhooksInFlight });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = createServer(listener).listen(parts.port, parts.host, () => resolve(listening));
    listening.on('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    server,
    url,
    streams,
    get queues() {
      return [...opened.values()].filter((queue) => queue !== ingest);
    },
  };
}
