/**
 * The settings only GitHub sources have (connectors/github/source-settings.ts), through the config
 * loader as an operator writes them: what is refused, with file and path, and what a source
 * compiles to; and where a GitHub source's APIs are, from its base_url.
 */
import { expect } from 'chai';
import { githubApiUrls } from '../../connectors/github/api-urls.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadBridgeConfig } from '../../src/app/plugins.js';
import { MINIMAL_CONTRACT, OFFICE_CALENDAR, writeConfig } from '../support/temp-config.js';

const source = (kind: string, more: string) => `
kind: ${kind}
base_url: https://example.com
webhook: { secrets: [s] }
${more.includes('api:') ? '' : 'api: { token: t }'}
priority: { field: labels, map: {}, default: P4 }
${more}
`;

function load(kind: string, more: string) {
  const dir = writeConfig({ 'calendars/office.yaml': OFFICE_CALENDAR, 'contracts/acme.yaml': MINIMAL_CONTRACT, 'sources/gitea-demo.yaml': source(kind, more) });
  return loadBridgeConfig(dir, {});
}

function problems(kind: string, more: string): string[] {
  try {
    load(kind, more);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message
      .split('\n')
      .filter((line) => line.includes('sources/gitea-demo.yaml: '))
      .map((line) => line.replace(/^.*sources\/gitea-demo\.yaml: /, '').replace(/ \(line \d+\)$/, ''));
  }
  throw new Error('expected the config to be rejected');
}

describe('GitHub source settings', () => {
  it('compile to the associations and the project of a GitHub source', () => {
    const compiled = load(
      'github',
      'agents: { users: [support], associations: [owner, MEMBER], teams: [open2bizz/support, open2bizz/on-call.nl] }\nwrite_back: { due_date: true, project: { owner: open2bizz, number: 3, field: SLA due } }',
    ).sources.get('gitea-demo')!;
    expect(compiled.settings).to.deep.equal({ associations: new Set(['OWNER', 'MEMBER']), teams: ['open2bizz/support', 'open2bizz/on-call.nl'], project: { owner: 'open2bizz', number: 3, field: 'SLA due' }, repositories: [] });
    expect(load('gitea', '').sources.get('gitea-demo')!.settings).to.deep.equal({ repositories: [] });
  });

  const rows: { name: string; kind: string; more: string; problems: string[] }[] = [
    {
      name: 'an association GitHub does not have',
      kind: 'github',
      more: 'agents: { associations: [MAINTAINER] }',
      problems: ['agents.associations[0]: "MAINTAINER" is not a GitHub author_association (use COLLABORATOR, CONTRIBUTOR, FIRST_TIMER, FIRST_TIME_CONTRIBUTOR, MANNEQUIN, MEMBER, NONE, OWNER)'],
    },
    { name: 'associations on another tracker', kind: 'gitea', more: 'agents: { associations: [MEMBER] }', problems: ['agents.associations: is a setting of GitHub sources, not of this kind'] },
    {
      name: 'a project on another tracker',
      kind: 'jira',
      more: 'write_back: { due_date: true, project: { owner: o, number: 1, field: F } }',
      problems: ['write_back.project: is a setting of GitHub sources, not of this kind'],
    },
    { name: 'a due date without a project', kind: 'github', more: 'write_back: { due_date: true }', problems: ['write_back.due_date: GitHub issues have no due date: set write_back.project to the Project whose Date field shows it'] },
    {
      name: 'a project without due_date',
      kind: 'github',
      more: 'write_back: { project: { owner: o, number: 1, field: F } }',
      problems: ['write_back.project: the project field shows the due date: set due_date: true as well'],
    },
    {
      name: 'custom fields',
      kind: 'github',
      more: 'write_back: { fields: { reaction: SLA reaction } }',
      problems: ['write_back.fields: GitHub issues have no custom fields; use labels, and due_date with write_back.project'],
    },
    {
      name: 'a project named twice',
      kind: 'github',
      more: 'write_back: { due_date: true, project: { id: PVT_1, owner: o, number: 1, field: F } }',
      problems: ['write_back.project: name the project by id, or by owner and number, not both'],
    },
    {
      name: 'a project without its number',
      kind: 'github',
      more: 'write_back: { due_date: true, project: { owner: o, field: F } }',
      problems: ['write_back.project: name the project by owner and number (as in its URL), or by id'],
    },
    { name: 'a misspelt project key', kind: 'github', more: 'write_back: { due_date: true, project: { id: PVT_1, feild: F } }', problems: ['write_back.project.field: is required', 'write_back.project.feild: is not a known setting (misspelt?)'] },
    {
      name: 'a team without its organisation',
      kind: 'github',
      more: 'agents: { teams: [support] }',
      problems: ["agents.teams[0]: expected the team as org/team-slug, as in the team's URL (github.com/orgs/<org>/teams/<team-slug>)"],
    },
    { name: 'teams without a token to read them', kind: 'github', more: 'api: { token: "" }\nagents: { teams: [open2bizz/support] }', problems: ["agents.teams: the teams' members are read through the GitHub API: set api.token (with read:org)"] },
    { name: 'teams on another tracker', kind: 'gitlab', more: 'agents: { teams: [open2bizz/support] }', problems: ['agents.teams: is a setting of GitHub sources, not of this kind'] },
    { name: 'groups on GitHub', kind: 'github', more: 'agents: { groups: [open2bizz] }', problems: ['agents.groups: is a setting of GitLab sources, not of this kind'] },
    {
      name: 'periodic reconciliation without repositories',
      kind: 'github',
      more: 'reconcile: { every: 15m }',
      problems: ['reconcile.repositories: GitHub has no search by update time across repositories: list the repositories (owner/name) to reconcile'],
    },
  ];
  for (const row of rows) {
    it(`refuses ${row.name}, naming file and path`, () => {
      expect(problems(row.kind, row.more)).to.have.members(row.problems);
    });
  }

  it('accept repositories to reconcile on GitHub', () => {
    expect(load('github', 'reconcile: { every: 15m, repositories: [open2bizz/odoo-customer] }').sources.get('gitea-demo')!.settings).to.deep.include({ repositories: ['open2bizz/odoo-customer'] });
  });


  describe('API addresses from base_url', () => {
    const rows: [baseUrl: string, rest: string, graphql: string, web: string][] = [
      ['https://github.com', 'https://api.github.com', 'https://api.github.com/graphql', 'https://github.com'],
      ['https://api.github.com', 'https://api.github.com', 'https://api.github.com/graphql', 'https://github.com'],
      ['https://github.example.com', 'https://github.example.com/api/v3', 'https://github.example.com/api/graphql', 'https://github.example.com'],
      ['https://github.example.com/api/v3', 'https://github.example.com/api/v3', 'https://github.example.com/api/graphql', 'https://github.example.com'],
      ['http://127.0.0.1:8090/github', 'http://127.0.0.1:8090/github/api/v3', 'http://127.0.0.1:8090/github/api/graphql', 'http://127.0.0.1:8090/github'],
      ['https://octocorp.ghe.com', 'https://api.octocorp.ghe.com', 'https://api.octocorp.ghe.com/graphql', 'https://octocorp.ghe.com'],
      ['https://api.octocorp.ghe.com', 'https://api.octocorp.ghe.com', 'https://api.octocorp.ghe.com/graphql', 'https://octocorp.ghe.com'],
    ];
    for (const [baseUrl, rest, graphql, web] of rows) {
      it(baseUrl, () => {
        expect(githubApiUrls({ baseUrl })).to.deep.equal({ rest, graphql, web });
      });
    }
  });
});
