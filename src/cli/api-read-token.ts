/** SLA_BRIDGE_API_READ_TOKEN, the API's read-only token (src/app/http/api-auth.ts), checked at start. */
import { UsageError } from './cli-io.js';

/**
 * Undefined when unset. The same value as SLA_BRIDGE_API_TOKEN is refused: it would open
 * everything, and a token handed out as read-only must not.
 */
export function readOnlyApiToken(env: NodeJS.ProcessEnv): string | undefined {
  const token = env.SLA_BRIDGE_API_READ_TOKEN || undefined;
  if (token !== undefined && token === env.SLA_BRIDGE_API_TOKEN) {
    throw new UsageError('SLA_BRIDGE_API_READ_TOKEN is the same as SLA_BRIDGE_API_TOKEN: give the read-only token a value of its own');
  }
  return token;
}
