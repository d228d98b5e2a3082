/**
 * RFC 5545's text rules as properties: folding is undone by unfolding, no line is longer than 75
 * octets, no line cuts a UTF-8 sequence, and escaped TEXT reads back (by a slow reference reader
 * here, and by ical.js) as what went in.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { contentLine, escapeText, foldLine, MAX_LINE_OCTETS, unfoldLines, utcOffset } from '../../src/app/ical/ical-text.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Any text, astral characters and control characters included. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 120 }), fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\\', ';', ',', '\n', '\r\n', ':', ' ', '\t'), maxLength: 200 }));

/** TEXT as a reader takes it: the escapes undone, character by character. */
function unescapeReference(text: string): string {
  let out = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = text[++index]!;
    out += next === 'n' || next === 'N' ? '\n' : next;
  }
  return out;
}

/** What escaping keeps of a text: line breaks as \n, other control characters as spaces. */
const normalized = (text: string) => text.replace(/\r\n|\r|\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');

describe('iCalendar text rules', () => {
  it('folds into lines of at most 75 octets that unfold to the line', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const line = `SUMMARY:${escapeText(text)}`;
        const folded = foldLine(line);
        expect(unfoldLines(folded)).to.equal(line);
        for (const physical of folded.split('\r\n')) {
          const bytes = encoder.encode(physical);
          expect(bytes.length).to.be.at.most(MAX_LINE_OCTETS);
          // A cut UTF-8 sequence would make the line alone invalid.
          expect(strictUtf8.decode(bytes)).to.equal(physical);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('folds only where needed: a line of 75 octets stays whole, one of 76 becomes two', () => {
    expect(foldLine('x'.repeat(75))).to.equal('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).to.equal(`${'x'.repeat(75)}\r\n x`);
    // The euro sign is 3 octets: it does not fit after 73, so it moves whole to the next line.
    expect(foldLine(`${'x'.repeat(73)}€`)).to.equal(`${'x'.repeat(73)}\r\n €`);
  });

  it('escapes TEXT so that it reads back as what went in, without raw line breaks', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = escapeText(text);
        expect(escaped).not.to.match(/[\r\n]/);
        // Every backslash starts an escape of its own: no unescaped ; or , is left.
        expect(escaped.replace(/\\[\\;,n]/g, '')).not.to.match(/[\\;,]/);
        expect(unescapeReference(escaped)).to.equal(normalized(text));
      }),
      { numRuns: 500 },
    );
  });

  it('reads back through ical.js: folded, escaped SUMMARY and DESCRIPTION come out as they went in', () => {
    fc.assert(
      fc.property(anyText, anyText, (summary, description) => {
        const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:x@test', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T000000Z', contentLine('SUMMARY', escapeText(summary)), contentLine('DESCRIPTION', escapeText(description)), 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
        const event = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
        expect(event.getFirstPropertyValue('summary')).to.equal(normalized(summary));
        expect(event.getFirstPropertyValue('description')).to.equal(normalized(description));
      }),
      { numRuns: 300 },
    );
  });

  it('writes UTC offsets with seconds only where there are any', () => {
    const cases: [number, string][] = [
      [3_600_000, '+0100'],
      [-12_600_000, '-0330'],
      [0, '+0000'],
      [19_800_000, '+0530'],
      [1_172_000, '+001932'], // Amsterdam's mean time before 1937: +00:19:32
    ];
    for (const [ms, text] of cases) expect(utcOffset(ms), String(ms)).to.equal(text);
  });
});
