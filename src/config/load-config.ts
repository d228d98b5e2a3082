/**
 * The one config loader: reads `calendars/`, `contracts/`, `sources/`, `channels/` and `bridge.yaml`
 * of a config directory, substitutes `${ENV}` references, validates every file with its zod schema
 * and compiles the result. It returns a typed config or throws one ConfigError listing every
 * problem by file, path and line.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, visit, type Alias, type Document } from 'yaml';
import type { z } from 'zod';
import type { BusinessCalendar } from '../domain/business-calendar.js';
import type { Contract } from '../domain/contract.js';
import { coverageOverlaps } from '../domain/coverage.js';
import { compileCalendar, compileContract } from './compile-config.js';
import type { PathPart } from './config-report.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { hideSubstituted, substituteEnv, type SubstitutedValue, type UnsetVariable } from './env-substitution.js';
import { ZodError } from 'zod';
import { configureChannel, type ChatChannel } from '../../connectors/chat/chat-channel.js';
import { type Channel } from './channel.js';
import { bridgeFileSchema, compileBridgeSettings, type BridgeSettings } from './bridge-file.js';
import { calendarFileSchema, channelFileSchema, contractFileSchema } from './schema.js';
import { checkLineSources, checkLineTeams } from './line-sources-check.js';
import { sourceFileSchema, type SourceTrackers } from './source-schema.js';
import { compileSource, type Source } from './source.js';
import { compileTeam, doubleServed, type Team } from './team-config.js';
import { teamFileSchema } from './team-schema.js';

export interface SlaConfig {
  readonly dir: string;
  readonly calendars: ReadonlyMap<string, BusinessCalendar>;
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly channels: ReadonlyMap<string, Channel>;
  /** Where notifications go when a contract names no channel: a new user sees warnings in the log at once. */
  readonly fallbackChannel: Channel;
  /** `bridge.yaml`: the bridge's own settings (retention); empty without the file. */
  readonly bridge?: BridgeSettings;
  /** `teams/`: people, their chat names and duty rota; empty without the directory. */
  readonly teams?: ReadonlyMap<string, Team>;
  /** Every file read, by its path inside `dir` (`contracts/acme.yaml`), with a digest of its text: what a reload changed. */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * The trackers and chat systems the bridge has, which the config's sources and channels may
 * name, each with its own settings' schema. Built in one place (src/app/plugins.ts) and passed in,
 * so the config knows no tracker or chat system by name.
 */
export interface ConfigPlugins {
  readonly trackers: SourceTrackers & Readonly<Record<string, { readonly displayName: string; readonly issueCreation?: unknown; readonly groupMembers?: unknown; readonly componentsAre?: string }>>;
  readonly chats: Readonly<Record<string, ChatChannel<unknown, string>>>;
  /** The chat system of `fallbackChannel`, with no settings (the console). */
  readonly fallbackChat: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

interface ConfigFile<T> {
  readonly id: string;
  readonly display: string;
  /** Path inside the config directory, and the SHA-256 of the text read. */
  readonly name: string;
  readonly digest: string;
  readonly data: T;
  readonly lineOf: (path: PathPart[]) => number | undefined;
}

/** `a.b[2].c`; symbol keys (never in JSON or YAML) are left out, so a zod issue's path goes in as is. */
export function formatPath(parts: readonly PropertyKey[]): string {
  return parts.filter((part): part is PathPart => typeof part !== 'symbol').map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

/** How a file is named in messages: relative to the working directory when it is below it. */
function displayName(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

class ProblemList {
  readonly problems: ConfigProblem[] = [];
  /** Per file, the environment values substituted into it, which its messages must not quote. */
  private readonly substituted = new Map<string, readonly SubstitutedValue[]>();

  substitutedInto(file: string, used: readonly SubstitutedValue[]): void {
    this.substituted.set(file, used);
  }

  add(file: string, parts: PathPart[], message: string, line?: number): void {
    this.problems.push({ file, path: formatPath(parts), message: hideSubstituted(message, this.substituted.get(file) ?? []), line });
  }
}

export function lineLocator(doc: Document, lines: LineCounter) {
  return (parts: PathPart[]): number | undefined => {
    for (let depth = parts.length; depth >= 0; depth -= 1) {
      const node = doc.getIn(parts.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** Says which kinds of file a key is known in, when the file's own kind does not know it. */
type KeyOwners = (path: readonly PathPart[]) => string | undefined;

export function describeIssue(issue: z.core.$ZodIssue, owners?: KeyOwners): { parts: PathPart[]; message: string }[] {
  const parts = issue.path.filter((part): part is PathPart => typeof part !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const owner = owners?.([...parts, key]);
      return { parts: [...parts, key], message: owner ? `is a setting of ${owner} sources, not of this kind` : 'is not a known setting (misspelt?)' };
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return [{ parts, message: 'is required' }];
  return [{ parts, message: issue.message }];
}

/**
 * The document as plain data. An alias to an anchor that is not there (`<<: *x`), or so many
 * aliases that expanding them would blow up (yaml's `maxAliasCount`), parses but cannot become
 * data: a problem at the first such alias, not an exception.
 */
export function documentValue(doc: Document, lines: LineCounter): { ok: true; value: unknown } | { ok: false; message: string; line: number | undefined } {
  try {
    return { ok: true, value: doc.toJS() };
  } catch (error) {
    const aliases: Alias[] = [];
    visit(doc, { Alias: (_key, node) => void aliases.push(node) });
    const culprit = aliases.find((alias) => alias.resolve(doc) === undefined) ?? aliases[0];
    const line = culprit?.range ? lines.linePos(culprit.range[0]).line : undefined;
    return { ok: false, message: (error as Error).message.split('\n')[0]!, line };
  }
}

/** One config file read, substituted and validated; undefined (with its problems listed) when it is not usable. */
function readConfigFile<S extends z.ZodType>(file: string, schema: S, env: Env, problems: ProblemList, owners?: KeyOwners): Omit<ConfigFile<z.output<S>>, 'id' | 'name'> | undefined {
  const display = displayName(file);
  const lines = new LineCounter();
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      problems.add(display, [], `invalid YAML: ${message}`, error.linePos?.[0].line);
    }
    return undefined;
  }
  const lineOf = lineLocator(doc, lines);
  const js = documentValue(doc, lines);
  if (!js.ok) {
    problems.add(display, [], `invalid YAML: ${js.message}`, js.line);
    return undefined;
  }
  const unset: UnsetVariable[] = [];
  const used: SubstitutedValue[] = [];
  const raw = substituteEnv(js.value, env, unset, [], used);
  problems.substitutedInto(display, used);
  for (const { path: parts, variable } of unset) {
    problems.add(display, parts, `environment variable ${variable} is not set`, lineOf(parts));
  }
  if (unset.length > 0) return undefined;
  const parsed = schema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      for (const { parts, message } of describeIssue(issue, owners)) problems.add(display, parts, message, lineOf(parts));
    }
    return undefined;
  }
  return { display, digest: createHash('sha256').update(text).digest('hex'), data: parsed.data as z.output<S>, lineOf };
}

function readConfigFiles<S extends z.ZodType>(dir: string, schema: S, env: Env, problems: ProblemList, owners?: KeyOwners): ConfigFile<z.output<S>>[] {
  const files: ConfigFile<z.output<S>>[] = [];
  for (const file of yamlFiles(dir)) {
    const read = readConfigFile(file, schema, env, problems, owners);
    if (!read) continue;
    const { display, digest, lineOf } = read;
    const data = read.data as z.output<S> & { id?: string };
    const id = data.id ?? path.basename(file).replace(/\.ya?ml$/, '');
    const duplicate = files.find((other) => other.id === id);
    if (duplicate) {
      problems.add(display, ['id'], `"${id}" is already defined in ${duplicate.display}`, lineOf(['id']));
      continue;
    }
    files.push({ id, display, name: path.relative(path.dirname(dir), file), digest, data, lineOf });
  }
  return files;
}

export interface LoadOptions {
  readonly plugins: ConfigPlugins;
  /** Also load `sources/` (the webhook secrets): the server needs them (the default), the `deadline` command does not. */
  readonly sources?: boolean;
}

/** The trackers whose own settings include the key at `path` of a source file, by name. */
function trackerKeyOwners(trackers: ConfigPlugins['trackers']): KeyOwners {
  return (path) => {
    // Trackers add keys at the top level or directly in a block, never deeper.
    if (path.length > 2) return undefined;
    const [block, key] = path.length === 1 ? ['top', path[0]] : path;
    const owners = Object.values(trackers).filter((tracker) => {
      const shape = tracker.settings?.shape[block as keyof NonNullable<typeof tracker.settings>['shape']];
      return typeof key === 'string' && shape !== undefined && Object.hasOwn(shape, key);
    });
    return owners.length > 0 ? [...new Set(owners.map((tracker) => tracker.displayName))].join(' and ') : undefined;
  };
}

export function loadConfig(dir: string, env: Env, options: LoadOptions): SlaConfig {
  const { plugins } = options;
  const loadSources = options.sources ?? true;
  const problems = new ProblemList();
  const files = new Map<string, string>();
  const digested = <F extends ConfigFile<unknown>>(read: F[]): F[] => {
    for (const file of read) files.set(file.name, file.digest);
    return read;
  };
  if (!existsSync(dir)) throw new ConfigError([{ file: displayName(dir), path: '', message: 'config directory does not exist' }]);

  const calendars = new Map<string, BusinessCalendar>();
  for (const file of digested(readConfigFiles(path.join(dir, 'calendars'), calendarFileSchema, env, problems))) {
    const calendar = compileCalendar(file.id, file.data, (parts, message) => problems.add(file.display, parts, message, file.lineOf(parts)));
    if (calendar) calendars.set(file.id, calendar);
  }

  const contracts = new Map<string, Contract>();
  const contractFiles = digested(readConfigFiles(path.join(dir, 'contracts'), contractFileSchema, env, problems));
  for (const file of contractFiles) {
    const contract = compileContract(file.id, file.data, calendars, (parts, message) =>
      problems.add(file.display, parts, message, file.lineOf(parts)),
    );
    if (!contract) continue;
    for (const other of contracts.values()) {
      const overlap = coverageOverlaps(contract, other);
      if (overlap !== undefined) {
        const parts = ['covers', overlap];
        problems.add(file.display, parts, `covers the same issues as contract ${other.id} in an overlapping validity period`, file.lineOf(parts));
      }
    }
    contracts.set(file.id, contract);
  }
  const sources = new Map<string, Source>();
  const sourceFiles = loadSources ? digested(readConfigFiles(path.join(dir, 'sources'), sourceFileSchema(plugins.trackers), env, problems, trackerKeyOwners(plugins.trackers))) : [];
  for (const file of sourceFiles) sources.set(file.id, compileSource(file.id, file.data, plugins.trackers[file.data.kind]?.settings));
  for (const file of contractFiles) {
    file.data.covers.forEach((coverage, index) => {
      if (sources.size > 0 && !sources.has(coverage.source)) {
        const parts = ['covers', index, 'source'];
        problems.add(file.display, parts, `unknown source "${coverage.source}" (known: ${[...sources.keys()].join(', ')})`, file.lineOf(parts));
      }
    });
    // A custom field a contract reads must be watched by every source it covers, or it never arrives.
    const fieldsRead: [PathPart[], string | undefined][] = [
      [['hours', 'approval', 'field'], file.data.hours?.approval?.by === 'field' ? file.data.hours.approval.field : undefined],
      [['availability', 'down_since_field'], file.data.availability?.down_since_field],
      [['availability', 'restored_field'], file.data.availability?.restored_field],
    ];
    for (const [parts, field] of fieldsRead) {
      if (field === undefined) continue;
      const unwatched = [...new Set(file.data.covers.map((coverage) => coverage.source))].filter((id) => sources.get(id) && !sources.get(id)!.watchedFields.has(field));
      if (unwatched.length > 0) problems.add(file.display, parts, `no field "${field}" in watched_fields of source ${unwatched.join(', ')}`, file.lineOf(parts));
    }
    checkLineSources(file.data.lines, file.data.covers, sources, plugins.trackers, (parts, message) => problems.add(file.display, parts, message, file.lineOf(parts)));
    file.data.obligations?.forEach((obligation, index) => {
      const parts = ['obligations', index, 'source'];
      const source = sources.get(obligation.source);
      if (sources.size > 0 && !source) problems.add(file.display, parts, `unknown source "${obligation.source}" (known: ${[...sources.keys()].join(', ')})`, file.lineOf(parts));
      else if (source && !plugins.trackers[source.kind]?.issueCreation) problems.add(file.display, parts, `the bridge cannot open issues in ${source.kind} sources`, file.lineOf(parts));
    });
  }

  const channels = new Map<string, Channel>();
  for (const file of loadSources ? digested(readConfigFiles(path.join(dir, 'channels'), channelFileSchema, env, problems)) : []) {
    const report = (parts: PathPart[], message: string) => problems.add(file.display, parts, message, file.lineOf(parts));
    const quietCalendar = file.data.quiet_hours ? calendars.get(file.data.quiet_hours.calendar) : undefined;
    if (file.data.quiet_hours && !quietCalendar) report(['quiet_hours', 'calendar'], `unknown calendar "${file.data.quiet_hours.calendar}"`);
    const system = plugins.chats[file.data.kind];
    if (!system) {
      report(['kind'], `"${file.data.kind}" is not a chat system (use one of ${Object.keys(plugins.chats).join(', ')})`);
      continue;
    }
    try {
      const chat = configureChannel(system, file.data.settings);
      channels.set(file.id, {
        id: file.id,
        kind: file.data.kind,
        language: file.data.language,
        quietHours: quietCalendar && { calendar: quietCalendar, bypassBreaches: file.data.quiet_hours!.bypass_breaches },
        chat,
      });
    } catch (error) {
      if (!(error instanceof ZodError)) throw error;
      for (const issue of error.issues) for (const { parts, message } of describeIssue(issue)) report(['settings', ...parts], message);
    }
  }
  if (loadSources) {
    for (const file of contractFiles) {
      for (const list of ['warnings', 'breaches'] as const) {
        file.data.notify?.[list].forEach((channelId, index) => {
          if (channels.has(channelId)) return;
          const parts = ['notify', list, index];
          problems.add(file.display, parts, `unknown channel "${channelId}" (known: ${[...channels.keys()].join(', ') || 'none'})`, file.lineOf(parts));
        });
      }
      for (const [line, { channel }] of file.data.lines ?? []) {
        const parts = ['lines', line, 'channel'];
        if (channel && !channels.has(channel) && channel !== plugins.fallbackChat) problems.add(file.display, parts, `unknown channel "${channel}" (known: ${[...channels.keys()].join(', ') || 'none'})`, file.lineOf(parts));
      }
    }
  }

  const teams = new Map<string, Team>();
  const teamRefs = { configDir: dir, calendars, contracts: new Set(contractFiles.map((file) => file.id)), sources: new Set(sources.keys()), channels: new Set([...channels.keys(), plugins.fallbackChat]), checkChannels: loadSources, noteFile: (name: string, text: string) => files.set(name, createHash('sha256').update(text).digest('hex')) };
  const teamFiles = digested(readConfigFiles(path.join(dir, 'teams'), teamFileSchema, env, problems));
  for (const file of teamFiles) {
    const team = compileTeam(file.id, file.data, teamRefs, (parts, message) => problems.add(file.display, parts, message, file.lineOf(parts)));
    if (team) teams.set(file.id, team);
  }
  for (const file of contractFiles) checkLineTeams(file.data.lines, new Set(teamFiles.map((team) => team.id)), (parts, message) => problems.add(file.display, parts, message, file.lineOf(parts)));
  for (const { team, index, contract, other } of doubleServed([...teams.values()])) {
    const file = teamFiles.find((candidate) => candidate.id === team.id)!;
    problems.add(file.display, ['serves', 'contracts', index], `contract ${contract} is already served by team ${other}`, file.lineOf(['serves', 'contracts', index]));
  }

  const bridgeFile = ['bridge.yaml', 'bridge.yml'].map((name) => path.join(dir, name)).find((file) => existsSync(file));
  const bridge = bridgeFile ? readConfigFile(bridgeFile, bridgeFileSchema, env, problems) : undefined;
  if (bridge && bridgeFile) files.set(path.basename(bridgeFile), bridge.digest);

  if (contractFiles.length === 0 && problems.problems.length === 0) {
    problems.add(displayName(path.join(dir, 'contracts')), [], 'no contract files (*.yaml) found');
  }

  if (problems.problems.length > 0) throw new ConfigError(problems.problems);
  const fallbackChannel: Channel = { id: plugins.fallbackChat, kind: plugins.fallbackChat, chat: configureChannel(plugins.chats[plugins.fallbackChat]!, {}) };
  return { dir, calendars, contracts, sources, channels, fallbackChannel, bridge: bridge ? compileBridgeSettings(bridge.data) : {}, teams, files };
}
