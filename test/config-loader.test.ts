import { expect } from 'chai';
import path from 'node:path';
import { ConfigError } from '../src/config/config-error.js';
import { type Env } from '../src/config/load-config.js';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { resolveTarget } from '../src/domain/contract.js';
import { parseLocalIso, toLocalIso } from '../src/domain/local-time.js';
import { MINIMAL_CONTRACT, OFFICE_CALENDAR, writeConfig } from './support/temp-config.js';

function problemsOf(files: Record<string, string>, env: Env = {}): { dir: string; lines: string[] } {
  const dir = writeConfig(files);
  try {
    loadBridgeConfig(dir, env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return { dir, lines: (error as ConfigError).message.split('\n') };
  }
  throw new Error('expected the config to be rejected');
}

describe('config loader', () => {
  it('loads a valid config into typed calendars and contracts', () => {
    const dir = writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': MINIMAL_CONTRACT });
    const config = loadBridgeConfig(dir, {});
    expect([...config.calendars.keys()]).to.deep.equal(['office']);
    const contract = config.contracts.get('acme')!;
    expect(contract.customer).to.equal('ACME');
    expect(contract.metrics.map((rule) => rule.metric)).to.deep.equal(['reaction']);
    expect(contract.warnings.map((warning) => warning.label)).to.deep.equal(['50%', '75%', '90%']);
  });

  it('names every file it read by its path inside the directory, with a digest that changes with the text', () => {
    const files = { 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': MINIMAL_CONTRACT };
    const first = loadBridgeConfig(writeConfig(files), {});
    const same = loadBridgeConfig(writeConfig(files), {});
    const edited = loadBridgeConfig(writeConfig({ ...files, 'contracts/acme.yaml': MINIMAL_CONTRACT.replace('P2: 8h', 'P2: 9h') }), {});
    expect([...first.files.keys()]).to.deep.equal(['calendars/office.yaml', 'contracts/acme.yaml']);
    expect(same.files).to.deep.equal(first.files);
    expect(edited.files.get('calendars/office.yaml')).to.equal(first.files.get('calendars/office.yaml'));
    expect(edited.files.get('contracts/acme.yaml')).to.match(/^[0-9a-f]{64}$/).and.not.equal(first.files.get('contracts/acme.yaml'));
  });

  // Each case: files to write (on top of a valid calendar and contract) and the problem expected,
  // as `<file>: <path>: <message>` relative to the config directory.
  const rejected: [name: string, files: Record<string, string>, expected: RegExp][] = [
    [
      'a duration typo names file, path and value',
      { 'contracts/acme.yaml': MINIMAL_CONTRACT.replace('P2: 8h', 'P2: "8 hourz"') },
      /contracts\/acme\.yaml: policies\.reaction\.P2: "8 hourz" is not a duration .*\(line 7\)$/,
    ],
    [
      'a misspelt key is not silently ignored',
      { 'contracts/acme.yaml': `${MINIMAL_CONTRACT}polices: {}\n` },
      /contracts\/acme\.yaml: polices: is not a known setting/,
    ],
    [
      'a missing required key',
      { 'contracts/acme.yaml': MINIMAL_CONTRACT.replace('customer: ACME\n', '') },
      /contracts\/acme\.yaml: customer: is required/,
    ],
    [
      'an unknown calendar lists the known ones',
      { 'contracts/acme.yaml': MINIMAL_CONTRACT.replace('calendar: office', 'calendar: ofice') },
      /contracts\/acme\.yaml: calendar: unknown calendar "ofice" \(known: office\)/,
    ],
    [
      'an unknown priority calendar',
      { 'contracts/acme.yaml': `${MINIMAL_CONTRACT}priority_calendars: { P1: round-the-clock }\n` },
      /contracts\/acme\.yaml: priority_calendars\.P1: unknown calendar "round-the-clock"/,
    ],
    [
      'an unknown priority',
      { 'contracts/acme.yaml': MINIMAL_CONTRACT.replace('P4: 2w', 'P5: 2w') },
      /contracts\/acme\.yaml: policies\.reaction\.P5: is not a known setting/,
    ],
    [
      'a bad working window',
      { 'calendars/office.yaml': OFFICE_CALENDAR.replace('mon: ["09:00-17:00"]', 'mon: ["17:00-09:00"]') },
      /calendars\/office\.yaml: hours\.mon\[0\]: "17:00-09:00" ends before it starts/,
    ],
    [
      'overlapping windows',
      { 'calendars/office.yaml': OFFICE_CALENDAR.replace('mon: ["09:00-17:00"]', 'mon: ["08:30-12:00", "11:00-17:30"]') },
      /calendars\/office\.yaml: hours\.mon: working windows overlap/,
    ],
    [
      'an unknown time zone',
      { 'calendars/office.yaml': OFFICE_CALENDAR.replace('Europe/Amsterdam', 'Europe/Amsterdan') },
      /calendars\/office\.yaml: zone: "Europe\/Amsterdan" is not an IANA time zone/,
    ],
    [
      'a holiday name that the country does not have',
      { 'calendars/office.yaml': OFFICE_CALENDAR.replace('add: [Liberation Day]', 'add: [Liberation Dy]') },
      /calendars\/office\.yaml: holidays\.add\[0\]: "Liberation Dy" is not a holiday of NL \(known: .*Bevrijdingsdag \/ Liberation Day/,
    ],
    [
      'an unknown holiday country',
      { 'calendars/office.yaml': OFFICE_CALENDAR.replace('country: NL', 'country: XX') },
      /calendars\/office\.yaml: holidays\.country: unknown holiday country "XX"/,
    ],
    [
      'a metric that starts when an unmeasured metric is met',
      { 'contracts/acme.yaml': `${MINIMAL_CONTRACT.replace('reaction: {', 'resolution: {')}metrics:\n  resolution: { starts: reaction_met, met_by: [resolved] }\n` },
      /contracts\/acme\.yaml: metrics\.resolution\.starts: reaction is not measured/,
    ],
    [
      'two contracts covering the same project at the same time',
      { 'contracts/other.yaml': MINIMAL_CONTRACT.replace('ACME', 'Other') },
      /contracts\/other\.yaml: covers\[0\]: covers the same issues as contract acme/,
    ],
    [
      'invalid YAML names the line',
      { 'contracts/acme.yaml': `${MINIMAL_CONTRACT}  bad: [unclosed\n` },
      /contracts\/acme\.yaml: .*\(line \d+\)$/,
    ],
    [
      'a tracker kind the bridge does not have lists the ones it has',
      { 'sources/desk.yaml': 'kind: redmine\nbase_url: https://desk.example.com\nwebhook: { secrets: [s] }\npriority: { field: priority, map: {}, default: P3 }\n' },
      /sources\/desk\.yaml: kind: "redmine" is not a tracker kind \(use one of jira, gitea, forgejo, mantis, gitlab, github\)/,
    ],
    [
      "another tracker's own setting is named as that tracker's",
      { 'sources/desk.yaml': 'kind: jira\nbase_url: https://desk.example.com\nwebhook: { secrets: [s] }\npriority: { field: priority, map: {}, default: P3 }\nagents: { min_access_level: 55 }\n' },
      /sources\/desk\.yaml: agents\.min_access_level: is a setting of MantisBT sources, not of this kind \(line 5\)$/,
    ],
    [
      'a chat system the bridge does not have lists the ones it has',
      { 'channels/team.yaml': 'kind: irc\nsettings: {}\n' },
      /channels\/team\.yaml: kind: "irc" is not a chat system \(use one of slack, teams, mattermost, google-chat, webhook, console\)/,
    ],
    [
      'a retention shorter than trackers resend deliveries, with its line',
      { 'bridge.yaml': 'retention:\n  closed_for: 3d\n' },
      /^bridge\.yaml: retention\.closed_for: must be at least 7d: trackers resend deliveries for days, and a compacted log no longer knows which it had \(line 2\)$/,
    ],
    [
      'a misspelt key of bridge.yaml',
      { 'bridge.yaml': 'retention: { closed_for: 90d, evry: 1d }\n' },
      /^bridge\.yaml: retention\.evry: is not a known setting \(misspelt\?\) \(line 1\)$/,
    ],
    [
      'a retention without its duration',
      { 'bridge.yaml': 'retention: { every: 1h }\n' },
      /^bridge\.yaml: retention\.closed_for: is required \(line 1\)$/,
    ],
    [
      'a bad warning threshold',
      { 'contracts/acme.yaml': `${MINIMAL_CONTRACT}warnings: ["50%", "120%"]\n` },
      /contracts\/acme\.yaml: warnings\[1\]: "120%" is not a warning/,
    ],
  ];

  for (const [name, files, expected] of rejected) {
    it(`rejects ${name}`, () => {
      const { dir, lines } = problemsOf({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': MINIMAL_CONTRACT, ...files });
      const relative = lines.map((line) => line.replace(`${dir}${path.sep}`, ''));
      expect(relative.some((line) => expected.test(line)), relative.join('\n')).to.equal(true);
    });
  }

  it('reads the bridge\'s own settings from bridge.yaml, in real time; without the file logs are kept whole', () => {
    const files = { 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': MINIMAL_CONTRACT };
    const day = 86_400_000;
    expect(loadBridgeConfig(writeConfig({ ...files, 'bridge.yaml': 'retention:\n  closed_for: 2w\n' }), {}).bridge).to.deep.equal({ retention: { closedForMs: 14 * day, everyMs: day } });
    expect(loadBridgeConfig(writeConfig({ ...files, 'bridge.yaml': 'retention: { closed_for: 90d, every: 6h }\n' }), {}).bridge?.retention).to.deep.equal({ closedForMs: 90 * day, everyMs: 6 * 3_600_000 });
    expect(loadBridgeConfig(writeConfig({ ...files, 'bridge.yaml': 'description: no retention\n' }), {}).bridge).to.deep.equal({ retention: undefined });
    expect(loadBridgeConfig(writeConfig(files), {}).bridge).to.deep.equal({});
  });

  it('reports every problem of every file at once', () => {
    const { lines } = problemsOf({
      'calendars/office.yaml': OFFICE_CALENDAR.replace('Europe/Amsterdam', 'Nowhere/Land'),
      'contracts/acme.yaml': MINIMAL_CONTRACT.replace('P1: 2h', 'P1: soon').replace('P2: 8h', 'P2: later'),
    });
    expect(lines.filter((line) => line.includes('calendars/office.yaml: zone'))).to.have.length(1);
    expect(lines.filter((line) => /policies\.reaction\.P[12]:/.test(line))).to.have.length(2);
  });

  describe('${ENV} substitution', () => {
    const withVariable = MINIMAL_CONTRACT.replace('customer: ACME', 'customer: ${ACME_CUSTOMER_NAME}');

    it('substitutes environment variables in string values', () => {
      const dir = writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': withVariable });
      expect(loadBridgeConfig(dir, { ACME_CUSTOMER_NAME: 'ACME B.V. #1: "quoted"' }).contracts.get('acme')!.customer).to.equal(
        'ACME B.V. #1: "quoted"',
      );
    });

    it('names the unset variable and where it is used', () => {
      const { lines } = problemsOf({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': withVariable });
      expect(lines.join('\n')).to.match(/contracts\/acme\.yaml: customer: environment variable ACME_CUSTOMER_NAME is not set \(line 2\)/);
    });

    it('uses a ${VAR:-default} fallback and keeps $${literal}', () => {
      const text = MINIMAL_CONTRACT.replace('customer: ACME', () => 'customer: "${UNSET_NAME:-ACME} $${NOT_A_VAR}"');
      const dir = writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': text });
      expect(loadBridgeConfig(dir, {}).contracts.get('acme')!.customer).to.equal('ACME ${NOT_A_VAR}');
    });
  });

  describe('calendars', () => {
    it('closes Good Friday when it is added by name, as the shipped calendar comment says', () => {
      const calendar = OFFICE_CALENDAR.replace('add: [Liberation Day]', 'add: [Liberation Day, Good Friday]');
      const dir = writeConfig({ 'calendars/office.yaml': calendar, 'contracts/acme.yaml': MINIMAL_CONTRACT });
      expect(loadBridgeConfig(dir, {}).calendars.get('office')!.closedReason('2026-04-03')).to.equal('Good Friday');
    });

    it('removes holidays by name and by date, and adds dates and extra closed days', () => {
      const calendar = `${OFFICE_CALENDAR.replace('add: [Liberation Day]', 'add: [Liberation Day, "12-24"]\n  remove: [Boxing Day, "2026-05-05"]')}closed:\n  - { date: 2026-11-30, reason: company outing }\n`;
      const dir = writeConfig({ 'calendars/office.yaml': calendar, 'contracts/acme.yaml': MINIMAL_CONTRACT });
      const office = loadBridgeConfig(dir, {}).calendars.get('office')!;
      expect(office.closedReason('2026-12-26')).to.equal(undefined);
      expect(office.closedReason('2026-05-05')).to.equal(undefined);
      expect(office.closedReason('2027-05-05')).to.equal('Liberation Day');
      expect(office.closedReason('2026-12-24')).to.equal('added holiday');
      expect(office.closedReason('2027-12-24')).to.equal('added holiday');
      expect(office.closedReason('2026-11-30')).to.equal('company outing');
    });

    it('supports several windows per day, with d the standard day length', () => {
      const split = OFFICE_CALENDAR.replace(/\["09:00-17:00"\]/g, '["08:30-12:00", "13:00-17:30"]');
      const dir = writeConfig({ 'calendars/office.yaml': split, 'contracts/acme.yaml': MINIMAL_CONTRACT.replace('P2: 8h', 'P2: 1d') });
      const contract = loadBridgeConfig(dir, {}).contracts.get('acme')!;
      const target = resolveTarget(contract, 'reaction', 'P2')!;
      expect(target.ms).to.equal(8 * 3_600_000);
      const from = parseLocalIso('2026-11-30T11:00:00', 'Europe/Amsterdam')!;
      // 1h before lunch, 4.5h afternoon, 2.5h next morning.
      expect(toLocalIso(target.calendar.add(from, target.ms), 'Europe/Amsterdam')).to.equal('2026-12-01T11:00:00.000+01:00');
    });
  });
});
