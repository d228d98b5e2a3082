/**
 * The payloads a real MantisBT 2.28.4 sent through the SlaBridge plugin (test/fixtures/mantis/
 * recorded, README there): every one carries a valid signature and a delivery id, matches the
 * payload schema and normalizes, and the facts a person would read off them come out as events.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { WebhookDelivery } from '../../connectors/connector.js';
import { mantisConnector } from '../../connectors/mantis/index.js';
import type { Source } from '../../src/config/source.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { shippedConfig } from '../support/shipped-config.js';

interface Recording {
  readonly scenario: string;
  readonly mantisbt: string;
  readonly secret: string;
  readonly deliveries: ReadonlyArray<{ readonly headers: Record<string, string>; readonly body: string }>;
}

const DIR = path.join(projectRoot(), 'test/fixtures/mantis/recorded');
const recordings: Recording[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Recording);

/** mantis-demo's rules (priority map, feedback pauses, developers are agents) under the recording's secret. */
const source = (secret: string): Source => ({ ...shippedConfig().sources.get('mantis-demo')!, secrets: [secret] });

const delivery = (recorded: Recording['deliveries'][number]): WebhookDelivery => ({ headers: recorded.headers, rawBody: Buffer.from(recorded.body, 'utf8') });

function eventsOf(scenario: string, index = 0): readonly IssueEvent[] {
  const recording = recordings.find((candidate) => candidate.scenario === scenario);
  if (!recording) throw new Error(`no recording ${scenario}`);
  const recorded = recording.deliveries[index];
  if (!recorded) throw new Error(`${scenario} has no delivery ${index}`);
  const normalized = mantisConnector.normalize(source(recording.secret), mantisConnector.payloadSchema.parse(JSON.parse(recorded.body)), delivery(recorded));
  if (normalized.outcome !== 'events') throw new Error(`${scenario}: ignored: ${normalized.reason}`);
  return normalized.events;
}

describe('MantisBT connector on payloads recorded from a real MantisBT 2.28.4', () => {
  it('has the recordings', () => {
    expect(recordings.map((recording) => recording.scenario)).to.include.members(['web-report', 'rest-report', 'web-agent-note', 'web-reporter-note-on-feedback', 'web-delete']);
    expect(recordings.every((recording) => recording.mantisbt === '2.28.4')).to.equal(true);
  });

  for (const recording of recordings) {
    recording.deliveries.forEach((recorded, index) => {
      it(`${recording.scenario} #${index + 1} (${recorded.headers['x-mantis-event']}): signed, identified, valid and normalized`, () => {
        expect(mantisConnector.verify(source(recording.secret), delivery(recorded))).to.deep.equal({ ok: true });
        expect(mantisConnector.verify(source('another secret'), delivery(recorded)).ok).to.equal(false);
        expect(mantisConnector.deliveryId(delivery(recorded))).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const payload = mantisConnector.payloadSchema.parse(JSON.parse(recorded.body));
        expect(payload.event).to.equal(recorded.headers['x-mantis-event']);
        expect(eventsOf(recording.scenario, index)[0]).to.include({ type: 'created', synthetic: true });
      });
    });
  }

  it('a web report at priority high is a P2 reported by the customer, its clock not paused', () => {
    expect(eventsOf('web-report')[1]).to.include({ type: 'created', synthetic: false, priority: 'P2', status: 'new', paused: false, project: 'Customer portal' });
  });

  it('a REST report at priority urgent is a P1', () => {
    expect(eventsOf('rest-report')[1]).to.include({ type: 'created', synthetic: false, priority: 'P1' });
  });

  it("a developer's public note, on the web or through REST, is an agent's comment", () => {
    for (const scenario of ['web-agent-note', 'rest-agent-note']) {
      expect(eventsOf(scenario).slice(1), scenario).to.deep.include.members([{ type: 'commented', at: eventsOf(scenario)[1]!.at, by: 'agent', public: true }]);
    }
  });

  it("the reporter's note is the customer's comment", () => {
    const events = eventsOf('web-reporter-note-on-feedback');
    expect(events.filter((event) => event.type === 'commented')).to.deep.equal([{ type: 'commented', at: events.at(-1)!.at, by: 'customer', public: true }]);
  });

  it('a web edit of the priority from urgent to immediate changes no P1, and a move to feedback pauses', () => {
    expect(eventsOf('web-edit-priority').slice(1).filter((event) => event.type === 'priority_changed')).to.deep.equal([]);
    const feedback = eventsOf('web-status-feedback', 1);
    expect(feedback.slice(1)).to.deep.include.members([{ type: 'status_changed', at: feedback[1]!.at, status: 'feedback', paused: true }]);
  });

  it('resolving through the status page is resolved, and deleting is deleted', () => {
    expect(eventsOf('web-resolve', 1).map((event) => event.type)).to.include('resolved');
    expect(eventsOf('web-delete').at(-1)).to.include({ type: 'deleted' });
  });
});
