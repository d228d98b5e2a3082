/**
 * JSON texts kept in Redis deflated against a preset dictionary of their own field names and
 * common values (./compact-state.ts, ./compact-event.ts). The first byte says the form: `{` is
 * plain JSON, as every earlier version wrote it (still read, so an upgrade loses nothing), the
 * codec's marker its deflated form. A dictionary must never change once released: a new one takes
 * a new marker, and the old stays readable.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const JSON_START = 0x7b;

export interface CompactJson {
  /** The stored form of a JSON text. */
  encode(json: string): Buffer;
  /** The JSON text of a stored value, in either form. */
  decode(stored: Buffer | string): string;
}

/** A codec for one kind of text; `what` names it in the error for a form it does not know. */
export function compactJson(what: string, marker: number, dictionary: Buffer): CompactJson {
  return {
    encode(json) {
      const body = deflateRawSync(json, { dictionary });
      const out = Buffer.allocUnsafe(body.length + 1);
      out[0] = marker;
      body.copy(out, 1);
      return out;
    },
    decode(stored) {
      if (typeof stored === 'string') return stored;
      if (stored[0] === JSON_START) return stored.toString('utf8');
      if (stored[0] === marker) return inflateRawSync(stored.subarray(1), { dictionary }).toString('utf8');
      throw new Error(`${what} stored in an unknown form (first byte ${stored[0]})`);
    },
  };
}
