/**
 * Bad config: the shipped config/ (sources, contracts, calendars) and a chat channel, one file
 * mutated at a time, as values replaced by hostile ones (wrong types, lone surrogates, NUL, RTL,
 * prototype keys, deep nesting) or as text (YAML syntax broken, cut short, tabs, anchors, unset
 * `${VARIABLES}`), through loadBridgeConfig. It either loads or throws a ConfigError whose every
 * problem names a file of the directory and a path in it (or the line, for YAML that does not
 * parse), and whose message says them; never any other exception.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadBridgeConfig } from '../src/app/plugins.js';
import { ConfigError } from '../src/config/config-error.js';
import { projectRoot } from '../src/project-root.js';
import { mutatedBody, nastyString } from './support/hostile-input.js';
import { DEMO_SECRETS, SHIPPED_CONFIG_DIR } from './support/shipped-config.js';

const RUNS = 250;
const CHANNEL = readFileSync(path.join(projectRoot(), 'test/fixtures/timer-config/channels/managers.yaml'), 'utf8');

/** The shipped config plus a channel: a file of every kind the loader reads. */
function baseConfig(): { dir: string; files: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sla-bridge-bad-config-'));
  for (const folder of ['calendars', 'contracts', 'sources']) cpSync(path.join(SHIPPED_CONFIG_DIR, folder), path.join(dir, folder), { recursive: true });
  mkdirSync(path.join(dir, 'channels'));
  writeFileSync(path.join(dir, 'channels/managers.yaml'), CHANNEL);
  const files = ['calendars', 'contracts', 'sources', 'channels'].flatMap((folder) => readdirSync(path.join(dir, folder)).map((name) => `${folder}/${name}`));
  return { dir, files };
}

/** Text that breaks YAML or the loader's reading of it. */
const SNIPPETS = ['a: &a [1, 1]\nb: [*a, *a]\n', '\t', ': ', '- ', '{', '[', '"', "'", '\u0000', '\ud800', '\u202e', '${UNSET_BAD_INPUT_VARIABLE}', '$${', '${', '${:-x}', '&a ', '*a', '*nowhere', '!!binary ', '!!js/function ', '<<: *x\n', '---\n', '...\n', '%YAML 1.1\n', '? ', '\n  nested: [', '#', 'null', '~', '0x10', '1e400', 'yes', '2026-02-30'];

type Mutation = { readonly kind: 'value'; readonly json: unknown } | { readonly kind: 'insert'; readonly at: number; readonly text: string } | { readonly kind: 'cut'; readonly at: number };

describe('bad config files', function () {
  this.timeout(60_000);
  const { dir, files } = baseConfig();
  const originals = new Map(files.map((file) => [file, readFileSync(path.join(dir, file), 'utf8')]));

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads as shipped', () => {
    expect(loadBridgeConfig(dir, DEMO_SECRETS).sources.size).to.be.greaterThan(0);
  });

  it('reports an alias to a missing anchor and an alias bomb by file and line, not as an exception', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...['b', 'c', 'd', 'e'].map((name, index) => `${name}: &${name} [${Array.from({ length: 10 }, () => `*${'abcd'[index]}`).join(', ')}]`)].join('\n');
    for (const [text, message] of [
      [`${originals.get('calendars/nl-24x7.yaml')!}\n<<: *missing\n`, /^invalid YAML: Unresolved alias/],
      [`${originals.get('calendars/nl-24x7.yaml')!}\n${bomb}\n`, /^invalid YAML: Excessive alias count/],
    ] as const) {
      writeFileSync(path.join(dir, 'calendars/nl-24x7.yaml'), text);
      let error: unknown;
      try {
        loadBridgeConfig(dir, DEMO_SECRETS);
      } catch (caught) {
        error = caught;
      } finally {
        writeFileSync(path.join(dir, 'calendars/nl-24x7.yaml'), originals.get('calendars/nl-24x7.yaml')!);
      }
      expect(error).to.be.instanceOf(ConfigError);
      const [problem] = (error as ConfigError).problems;
      expect(problem!.file).to.equal(path.join(dir, 'calendars/nl-24x7.yaml'));
      expect(problem!.message).to.match(message);
      expect(problem!.line, problem!.message).to.be.a('number');
    }
  });

  it('loads, or throws a ConfigError naming file and path, whatever one file holds', () => {
    const mutation = fc.constantFrom(...files).chain((file) => {
      const text = originals.get(file)!;
      const parsed = YAML.parse(text) as unknown;
      return fc.record({
        file: fc.constant(file),
        mutation: fc.oneof(
          { weight: 4, arbitrary: mutatedBody(parsed).map((json): Mutation => ({ kind: 'value', json })) },
          { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat({ max: text.length }), text: fc.oneof(fc.constantFrom(...SNIPPETS), nastyString) }) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat({ max: text.length }) }) },
        ),
      });
    });
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(mutation, ({ file, mutation: change }) => {
        const original = originals.get(file)!;
        const text =
          change.kind === 'value' ? YAML.stringify(change.json) : change.kind === 'insert' ? original.slice(0, change.at) + change.text + original.slice(change.at) : original.slice(0, change.at);
        writeFileSync(path.join(dir, file), text);
        try {
          loadBridgeConfig(dir, DEMO_SECRETS);
          outcomes.loaded += 1;
        } catch (error) {
          if (!(error instanceof ConfigError)) throw new Error(`${file}: not a ConfigError: ${(error as Error).stack}`);
          outcomes.refused += 1;
          expect(error.problems.length, error.message).to.be.greaterThan(0);
          for (const problem of error.problems) {
            const shown = `${problem.file}: ${problem.path}: ${problem.message}`;
            expect(problem.file, shown).to.satisfy((name: string) => files.some((candidate) => name === path.join(dir, candidate)));
            expect(problem.path !== '' || problem.line !== undefined, `${shown}: a path or a line`).to.equal(true);
            expect(problem.message, shown).to.be.a('string').and.not.equal('');
            expect(error.message, shown).to.include(problem.path ? `${problem.file}: ${problem.path}: ` : `${problem.file}: `);
          }
        } finally {
          writeFileSync(path.join(dir, file), original);
        }
      }),
      { numRuns: RUNS },
    );
    expect(outcomes.refused, JSON.stringify(outcomes)).to.be.greaterThan(RUNS / 4);
    expect(outcomes.loaded, JSON.stringify(outcomes)).to.be.greaterThan(0);
  });
});
