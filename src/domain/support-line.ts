/** A support line of a contract, as escalations see it (src/config/line-escalation-config.ts reads it). */
import type { WarningRule } from './contract.js';

export interface LineEscalation {
  /** `breach`, or a threshold of the line's handover target (`75%`). */
  readonly after: WarningRule | 'breach';
  /** The next line. */
  readonly to: string;
  /** The tracker name the issue is assigned to; absent: no assignment. */
  readonly assignee?: string | undefined;
}

export interface SupportLine {
  readonly name: string;
  readonly members: readonly string[];
  readonly channel?: string | undefined;
  readonly escalate?: LineEscalation | undefined;
}
