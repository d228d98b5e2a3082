/**
 * The per-call billing rule of an hours card: a call with time booked is charged at least the
 * minimum and at most the maximum, its raw time rounded up to the step in between. A call with no
 * time booked (or all of it taken back) is charged nothing.
 */
import type { BillingRule } from './hours-card.js';

export function billedSeconds(rule: BillingRule, rawSeconds: number): number {
  if (rawSeconds <= 0) return 0;
  const rounded = Math.ceil(rawSeconds / rule.stepSeconds) * rule.stepSeconds;
  return Math.min(rule.maxSeconds, Math.max(rule.minSeconds, rounded));
}

/** 2Value's workshop rule: per call at least a quarter of an hour, at most 2.5 hours. */
export const TWOVALUE_RULE: BillingRule = { minSeconds: 15 * 60, maxSeconds: 150 * 60, stepSeconds: 15 * 60 };
