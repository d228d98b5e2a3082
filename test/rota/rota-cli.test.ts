/**
 * `sla-bridge rota` through its bin entry (build first), and the team files' refusals through
 * `sla-bridge validate`: by file, path and line.
 */
import { expect } from 'chai';
import { runCli } from '../support/cli-process.js';
import { OFFICE_CALENDAR, MINIMAL_CONTRACT, writeConfig } from '../support/temp-config.js';

const TEAM = (rota: string, extra = '') => `
name: ACME desk
calendar: office
serves: { contracts: [acme] }
members:
  - { id: anna, name: Anna de Vries, email: anna@acme.example, tracker: { gitea-demo: [anna] }, chat: { slack: U0ANNA0001 } }
  - { id: bram, name: Bram Jansen, chat: { mattermost: bram } }
${extra}rota:
${rota}`;

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//rota//EN',
  'BEGIN:VEVENT',
  'UID:a1',
  'DTSTART;TZID=Europe/Amsterdam:20260330T090000',
  'DTEND;TZID=Europe/Amsterdam:20260331T130000',
  'SUMMARY:Dienst',
  'ATTENDEE;CN=Anna de Vries:mailto:anna@acme.example',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:b1',
  'DTSTART;TZID=Europe/Amsterdam:20260331T130000',
  'DTEND;TZID=Europe/Amsterdam:20260401T170000',
  'SUMMARY:Dienst bram',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('sla-bridge rota (the built CLI)', function () {
  this.timeout(60_000);

  it('prints the shifts of a rotation in local time, over the DST change, with swaps and leave', () => {
    const dir = writeConfig({
      'calendars/office.yaml': OFFICE_CALENDAR,
      'contracts/acme.yaml': MINIMAL_CONTRACT,
      'teams/desk.yaml': TEAM(`  rotation: { every: 2.5 working days, order: [anna, bram], starting: 2026-03-23 }
  overrides:
    - { from: 2026-03-31, until: 2026-03-31, person: bram }
  leave:
    - { person: bram, from: "2026-04-02T00:00", until: "2026-04-03T00:00" }
`),
    });
    const result = runCli(['rota', '--team', 'desk', '--from', '2026-03-23', '--days', '12', '--config', dir], {});
    expect(result.err).to.equal('');
    expect(result.code).to.equal(0);
    expect(result.out.trim().split('\n')).to.deep.equal([
      'ACME desk (desk), Europe/Amsterdam: 2026-03-23 to 2026-04-03',
      'Mon 2026-03-23 00:00 – Mon 2026-03-23 09:00  nobody on duty',
      'Mon 2026-03-23 09:00 – Wed 2026-03-25 13:00  Anna de Vries (anna)',
      'Wed 2026-03-25 13:00 – Mon 2026-03-30 09:00  Bram Jansen (bram)',
      'Mon 2026-03-30 09:00 – Tue 2026-03-31 00:00  Anna de Vries (anna)',
      'Tue 2026-03-31 00:00 – Wed 2026-04-01 00:00  Bram Jansen (bram)  [swap]',
      'Wed 2026-04-01 00:00 – Wed 2026-04-01 13:00  Anna de Vries (anna)',
      'Wed 2026-04-01 13:00 – Thu 2026-04-02 00:00  Bram Jansen (bram)',
      'Thu 2026-04-02 00:00 – Fri 2026-04-03 00:00  Anna de Vries (anna)  [covers bram on leave]',
      'Fri 2026-04-03 00:00 – Sat 2026-04-04 00:00  Bram Jansen (bram)',
    ]);
  });

  it('prints the shifts of an iCalendar feed as JSON', () => {
    const dir = writeConfig({
      'calendars/office.yaml': OFFICE_CALENDAR,
      'contracts/acme.yaml': MINIMAL_CONTRACT,
      'teams/desk.yaml': TEAM('  ical: rota/desk.ics\n'),
      'rota/desk.ics': ICS,
    });
    const result = runCli(['rota', '--team', 'desk', '--from', '2026-03-30', '--days', '3', '--json', '--config', dir], {});
    expect(result.code, result.err).to.equal(0);
    const parsed = JSON.parse(result.out) as { shifts: { start: string; end: string; person: string | null; source: string }[] };
    expect(parsed.shifts.map((shift) => [shift.start, shift.person, shift.source])).to.deep.equal([
      ['2026-03-30T00:00:00.000+02:00', null, 'none'],
      ['2026-03-30T09:00:00.000+02:00', 'anna', 'ical'],
      ['2026-03-31T13:00:00.000+02:00', 'bram', 'ical'],
      ['2026-04-01T17:00:00.000+02:00', null, 'none'],
    ]);
  });

  it('refuses an unknown team, naming the known ones', () => {
    const dir = writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': MINIMAL_CONTRACT, 'teams/desk.yaml': TEAM('  rotation: { every: 1 working day, order: [anna], starting: 2026-01-05 }\n') });
    const result = runCli(['rota', '--team', 'nope', '--config', dir], {});
    expect(result.code).to.equal(1);
    expect(result.err.trim()).to.equal('sla-bridge: --team: unknown team "nope" (known: desk)');
  });

  it('validate names the file, the path and the line of each mistake in a team file', () => {
    const dir = writeConfig({
      'calendars/office.yaml': OFFICE_CALENDAR,
      'contracts/acme.yaml': MINIMAL_CONTRACT,
      'teams/desk.yaml': TEAM(
        `  rotation: { every: 2.3 working days, order: [anna, carla], starting: 2026-01-05 }
  leave:
    - { person: anna, from: 2026-02-10, until: 2026-02-01 }
`,
        'fallback_channel: nowhere\n',
      ),
    });
    const result = runCli(['validate', '--config', dir], {});
    expect(result.code).to.equal(1);
    const lines = result.err.trim().split('\n').slice(1);
    expect(lines.some((line) => /teams\/desk\.yaml: rota\.rotation\.every: "2\.3 working days" is not a number of working days in halves .*\(line \d+\)$/.test(line)), result.err).to.equal(true);
  });

  it('validate lists the reference problems of a team file all at once', () => {
    const dir = writeConfig({
      'calendars/office.yaml': OFFICE_CALENDAR,
      'contracts/acme.yaml': MINIMAL_CONTRACT,
      'teams/desk.yaml': TEAM(
        `  rotation: { every: 2.5 working days, order: [anna, carla], starting: 2026-01-05 }
  leave:
    - { person: anna, from: 2026-02-10, until: 2026-02-01 }
`,
        'fallback_channel: nowhere\n',
      ),
    });
    const result = runCli(['validate', '--config', dir], {});
    expect(result.code).to.equal(1);
    const lines = result.err.trim().split('\n').slice(1).map((line) => line.replace(/ \(line \d+\)$/, '').replace(/^.*teams\/desk\.yaml: /, ''));
    expect(lines).to.have.members([
      'fallback_channel: unknown channel "nowhere" (known: console)',
      'rota.rotation.order[1]: "carla" is not a member of the team (members: anna, bram)',
      'rota.leave[0].until: ends before it starts (2026-02-10 .. 2026-02-01)',
    ]);
  });
});
