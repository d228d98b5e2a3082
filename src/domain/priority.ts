import { z } from 'zod';

/** P1 is the most urgent. The order of this list is the order of urgency. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const prioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof prioritySchema>;

export function urgencyRank(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}

/** Never more urgent than `ceiling`: a P1 clamped to P4 becomes P4, a P4 stays P4. */
export function clampPriority(priority: Priority, ceiling: Priority): Priority {
  return urgencyRank(priority) < urgencyRank(ceiling) ? ceiling : priority;
}
