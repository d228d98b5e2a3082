/**
 * The depth and array-length check on webhook bodies against a slow, obviously correct recursive
 * reference, and its defaults against what real trackers send (every recorded fixture).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { jsonLimitViolation, type JsonLimits } from '../src/app/http/json-limits.js';
import { DEFAULT_ARRAY_LIMIT, DEFAULT_DEPTH_LIMIT } from '../src/config/source-file.js';
import { projectRoot } from '../src/project-root.js';

/** Depth as defined: a scalar 0, a container one more than its deepest child. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

function longestArray(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  return Math.max(Array.isArray(value) ? value.length : 0, ...Object.values(value).map(longestArray));
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return jsonFiles(file);
    return name.endsWith('.json') ? [file] : [];
  });
}

/** `[[[…1…]]]`, `depth` containers deep, built without recursion. */
function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
}

describe('webhook JSON limits', () => {
  it('agrees with the recursive reference on arbitrary JSON and limits', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 12 }), (value, maxDepth, maxArrayLength) => {
        const limits: JsonLimits = { maxDepth, maxArrayLength };
        const violation = jsonLimitViolation(value, limits);
        const within = depthOf(value) <= maxDepth && longestArray(value) <= maxArrayLength;
        expect(violation === undefined, JSON.stringify(violation)).to.equal(within);
        if (violation?.limit === 'array') expect(violation.length).to.be.greaterThan(maxArrayLength);
      }),
      { numRuns: 2_000 },
    );
  });

  it('names where the limit was passed', () => {
    const limits = { maxDepth: 3, maxArrayLength: 2 };
    expect(jsonLimitViolation({ issue: { fields: { comment: {} } } }, limits)).to.deep.equal({ limit: 'depth', max: 3, path: 'issue.fields.comment' });
    expect(jsonLimitViolation({ issue: { labels: [1, 2, 3] } }, limits)).to.deep.equal({ limit: 'array', max: 2, length: 3, path: 'issue.labels' });
    expect(jsonLimitViolation([[1], [[[]]]], limits)).to.deep.equal({ limit: 'depth', max: 3, path: '[1][0][0]' });
    expect(jsonLimitViolation([1, 2, 3], limits)).to.deep.include({ limit: 'array', path: '(body)' });
  });

  it('walks a million levels without overflowing the stack', () => {
    // JSON.parse takes this; a recursive walk (and JSON.stringify) would not.
    const deep = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`) as unknown;
    expect(() => JSON.stringify(deep)).to.throw(RangeError);
    expect(jsonLimitViolation(deep, { maxDepth: DEFAULT_DEPTH_LIMIT, maxArrayLength: DEFAULT_ARRAY_LIMIT })).to.deep.include({ limit: 'depth', max: DEFAULT_DEPTH_LIMIT });
    expect(jsonLimitViolation(nested(DEFAULT_DEPTH_LIMIT, 'object'), { maxDepth: DEFAULT_DEPTH_LIMIT, maxArrayLength: 1 })).to.equal(undefined);
    expect(jsonLimitViolation(nested(DEFAULT_DEPTH_LIMIT + 1, 'object'), { maxDepth: DEFAULT_DEPTH_LIMIT, maxArrayLength: 1 })).to.deep.include({ limit: 'depth' });
  });

  it('has defaults far above every recorded tracker payload (at least 8 times the deepest and 100 times the longest)', () => {
    const files = jsonFiles(path.join(projectRoot(), 'test/fixtures'));
    expect(files.length).to.be.greaterThan(50);
    let deepest = 0;
    let longest = 0;
    for (const file of files) {
      const value = JSON.parse(readFileSync(file, 'utf8')) as { body?: unknown };
      const body = value.body ?? value;
      deepest = Math.max(deepest, depthOf(body));
      longest = Math.max(longest, longestArray(body));
      expect(jsonLimitViolation(body, { maxDepth: DEFAULT_DEPTH_LIMIT, maxArrayLength: DEFAULT_ARRAY_LIMIT }), file).to.equal(undefined);
    }
    expect(deepest * 8, `deepest fixture: ${deepest}`).to.be.at.most(DEFAULT_DEPTH_LIMIT);
    expect(longest * 100, `longest array in a fixture: ${longest}`).to.be.at.most(DEFAULT_ARRAY_LIMIT);
  });
});
