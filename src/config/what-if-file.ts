/**
 * The file of a what-if question: a contract or a calendar in the format of config/contracts/ and
 * config/calendars/, told apart by its keys, checked by the same schemas and compiled into the
 * contract as it would have been. Problems are a ConfigError naming the file, the path and line.
 *
 * A contract file stands for the contract asked about: its `id`, when it has one, must be that
 * contract's. A calendar file replaces the calendar of its `id` wherever the contract uses it
 * (its own calendar or a priority's); without an `id` it replaces the contract's own calendar.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { BusinessCalendar } from '../domain/business-calendar.js';
import type { Contract } from '../domain/contract.js';
import { PRIORITIES, type Priority } from '../domain/priority.js';
import { compileCalendar, compileContract } from './compile-config.js';
import type { PathPart } from './config-report.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { hideSubstituted, substituteEnv, type SubstitutedValue, type UnsetVariable } from './env-substitution.js';
import { describeIssue, documentValue, formatPath, lineLocator, type Env } from './load-config.js';
import { calendarFileSchema, contractFileSchema } from './schema.js';

export interface WhatIfChanged {
  readonly kind: 'contract' | 'calendar';
  /** The contract's id, or the calendar's it replaces. */
  readonly id: string;
  /** The contract as it would have been. */
  readonly contract: Contract;
}

const CONTRACT_KEYS = ['customer', 'covers', 'policies', 'metrics', 'calendar', 'priority_calendars'];
const CALENDAR_KEYS = ['zone', 'hours', 'holidays', 'closed', 'day_length'];

/** The calendars a contract measures in, by id. */
function calendarsOf(contract: Contract): Map<string, BusinessCalendar> {
  const used = new Map<string, BusinessCalendar>([[contract.calendar.id, contract.calendar]]);
  for (const calendar of Object.values(contract.priorityCalendars)) if (calendar) used.set(calendar.id, calendar);
  return used;
}

/**
 * `text` (named `file` in messages) applied to `contract`. `calendars` are the config's, which a
 * changed contract may name; `env` fills `${VAR}` references (pass none where the text comes from
 * a client: the bridge's environment holds its secrets).
 */
export function applyWhatIfFile(text: string, file: string, contract: Contract, calendars: ReadonlyMap<string, BusinessCalendar>, env: Env): WhatIfChanged {
  const problems: ConfigProblem[] = [];
  const fail = (): never => {
    throw new ConfigError(problems);
  };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  for (const error of doc.errors) {
    problems.push({ file, path: '', message: `invalid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, line: error.linePos?.[0].line });
  }
  if (problems.length > 0) fail();
  const js = documentValue(doc, lines);
  if (!js.ok) {
    problems.push({ file, path: '', message: `invalid YAML: ${js.message}`, line: js.line });
    fail();
  }
  const lineOf = lineLocator(doc, lines);
  const value = (js as { value: unknown }).value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ file, path: '', message: 'is neither a contract nor a calendar: expected a mapping of keys such as customer, covers, policies (a contract) or zone, hours (a calendar)' });
    fail();
  }
  const keys = Object.keys(value as object);
  const kind = keys.some((key) => CONTRACT_KEYS.includes(key)) ? 'contract' : keys.some((key) => CALENDAR_KEYS.includes(key)) ? 'calendar' : undefined;
  if (!kind) {
    problems.push({ file, path: '', message: `is neither a contract (keys customer, covers, policies, …) nor a calendar (keys zone, hours, …); it has ${keys.length > 0 ? keys.join(', ') : 'no keys'}` });
    return fail();
  }

  const unset: UnsetVariable[] = [];
  const used: SubstitutedValue[] = [];
  const raw = substituteEnv(value, env, unset, [], used);
  const add = (parts: PathPart[], message: string) => problems.push({ file, path: formatPath(parts), message: hideSubstituted(message, used), line: lineOf(parts) });
  for (const { path, variable } of unset) add(path, `environment variable ${variable} is not set`);
  if (problems.length > 0) fail();
  const parse = <S extends z.ZodType>(schema: S): z.output<S> => {
    const parsed = schema.safeParse(raw, { reportInput: true });
    if (parsed.success) return parsed.data as z.output<S>;
    for (const issue of parsed.error.issues) for (const { parts, message } of describeIssue(issue)) add(parts, message);
    return fail();
  };

  if (kind === 'contract') {
    const data = parse(contractFileSchema);
    if (data.id !== undefined && data.id !== contract.id) add(['id'], `is "${data.id}": a what-if file changes the contract asked about, "${contract.id}" (leave id out or make it ${contract.id})`);
    if (problems.length > 0) fail();
    const changed = compileContract(contract.id, data, calendars, add);
    if (!changed || problems.length > 0) fail();
    return { kind, id: contract.id, contract: changed! };
  }

  const data = parse(calendarFileSchema);
  const uses = calendarsOf(contract);
  const id = data.id ?? contract.calendar.id;
  if (!uses.has(id)) add(['id'], `contract ${contract.id} uses no calendar "${id}" (it uses ${[...uses.keys()].join(', ')})`);
  if (problems.length > 0) fail();
  const calendar = compileCalendar(id, data, add);
  if (!calendar || problems.length > 0) fail();
  const swap = (current: BusinessCalendar) => (current.id === id ? calendar! : current);
  const priorityCalendars: Partial<Record<Priority, BusinessCalendar>> = {};
  for (const priority of PRIORITIES) {
    const current = contract.priorityCalendars[priority];
    if (current) priorityCalendars[priority] = swap(current);
  }
  return { kind, id, contract: { ...contract, calendar: swap(contract.calendar), priorityCalendars } };
}
