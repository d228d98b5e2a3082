/**
 * The issue store's compact layout (states and long events deflated, event ids as fields of the ref hash) and the
 * upgrade onto it: what a bridge of the previous version wrote (a JSON state, a set of event ids)
 * is read by this one, and nothing it accepted is lost or applied twice.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { deflateRawSync } from 'node:zlib';
import { compactJson } from '../src/app/store/compact-json.js';
import { decodeState, encodeState } from '../src/app/store/compact-state.js';
import { decodeEvent, encodeEvent } from '../src/app/store/compact-event.js';
import { IssueStore, type IssueState } from '../src/app/store/issue-store.js';
import type { IssueEvent } from '../src/domain/issue-event.js';
import { sharedRedis, uniquePrefix } from './support/redis-server.js';

const commented = (at: number): IssueEvent => ({ type: 'commented', at, by: 'agent', public: true });

function stateOf(issueId: string, at: number): IssueState {
  return { source: 'jira-demo', issue: { id: issueId, key: `MB-${issueId}`, title: 'Checkout returns 502', url: `https://jira.example.com/browse/MB-${issueId}` }, sla: { covered: false, reason: 'no contract matches' } as unknown as IssueState['sla'], computedAt: at, eventCount: 1 };
}

describe('the codec of compact texts (compact-json.ts)', () => {
  const dictionary = Buffer.from('{"source":"jira-demo","issue":{"id":"","key":"","title":""},"computedAt":');
  const codec = compactJson('a test text', 0x05, dictionary);

  it('reads what earlier versions deflated with zlib\'s default 32 KiB window, long texts with far repeats too (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4_200, maxLength: 6_000 }), fc.integer({ min: 2, max: 3 }), (text, copies) => {
        // Repeats further apart than the codec's own 4 KiB window reaches.
        const json = JSON.stringify({ source: 'jira-demo', issue: { title: Array.from({ length: copies }, () => text).join('|') } });
        const earlier = Buffer.concat([Buffer.from([0x05]), deflateRawSync(json, { dictionary })]);
        expect(codec.decode(earlier)).to.equal(json);
        expect(codec.decode(codec.encode(json))).to.equal(json);
      }),
      { numRuns: 60 },
    );
  });
});

describe('compact states (compact-state.ts)', () => {
  it('gives back every JSON text it encoded (fast-check), and reads the plain JSON earlier versions stored', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.stringify({ value });
        expect(decodeState(encodeState(json))).to.equal(json);
        expect(decodeState(Buffer.from(json))).to.equal(json);
      }),
    );
  });

  it('keeps a new issue\'s state at well under half of its JSON', () => {
    const json = JSON.stringify(stateOf('500000', 1_796_188_766_187));
    expect(encodeState(json).length).to.be.below(json.length / 2);
  });

  it('refuses a form it does not know, instead of answering garbage', () => {
    expect(() => decodeState(Buffer.from([0x7f, 1, 2]))).to.throw(/unknown form/);
  });
});

/** A Jira Cloud issue's created event as the connector makes it (the ingest bench's payload). */
const created = (at: number, title = 'Checkout returns 502 for every order'): IssueEvent => ({
  type: 'created',
  at,
  project: 'MB',
  component: 'Checkout',
  labels: ['webshop'],
  environment: null,
  priority: 'P1',
  status: 'Open',
  paused: false,
  title,
  assignee: null,
  synthetic: false,
  reporter: { names: ['qm:7d2f9c4e-6a1b-4c3d-8e5f-0a9b8c7d6e5f:3b1e2c4d-5f6a-7b8c-9d0e-1f2a3b4c5d6e'], email: 'pieter@bakkerij-dejong.example' },
});

describe('compact events (compact-event.ts)', () => {
  it('gives back every event it encoded, long or short (fast-check), and reads the plain JSON earlier versions stored', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.string({ maxLength: 400 }), fc.boolean(), (at, title, long) => {
        const event = long ? created(at, title) : commented(at);
        const json = JSON.stringify(event);
        expect(decodeEvent(Buffer.from(encodeEvent(event)))).to.equal(json);
        expect(decodeEvent(Buffer.from(json))).to.equal(json);
      }),
    );
  });

  it('deflates a created event to well under its JSON, and leaves a short event as JSON', () => {
    const long = created(1_796_188_766_187);
    expect(encodeEvent(long).length).to.be.below(JSON.stringify(long).length / 2);
    expect(encodeEvent(commented(1))).to.equal(JSON.stringify(commented(1)));
  });

  it('refuses a form it does not know, and a state read as an event', () => {
    expect(() => decodeEvent(Buffer.from([0x7f, 1, 2]))).to.throw(/issue event stored in an unknown form/);
    expect(() => decodeEvent(encodeState('{"a":1}'))).to.throw(/unknown form/);
  });
});

describe('the issue store on a Redis a previous version wrote', function () {
  this.timeout(20_000);
  let redis: Redis;
  let prefix: string;
  let store: IssueStore;
  const key = (issueId: string, part: string) => `${prefix}:issue:jira-demo:${issueId}:${part}`;

  before(async () => {
    redis = new Redis((await sharedRedis()).url, { maxRetriesPerRequest: null });
  });
  beforeEach(() => {
    prefix = uniquePrefix('layout');
    store = new IssueStore(redis, prefix);
  });
  after(() => redis.disconnect());

  /** The previous layout: JSON state, log, event ids in a set of their own, ref hash. */
  async function writeOldLayout(issueId: string, state: IssueState): Promise<void> {
    await redis
      .multi()
      .set(key(issueId, 'state'), JSON.stringify(state))
      .rpush(key(issueId, 'events'), JSON.stringify(commented(1)))
      .sadd(key(issueId, 'event-ids'), 'delivery-1#0', 'created:synthetic')
      .hset(key(issueId, 'ref'), { key: state.issue.key, title: state.issue.title!, url: state.issue.url! })
      .sadd(`${prefix}:issues`, JSON.stringify(['jira-demo', issueId]))
      .exec();
  }

  it('reads the old JSON state, and stores the next one compact', async () => {
    const old = stateOf('1', 1000);
    await writeOldLayout('1', old);
    expect(await store.loadState('jira-demo', '1')).to.deep.equal(old);
    expect(await store.loadStates([['jira-demo', '1']])).to.deep.equal([old]);
    const next = { ...old, computedAt: 2000 };
    await store.withIssueLock('jira-demo', '1', () => store.saveState(next));
    const stored = await redis.getBuffer(key('1', 'state'));
    expect(stored![0], 'the compact form').to.equal(0x01);
    expect(await store.loadState('jira-demo', '1')).to.deep.equal(next);
  });

  it('does not apply again an event whose id the old set holds, applies a new one, and exports both ids', async () => {
    await writeOldLayout('2', stateOf('2', 1000));
    const issue = { id: '2', key: 'MB-2', partial: true };
    const replayed = await store.applyUnderLock('jira-demo', issue, [{ id: 'delivery-1#0', event: commented(1) }], {}, async (applied) => applied);
    expect(replayed.added).to.equal(0);
    expect(replayed.events).to.have.length(1);
    expect(replayed.issue, 'the old ref').to.deep.include({ key: 'MB-2', title: 'Checkout returns 502' });
    const fresh = await store.applyUnderLock('jira-demo', issue, [{ id: 'delivery-2#0', event: commented(2) }], {}, async (applied) => applied);
    expect(fresh.added).to.equal(1);
    expect(await store.withIssueLock('jira-demo', '2', () => store.appendEvents('jira-demo', issue, [{ id: 'delivery-2#0', event: commented(2) }]))).to.equal(0);
    const log = await store.readLog('jira-demo', '2');
    expect(log.events).to.have.length(2);
    expect([...log.eventIds].sort()).to.deep.equal(['created:synthetic', 'delivery-1#0', 'delivery-2#0']);
  });

  it('replaces a log in either layout whole: the ids before are gone from both, the ref stays', async () => {
    await writeOldLayout('3', stateOf('3', 1000));
    await store.withIssueLock('jira-demo', '3', () => store.appendEvents('jira-demo', { id: '3', key: 'MB-3', partial: true }, [{ id: 'delivery-3#0', event: commented(3) }]));
    await store.replaceLog('jira-demo', '3', [commented(5)], ['imported#0']);
    const log = await store.readLog('jira-demo', '3');
    expect(log.events.map((text) => JSON.parse(text) as IssueEvent)).to.deep.equal([commented(5)]);
    expect(log.eventIds).to.deep.equal(['imported#0']);
    expect(await redis.exists(key('3', 'event-ids'))).to.equal(0);
    expect(await store.loadRef('jira-demo', '3')).to.deep.include({ key: 'MB-3', title: 'Checkout returns 502' });
  });

  it('reads a log of plain JSON events with deflated ones appended after it, on every read path', async () => {
    await writeOldLayout('5', stateOf('5', 1000));
    const issue = { id: '5', key: 'MB-5', partial: true };
    const applied = await store.applyUnderLock('jira-demo', issue, [{ id: 'delivery-5#0', event: created(2) }], {}, async (result) => result);
    const expected = [commented(1), created(2)];
    expect(applied.events).to.deep.equal(expected);
    const stored = await redis.lrangeBuffer(key('5', 'events'), 0, -1);
    expect(stored.map((item) => item[0]), 'the old event as JSON, the new one deflated').to.deep.equal([0x7b, 0x02]);
    expect(await store.loadEvents('jira-demo', '5')).to.deep.equal(expected);
    expect(await store.loadEventLogs([['jira-demo', '5'], ['jira-demo', 'none']])).to.deep.equal([expected, []]);
    expect((await store.loadLogAndRef('jira-demo', '5')).events).to.deep.equal(expected);
    expect((await store.readLog('jira-demo', '5')).events.map((json) => JSON.parse(json) as IssueEvent)).to.deep.equal(expected);
    await store.withIssueLock('jira-demo', '5', () => store.appendEvents('jira-demo', issue, [{ id: 'delivery-6#0', event: created(3, 'Another title') }]));
    await store.replaceLog('jira-demo', '5', (await store.loadEvents('jira-demo', '5')).slice(1), ['imported#0']);
    expect(await store.loadEvents('jira-demo', '5')).to.deep.equal([created(2), created(3, 'Another title')]);
  });

  it('keeps new issues\' event ids in the ref hash: no set of their own', async () => {
    const issue = { id: '4', key: 'MB-4', title: 'New', url: 'https://jira.example.com/browse/MB-4' };
    const applied = await store.applyUnderLock('jira-demo', issue, [{ id: 'd#1', event: commented(1), claims: 'created:synthetic' }], {}, async (result) => result);
    expect(applied.added).to.equal(1);
    expect(applied.issue).to.deep.equal({ id: '4', key: 'MB-4', title: 'New', url: 'https://jira.example.com/browse/MB-4' });
    expect(await redis.exists(key('4', 'event-ids'))).to.equal(0);
    expect([...(await store.readLog('jira-demo', '4')).eventIds].sort()).to.deep.equal(['created:synthetic', 'd#1']);
  });

  describe('long titles, links and event ids (pieces and digests, so the ref stays a listpack)', () => {
    const encoding = async (issueId: string) => String(await redis.call('OBJECT', 'ENCODING', key(issueId, 'ref')));
    const refOf = (issueId: string, url: string, title: string) => ({ id: issueId, key: `MB-${issueId}`, title, url });
    // A Jira summary may have 255 characters; these cross the 64-byte pieces inside a character.
    const titles = fc.oneof(fc.string({ maxLength: 255 }), fc.string({ unit: 'grapheme', maxLength: 255 }), fc.constantFrom('x'.repeat(64), 'x'.repeat(128), 'é'.repeat(32), '€'.repeat(100)));

    it('gives back any title and link through every read path, after the next one shorter or longer too (fast-check)', async () => {
      let issues = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(titles, fc.webUrl({ withQueryParameters: true })), { minLength: 1, maxLength: 3 }), async (writes) => {
          const issueId = String(100 + (issues += 1));
          let at = 0;
          for (const [title, url] of writes) {
            const issue = refOf(issueId, url, title);
            const applied = await store.applyUnderLock('jira-demo', issue, [{ id: `d-${(at += 1)}#0`, event: commented(at) }], {}, async (result) => result);
            // An empty title is no title, as it always was.
            const read = { ...refOf(issueId, url, title), title: title || undefined };
            expect(applied.issue, 'as a delivery reads it back').to.deep.equal(read);
            expect(await store.loadRef('jira-demo', issueId)).to.deep.equal(read);
            expect((await store.loadLogAndRef('jira-demo', issueId)).issue).to.deep.equal(read);
          }
          expect(await encoding(issueId)).to.equal('listpack');
        }),
        { numRuns: 40 },
      );
    });

    it('takes a shorter title\'s stale pieces away, and an import writes pieces too', async () => {
      const long = 'Checkout returns 502 for every order since the deploy of this morning, and the invoices stop';
      await store.appendEvents('jira-demo', refOf('200', 'https://jira.example.com/browse/MB-200', long), [{ id: 'd#0', event: commented(1) }]);
      expect((await redis.hkeys(key('200', 'ref'))).filter((field) => field.startsWith('title'))).to.have.members(['title', 'title:1']);
      await store.appendEvents('jira-demo', refOf('200', 'https://jira.example.com/browse/MB-200', 'Checkout returns 502'), [{ id: 'd#1', event: commented(2) }]);
      expect((await redis.hkeys(key('200', 'ref'))).filter((field) => field.startsWith('title'))).to.deep.equal(['title']);
      expect((await store.loadRef('jira-demo', '200')).title).to.equal('Checkout returns 502');

      await store.restoreRef('jira-demo', refOf('201', 'https://jira.example.com/browse/MB-201', long), ['MB-201']);
      expect(await store.loadRef('jira-demo', '201')).to.deep.equal(refOf('201', 'https://jira.example.com/browse/MB-201', long));
      expect(await encoding('201')).to.equal('listpack');
    });

    it('keeps a long event id as its digest: applied once, once more not, exported and imported as the same', async () => {
      // GitLab without an Idempotency-Key (connectors/gitlab/delivery-id.ts).
      const id = `body:${'ab12'.repeat(16)}#0`;
      const issue = refOf('300', 'https://gitlab.example.com/group/project/-/issues/300', 'Short');
      expect(await store.appendEvents('jira-demo', issue, [{ id, event: commented(1) }])).to.equal(1);
      expect(await store.appendEvents('jira-demo', issue, [{ id, event: commented(1) }]), 'the same id again').to.equal(0);
      expect(await encoding('300')).to.equal('listpack');
      const { eventIds } = await store.readLog('jira-demo', '300');
      expect(eventIds).to.have.length(1);
      expect(eventIds[0]).to.match(/^~[0-9a-f]{24}$/);
      await store.replaceLog('jira-demo', '300', await store.loadEvents('jira-demo', '300'), eventIds);
      expect(await store.appendEvents('jira-demo', issue, [{ id, event: commented(1) }]), 'after an export and import').to.equal(0);
    });

    it('finds a long event id an earlier version kept whole (a hashtable ref) and does not apply it again', async () => {
      const id = `body:${'cd34'.repeat(16)}#0`;
      await redis.hset(key('400', 'ref'), { key: 'MB-400', title: 'Old', url: '', [`#${id}`]: '1' });
      expect(await store.appendEvents('jira-demo', refOf('400', '', 'Old'), [{ id, event: commented(1) }])).to.equal(0);
      expect(await store.appendEvents('jira-demo', refOf('400', '', 'Old'), [{ id: `${id}x`, event: commented(2) }]), 'another long id').to.equal(1);
    });

    it('writes a hashtable ref an earlier version left (a whole long title, a long id) as a listpack again at its next write, and still finds the old id', async () => {
      const id = `body:${'ef56'.repeat(16)}#0`;
      const title = 'Checkout returns 502 for every order since the deploy of this morning, and the invoices stop';
      const url = 'https://jira.example.com/browse/MB-500';
      await redis.hset(key('500', 'ref'), { key: 'MB-500', title, url, [`#${id}`]: '1', '#d#0': '1', '@reaction': 'timer-0123456789abcdef0123456789abcdef-01234567' });
      expect(await encoding('500'), 'as the earlier version left it').to.equal('hashtable');
      expect(await store.appendEvents('jira-demo', refOf('500', url, title), [{ id: 'd#1', event: commented(1) }])).to.equal(1);
      expect(await encoding('500')).to.equal('listpack');
      expect(await store.loadRef('jira-demo', '500')).to.deep.equal(refOf('500', url, title));
      expect(await redis.hget(key('500', 'ref'), '@reaction'), 'the timer plan kept').to.equal('timer-0123456789abcdef0123456789abcdef-01234567');
      expect(await store.appendEvents('jira-demo', refOf('500', url, title), [{ id, event: commented(2) }]), 'the old long id').to.equal(0);
      expect(await store.appendEvents('jira-demo', refOf('500', url, title), [{ id: 'd#0', event: commented(3) }]), 'an old short id').to.equal(0);
      expect([...(await store.readLog('jira-demo', '500')).eventIds].sort()).to.have.length(3);
    });

    it('leaves a hashtable ref of more than 512 fields as it is, and still writes and reads it', async () => {
      const long = `body:${'ab90'.repeat(16)}#0`;
      const ids = Object.fromEntries(Array.from({ length: 520 }, (_, index) => [`#d#${index}`, '1']));
      await redis.hset(key('501', 'ref'), { key: 'MB-501', title: 'Old', url: '', [`#${long}`]: '1', ...ids });
      expect(await encoding('501')).to.equal('hashtable');
      expect(await store.appendEvents('jira-demo', refOf('501', '', 'New title'), [{ id: 'd#520', event: commented(1) }, { id: 'd#3', event: commented(2) }, { id: long, event: commented(3) }])).to.equal(1);
      expect(await encoding('501')).to.equal('hashtable');
      expect(await redis.hexists(key('501', 'ref'), `#${long}`), 'the long id as it was').to.equal(1);
      expect((await store.loadRef('jira-demo', '501')).title).to.equal('New title');
    });

    it('writes a hashtable ref of some hundred fields (under Redis\'s 512) as a listpack again, every id still found', async () => {
      const long = `body:${'cd12'.repeat(16)}#0`;
      const ids = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`#d#${index}`, '1']));
      await redis.hset(key('502', 'ref'), { key: 'MB-502', title: 'Old', url: '', [`#${long}`]: '1', ...ids });
      expect(await encoding('502'), 'as the earlier version left it').to.equal('hashtable');
      expect(await store.appendEvents('jira-demo', refOf('502', '', 'New title'), [{ id: 'd#300', event: commented(1) }, { id: 'd#7', event: commented(2) }, { id: long, event: commented(3) }])).to.equal(1);
      expect(await encoding('502')).to.equal('listpack');
      expect(await redis.hexists(key('502', 'ref'), `#${long}`), 'the long id as its digest now').to.equal(0);
      expect(await store.appendEvents('jira-demo', refOf('502', '', 'New title'), [{ id: long, event: commented(4) }, { id: 'd#299', event: commented(5) }])).to.equal(0);
      expect((await store.readLog('jira-demo', '502')).eventIds).to.have.length(302);
    });

    it('rewrites an earlier version\'s ref once, not at every write, where Redis keeps it a hashtable for its number of fields', async () => {
      const entries = String((await redis.config('GET', 'hash-max-listpack-entries'))[1]);
      // A lower limit than the default, as an operator may set it: every ref of 5 fields is a hashtable.
      await redis.config('SET', 'hash-max-listpack-entries', '4');
      try {
        const title = 'Checkout returns 502 for every order since the deploy of this morning, and the invoices stop';
        const issue = refOf('503', 'https://jira.example.com/browse/MB-503', title);
        await redis.hset(key('503', 'ref'), { key: 'MB-503', title, url: issue.url, '#d#0': '1', '#d#1': '1' });
        // A rewrite (DEL and HSET) drops the key's expiry: the probe of whether one ran.
        await redis.pexpire(key('503', 'ref'), 3_600_000);
        expect(await store.appendEvents('jira-demo', issue, [{ id: 'd#2', event: commented(1) }])).to.equal(1);
        expect(await redis.pttl(key('503', 'ref')), 'rewritten once: the whole title was there').to.equal(-1);
        expect(await encoding('503'), 'still over the lowered limit').to.equal('hashtable');
        await redis.pexpire(key('503', 'ref'), 3_600_000);
        expect(await store.appendEvents('jira-demo', issue, [{ id: 'd#3', event: commented(2) }])).to.equal(1);
        expect(await redis.pttl(key('503', 'ref')), 'not rewritten again').to.be.above(0);
        expect(await store.loadRef('jira-demo', '503')).to.deep.equal(issue);
      } finally {
        await redis.config('SET', 'hash-max-listpack-entries', entries);
      }
    });
  });
});
