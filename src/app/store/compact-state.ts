/**
 * How an issue's SLA state is kept in Redis: deflated against a preset dictionary of the state's
 * own field names and common values, about a third of its JSON (1,077 bytes of a new issue's
 * state become about 300). Marker 0x01; the JSON every earlier version wrote is still read
 * (./compact-json.ts).
 */
import { compactJson } from './compact-json.js';

const STATE_V1 = 0x01;

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

const codec = compactJson('an issue state', STATE_V1, DICTIONARY_V1);

/** The stored form of a state's JSON text. */
export const encodeState = (json: string): Buffer => codec.encode(json);

/** The JSON text of a stored state, in either form. */
export const decodeState = (stored: Buffer | string): string => codec.decode(stored);
