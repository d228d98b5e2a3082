/** The authorized-contacts section of the monthly report in CSV and HTML. */
import type { SlaReport } from '../../domain/sla-report.js';

type Row = (...cells: (string | number | null | undefined)[]) => string;

export function contactsCsv(report: SlaReport, row: Row): string[] {
  const contacts = report.contacts;
  if (!contacts) return [];
  return [
    '',
    row('authorized_contacts_max', 'unlisted_contact_issues', 'unknown_reporter_issues'),
    row(contacts.max, contacts.unlisted, contacts.unknownReporter),
    '',
    row('source', 'issue', 'title', 'reported_by_unlisted_contact'),
    ...contacts.unlistedIssues.map((issue) => row(issue.source, issue.key, issue.title, issue.reporter)),
  ];
}

export function contactsHtml(report: SlaReport, escape: (text: string) => string): string {
  const contacts = report.contacts;
  if (!contacts) return '';
  const rows = contacts.unlistedIssues
    .map((issue) => `<tr><td>${issue.url ? `<a href="${escape(issue.url)}">${escape(issue.key)}</a>` : escape(issue.key)}</td><td>${escape(issue.title ?? '')}</td><td>${escape(issue.reporter)}</td></tr>`)
    .join('\n');
  const unknown = contacts.unknownReporter > 0 ? ` ${contacts.unknownReporter} issues with no reporter known.` : '';
  return `<h2>Authorized contacts</h2>
<p>At most ${contacts.max} authorized contacts. Reported by an unlisted contact: <b>${contacts.unlisted}</b>.${unknown}</p>
${contacts.unlisted === 0 ? '' : `<table><tr><th>issue</th><th>title</th><th>reported by</th></tr>\n${rows}</table>`}`;
}
