/**
 * A prepaid hours card (Dutch: strippenkaart) as a contract carries it. All amounts are whole
 * seconds, so that sums and rounding are exact; hours and minutes are only how people write them.
 */

/** How one call is charged: at least `minSeconds`, at most `maxSeconds`, rounded up to `stepSeconds`. */
export interface BillingRule {
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly stepSeconds: number;
}

/** Work is matched by any of these; an absent key matches everything. */
export interface WorkMatch {
  readonly label?: string | undefined;
  /** Jira component, MantisBT category, the contract coverage's component. */
  readonly component?: string | undefined;
}

export type WorkKind = 'card' | 'included';

export interface HoursPurchase {
  readonly reference: string;
  readonly seconds: number;
  /** Start of its local date in the contract calendar's zone, epoch ms. */
  readonly at: number;
  readonly date: string;
}

export interface HoursCorrection {
  readonly reference: string;
  /** Signed: a credit is positive, a further charge negative. */
  readonly seconds: number;
  readonly at: number;
  readonly date: string;
  readonly reason?: string | undefined;
}

/** How the customer's approval of booked hours shows in the tracker. */
export type ApprovalRule =
  | { readonly by: 'status'; readonly statuses: readonly string[]; readonly warnAfterMs?: number | undefined; readonly warnAfterText?: string | undefined }
  | { readonly by: 'label'; readonly labels: readonly string[]; readonly warnAfterMs?: number | undefined; readonly warnAfterText?: string | undefined }
  /** A comment by the issue's reporter whose text holds the keyword (lower-cased), in any case. */
  | { readonly by: 'reporter_note'; readonly keyword: string; readonly warnAfterMs?: number | undefined; readonly warnAfterText?: string | undefined }
  /** A watched custom field (the source's `fields:` name) holding one of the values (lower-cased). */
  | { readonly by: 'field'; readonly field: string; readonly values: readonly string[]; readonly warnAfterMs?: number | undefined; readonly warnAfterText?: string | undefined };

export interface HoursCard {
  readonly billing: BillingRule;
  /** `issue`: all time booked on an issue is one call; `time_record`: every booking is a call of its own. */
  readonly call: 'issue' | 'time_record';
  readonly work: {
    readonly default: WorkKind;
    readonly card: readonly WorkMatch[];
    readonly included: readonly WorkMatch[];
  };
  readonly purchases: readonly HoursPurchase[];
  readonly corrections: readonly HoursCorrection[];
  /** Remaining balances (seconds, may be 0 or negative) at which the managers are warned, highest first. */
  readonly warnings: readonly { readonly seconds: number; readonly label: string }[];
  /** What associates are paid per billed hour, for the quarterly statement. */
  readonly rate?: { readonly perHour: number; readonly currency: string } | undefined;
  readonly approval?: ApprovalRule | undefined;
  /** Channel ids for card and approval warnings; none: the contract's breach channels (the managers). */
  readonly notify?: readonly string[] | undefined;
}

/** What the issue shows that decides card or included: its labels and its component (category). */
export function workKindOf(card: HoursCard, issue: { readonly labels: readonly string[]; readonly component?: string | undefined }): WorkKind {
  const labels = new Set(issue.labels.map((label) => label.toLowerCase()));
  const matches = (rule: WorkMatch) =>
    (rule.label === undefined || labels.has(rule.label.toLowerCase())) &&
    (rule.component === undefined || (issue.component ?? '').toLowerCase() === rule.component.toLowerCase());
  // Included wins over the card: a call that a tier says is included is never billed twice.
  if (card.work.included.some(matches)) return 'included';
  if (card.work.card.some(matches)) return 'card';
  return card.work.default;
}
