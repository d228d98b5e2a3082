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

/**
 * A 4 KiB window and a small hash table (zlib's defaults: 32 KiB, memLevel 8) for texts of one or two
 * KiB behind a dictionary of about one: the same sizes, and about a fifth less CPU per text, most of
 * a short text's cost being the set-up of zlib's tables. Decoding needs no such setting: a raw stream
 * written with a smaller window reads with the default one, as do the values stored before this.
 */
const DEFLATE_TUNING = { windowBits: 12, memLevel: 4 } as const;

/** A codec for one kind of text; `what` names it in the error for a form it does not know. */
export function compactJson(what: string, marker: number, dictionary: Buffer): CompactJson {
  const deflateOptions = { ...DEFLATE_TUNING, dictionary };
  return {
    encode(json) {
      const body = deflateRawSync(json, deflateOptions);
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
