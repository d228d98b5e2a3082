/**
 * `escalate:` of a support line: when the line's handover metric breaches (or reaches a threshold
 * such as "75%"), the bridge tells the next line and, with `assign`, hands the issue to it in the
 * tracker. Escalations form chains (first → second → third), never a cycle: a cycle would hand an
 * issue round the desk for ever.
 */
import { z } from 'zod';
import type { WarningRule } from '../domain/metric-rule.js';
import type { LineEscalation, SupportLine } from '../domain/support-line.js';

export type { LineEscalation, SupportLine };
import type { Report } from './config-report.js';
import { splitMembers } from '../domain/line-members.js';
import { warningSchema } from './field-schemas.js';

export const escalateSchema = z.strictObject({
  /** `breach` (the default) or a threshold of the handover target: `75%`, `30m before`. */
  after: z.union([z.literal('breach'), z.lazy(() => warningSchema)]).default('breach'),
  /** The next line, by name. */
  to: z.string().min(1),
  /**
   * Assign the issue to the next line in the tracker: `true` is its first member, a name is that
   * member or group as the tracker knows it.
   */
  assign: z.union([z.boolean(), z.string().min(1)]).default(false),
});

interface LineLike {
  readonly members?: readonly string[] | undefined;
  readonly components?: readonly string[] | undefined;
  readonly channel?: string | undefined;
  readonly team?: string | undefined;
  readonly escalate?: z.output<typeof escalateSchema> | undefined;
}

export function compileEscalations(lines: readonly (readonly [string, LineLike])[], fail: Report): Map<string, SupportLine> {
  const byName = new Map(lines);
  const compiled = new Map<string, SupportLine>();
  for (const [name, line] of lines) {
    const escalate = line.escalate;
    let escalation: LineEscalation | undefined;
    if (escalate) {
      const next = byName.get(escalate.to);
      if (!next) fail(['lines', name, 'escalate', 'to'], `"${escalate.to}" is not a line of this contract (lines: ${[...byName.keys()].join(', ')})`);
      else if (escalate.to === name) fail(['lines', name, 'escalate', 'to'], 'a line cannot escalate to itself');
      else {
        const { users, groups } = splitMembers(next.members ?? []);
        const assignee = escalate.assign === true ? users[0] : escalate.assign || undefined;
        const assignFirst = escalate.assign === true && !assignee && groups.length > 0;
        if (escalate.assign === true && !assignee && !assignFirst) {
          fail(['lines', name, 'escalate', 'assign'], `line ${escalate.to} has no members to assign to (only components): name the assignee, e.g. assign: "<tracker user>"`);
        }
        escalation = { after: escalate.after as WarningRule | 'breach', to: escalate.to, ...(assignee ? { assignee } : {}), ...(assignFirst ? { assignFirst } : {}) };
      }
    }
    const { users, groups } = splitMembers(line.members ?? []);
    compiled.set(name, {
      name,
      members: users,
      ...(groups.length > 0 ? { groups } : {}),
      ...(line.components && line.components.length > 0 ? { components: line.components } : {}),
      ...(line.channel ? { channel: line.channel } : {}),
      ...(line.team ? { team: line.team } : {}),
      ...(escalation ? { escalate: escalation } : {}),
    });
  }
  for (const [name] of lines) {
    const seen = [name];
    for (let at = compiled.get(name)?.escalate?.to; at; at = compiled.get(at)?.escalate?.to) {
      if (seen.includes(at)) {
        fail(['lines', name, 'escalate', 'to'], `the escalations go round in a circle: ${[...seen, at].join(' → ')}`);
        break;
      }
      seen.push(at);
    }
  }
  return compiled;
}
