/**
 * What the what-if tests share: a config of the shipped calendars and a contract with a P2
 * reaction of 4 hours in office hours, the files that change it, and hand-worked issues whose
 * outcome each file changes (or not). Worked out on the calendar: Monday 2 March 2026 is an
 * ordinary working day; Thursday 2 April 2026 is followed by Good Friday (3 April, a working day in
 * nl-office) and Easter Monday (6 April, closed).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { issueEventSchema, type IssueEvent, type IssueEventInput } from '../../src/domain/issue-event.js';
import { parseLocalIso } from '../../src/domain/local-time.js';
import { projectRoot } from '../../src/project-root.js';
import { writeConfig } from '../support/temp-config.js';

export const at = (local: string) => parseLocalIso(local, 'Europe/Amsterdam')!;

export const OFFICE_TEXT = readFileSync(path.join(projectRoot(), 'config/calendars/nl-office.yaml'), 'utf8');
export const ALWAYS_TEXT = readFileSync(path.join(projectRoot(), 'config/calendars/nl-24x7.yaml'), 'utf8');

export const CONTRACT_TEXT = `
id: whatif-test
customer: What-if test customer
calendar: nl-office
covers: [{ source: gitea-demo, project: acme/app }]
metrics:
  reaction: { met_by: [agent_comment] }
policies:
  reaction: { P1: 2h, P2: 4h, P3: 1w, P4: 2w }
  resolution: { P1: 8h, P2: 2d, P3: 2w, P4: none }
`;

export const WITH_FILES = {
  /** The contract as it is: both sides must come out the same. */
  unchanged: CONTRACT_TEXT,
  reaction8h: CONTRACT_TEXT.replace('P2: 4h', 'P2: 8h'),
  goodFridayClosed: OFFICE_TEXT.replace('  add:\n    - Liberation Day\n', '  add:\n    - Liberation Day\n    - Good Friday\n'),
  longerHours: OFFICE_TEXT.replaceAll('["09:00-17:00"]', '["08:00-18:00"]'),
};

export function whatIfConfigDir(): string {
  return writeConfig({ 'calendars/nl-office.yaml': OFFICE_TEXT, 'calendars/nl-24x7.yaml': ALWAYS_TEXT, 'contracts/whatif-test.yaml': CONTRACT_TEXT });
}

export const whatIfConfig = () => loadBridgeConfig(whatIfConfigDir(), {}, { sources: false });

export interface CaseIssue {
  readonly key: string;
  readonly events: IssueEvent[];
}

/** A P2 (or `priority`) of acme/app (or `project`) created at `created` (Amsterdam time) whose agent first comments at `commented`. */
export function p2(key: string, created: string, commented: string, project = 'acme/app', priority: 'P2' | 'P3' = 'P2'): CaseIssue {
  const events: IssueEventInput[] = [
    { type: 'created', at: at(created), project, priority, status: 'open', title: `Issue ${key}` },
    { type: 'commented', at: at(commented), by: 'agent' },
  ];
  return { key, events: events.map((event) => issueEventSchema.parse(event)) };
}

export const ISSUES = {
  /** 5 business hours to the reaction: breached at 4h (deadline 13:00), met at 8h (17:00). */
  fiveHours: p2('WI-1', '2026-03-02T09:00', '2026-03-02T14:00'),
  /** Before Good Friday: 2 h on Thursday, the other 2 on Friday (11:00), or on Tuesday 7 April once Friday is closed; late either way. */
  beforeEasterLate: p2('WI-2', '2026-04-02T15:00', '2026-04-08T10:00'),
  /** Reacted to on Tuesday 10:00: late when Good Friday counts, on time when it is closed. */
  beforeEasterSlow: p2('WI-3', '2026-04-02T15:00', '2026-04-07T10:00'),
  /** Reported at 08:00 and reacted to at 12:30: 3.5 h from 09:00 (deadline 13:00), 4.5 h from 08:00 (deadline 12:00). */
  early: p2('WI-4', '2026-03-02T08:00', '2026-03-02T12:30'),
};
