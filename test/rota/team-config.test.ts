/** Team files through the config loader: what other features read of them, and what a reload sees. */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { ConfigError } from '../../src/config/config-error.js';
import { teamFor, teamMembers } from '../../src/config/team-config.js';
import { fileChanges } from '../../src/app/live-config.js';
import { shippedConfig } from '../support/shipped-config.js';
import { MINIMAL_CONTRACT, OFFICE_CALENDAR, writeConfig } from '../support/temp-config.js';

const ICS = (summary: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20260105T080000Z\r\nDTEND:20260105T160000Z\r\nSUMMARY:${summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const TEAM = 'calendar: office\nserves: { contracts: [acme] }\nmembers:\n  - { id: anna, tracker: { gitea-demo: [anna-g, anna@acme.example] } }\n  - { id: bram, tracker: { gitea-demo: [bram-g] } }\nrota: { ical: rota/desk.ics }\n';

describe('team files in the config', () => {
  it("gives the shipped 2Value desk's tracker names per source, and serves its three contracts", () => {
    const members = teamMembers(shippedConfig().teams, '2value-desk');
    expect(members?.names).to.deep.equal(['anna', 'bram', 'chantal', 'daan', 'eva', 'femke', 'gijs', 'hanna']);
    expect(Object.keys(members!.bySource)).to.deep.equal(['mantis-demo']);
    expect(teamFor(shippedConfig().teams, '2value-pro', 'mantis-demo')?.id).to.equal('2value-desk');
    expect(teamFor(shippedConfig().teams, 'open2bizz-saas', 'gitea-demo')).to.equal(undefined);
    expect(teamMembers(shippedConfig().teams, 'nope')).to.equal(undefined);
  });

  it('counts an iCalendar feed among the files read, so a reload that changes only the feed is a change', () => {
    const dir = writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': MINIMAL_CONTRACT, 'teams/desk.yaml': TEAM, 'rota/desk.ics': ICS('anna') });
    const before = loadBridgeConfig(dir, {}, { sources: false });
    writeFileSync(path.join(dir, 'rota/desk.ics'), ICS('bram'));
    const after = loadBridgeConfig(dir, {}, { sources: false });
    expect(fileChanges(before, after).changed).to.deep.equal(['rota/desk.ics']);
    expect(after.teams!.get('desk')!.rota.shifts!.map((shift) => shift.person)).to.deep.equal(['bram']);
    expect(teamMembers(after.teams, 'desk')!.bySource).to.deep.equal({ 'gitea-demo': ['anna-g', 'anna@acme.example', 'bram-g'] });
  });

  it('refuses a contract served by two teams, and a feed that names nobody of the team, by file and path', () => {
    const dir = writeConfig({
      'calendars/office.yaml': OFFICE_CALENDAR,
      'contracts/acme.yaml': MINIMAL_CONTRACT,
      'teams/desk.yaml': TEAM,
      'teams/night.yaml': 'calendar: office\nserves: { contracts: [acme] }\nmembers: [{ id: carla }]\nrota: { rotation: { every: 1, order: [carla], starting: 2026-01-05 } }\n',
      'teams/feed.yaml': TEAM.replace('serves: { contracts: [acme] }', 'serves: { sources: [gitea-demo] }').replace('rota/desk.ics', 'rota/feed.ics'),
      'rota/desk.ics': ICS('anna'),
      'rota/feed.ics': ICS('Mallory'),
    });
    let problems: string[] = [];
    try {
      loadBridgeConfig(dir, {}, { sources: false });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems.map((problem) => `${path.basename(problem.file)}: ${problem.path}: ${problem.message}`);
    }
    expect(problems).to.have.members([
      'feed.yaml: rota.ical: rota/feed.ics: VEVENT 1 ("Mallory") names no member of the team in SUMMARY or ATTENDEE (members: anna, bram)',
      'night.yaml: serves.contracts[0]: contract acme is already served by team desk',
    ]);
  });
});
