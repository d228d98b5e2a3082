/**
 * How the events of an issue's log are kept in Redis: an event of COMPACT_FROM bytes of JSON or
 * more (a `created` with its reporter and title, a comment with its author) deflated against a
 * preset dictionary of the events' field names, at about half its size; a shorter one (a status
 * change, an assignment) stays JSON, where deflating saves a few dozen bytes and costs a few
 * microseconds on every read of the log. Marker 0x02 (the states' 0x01 can never be read with the
 * wrong dictionary); the JSON every earlier version wrote is read as before (./compact-json.ts).
 */
import type { IssueEvent } from '../../domain/issue-event.js';
import { compactJson } from './compact-json.js';

const EVENT_V1 = 0x02;
const COMPACT_FROM = 160;

// Deflate looks back into the dictionary for repeats, nearest first: the most common parts last.
const DICTIONARY_V1 = Buffer.from(
  [
    '{"type":"time_logged","at":,"recordId":"","seconds":,"author":null}',
    '{"type":"field_changed","at":,"field":"","value":null}{"type":"labels_changed","at":,"labels":[]}',
    '{"type":"observed","at":,"status":"","paused":false,"resolved":false,"priority":"P2","assignee":null}',
    '{"type":"assigned","at":,"assignee":null,"toAgent":true}{"type":"status_changed","at":,"status":"In Progress","paused":false,"byAgent":true}',
    '{"type":"commented","at":,"by":"customer","public":true,"author":{"names":[""],"email":""},"keywords":[]}',
    '{"type":"created","at":,"stampedAt":,"project":"","component":"","labels":[],"environment":null,"priority":"P1","status":"Open",',
    '"paused":false,"title":"","assignee":null,"synthetic":false,"reporter":{"names":[""],"email":""},"toAgent":true,"fields":{}}',
  ].join(''),
);

const codec = compactJson('an issue event', EVENT_V1, DICTIONARY_V1);

/** The stored form of an event. */
export function encodeEvent(event: IssueEvent): string | Buffer {
  const json = JSON.stringify(event);
  return Buffer.byteLength(json) < COMPACT_FROM ? json : codec.encode(json);
}

/** The JSON text of a stored event, in either form. */
export const decodeEvent = (stored: Buffer | string): string => codec.decode(stored);
