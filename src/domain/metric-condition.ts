/**
 * The conditions a metric is defined by (the ServiceNow / Jira Service Management model): event
 * conditions say what happens at an instant (an issue entered a status, an agent commented), state
 * conditions say what holds for a while (the issue is in a paused status). They are written as
 * `kind` or `kind:argument` strings in the contract YAML, the way `status:<name>` always was.
 */
import { z } from 'zod';
import { PRIORITIES, type Priority } from './priority.js';

/** The categories of a status that the normalized events know of. */
export const STATUS_CATEGORIES = ['paused', 'resolved', 'open'] as const;
export type StatusCategory = (typeof STATUS_CATEGORIES)[number];

export type EventCondition =
  | { readonly kind: 'created' }
  /** An agent takes the issue on: assigned to an agent, or an agent changes its status. */
  | { readonly kind: 'accepted' }
  | { readonly kind: 'status_entered' | 'status_left'; readonly status: string }
  /** Any change of status after creation. */
  | { readonly kind: 'status_changed' }
  | { readonly kind: 'category_entered' | 'category_left'; readonly category: StatusCategory }
  | { readonly kind: 'priority_set'; readonly priority?: Priority | undefined }
  | { readonly kind: 'assigned' }
  | { readonly kind: 'assigned_to_agent' }
  | { readonly kind: 'assigned_to'; readonly person: string }
  | { readonly kind: 'assigned_to_group'; readonly group: string }
  /** Assigned to someone outside the group, or unassigned. */
  | { readonly kind: 'assigned_outside_group'; readonly group: string }
  | { readonly kind: 'label_added' | 'label_removed'; readonly label: string }
  /** Moved into (out of) a component or MantisBT category, or any of a support line's (`group:<line>`). */
  | { readonly kind: 'component_entered' | 'component_left'; readonly component: string; readonly group?: undefined }
  | { readonly kind: 'component_entered' | 'component_left'; readonly group: string; readonly component?: undefined }
  | { readonly kind: 'comment_by'; readonly by: 'agent' | 'reporter' | 'customer' }
  | { readonly kind: 'comment_by_group'; readonly group: string }
  | { readonly kind: 'resolved' }
  | { readonly kind: 'reopened' }
  /** Another metric of the contract, defined before this one, is met. */
  | { readonly kind: 'met'; readonly metric: string };

export type StateCondition =
  | { readonly kind: 'status'; readonly status: string }
  | { readonly kind: 'category'; readonly category: StatusCategory }
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'unassigned' }
  | { readonly kind: 'priority'; readonly priority: Priority };

/** A parsed condition with the text it was written as, for messages and explanations. */
export type Written<C> = C & { readonly text: string };

const EVENT_SYNTAX =
  'created, accepted, status_entered:<name>, status_left:<name>, status_changed, category_entered:<paused|resolved|open>, category_left:<...>, ' +
  'priority_set[:P1..P4], assigned, assigned_to_agent, assigned_to:<person>, assigned_to_group:<group>, assigned_outside_group:<group>, label_added:<label>, ' +
  'label_removed:<label>, component_entered:<component|group:<line>>, component_left:<...>, comment_by:<agent|reporter|customer|group:<group>>, resolved, reopened, met:<metric>';
const STATE_SYNTAX = 'status:<name>, category:<paused|resolved|open>, label:<label>, unassigned, priority:<P1..P4>';

function split(text: string): [string, string | undefined] {
  const colon = text.indexOf(':');
  if (colon < 0) return [text.trim(), undefined];
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

const isCategory = (value: string | undefined): value is StatusCategory => (STATUS_CATEGORIES as readonly string[]).includes(value ?? '');
const isPriority = (value: string | undefined): value is Priority => (PRIORITIES as readonly string[]).includes(value ?? '');

/** An event condition, or the reason the text is not one. */
export function parseEventCondition(text: string): EventCondition | string {
  const [kind, argument] = split(text);
  const needs = (what: string) => `${JSON.stringify(text)}: ${kind} needs ${what}`;
  switch (kind) {
    case 'created':
    case 'accepted':
    case 'assigned':
    case 'assigned_to_agent':
    case 'resolved':
    case 'reopened':
    case 'status_changed':
      return argument === undefined ? { kind } : `${JSON.stringify(text)}: ${kind} takes no argument`;
    // The names the contracts used before conditions: `agent_comment` and `status:<name>`.
    case 'agent_comment':
      return { kind: 'comment_by', by: 'agent' };
    case 'status':
    case 'status_entered':
    case 'status_left':
      if (!argument) return needs('a status name');
      return { kind: kind === 'status_left' ? 'status_left' : 'status_entered', status: argument };
    case 'category_entered':
    case 'category_left':
      return isCategory(argument) ? { kind, category: argument } : needs(`a category (${STATUS_CATEGORIES.join(', ')})`);
    case 'priority_set':
      if (argument === undefined) return { kind };
      return isPriority(argument) ? { kind, priority: argument } : needs(`a priority (${PRIORITIES.join(', ')})`);
    case 'assigned_to':
      return argument ? { kind, person: argument } : needs('a person');
    case 'assigned_to_group':
    case 'assigned_outside_group':
      return argument ? { kind, group: argument } : needs('a group');
    case 'label_added':
    case 'label_removed':
      return argument ? { kind, label: argument } : needs('a label');
    case 'component_entered':
    case 'component_left': {
      const [sub, group] = split(argument ?? '');
      if (sub === 'group') return group ? { kind, group } : needs('a line after group:');
      return argument ? { kind, component: argument } : needs('a component or group:<line>');
    }
    case 'comment_by': {
      if (argument === 'agent' || argument === 'reporter' || argument === 'customer') return { kind, by: argument };
      const [sub, group] = split(argument ?? '');
      if (sub === 'group' && group) return { kind: 'comment_by_group', group };
      return needs('agent, reporter, customer or group:<group>');
    }
    case 'met':
      return argument ? { kind, metric: argument } : needs('a metric name');
  }
  return `${JSON.stringify(text)} is not an event condition (use ${EVENT_SYNTAX})`;
}

/** A state condition, or the reason the text is not one. */
export function parseStateCondition(text: string): StateCondition | string {
  const [kind, argument] = split(text);
  const needs = (what: string) => `${JSON.stringify(text)}: ${kind} needs ${what}`;
  switch (kind) {
    case 'status':
      return argument ? { kind, status: argument } : needs('a status name');
    case 'category':
      return isCategory(argument) ? { kind, category: argument } : needs(`a category (${STATUS_CATEGORIES.join(', ')})`);
    case 'label':
      return argument ? { kind, label: argument } : needs('a label');
    case 'unassigned':
      return argument === undefined ? { kind } : `${JSON.stringify(text)}: unassigned takes no argument`;
    case 'priority':
      return isPriority(argument) ? { kind, priority: argument } : needs(`a priority (${PRIORITIES.join(', ')})`);
  }
  return `${JSON.stringify(text)} is not a state condition (use ${STATE_SYNTAX})`;
}

const writtenSchema = <C>(parse: (text: string) => C | string) =>
  z.string().transform((text, ctx): Written<C> => {
    const parsed = parse(text);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return { ...parsed, text: text.trim() };
  });

export const eventConditionSchema = writtenSchema(parseEventCondition);
export const stateConditionSchema = writtenSchema(parseStateCondition);

/** Phrases for `sla-bridge validate` and for a metric's reasons. */
export function describeEvent(condition: EventCondition): string {
  switch (condition.kind) {
    case 'created':
      return 'the issue is created';
    case 'accepted':
      return 'an agent accepts the issue';
    case 'status_entered':
      return `the issue enters status "${condition.status}"`;
    case 'status_left':
      return `the issue leaves status "${condition.status}"`;
    case 'status_changed':
      return 'the status changes';
    case 'category_entered':
      return condition.category === 'paused' ? 'the issue enters a pausing status' : `the issue becomes ${condition.category}`;
    case 'category_left':
      return condition.category === 'paused' ? 'the issue leaves a pausing status' : `the issue is no longer ${condition.category}`;
    case 'priority_set':
      return condition.priority ? `the priority is set to ${condition.priority}` : 'the priority is set';
    case 'assigned':
      return 'the issue is assigned';
    case 'assigned_to_agent':
      return 'the issue is assigned to an agent';
    case 'assigned_to':
      return `the issue is assigned to ${condition.person}`;
    case 'assigned_to_group':
      return `the issue is assigned to a member of ${condition.group}`;
    case 'assigned_outside_group':
      return `the issue is assigned away from ${condition.group}`;
    case 'label_added':
      return `label "${condition.label}" is added`;
    case 'label_removed':
      return `label "${condition.label}" is removed`;
    case 'component_entered':
      return condition.group !== undefined ? `the issue moves into a component of ${condition.group}` : `the issue moves into component "${condition.component}"`;
    case 'component_left':
      return condition.group !== undefined ? `the issue moves out of the components of ${condition.group}` : `the issue moves out of component "${condition.component}"`;
    case 'comment_by':
      return condition.by === 'agent' ? 'an agent comments publicly' : `the ${condition.by} comments`;
    case 'comment_by_group':
      return `a member of ${condition.group} comments`;
    case 'resolved':
      return 'the issue is resolved';
    case 'reopened':
      return 'the issue is reopened';
    case 'met':
      return `${condition.metric} is met`;
  }
}

export function describeState(condition: StateCondition): string {
  switch (condition.kind) {
    case 'status':
      return `the issue is in status "${condition.status}"`;
    case 'category':
      return condition.category === 'paused' ? 'the issue is in a pausing status' : `the issue is ${condition.category}`;
    case 'label':
      return `the issue has label "${condition.label}"`;
    case 'unassigned':
      return 'the issue is unassigned';
    case 'priority':
      return `the issue is ${condition.priority}`;
  }
}

/** `a`, `a or b`, `a, b or c` */
export function orList(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}
