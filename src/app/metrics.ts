/**
 * Prometheus metrics of one bridge process, on its own registry (no global state, so tests run
 * several bridges side by side). Served at GET /metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type WebhookOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected' | 'unavailable';

/** Distinct refused fields counted by name per source; any further one is counted as `(other)`. */
const MAX_REFUSAL_FIELDS = 50;

export class BridgeMetrics {
  readonly registry = new Registry();
  private readonly webhooks = new Counter({ name: 'sla_bridge_webhooks_total', help: 'Webhook deliveries by source and outcome', labelNames: ['source', 'outcome'] as const, registers: [this.registry] });
  /**
   * Deliveries answered 400, by the field that failed: a tracker upgrade that changes its payloads
   * shows here as one field suddenly counting up, and each count is an event the tracker lost.
   */
  private readonly refusals = new Counter({
    name: 'sla_bridge_webhook_refusals_total',
    help: 'Webhook deliveries refused with 400, by source and the payload field that failed ((body) for unreadable JSON)',
    labelNames: ['source', 'field'] as const,
    registers: [this.registry],
  });
  private readonly refusedFields = new Map<string, Set<string>>();
  private readonly processing = new Histogram({
    name: 'sla_bridge_delivery_processing_seconds',
    help: 'From a delivery being accepted to its issue state being saved',
    labelNames: ['source'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly notifications = new Counter({ name: 'sla_bridge_notifications_total', help: 'Chat notifications by channel kind and outcome', labelNames: ['channel', 'outcome'] as const, registers: [this.registry] });
  private readonly writeBacks = new Counter({ name: 'sla_bridge_write_backs_total', help: 'Write-backs into trackers by source and outcome', labelNames: ['source', 'outcome'] as const, registers: [this.registry] });
  private readonly reconcileRuns = new Counter({ name: 'sla_bridge_reconcile_runs_total', help: 'Periodic reconciliation runs by source and outcome (ok, partial, failed)', labelNames: ['source', 'outcome'] as const, registers: [this.registry] });
  private readonly reconciledEvents = new Counter({ name: 'sla_bridge_reconciled_events_total', help: 'Events reconciliation found missing and applied, by source', labelNames: ['source'] as const, registers: [this.registry] });
  private readonly agentMemberReads = new Counter({
    name: 'sla_bridge_agent_member_reads_total',
    help: "Reads of the members of a source's agent groups (GitLab groups, GitHub teams), by source and outcome (ok, failed)",
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly agentMembers = new Gauge({ name: 'sla_bridge_agent_members', help: "Members of a source's agent groups at the last successful read", labelNames: ['source'] as const, registers: [this.registry] });
  private readonly breaches = new Counter({ name: 'sla_bridge_breaches_total', help: 'Breaches notified, by contract and metric', labelNames: ['contract', 'metric'] as const, registers: [this.registry] });
  private readonly clampedEvents = new Counter({
    name: 'sla_bridge_events_clamped_total',
    help: "Events stamped after their delivery arrived (the tracker's clock ahead of the bridge's), taken as happening on arrival, by source",
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  private readonly configReloads = new Counter({ name: 'sla_bridge_config_reloads_total', help: 'Config reloads (SIGHUP) by outcome: applied, or refused as invalid', labelNames: ['outcome'] as const, registers: [this.registry] });
  private readonly configLoaded = new Gauge({ name: 'sla_bridge_config_loaded_timestamp_seconds', help: 'When the config in force was loaded', registers: [this.registry] });

  constructor(pendingTimers?: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'sla_bridge_' });
    if (pendingTimers) {
      new Gauge({
        name: 'sla_bridge_pending_timers',
        help: 'Warning, breach and escalation timers waiting for their instant',
        registers: [this.registry],
        async collect() {
          this.set(await pendingTimers());
        },
      });
    }
  }

  webhook(source: string, outcome: WebhookOutcome): void {
    this.webhooks.inc({ source, outcome });
  }

  refusal(source: string, field: string): void {
    const seen = this.refusedFields.get(source) ?? new Set<string>();
    this.refusedFields.set(source, seen);
    if (!seen.has(field) && seen.size >= MAX_REFUSAL_FIELDS) field = '(other)';
    else seen.add(field);
    this.refusals.inc({ source, field });
  }

  processed(source: string, seconds: number): void {
    this.processing.observe({ source }, Math.max(0, seconds));
  }

  notification(channel: string, outcome: string): void {
    this.notifications.inc({ channel, outcome });
  }

  writeBack(source: string, outcome: string): void {
    this.writeBacks.inc({ source, outcome });
  }

  reconciled(source: string, outcome: 'ok' | 'partial' | 'failed', events: number): void {
    this.reconcileRuns.inc({ source, outcome });
    this.reconciledEvents.inc({ source }, events);
  }

  agentMembersRead(source: string, outcome: 'ok' | 'failed', members?: number): void {
    this.agentMemberReads.inc({ source, outcome });
    if (members !== undefined) this.agentMembers.set({ source }, members);
  }

  breach(contract: string, metric: string): void {
    this.breaches.inc({ contract, metric });
  }

  clamped(source: string, events: number): void {
    this.clampedEvents.inc({ source }, events);
  }

  /** The config now in force was loaded at `at` (epoch ms). */
  configLoadedAt(at: number): void {
    this.configLoaded.set(at / 1000);
  }

  configReload(outcome: 'applied' | 'refused'): void {
    this.configReloads.inc({ outcome });
  }
}
