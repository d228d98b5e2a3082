/**
 * The echo proof, for any state: after a successful write the bridge stores `desired` as
 * `previous`, and when the tracker's webhook for that write comes back the clock (which ignores the
 * fields it wrote) produces the same `desired` again, so every tracker must then ask for nothing,
 * or the bridge would write, be echoed and write again forever. `previous` goes through JSON as it
 * would through the store. The echo also shows the owned fields as the tracker renders them (in
 * its own zone, at its own precision): that must ask for nothing either, while any other value
 * shown counts exactly as if the bridge had written it, so someone's edit is written over.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { IssueRef } from '../../connectors/connector.js';
import { buildWriteBack as giteaWriteBack, giteaDueDate, giteaShownFields } from '../../connectors/gitea/write-back.js';
import { buildWriteBack as gitlabWriteBack, gitlabDueDate, gitlabShownFields } from '../../connectors/gitlab/write-back.js';
import { githubSettings } from '../../connectors/github/source-settings.js';
import { buildWriteBack as githubWriteBack, githubProjectDate, githubShownFields, PROJECT_DATE } from '../../connectors/github/write-back.js';
import { buildWriteBack as jiraWriteBack, jiraDate, jiraShownFields } from '../../connectors/jira/write-back.js';
import { buildWriteBack as mantisWriteBack, mantisShownFields } from '../../connectors/mantis/write-back.js';
import type { ShownFields } from '../../connectors/shared/owned-fields.js';
import { writeBackConfigSchema } from '../../src/config/write-back-config.js';
import { type WriteBackFields, writeBackFieldsSchema } from '../../src/domain/write-back-fields.js';
import type { OutboundRequest } from '../../connectors/outbound-request.js';
import { PLUGINS } from '../../src/app/plugins.js';
import { parseSource } from '../../src/config/source-schema.js';
import type { Source } from '../../src/config/source.js';
import { METRICS } from '../../src/domain/metric.js';

function sourceOf(kind: 'jira' | 'gitea' | 'mantis' | 'gitlab' | 'github', writeBack: Record<string, unknown> = {}): Source {
  return parseSource(`${kind}-demo`, {
      kind,
      base_url: `https://${kind}.example.com`,
      webhook: { secrets: ['s'] },
      api: { token: 't', user: kind === 'jira' ? 'bot@example.com' : undefined },
      priority: { field: kind === 'gitlab' ? 'labels' : 'priority', map: {}, default: 'P3' },
      write_back: writeBack,
    }, PLUGINS.trackers);
}

const everything = (more: { fields?: Record<string, string>; labels?: Record<string, string> }) =>
  writeBackConfigSchema.parse({ enabled: true, due_date: true, comment_on_breach: true, ...more });

const JIRA_CONFIG = everything({ fields: { reaction: 'customfield_1', response: 'customfield_2', resolution: 'customfield_3' } });
const GITEA_CONFIG = everything({ labels: { at_risk: 'sla/at-risk', breached: 'sla/breached' } });
const GITLAB_CONFIG = everything({ labels: { at_risk: 'sla::at-risk', breached: 'sla::breached' } });
const MANTIS_CONFIG = everything({ fields: { reaction: 'A', response: 'B', resolution: 'C' } });
const GITHUB_SOURCE = sourceOf('github', {
  enabled: true,
  due_date: true,
  comment_on_breach: true,
  labels: { at_risk: 'sla/at-risk', breached: 'sla/breached' },
  project: { owner: 'o', number: 1, field: 'SLA due' },
});

/** What the tracker's webhook shows after storing `sent`: as each one renders and keeps it, not as we sent it. */
const jiraShows = (sent: WriteBackFields): ShownFields => {
  const field = (deadline: number | null) => (deadline === null ? null : DateTime.fromMillis(Math.floor(deadline / 60_000) * 60_000, { zone: 'Pacific/Auckland' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZZ"));
  return jiraShownFields(JIRA_CONFIG, {
    customfield_1: field(sent.deadlines.reaction),
    customfield_2: field(sent.deadlines.response),
    customfield_3: field(sent.deadlines.resolution),
    duedate: jiraDate(sent.nearest, sent.zone),
    summary: 'unrelated',
  });
};
const giteaShows = (sent: WriteBackFields): ShownFields => {
  // Gitea keeps the deadline as Unix seconds and renders it in the server's zone.
  const dueDate = giteaDueDate(sent.nearest, sent.zone);
  const labels = [{ name: 'priority/1' }, ...(sent.atRisk ? [{ name: 'sla/at-risk' }] : []), ...(sent.breached ? [{ name: 'sla/breached' }] : [])];
  return giteaShownFields(GITEA_CONFIG, { due_date: dueDate === null ? null : DateTime.fromISO(dueDate).setZone('America/Sao_Paulo').toISO({ suppressMilliseconds: true }), labels });
};
const gitlabShows = (sent: WriteBackFields): ShownFields => {
  // GitLab keeps the day and lists the labels by title, the issue's own ones too.
  const labels = ['priority::1', ...(sent.atRisk ? ['sla::at-risk'] : []), ...(sent.breached ? ['sla::breached'] : [])].sort();
  return gitlabShownFields(GITLAB_CONFIG, { due_date: gitlabDueDate(sent.nearest, sent.zone) }, labels);
};
const mantisShows = (sent: WriteBackFields): ShownFields => {
  const seconds = (deadline: number | null) => (deadline === null ? '' : String(Math.floor(deadline / 1000)));
  const { reaction, response, resolution } = sent.deadlines;
  return mantisShownFields(MANTIS_CONFIG, {
    custom_fields: { A: seconds(reaction), B: seconds(response), C: resolution === null ? null : seconds(resolution), Other: 'x' },
    due_date: sent.nearest === null ? null : Math.floor(sent.nearest / 1000) * 1000,
  });
};

/** GitHub's webhooks show the labels; the Project date is read from the project just before the write (held). */
const githubShows = (sent: WriteBackFields): ShownFields => {
  const labels = [{ name: 'priority/1' }, ...(sent.atRisk ? [{ name: 'sla/at-risk' }] : []), ...(sent.breached ? [{ name: 'sla/breached' }] : [])];
  return { ...githubShownFields(GITHUB_SOURCE.writeBack, { labels }), [PROJECT_DATE]: githubProjectDate(sent.nearest, sent.zone) };
};
/** What the project holds: what a read just showed, or else what the bridge last wrote there. */
function githubBuild(desired: WriteBackFields, previous: WriteBackFields | undefined, shown?: ShownFields): OutboundRequest[] {
  const date = shown && Object.hasOwn(shown, PROJECT_DATE) ? shown[PROJECT_DATE]! : previous ? githubProjectDate(previous.nearest, previous.zone) : null;
  const { [PROJECT_DATE]: _read, ...labels } = shown ?? {};
  const target = { projectId: 'PVT_1', fieldId: 'PVTF_1', issueId: 'I_1', itemId: 'PVTI_1', date };
  return githubWriteBack(GITHUB_SOURCE, { id: 'o/r#1', key: 'o/r#1' }, desired, previous, shown ? labels : undefined, { project: githubSettings(GITHUB_SOURCE).project!, target });
}

interface Tracker {
  readonly name: string;
  readonly build: (desired: WriteBackFields, previous: WriteBackFields | undefined, shown?: ShownFields) => OutboundRequest[];
  readonly shows: (sent: WriteBackFields) => ShownFields;
}

const TRACKERS: Tracker[] = [
  {
    name: 'Jira',
    build: (desired, previous, shown) => jiraWriteBack(sourceOf('jira'), JIRA_CONFIG, { id: '1', key: 'MB-1' }, desired, previous, shown),
    shows: jiraShows,
  },
  {
    name: 'Gitea',
    build: (desired, previous, shown) => {
      const issue: IssueRef = { id: 'o/r#1', key: 'o/r#1' };
      return giteaWriteBack(sourceOf('gitea'), GITEA_CONFIG, issue, desired, previous, new Map([['sla/at-risk', 1], ['sla/breached', 2]]), shown);
    },
    shows: giteaShows,
  },
  {
    name: 'GitLab',
    build: (desired, previous, shown) => gitlabWriteBack(sourceOf('gitlab'), GITLAB_CONFIG, { id: 'g/p#1', key: 'g/p#1' }, desired, previous, shown),
    shows: gitlabShows,
  },
  {
    name: 'MantisBT',
    build: (desired, previous, shown) => mantisWriteBack(sourceOf('mantis'), MANTIS_CONFIG, { id: '1', key: '1' }, desired, previous, shown),
    shows: mantisShows,
  },
  { name: 'GitHub', build: githubBuild, shows: githubShows },
];

// 2000 to 2100, across DST changes in zones with and without them, and a half-hour offset.
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
const fieldsArbitrary: fc.Arbitrary<WriteBackFields> = fc
  .record({
    reaction: fc.option(instant, { nil: null }),
    response: fc.option(instant, { nil: null }),
    resolution: fc.option(instant, { nil: null }),
    zone: fc.constantFrom('Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'UTC'),
    atRisk: fc.boolean(),
    breachedMetrics: fc.subarray([...METRICS]),
  })
  .map(({ zone, atRisk, breachedMetrics, ...deadlines }) => {
    const open = Object.values(deadlines).filter((deadline): deadline is number => deadline !== null);
    return {
      deadlines,
      zone,
      nearest: open.length > 0 ? Math.min(...open) : null,
      atRisk: atRisk && breachedMetrics.length === 0,
      breached: breachedMetrics.length > 0,
      breachedMetrics,
    };
  });

describe('write-back: the echo of our own write asks for nothing', () => {
  for (const tracker of TRACKERS) {
    it(`${tracker.name}: previous = desired → no request, whatever desired is`, () => {
      fc.assert(
        fc.property(fieldsArbitrary, (desired) => {
          const stored = writeBackFieldsSchema.parse(JSON.parse(JSON.stringify(desired)));
          expect(tracker.build(desired, stored)).to.deep.equal([]);
        }),
      );
    });

    const fieldWrites = (requests: OutboundRequest[]) => requests.filter((request) => !/\/(comment|comments|notes)$/.test(request.url));

    it(`${tracker.name}: the echo showing the fields as the tracker renders them asks for nothing, whatever was written before`, () => {
      fc.assert(
        fc.property(fieldsArbitrary, fc.option(fieldsArbitrary, { nil: undefined }), (desired, previous) => {
          expect(fieldWrites(tracker.build(desired, previous, tracker.shows(desired)))).to.deep.equal([]);
        }),
      );
    });

    it(`${tracker.name}: a value someone else left in a field counts as if the bridge had written it`, () => {
      fc.assert(
        fc.property(fieldsArbitrary, fieldsArbitrary, (desired, other) => {
          // Shown `other` over a written `desired`: the same requests as writing over `other`.
          expect(fieldWrites(tracker.build(desired, desired, tracker.shows(other)))).to.deep.equal(fieldWrites(tracker.build(desired, other)));
        }),
      );
    });

    it(`${tracker.name}: what the tracker shows differs both ways or neither (comments aside, which only follow a breach)`, () => {
      const writes = (desired: WriteBackFields, previous: WriteBackFields) =>
        tracker.build(desired, previous).filter((request) => !/\/(comment|comments|notes)$/.test(request.url));
      fc.assert(
        fc.property(fieldsArbitrary, fieldsArbitrary, (before, after) => {
          expect(writes(after, before).length > 0).to.equal(writes(before, after).length > 0);
        }),
      );
    });
  }
});
