/**
 * Watched custom fields in the connectors and the config: the MantisBT plugin's custom fields before
 * and after a save (test/fixtures/mantis, recorded from the plugin), Jira changelog items of custom
 * fields (test/fixtures/jira, Atlassian's documented shapes), the REST reconstruction of the
 * creation, and the config refusing what cannot work, naming file and path.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Normalized } from '../../connectors/connector.js';
import { jiraConnector, type JiraPayload } from '../../connectors/jira/index.js';
import { mantisConnector } from '../../connectors/mantis/index.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { ConfigError } from '../../src/config/config-error.js';
import type { Source } from '../../src/config/source.js';
import { compactHistory } from '../../src/domain/history-compaction.js';
import type { IssueEvent } from '../../src/domain/issue-event.js';
import { projectRoot } from '../../src/project-root.js';
import { shippedConfig } from '../support/shipped-config.js';
import { OFFICE_CALENDAR, writeConfig } from '../support/temp-config.js';

const body = (tracker: string, name: string) => structuredClone((JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures', tracker, `${name}.json`), 'utf8')) as { body: Record<string, any> }).body);
const watching = (id: string, fields: Record<string, string>): Source => ({ ...shippedConfig().sources.get(id)!, watchedFields: new Map(Object.entries(fields)) });
const eventsOf = (normalized: Normalized): readonly IssueEvent[] => (normalized.outcome === 'events' ? normalized.events : []);
const ofType = <T extends IssueEvent['type']>(events: readonly IssueEvent[], type: T) => events.filter((event): event is Extract<IssueEvent, { type: T }> => event.type === type);

describe('watched custom fields', () => {
  describe('MantisBT', () => {
    const source = watching('mantis-demo', { restored_at: 'Service restored', reference: 'Customer reference' });
    const normalize = (payload: Record<string, any>) => mantisConnector.normalize(source, mantisConnector.payloadSchema.parse(payload), { headers: {}, rawBody: Buffer.from(JSON.stringify(payload)) });

    it('states the watched fields at creation by the source\'s names, an unset one as null', () => {
      const created = ofType(eventsOf(normalize(body('mantis', '01-issue-reported'))), 'created');
      expect(created).to.not.be.empty;
      for (const event of created) expect(event.fields).to.deep.equal({ restored_at: null, reference: 'AMR-2026-118' });
    });

    it('tells a watched field set by a save, with the date field as MantisBT stores it', () => {
      const payload = body('mantis', '02-priority-raised');
      payload.issue.custom_fields['Service restored'] = '1794470400';
      payload.previous.custom_fields['Service restored'] = '';
      const changed = ofType(eventsOf(normalize(payload)), 'field_changed');
      expect(changed.map(({ field, value }) => ({ field, value }))).to.deep.equal([{ field: 'restored_at', value: '1794470400' }]);
    });

    it('claims no change when the plugin could not read the fields before the save', () => {
      const payload = body('mantis', '02-priority-raised');
      payload.issue.custom_fields['Service restored'] = '1794470400';
      delete payload.previous.custom_fields;
      expect(ofType(eventsOf(normalize(payload)), 'field_changed')).to.deep.equal([]);
    });
  });

  describe('Jira', () => {
    const source = watching('jira-demo', { restored_at: 'customfield_10072' });
    const normalize = (payload: Record<string, any>) => jiraConnector.normalize(source, jiraConnector.payloadSchema.parse(payload) as JiraPayload, { headers: {}, rawBody: Buffer.from(JSON.stringify(payload)) });
    const restoredItem = { field: 'Service restored', fieldtype: 'custom', fieldId: 'customfield_10072', from: null, fromString: null, to: '2026-11-24T10:15:00.000+0100', toString: '24/Nov/26 10:15 AM' };

    it('tells a changed date-time custom field in its machine form, and the creation without it', () => {
      const payload = body('jira', 'issue-updated-priority');
      payload.issue.fields.customfield_10072 = '2026-11-24T10:15:00.000+0100';
      payload.changelog.items.push(restoredItem);
      const events = eventsOf(normalize(payload));
      expect(ofType(events, 'field_changed').map(({ field, value }) => ({ field, value }))).to.deep.equal([{ field: 'restored_at', value: '2026-11-24T10:15:00.000+0100' }]);
      // The synthetic creation is the issue before this delivery's changes: the field was empty then.
      expect(ofType(events, 'created').map((event) => event.fields)).to.deep.equal([{ restored_at: null }]);
    });

    it('tells a select by the option\'s value, not its id, and ignores fields nobody watches', () => {
      const payload = body('jira', 'issue-updated-priority');
      payload.changelog.items.push({ ...restoredItem, fieldId: 'customfield_10072', to: '10101', toString: 'Yes' }, { ...restoredItem, field: 'Other', fieldId: 'customfield_19999' });
      expect(ofType(eventsOf(normalize(payload)), 'field_changed').map(({ value }) => value)).to.deep.equal(['Yes']);
    });
  });

  it('keeps every change of a watched field through retention, and drops a restatement', () => {
    const created: IssueEvent = { type: 'created', at: 1_000, project: 'p', labels: [], environment: null, priority: 'P1', status: 'open', paused: false, assignee: null, synthetic: false, fields: { back: null } };
    const set: IssueEvent = { type: 'field_changed', at: 2_000, field: 'back', value: '1794470400' };
    const again: IssueEvent = { type: 'field_changed', at: 3_000, field: 'back', value: '1794470400' };
    const cleared: IssueEvent = { type: 'field_changed', at: 4_000, field: 'back', value: null };
    expect(compactHistory([created, set, again, cleared])).to.deep.equal([created, set, cleared]);
  });

  describe('config', () => {
    const problems = (files: Record<string, string>) => {
      try {
        loadBridgeConfig(writeConfig(files), {});
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error('expected the config to be refused');
    };
    const jira = (watched: string) => `kind: jira\nbase_url: https://jira.example.com\nwebhook: { secrets: [s] }\npriority: { field: priority, map: { Highest: P1 }, default: P3 }\n${watched}`;
    const contract = (extra: string) => `customer: C\ncalendar: office\ncovers: [{ source: jira-a, project: MB }]\npolicies: { reaction: 4h }\n${extra}`;

    it('refuses watched fields on a tracker without custom fields', () => {
      const message = problems({ 'sources/gitea-a.yaml': 'kind: gitea\nbase_url: https://gitea.example.com\nwebhook: { secrets: [s] }\npriority: { field: labels, map: { p1: P1 }, default: P4 }\nwatched_fields: { approved: hours-approved }\n' });
      expect(message).to.include('sources/gitea-a.yaml').and.include('watched_fields').and.include('no custom fields');
    });

    it('refuses a Jira field named by anything but its id', () => {
      expect(problems({ 'sources/jira-a.yaml': jira('watched_fields: { approved: Hours approved }\n') })).to.include('sources/jira-a.yaml').and.include('watched_fields.approved').and.include('not a Jira custom field id');
    });

    it('refuses a contract reading a field its source does not watch, naming the contract file and the key', () => {
      const message = problems({
        'calendars/office.yaml': OFFICE_CALENDAR,
        'sources/jira-a.yaml': jira('watched_fields: { down: customfield_10071 }\n'),
        'contracts/c.yaml': contract('availability: { target: 99.9%, down_since_field: down, restored_field: back }\nhours:\n  purchases: [{ hours: 5, date: 2026-01-05, reference: I-1 }]\n  approval: { by: field, field: approved, values: [Yes] }\n'),
      });
      expect(message).to.include('contracts/c.yaml').and.include('availability.restored_field').and.include('no field "back" in watched_fields of source jira-a');
      expect(message).to.include('hours.approval.field').and.include('no field "approved"');
      expect(message).to.not.include('down_since_field');
    });

    it('refuses an approval by field without values', () => {
      const message = problems({
        'calendars/office.yaml': OFFICE_CALENDAR,
        'sources/jira-a.yaml': jira('watched_fields: { approved: customfield_10070 }\n'),
        'contracts/c.yaml': contract('hours:\n  purchases: [{ hours: 5, date: 2026-01-05, reference: I-1 }]\n  approval: { by: field, field: approved, values: [] }\n'),
      });
      expect(message).to.include('contracts/c.yaml').and.include('hours.approval.values');
    });
  });
});
