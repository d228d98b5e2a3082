/**
 * An HTTP request the bridge sends: a write-back to a tracker, a lookup for one, a chat message.
 * Connectors build it; the bridge sends it with its retries (src/app/outbound/outbound-http.ts) and keeps
 * it, when it fails for good, as a dead letter that can be sent again.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OutboundRequest {
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is (text/plain unless a Content-Type header says otherwise); anything else as JSON. */
  readonly body?: string | object;
  /** For logs and dead letters, e.g. "jira jira-demo: SLA fields of MB-42". Logged as is, so no secrets. */
  readonly description: string;
  /** Per-attempt timeout; the sender's default when absent. */
  readonly timeoutMs?: number;
}
