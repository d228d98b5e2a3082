/**
 * The first words of a message: what happened to which clock. Threshold labels come from contract
 * files (`75%`, `2h before`) and the timer plan (`breach`, `escalation 2`); those shapes are read
 * and said in the message's language, anything else is quoted as written.
 */
import type { NotificationKind } from '../../src/domain/timer-plan.js';
import type { SlaNotification } from './notification.js';
import { localizeDuration } from './time-text.js';
import type { Vocabulary } from './vocabulary.js';

export const KIND_EMOJI: Readonly<Record<NotificationKind, string>> = {
  warning: '⚠️',
  breach: '🚨',
  escalation: '🔥',
};

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;
const BEFORE = /^(.+?)\s+before$/;
const ESCALATION = /^escalation\s+(\d+)$/;

/** A threshold label in the message's language: `escalation 2` → `escalatie 2`, `2h before` → `2u vooraf`. */
export function thresholdLabel(label: string, words: Vocabulary): string {
  const trimmed = label.trim();
  if (trimmed === 'breach') return words.breachLabel;
  const escalation = ESCALATION.exec(trimmed);
  if (escalation) return `${words.escalationLabel} ${escalation[1]}`;
  const percent = PERCENT.exec(trimmed);
  if (percent) return `${percent[1]}%`;
  const before = BEFORE.exec(trimmed);
  if (before) return words.beforeLabel(localizeDuration(before[1]!, words));
  return trimmed;
}

/** `75% of the reaction time used`, `Reactietijd overschreden`, without emoji or issue. */
export function headlineText(notification: Pick<SlaNotification, 'kind' | 'threshold' | 'metric'>, words: Vocabulary): string {
  const metric = words.metric[notification.metric] ?? notification.metric;
  const label = notification.threshold.trim();
  switch (notification.kind) {
    case 'breach':
      return words.breached(metric);
    case 'escalation':
      return words.stillBreached(metric, thresholdLabel(label, words));
    case 'warning': {
      const percent = PERCENT.exec(label);
      if (percent) return words.percentUsed(`${percent[1]}%`, metric);
      const before = BEFORE.exec(label);
      if (before) return words.endsIn(localizeDuration(before[1]!, words), metric);
      return words.warning(metric, label);
    }
  }
}
