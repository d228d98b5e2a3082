/**
 * The demo's sample webhooks: for each source of the demo config, its connector's new P1 issue
 * (`TrackerConnector.demo`), created at `now` and signed with the source's secret as the tracker
 * (or, for MantisBT, the plugin) signs it.
 */
import { DateTime } from 'luxon';
import type { ConnectorRegistry } from '../../connectors/connector.js';
import type { Source, SourceKind } from '../config/source.js';

export interface SampleWebhook {
  readonly source: string;
  readonly kind: SourceKind;
  readonly issueId: string;
  readonly issueKey: string;
  /** The path on the stand-in tracker that this issue's write-backs go to. */
  readonly writeBackPath: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** In the registry's order of trackers; a source whose tracker has no demo issue sends nothing. */
export function sampleWebhooks(connectors: ConnectorRegistry, sources: Iterable<Source>, now = DateTime.now().setZone('Europe/Amsterdam')): SampleWebhook[] {
  const all = [...sources];
  return Object.entries(connectors).flatMap(([kind, connector]) => {
    const demo = connector.demo;
    if (!demo) return [];
    return all
      .filter((source) => source.kind === kind)
      .map((source) => {
        const { payload, headers } = demo.webhook(now);
        const body = Buffer.from(JSON.stringify(payload));
        return {
          source: source.id,
          kind,
          issueId: demo.issueId,
          issueKey: demo.issueKey,
          writeBackPath: `${new URL(source.baseUrl).pathname.replace(/\/+$/, '')}${demo.writeBackPath}`,
          body,
          headers: { 'content-type': 'application/json', ...headers, ...connector.sign(source.secrets[0]!, body, source) },
        };
      });
  });
}
