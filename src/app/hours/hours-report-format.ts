/** The hours card section of the monthly report, as CSV rows and as HTML (./../report-format.ts appends them). */
import { toLocalIso } from '../../domain/local-time.js';
import type { HoursReportSection } from '../../domain/hours-report.js';

/** Signed hours and minutes as people write them: `-1h30m`, `0h`. */
export function hoursMinutes(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const minutes = Math.round(Math.abs(seconds) / 60);
  return `${sign}${Math.floor(minutes / 60)}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
}

const minutes = (seconds: number) => String(Math.round(seconds / 60));

export function hoursCsvRows(hours: HoursReportSection, zone: string, row: (...cells: (string | number | null | undefined)[]) => string): string[] {
  return [
    '',
    row('hours_card', 'opening_balance_minutes', 'purchased_minutes', 'charged_minutes', 'corrected_minutes', 'closing_balance_minutes', 'approved_minutes', 'pending_minutes'),
    row(
      'balance',
      minutes(hours.openingBalanceSeconds),
      minutes(hours.purchasedSeconds),
      minutes(hours.chargedSeconds),
      minutes(hours.correctedSeconds),
      minutes(hours.closingBalanceSeconds),
      hours.approval ? minutes(hours.approval.approvedSeconds) : '',
      hours.approval ? minutes(hours.approval.pendingSeconds) : '',
    ),
    '',
    row('movement', 'at', 'reference', 'raw_minutes', 'billed_minutes', 'minutes', 'balance_minutes'),
    ...hours.movements.map((movement) =>
      row(
        movement.type,
        toLocalIso(movement.at, zone),
        movement.type === 'charge' ? movement.issueKey : movement.reference,
        movement.type === 'charge' ? minutes(movement.rawSeconds) : '',
        movement.type === 'charge' ? minutes(movement.billedSeconds) : '',
        minutes(movement.seconds),
        minutes(movement.balanceSeconds),
      ),
    ),
    '',
    row('call', 'source', 'title', 'kind', 'raw_minutes', 'billed_minutes', 'approval', 'pending_since'),
    ...hours.calls.map((call) =>
      row(call.key, call.source, call.title, call.kind, minutes(call.rawSeconds), minutes(call.billedSeconds), call.approval, call.pendingSince === undefined ? '' : toLocalIso(call.pendingSince, zone)),
    ),
  ];
}

export function hoursHtml(hours: HoursReportSection, zone: string, escape: (text: string) => string): string {
  const negative = (seconds: number) => (seconds < 0 ? ' style="color:#c62828;font-weight:bold"' : '');
  const movementRows = hours.movements
    .map((movement) => {
      const what = movement.type === 'charge' ? `charge ${escape(movement.issueKey)} (${hoursMinutes(movement.rawSeconds)} booked, ${hoursMinutes(movement.billedSeconds)} billed)` : `${movement.type} ${escape(movement.reference)}`;
      return `<tr><td>${toLocalIso(movement.at, zone).slice(0, 10)}</td><td>${what}</td><td>${hoursMinutes(movement.seconds)}</td><td${negative(movement.balanceSeconds)}>${hoursMinutes(movement.balanceSeconds)}</td></tr>`;
    })
    .join('\n');
  const approval = hours.approval
    ? `<p>Approved by the customer: <b>${hoursMinutes(hours.approval.approvedSeconds)}</b>; waiting for approval: <b>${hoursMinutes(hours.approval.pendingSeconds)}</b>.</p>`
    : '';
  const pending = hours.calls.filter((call) => call.approval === 'pending');
  const pendingList =
    pending.length > 0
      ? `<table><tr><th>waiting call</th><th>billed</th><th>since</th></tr>\n${pending
          .map((call) => `<tr><td>${call.url ? `<a href="${escape(call.url)}">${escape(call.key)}</a>` : escape(call.key)}</td><td>${hoursMinutes(call.billedSeconds)}</td><td>${call.pendingSince === undefined ? '' : toLocalIso(call.pendingSince, zone).slice(0, 16).replace('T', ' ')}</td></tr>`)
          .join('\n')}</table>`
      : '';
  return `<h2>Hours card</h2>
<p>Balance at the start of the month <b${negative(hours.openingBalanceSeconds)}>${hoursMinutes(hours.openingBalanceSeconds)}</b>, at its end <b${negative(hours.closingBalanceSeconds)}>${hoursMinutes(hours.closingBalanceSeconds)}</b>
(bought ${hoursMinutes(hours.purchasedSeconds)}, charged ${hoursMinutes(hours.chargedSeconds)}, corrected ${hoursMinutes(hours.correctedSeconds)}).</p>
${approval}
${hours.movements.length === 0 ? '<p>No movements.</p>' : `<table><tr><th>date</th><th>movement</th><th>hours</th><th>balance</th></tr>\n${movementRows}</table>`}
${pendingList}`;
}
