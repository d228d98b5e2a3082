/** The sentence `sla-bridge validate` says of a support line's escalation. */
import type { SupportLine } from './support-line.js';

export function explainEscalation(line: SupportLine): string | undefined {
  const escalate = line.escalate;
  if (!escalate) return undefined;
  const after = escalate.after;
  const when = after === 'breach' ? 'when its handover target is breached' : after.kind === 'fraction' ? `at ${after.label} of its handover target` : `${after.label} its handover deadline`;
  const assign = escalate.assignee
    ? ` and assigns the issue to ${escalate.assignee}`
    : escalate.assignFirst
      ? ` and assigns the issue to the first member of ${escalate.to}'s tracker groups as last read`
      : '';
  return `line ${line.name} escalates ${when}: tells ${escalate.to}${assign}.`;
}

/**
 * The sentence of a line whose members are more than listed users: its tracker groups, read from
 * the tracker, and its components. Undefined for a line of listed users only.
 */
export function explainLineMembers(line: SupportLine): string | undefined {
  const groups = line.groups ?? [];
  const components = line.components ?? [];
  if (groups.length === 0 && components.length === 0) return undefined;
  const who = [...line.members, ...groups.map((group) => `everyone in tracker group ${group}`)];
  const parts = [
    ...(who.length > 0 ? [`its members are ${who.join(', ')}`] : []),
    ...(components.length > 0 ? [`an issue in component ${components.join(' or ')} is with it (an agent's comment, a status change or an assignment is its reaction)`] : []),
  ];
  return `line ${line.name}: ${parts.join('; ')}.`;
}
