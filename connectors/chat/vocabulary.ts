/**
 * Every word a chat message uses, in English and Dutch. Kept in one table so a third language is
 * one more entry and a missing translation is a type error, not an English word in a Dutch message.
 */
import type { Metric } from '../../src/domain/metric.js';
import type { Language } from '../../src/domain/language.js';

export interface Vocabulary {
  /** The presets' names; a metric defined by conditions is shown by its own name. */
  readonly metric: Readonly<Record<Metric, string>> & Readonly<Partial<Record<string, string>>>;
  readonly label: {
    readonly customer: string;
    readonly issue: string;
    readonly title: string;
    readonly priority: string;
    readonly metric: string;
    readonly deadline: string;
    readonly remaining: string;
    readonly assignee: string;
    readonly reporter: string;
  };
  /** Short weekday names, Monday first (luxon's weekday 1 is Monday). */
  readonly weekdays: readonly string[];
  readonly months: readonly string[];
  /** Unit letters of business durations: Dutch writes hours as `u` (uur). */
  readonly units: { readonly h: string; readonly m: string; readonly s: string };
  readonly unassigned: string;
  readonly noTitle: string;
  readonly contract: string;
  readonly breachLabel: string;
  readonly escalationLabel: string;
  beforeLabel(duration: string): string;
  left(duration: string): string;
  overdue(duration: string): string;
  readonly dueNow: string;
  /** `cause`: see `late.cause` in ./notification.ts. */
  late(duration: string, cause: 'down' | 'behind'): string;
  alsoCovers(labels: string): string;
  percentUsed(percent: string, metric: string): string;
  endsIn(duration: string, metric: string): string;
  warning(metric: string, label: string): string;
  breached(metric: string): string;
  stillBreached(metric: string, label: string): string;
  openIssue(key: string, tracker: string): string;
  issueIn(key: string, tracker: string, source: string): string;
  unlistedContact(reporter: string): string;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const en: Vocabulary = {
  metric: { reaction: 'reaction time', response: 'response time', resolution: 'resolution time' },
  label: {
    customer: 'Customer',
    issue: 'Issue',
    title: 'Title',
    priority: 'Priority',
    metric: 'SLA metric',
    deadline: 'Deadline',
    remaining: 'Business time',
    assignee: 'Assignee',
    reporter: 'Reported by',
  },
  weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  units: { h: 'h', m: 'm', s: 's' },
  unassigned: 'unassigned',
  noTitle: '(no title)',
  contract: 'contract',
  breachLabel: 'breach',
  escalationLabel: 'escalation',
  beforeLabel: (duration) => `${duration} before`,
  left: (duration) => `${duration} left`,
  overdue: (duration) => `${duration} overdue`,
  dueNow: 'due now',
  late: (duration, cause) => `sent ${duration} late: ${cause === 'down' ? 'the bridge was down' : 'the bridge fell behind'}`,
  alsoCovers: (labels) => `this message also stands for the missed ${labels}`,
  percentUsed: (percent, metric) => `${percent} of the ${metric} used`,
  endsIn: (duration, metric) => `${capitalize(metric)} ends in ${duration}`,
  warning: (metric, label) => `${capitalize(metric)} warning (${label})`,
  breached: (metric) => `${capitalize(metric)} breached`,
  stillBreached: (metric, label) => `${capitalize(metric)} still breached (${label})`,
  openIssue: (key, tracker) => `Open ${key} in ${tracker}`,
  issueIn: (key, tracker, source) => `${key} in ${tracker} (${source})`,
  unlistedContact: (reporter) => `${reporter}: reported by an unlisted contact`,
};

const nl: Vocabulary = {
  metric: { reaction: 'reactietijd', response: 'responstijd', resolution: 'oplostijd' },
  label: {
    customer: 'Klant',
    issue: 'Melding',
    title: 'Titel',
    priority: 'Prioriteit',
    metric: 'SLA-norm',
    deadline: 'Uiterlijk',
    remaining: 'Werktijd',
    assignee: 'Behandelaar',
    reporter: 'Gemeld door',
  },
  weekdays: ['ma', 'di', 'wo', 'do', 'vr', 'za', 'zo'],
  months: ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'],
  units: { h: 'u', m: 'm', s: 's' },
  unassigned: 'niet toegewezen',
  noTitle: '(geen titel)',
  contract: 'contract',
  breachLabel: 'overschrijding',
  escalationLabel: 'escalatie',
  beforeLabel: (duration) => `${duration} vooraf`,
  left: (duration) => `nog ${duration}`,
  overdue: (duration) => `${duration} te laat`,
  dueNow: 'verloopt nu',
  late: (duration, cause) => `${duration} te laat verstuurd: ${cause === 'down' ? 'de bridge was uitgevallen' : 'de bridge liep achter'}`,
  alsoCovers: (labels) => `dit bericht vervangt ook de gemiste ${labels}`,
  percentUsed: (percent, metric) => `${percent} van de ${metric} verstreken`,
  endsIn: (duration, metric) => `${capitalize(metric)} verstrijkt over ${duration}`,
  warning: (metric, label) => `Waarschuwing ${metric} (${label})`,
  breached: (metric) => `${capitalize(metric)} overschreden`,
  stillBreached: (metric, label) => `${capitalize(metric)} nog steeds overschreden (${label})`,
  openIssue: (key, tracker) => `${key} openen in ${tracker}`,
  issueIn: (key, tracker, source) => `${key} in ${tracker} (${source})`,
  unlistedContact: (reporter) => `${reporter}: gemeld door een niet-geautoriseerde contactpersoon`,
};

export const VOCABULARY: Readonly<Record<Language, Vocabulary>> = { en, nl };
