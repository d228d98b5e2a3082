/**
 * The `/spent` note convention (GitHub has no time tracking): the parser, table-driven and as a
 * property against formatting, and GitHub comments that book, rebook and take back time.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { githubConnector } from '../../connectors/github/index.js';
import type { Normalized } from '../../connectors/connector.js';
import { spentSeconds } from '../../src/domain/spent-note.js';
import { projectRoot } from '../../src/project-root.js';
import { shippedConfig } from '../support/shipped-config.js';

describe('the /spent note convention', () => {
  const cases: [text: string, seconds: number | undefined][] = [
    ['/spent 1h30m', 5400],
    ['/spent 1h 30m', 5400],
    ['/spent 90m', 5400],
    ['/spent 1.5h', 5400],
    ['/spent 2h', 7200],
    ['/SPENT 15m', 900],
    ['Fixed the mail relay.\n/spent 45m\nthanks', 2700],
    ['/spent 1h\n/spent 30m', 5400],
    ['  /spent 10m  ', 600],
    ['/spent 0m', 0],
    ['no booking here', undefined],
    ['/spent soon', undefined],
    ['/spent 30m1h', undefined],
    ['I /spent 1h on it', undefined],
    ['/spentx 1h', undefined],
  ];
  for (const [text, seconds] of cases) {
    it(`${JSON.stringify(text)} books ${seconds === undefined ? 'nothing' : `${seconds} s`}`, () => {
      expect(spentSeconds(text)).to.equal(seconds);
    });
  }

  it('reads back any hours and minutes it is written in, in any of its forms, among other lines', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('', ' '), fc.string({ maxLength: 30 }).filter((s) => !s.includes('/spent')), (hours, minutes, gap, other) => {
        fc.pre(hours > 0 || minutes > 0);
        const amount = hours === 0 ? `${minutes}m` : minutes === 0 ? `${hours}h` : `${hours}h${gap}${minutes}m`;
        const text = `${other.replace(/\n/g, ' ')}\n/spent ${amount}\n${other.replace(/\n/g, ' ')}`;
        // The slow way: hours and minutes counted out in seconds.
        let expected = 0;
        for (let h = 0; h < hours; h += 1) expected += 3600;
        for (let m = 0; m < minutes; m += 1) expected += 60;
        expect(spentSeconds(text)).to.equal(expected);
      }),
    );
  });

  describe('GitHub comments', () => {
    const source = () => shippedConfig().sources.get('github-demo')!;
    const fixture = (name: string) => JSON.parse(readFileSync(path.join(projectRoot(), 'test/fixtures/github', `${name}.json`), 'utf8')) as { headers: Record<string, string>; body: Record<string, any> };
    function normalize(name: string, edit: (body: Record<string, any>) => void): Normalized {
      const { headers, body } = fixture(name);
      edit(body);
      const raw = Buffer.from(JSON.stringify(body));
      return githubConnector.normalize(source(), githubConnector.payloadSchema.parse(body), { headers, rawBody: raw });
    }
    const timeOf = (normalized: Normalized) => (normalized.outcome === 'events' ? normalized.events.filter((event) => event.type === 'time_logged') : normalized.reason);
    const RECORD = { recordId: 'github-comment:2481003377', author: 'open2bizz-support' };

    it('an agent’s new comment with /spent books its time at the comment’s creation', () => {
      const normalized = normalize('comment-by-agent', (body) => (body.comment.body += '\n/spent 1h30m'));
      expect(timeOf(normalized)).to.deep.equal([{ type: 'time_logged', at: Date.parse('2026-11-26T08:47:30Z'), seconds: 5400, ...RECORD }]);
    });

    it('a customer’s /spent books nothing', () => {
      const normalized = normalize('comment-by-customer', (body) => (body.comment.body += '\n/spent 8h'));
      expect(timeOf(normalized)).to.deep.equal([]);
    });

    it('editing the line rebooks, at the edit', () => {
      const normalized = normalize('comment-by-agent', (body) => {
        body.action = 'edited';
        body.changes = { body: { from: `${body.comment.body}\n/spent 1h30m` } };
        body.comment.body += '\n/spent 2h';
        body.comment.updated_at = '2026-11-26T10:00:00Z';
      });
      expect(timeOf(normalized)).to.deep.equal([{ type: 'time_logged', at: Date.parse('2026-11-26T10:00:00Z'), seconds: 7200, ...RECORD }]);
    });

    it('editing the line away, or deleting the comment, takes the time back', () => {
      const edited = normalize('comment-by-agent', (body) => {
        body.action = 'edited';
        body.changes = { body: { from: `${body.comment.body}\n/spent 1h30m` } };
        body.comment.updated_at = '2026-11-26T10:00:00Z';
      });
      expect(timeOf(edited)).to.deep.equal([{ type: 'time_logged', at: Date.parse('2026-11-26T10:00:00Z'), seconds: 0, ...RECORD }]);
      const deleted = normalize('comment-by-agent', (body) => {
        body.action = 'deleted';
        body.comment.body += '\n/spent 1h30m';
      });
      expect(timeOf(deleted)).to.deep.equal([{ type: 'time_logged', at: Date.parse('2026-11-26T08:47:30Z'), seconds: 0, ...RECORD }]);
    });

    it('an edit that touches no /spent line is ignored as before', () => {
      expect(normalize('comment-edited', () => {}).outcome).to.equal('ignored');
    });
  });
});
