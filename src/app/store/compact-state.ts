/**
 * How an issue's SLA state is kept in Redis: deflated against a preset dictionary of the state's
 * own field names and common values, about a third of its JSON (1,077 bytes of a new issue's
 * state become about 300). The first byte says the form: `{` is the JSON every earlier version
 * wrote (still read, so an upgrade loses nothing), STATE_V1 the deflated form with the dictionary
 * below. The dictionary must never change: a new one takes a new first byte, and the old stays
 * readable.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const STATE_V1 = 0x01;
const JSON_START = 0x7b;

// Deflate looks back into the dictionary for repeats, nearest first: the most common parts last.
const DICTIONARY_V1 = Buffer.from(
  [
    '"custom":[],"groups":[],"signoff":null,"metAt":null,"events":[],"breached","paused","met","stopped","response","resolution",',
    '"priority":{"effective":"P2","requested":"P2","reason":"P2 as set in the tracker"},"escalations":[{"label":"breach","elapsedMs":,"at":}],',
    '{"source":"","issue":{"id":"","key":"","title":"","url":"https://"},"sla":{"covered":false,"reason":""},"computedAt":,"eventCount":}',
    '{"source":"jira-demo","issue":{"id":"","key":"","title":"","url":"https://"},"sla":{"covered":true,"contract":"","customer":" SLA customer","createdAt":,',
    '"priority":{"effective":"P1","requested":"P1","reason":"P1 as set in the tracker"},"status":"Open","assignee":null,"resolved":false,"deleted":false,',
    '"metrics":[{"metric":"reaction","priority":"P1","calendar":"nl-24x7","zone":"Europe/Amsterdam","target":{"text":"4h","ms":14400000},"startedAt":,"deadline":,',
    '"elapsedMs":,"remainingMs":,"warnings":[{"label":"50%","elapsedMs":,"at":},{"label":"75%","elapsedMs":,"at":},{"label":"90%","elapsedMs":,"at":}],',
    '"escalations":[],"segments":[{"from":,"to":null,"priority":"P1","calendar":"nl-24x7"}],"state":"running"}],',
    '"contact":{"reporter":"","listed":false,"waitsForAcceptance":false}},"computedAt":,"eventCount":',
  ].join(''),
);

/** The stored form of a state's JSON text. */
export function encodeState(json: string): Buffer {
  const body = deflateRawSync(json, { dictionary: DICTIONARY_V1 });
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = STATE_V1;
  body.copy(out, 1);
  return out;
}

/** The JSON text of a stored state, in either form. */
export function decodeState(stored: Buffer | string): string {
  if (typeof stored === 'string') return stored;
  if (stored[0] === JSON_START) return stored.toString('utf8');
  if (stored[0] === STATE_V1) return inflateRawSync(stored.subarray(1), { dictionary: DICTIONARY_V1 }).toString('utf8');
  throw new Error(`an issue state stored in an unknown form (first byte ${stored[0]})`);
}
