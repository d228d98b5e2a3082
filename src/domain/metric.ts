import { z } from 'zod';

/**
 * reaction: the provider has reacted and mapped the problem (reactietijd);
 * response: a solution is devised and communicated (2Value's responstijd);
 * resolution: the problem is fixed (oplostijd / afhandeltijd).
 * The order is also the order in which one metric may start when another is met.
 */
export const METRICS = ['reaction', 'response', 'resolution'] as const;
export const metricSchema = z.enum(METRICS);
export type Metric = z.infer<typeof metricSchema>;
