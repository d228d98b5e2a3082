/**
 * The CLI through its one way in, package.json's `bin`, as a user runs it (on the build that
 * `npm ci` / `npm test` makes).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/project-root.js';
import { DEMO_SECRETS } from './support/shipped-config.js';
import { MINIMAL_CONTRACT, OFFICE_CALENDAR, writeConfig } from './support/temp-config.js';

const root = projectRoot();
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
const bin = path.join(root, manifest.bin['sla-bridge']!);

function slaBridge(args: string[], cwd = root, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...withoutSecrets(process.env), ...env } });
  return { code: result.status, out: result.stdout.trim(), err: result.stderr.trim() };
}

function withoutSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && !(entry[0] in DEMO_SECRETS)));
}

const deadline = (...extra: string[]) => slaBridge(['deadline', '--contract', 'open2bizz-saas', '--metric', 'reaction', ...extra]);

describe('sla-bridge CLI', () => {
  describe('deadline', () => {
    it('prints the deadline in the calendar\'s local time with its UTC offset', () => {
      expect(deadline('--priority', 'P1', '--from', '2026-11-30T14:30:00+01:00')).to.deep.equal({
        code: 0,
        out: '2026-11-30T16:30:00.000+01:00',
        err: '',
      });
    });

    it('accepts any offset in --from, reads one without offset as local time, and answers in local time', () => {
      expect(deadline('--priority', 'P1', '--from', '2026-11-30T13:30:00Z').out).to.equal('2026-11-30T16:30:00.000+01:00');
      expect(deadline('--priority', 'P2', '--from', '2026-12-24T10:00').out).to.equal('2026-12-28T10:00:00.000+01:00');
    });

    it('takes --from as the metric\'s own start: Open2Bizz resolution from the reaction', () => {
      const result = slaBridge(['deadline', '--contract', 'open2bizz-saas', '--priority', 'P2', '--metric', 'resolution', '--from', '2026-04-24T15:00:00+02:00']);
      expect(result.out).to.equal('2026-04-29T15:00:00.000+02:00');
    });

    it('prints none where the contract sets no target', () => {
      expect(slaBridge(['deadline', '--contract', 'open2bizz-saas', '--priority', 'P4', '--metric', 'resolution', '--from', '2026-11-30T09:00']).out).to.equal('none');
      expect(slaBridge(['deadline', '--contract', '2value-basic', '--priority', 'P1', '--metric', 'response', '--from', '2026-11-30T09:00']).out).to.equal('none');
    });

    it('prints one JSON object with --json', () => {
      const result = slaBridge(['deadline', '--contract', 'megabite-standard', '--priority', 'P1', '--metric', 'reaction', '--from', '2026-10-25T00:30:00+02:00', '--json']);
      expect(result.code).to.equal(0);
      expect(JSON.parse(result.out)).to.deep.include({
        contract: 'megabite-standard',
        metric: 'reaction',
        priority: 'P1',
        calendar: 'nl-24x7',
        zone: 'Europe/Amsterdam',
        target: '4h',
        targetMs: 4 * 3_600_000,
        from: '2026-10-25T00:30:00.000+02:00',
        deadline: '2026-10-25T03:30:00.000+01:00',
      });
    });

    const refused: [string, string[], RegExp][] = [
      ['an unknown contract', ['--contract', 'acme'], /--contract: unknown contract "acme" \(known: 2value-basic, .*open2bizz-saas\)/],
      ['an unknown metric', ['--metric', 'uptime'], /--metric: "uptime" is not a metric \(use reaction, response, resolution\)/],
      ['an unknown priority', ['--priority', 'P9'], /--priority: "P9" is not a priority/],
      ['a bad date', ['--from', '30-11-2026'], /--from: "30-11-2026" is not an ISO-8601 date-time/],
    ];
    for (const [what, override, message] of refused) {
      it(`exits non-zero on ${what}`, () => {
        const args = { '--contract': 'open2bizz-saas', '--priority': 'P1', '--metric': 'reaction', '--from': '2026-11-30T09:00' } as Record<string, string>;
        args[override[0]!] = override[1]!;
        const result = slaBridge(['deadline', ...Object.entries(args).flat()]);
        expect(result.code).to.equal(1);
        expect(result.out).to.equal('');
        expect(result.err).to.match(message);
      });
    }

    it('exits non-zero when a required option is missing', () => {
      const result = slaBridge(['deadline', '--contract', 'open2bizz-saas']);
      expect(result.code).to.not.equal(0);
      expect(result.err).to.match(/required option '--priority/);
    });
  });

  describe('validate', () => {
    it('accepts the shipped config by default', () => {
      const result = slaBridge(['validate'], root, DEMO_SECRETS);
      expect(result.code, result.err).to.equal(0);
      expect(result.out).to.match(/valid \(2 calendars, 5 contracts: 2value-basic, 2value-medium, 2value-pro, megabite-standard, open2bizz-saas; 5 sources: gitea-demo, github-demo, gitlab-demo, jira-demo, mantis-demo\)/);
      // The operator's recipe `sla-bridge validate && kill -HUP <pid>` rests on this.
      expect(result.out).to.match(/; sla-bridge serve loads the same from it, at start and on SIGHUP, given this environment$/);
    });

    it('names every unset webhook secret variable instead of serving an open endpoint', () => {
      const result = slaBridge(['validate']);
      expect(result.code).to.equal(1);
      for (const variable of Object.keys(DEMO_SECRETS)) expect(result.err).to.include(`environment variable ${variable} is not set`);
    });

    it('computes deadlines without the webhook secrets', () => {
      expect(deadline('--priority', 'P1', '--from', '2026-11-30T14:30:00+01:00').code).to.equal(0);
    });

    it('names file, path and problem for a broken config given with --config', () => {
      const parent = writeConfig({});
      const dir = writeConfig(
        { 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': MINIMAL_CONTRACT.replace('P2: 8h', 'P2: "8 hourz"') },
        parent,
      );
      const result = slaBridge(['validate', '--config', path.basename(dir)], parent);
      expect(result.code).to.equal(1);
      expect(result.err).to.include(`${path.basename(dir)}/contracts/acme.yaml: policies.reaction.P2: "8 hourz" is not a duration`);
    });

    it('fails on a missing config directory', () => {
      const result = slaBridge(['validate', '--config', '/nonexistent/sla-config']);
      expect(result.code).to.equal(1);
      expect(result.err).to.include('/nonexistent/sla-config: config directory does not exist');
    });
  });
});
