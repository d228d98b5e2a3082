/** The sentence `sla-bridge validate` says of a support line's escalation. */
import type { SupportLine } from './support-line.js';

export function explainEscalation(line: SupportLine): string | undefined {
  const escalate = line.escalate;
  if (!escalate) return undefined;
  const after = escalate.after;
  const when = after === 'breach' ? 'when its handover target is breached' : after.kind === 'fraction' ? `at ${after.label} of its handover target` : `${after.label} its handover deadline`;
  const assign = escalate.assignee ? ` and assigns the issue to ${escalate.assignee}` : '';
  return `line ${line.name} escalates ${when}: tells ${escalate.to}${assign}.`;
}
