/**
 * What a hostile or broken sender puts into a request, as fast-check arbitraries: strings with lone
 * surrogates, NUL, right-to-left marks and prototype keys; JSON of any shape built from them; a
 * tracker's real payload with values replaced or removed. Shared by the bad-input properties.
 */
import fc from 'fast-check';

/** Characters that break naive code: lone surrogates, NUL, RTL override, BOM, line separators, quotes. */
export const nastyChar = fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\u200f', '\ufeff', '\u2028', '\u0085', 'é', '😀', '\\', '"', '\n', '\t', '%', '$', '{', '../');

/** Short strings mixing those with ordinary text. */
export const nastyString = fc.array(fc.oneof(nastyChar, fc.string({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join(''));

/** Object keys, prototype-polluting ones among them. */
export const nastyKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''), nastyString);

const leaf = fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, 1.5));

/** JSON of any shape, small: what `JSON.parse` of a hostile body gives. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(nastyKey, tie('node'), { maxKeys: 4 })),
})).node;

/** `[[[…value…]]]` or `{"a":{"a":…}}`, `depth` containers around `value`, without recursion. */
export function nestedIn(depth: number, kind: 'array' | 'object', value: unknown = 1): unknown {
  let nested = value;
  for (let level = 0; level < depth; level += 1) nested = kind === 'array' ? [nested] : { a: nested };
  return nested;
}

/** A copy of `value` with its `pick`-th value (depth first, modulo their number) set to `replacement`, or removed when it is undefined. */
export function withOneValueChanged(value: unknown, pick: number, replacement: unknown): unknown {
  const copy = structuredClone(value);
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const collect = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      slots.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(key) : key });
      collect(child);
    }
  };
  collect(copy);
  if (slots.length === 0) return copy;
  const { parent, key } = slots[pick % slots.length]!;
  if (replacement !== undefined) (parent as Record<string | number, unknown>)[key] = replacement;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key as string];
  return copy;
}

/** A body near a real one: one to three values replaced by hostile JSON, nested too deep, or removed. */
export function mutatedBody(body: unknown): fc.Arbitrary<unknown> {
  const change = fc.tuple(fc.nat(), fc.oneof({ weight: 4, arbitrary: nastyJson }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 50, max: 80 }).map((depth) => nestedIn(depth, 'array')) }));
  return fc.array(change, { minLength: 1, maxLength: 3 }).map((changes) => changes.reduce<unknown>((current, [pick, value]) => withOneValueChanged(current, pick, value), body));
}

/** Bytes that are not JSON, or not all of it: a real body cut short, random bytes, invalid UTF-8 inside a real body. */
export function brokenBytes(body: unknown): fc.Arbitrary<Buffer> {
  const text = Buffer.from(JSON.stringify(body));
  return fc.oneof(
    fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => text.subarray(0, cut)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.tuple(fc.nat({ max: text.length }), fc.constantFrom([0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x00])).map(([at, bytes]) => Buffer.concat([text.subarray(0, at), Buffer.from(bytes), text.subarray(at)])),
    fc.constantFrom(Buffer.from(''), Buffer.from('null'), Buffer.from('"text"'), Buffer.from('[]'), Buffer.from('{}'), Buffer.from('\ufeff{}'), Buffer.from('{"a":1}garbage'), Buffer.from('{"a":NaN}')),
  );
}

/** A body as fast-check shows it in a counterexample: its start as text and its length, not every byte. */
export class Body {
  constructor(readonly bytes: Buffer) {}
  [fc.toStringMethod](): string {
    const start = this.bytes.subarray(0, 200).toString('utf8');
    return `Body(${JSON.stringify(start)}${this.bytes.length > 200 ? '…' : ''}, ${this.bytes.length} bytes)`;
  }
}

/** The bytes of `json` as a body (JSON.stringify gives undefined for nothing, sent as `null`). */
export const jsonBody = (json: unknown) => new Body(Buffer.from(JSON.stringify(json) ?? 'null'));
