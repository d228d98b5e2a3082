/**
 * The words of a notification, in both languages, worked out by hand: summaries per kind and
 * threshold shape, deadlines in the contract's local time, business time left or overdue, the late
 * note, and what happens to hostile or oversized text.
 */
import { expect } from 'chai';
import { fieldOf, messageText, plainText, type FieldKey } from '../../connectors/chat/message-text.js';
import type { SlaNotification } from '../../connectors/chat/notification.js';
import { BASE, DEADLINE } from './samples.js';

const en = (changes: Partial<SlaNotification> = {}) => messageText({ ...BASE, ...changes, language: 'en' });
const nl = (changes: Partial<SlaNotification> = {}) => messageText({ ...BASE, ...changes, language: 'nl' });
const value = (text: ReturnType<typeof messageText>, key: FieldKey) => fieldOf(text, key).value;

describe('chat message text', () => {
  describe('summary', () => {
    const cases: { changes: Partial<SlaNotification>; en: string; nl: string }[] = [
      {
        changes: {},
        en: '⚠️ 75% of the reaction time used: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
        nl: '⚠️ 75% van de reactietijd verstreken: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
      },
      {
        changes: { kind: 'breach', threshold: 'breach' },
        en: '🚨 Reaction time breached: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
        nl: '🚨 Reactietijd overschreden: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
      },
      {
        changes: { kind: 'escalation', threshold: 'escalation 2', metric: 'resolution' },
        en: '🔥 Resolution time still breached (escalation 2): MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
        nl: '🔥 Oplostijd nog steeds overschreden (escalatie 2): MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
      },
      {
        changes: { threshold: '2h before', metric: 'response' },
        en: '⚠️ Response time ends in 2h: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
        nl: '⚠️ Responstijd verstrijkt over 2u: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
      },
      {
        changes: { threshold: '1d4h before' },
        en: '⚠️ Reaction time ends in 1d4h: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
        nl: '⚠️ Reactietijd verstrijkt over 1d4u: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
      },
      {
        changes: { threshold: '12.5 %' },
        en: '⚠️ 12.5% of the reaction time used: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
        nl: '⚠️ 12.5% van de reactietijd verstreken: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
      },
      {
        changes: { threshold: 'halfway' },
        en: '⚠️ Reaction time warning (halfway): MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
        nl: '⚠️ Waarschuwing reactietijd (halfway): MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
      },
    ];
    for (const { changes, en: english, nl: dutch } of cases) {
      it(`${changes.kind ?? 'warning'} ${changes.threshold ?? '75%'}`, () => {
        expect(en(changes).summary).to.equal(english);
        expect(nl(changes).summary).to.equal(dutch);
      });
    }
  });

  describe('deadline in the contract zone', () => {
    const cases = [
      { deadline: DEADLINE, zone: 'Europe/Amsterdam', en: 'Mon 30 Nov 2026 13:00 (Europe/Amsterdam)', nl: 'ma 30 nov 2026 13:00 (Europe/Amsterdam)' },
      // Summer time: UTC+2.
      { deadline: Date.parse('2026-07-01T07:05:00Z'), zone: 'Europe/Amsterdam', en: 'Wed 1 Jul 2026 09:05 (Europe/Amsterdam)', nl: 'wo 1 jul 2026 09:05 (Europe/Amsterdam)' },
      // The same instant is a different day in another zone.
      { deadline: Date.parse('2026-03-01T23:30:00Z'), zone: 'America/New_York', en: 'Sun 1 Mar 2026 18:30 (America/New_York)', nl: 'zo 1 mrt 2026 18:30 (America/New_York)' },
      { deadline: Date.parse('2026-03-01T23:30:00Z'), zone: 'Asia/Tokyo', en: 'Mon 2 Mar 2026 08:30 (Asia/Tokyo)', nl: 'ma 2 mrt 2026 08:30 (Asia/Tokyo)' },
    ];
    for (const { deadline, zone, en: english, nl: dutch } of cases) {
      it(english, () => {
        expect(value(en({ deadline, zone }), 'deadline')).to.equal(english);
        expect(value(nl({ deadline, zone }), 'deadline')).to.equal(dutch);
      });
    }
  });

  describe('business time left or overdue', () => {
    const cases = [
      { ms: 5_400_000, en: '1h30m left', nl: 'nog 1u30m' },
      { ms: -8_100_000, en: '2h15m overdue', nl: '2u15m te laat' },
      // Whole minutes from a minute up: 1h29m59.6s is 1h30m, not a wall of seconds.
      { ms: 5_399_600, en: '1h30m left', nl: 'nog 1u30m' },
      { ms: 45_000, en: '45s left', nl: 'nog 45s' },
      { ms: -90_000_000, en: '25h overdue', nl: '25u te laat' },
      { ms: 0, en: 'due now', nl: 'verloopt nu' },
      { ms: -400, en: 'due now', nl: 'verloopt nu' },
    ];
    for (const { ms, en: english, nl: dutch } of cases) {
      it(`${ms} ms`, () => {
        expect(value(en({ remainingMs: ms }), 'remaining')).to.equal(english);
        expect(value(nl({ remainingMs: ms }), 'remaining')).to.equal(dutch);
      });
    }
  });

  describe('late note', () => {
    it('is absent when the notification went out on time', () => {
      expect(en().lateNote).to.equal(undefined);
      expect(plainText(nl())).not.to.include('te laat verstuurd');
    });

    it('says how late and why', () => {
      expect(en({ late: { byMs: 720_000 } }).lateNote).to.equal('sent 12m late: the bridge was down');
      expect(nl({ late: { byMs: 720_000 } }).lateNote).to.equal('12m te laat verstuurd: de bridge was uitgevallen');
      expect(nl({ late: { byMs: 5_430_000 } }).lateNote).to.equal('1u31m te laat verstuurd: de bridge was uitgevallen');
      expect(en({ late: { byMs: 720_000, cause: 'down' } }).lateNote).to.equal('sent 12m late: the bridge was down');
      expect(en({ late: { byMs: 3_000, cause: 'behind' } }).lateNote).to.equal('sent 3s late: the bridge fell behind');
      expect(nl({ late: { byMs: 3_000, cause: 'behind' } }).lateNote).to.equal('3s te laat verstuurd: de bridge liep achter');
    });

    it('names the missed thresholds the message stands for', () => {
      const late = { byMs: 3_600_000, skipped: ['75%', 'breach', 'escalation 1'] };
      expect(en({ kind: 'escalation', threshold: 'escalation 2', late }).lateNote).to.equal(
        'sent 1h late: the bridge was down; this message also stands for the missed 75%, breach, escalation 1',
      );
      expect(nl({ kind: 'escalation', threshold: 'escalation 2', late }).lateNote).to.equal(
        '1u te laat verstuurd: de bridge was uitgevallen; dit bericht vervangt ook de gemiste 75%, overschrijding, escalatie 1',
      );
    });

    it('says missed thresholds of every shape in the message language', () => {
      const late = { byMs: 60_000, skipped: ['50%', '2h before', 'halfway'] };
      expect(nl({ late }).lateNote).to.equal('1m te laat verstuurd: de bridge was uitgevallen; dit bericht vervangt ook de gemiste 50%, 2u vooraf, halfway');
      expect(en({ late }).lateNote).to.equal('sent 1m late: the bridge was down; this message also stands for the missed 50%, 2h before, halfway');
    });

    it('is the second line of the plain text', () => {
      expect(plainText(en({ late: { byMs: 720_000 } })).split('\n')[1]).to.equal('⏱️ sent 12m late: the bridge was down');
    });
  });

  describe('fields', () => {
    it('label every value in the message language', () => {
      expect(en().fields.map((field) => field.label)).to.deep.equal(['Customer', 'Issue', 'Title', 'Priority', 'SLA metric', 'Deadline', 'Business time', 'Assignee']);
      expect(nl().fields.map((field) => field.label)).to.deep.equal(['Klant', 'Melding', 'Titel', 'Prioriteit', 'SLA-norm', 'Uiterlijk', 'Werktijd', 'Behandelaar']);
    });

    it('link the issue and name its tracker and source', () => {
      expect(fieldOf(en(), 'issue')).to.deep.include({ value: 'MB-42 in Jira (jira-demo)', link: 'https://jira.example.com/browse/MB-42' });
      const mantis = nl({ tracker: { kind: 'mantis', name: 'MantisBT', source: 'mantis-demo' }, issue: { id: '7', key: '7', title: 'x' } });
      expect(fieldOf(mantis, 'issue')).to.deep.equal({ key: 'issue', label: 'Melding', value: '7 in MantisBT (mantis-demo)' });
      expect(mantis.linkLabel).to.equal('7 openen in MantisBT');
      expect(en().linkLabel).to.equal('Open MB-42 in Jira');
    });

    it('give the priority with why, without repeating it', () => {
      expect(value(en(), 'priority')).to.equal('P1 (as set in the tracker)');
      expect(value(en({ priority: { effective: 'P4', reason: 'clamped to P4: test environment' } }), 'priority')).to.equal('P4 (clamped to P4: test environment)');
      expect(value(en({ priority: { effective: 'P2', reason: '' } }), 'priority')).to.equal('P2');
    });

    it('name the customer with the contract', () => {
      expect(value(en(), 'customer')).to.equal('Mega Bite SLA customer (contract megabite-standard)');
    });

    it('say who has the issue, or that nobody has', () => {
      expect(value(en(), 'assignee')).to.equal('Jan de Vries');
      expect(value(en({ assignee: null }), 'assignee')).to.equal('unassigned');
      expect(value(nl({ assignee: null }), 'assignee')).to.equal('niet toegewezen');
      expect(value(nl({ assignee: '  ' }), 'assignee')).to.equal('niet toegewezen');
    });
  });

  describe('hostile and oversized text', () => {
    it('keeps the summary on one line whatever the title contains', () => {
      const text = en({ issue: { ...BASE.issue, title: 'line one\r\nline\ttwo\u2028three\u0000' } });
      expect(text.summary).to.equal('⚠️ 75% of the reaction time used: MB-42 line one line two three (Mega Bite SLA customer, P1)');
    });

    it('drops bidi overrides that would reorder the text around them', () => {
      expect(en({ issue: { ...BASE.issue, title: 'abc\u202edcba\u202c' } }).title).to.equal('abc dcba');
    });

    it('replaces lone surrogates instead of emitting malformed UTF-16', () => {
      expect(en({ issue: { ...BASE.issue, title: 'a\ud800b' } }).title).to.equal('a\ufffdb');
    });

    it('shortens a long title in the summary on a grapheme boundary', () => {
      const title = '👩🏽‍💻'.repeat(200);
      const { summary, title: full } = en({ issue: { ...BASE.issue, title } });
      const shown = summary.slice(summary.indexOf('MB-42 ') + 'MB-42 '.length, summary.lastIndexOf(' ('));
      expect(shown.endsWith('…')).to.equal(true);
      expect(shown.length).to.be.at.most(120);
      expect(title.startsWith(shown.slice(0, -1))).to.equal(true);
      expect(shown.slice(0, -1).length % '👩🏽‍💻'.length).to.equal(0);
      expect(full.length).to.be.at.most(1000);
    });

    it('says so when the title is empty', () => {
      expect(en({ issue: { ...BASE.issue, title: '' } }).title).to.equal('(no title)');
      expect(nl({ issue: { ...BASE.issue, title: ' \n ' } }).title).to.equal('(geen titel)');
    });
  });

  it('lays out the plain text with aligned labels', () => {
    expect(plainText(nl({ kind: 'breach', threshold: 'breach', remainingMs: -8_100_000, assignee: null }))).to.equal(
      [
        '🚨 Reactietijd overschreden: MB-42 Checkout returns 502 (Mega Bite SLA customer, P1)',
        '  Klant:       Mega Bite SLA customer (contract megabite-standard)',
        '  Melding:     MB-42 in Jira (jira-demo) <https://jira.example.com/browse/MB-42>',
        '  Titel:       Checkout returns 502',
        '  Prioriteit:  P1 (as set in the tracker)',
        '  SLA-norm:    reactietijd',
        '  Uiterlijk:   ma 30 nov 2026 13:00 (Europe/Amsterdam)',
        '  Werktijd:    2u15m te laat',
        '  Behandelaar: niet toegewezen',
      ].join('\n'),
    );
  });

  it('is deterministic', () => {
    expect(messageText(BASE)).to.deep.equal(messageText(structuredClone(BASE)));
  });
});
