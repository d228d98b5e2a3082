/** A support line of a contract, as escalations see it (src/config/line-escalation-config.ts reads it). */
import type { WarningRule } from './metric-rule.js';

export interface LineEscalation {
  /** `breach`, or a threshold of the line's handover target (`75%`). */
  readonly after: WarningRule | 'breach';
  /** The next line. */
  readonly to: string;
  /** The tracker name the issue is assigned to; absent: no assignment, unless `assignFirst`. */
  readonly assignee?: string | undefined;
  /** `assign: true` on a line whose members are tracker groups only: the groups' first member as read when it escalates. */
  readonly assignFirst?: boolean | undefined;
}

export interface SupportLine {
  readonly name: string;
  /** The tracker users the line lists (not its groups). */
  readonly members: readonly string[];
  /** Tracker groups whose members are in the line (`group:<name>` in `members:`). */
  readonly groups?: readonly string[] | undefined;
  /** Components (Jira) or categories (MantisBT): an issue in one of them is with the line. */
  readonly components?: readonly string[] | undefined;
  readonly channel?: string | undefined;
  /** The rota team whose person on duty hears of escalations to this line; the contract's serving team otherwise. */
  readonly team?: string | undefined;
  readonly escalate?: LineEscalation | undefined;
}
