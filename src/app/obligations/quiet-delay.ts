/** How long a message waits for its channel's quiet hours to end, as notify.ts holds SLA messages: breaches may bypass them. */
import type { Channel } from '../../config/channel.js';
import type { NotificationKind } from '../../domain/timer-plan.js';
import { nextOpening } from '../jobs/notify.js';

export function quietDelay(channel: Channel, kind: NotificationKind, now: number): number {
  const quiet = channel.quietHours && !(channel.quietHours.bypassBreaches && kind !== 'warning') ? channel.quietHours.calendar : undefined;
  return quiet ? Math.max(0, nextOpening(quiet, now) - now) : 0;
}
