/** Reads from MantisBT's REST API (`{base_url}/api/rest/...`), as the token's user. */
import type { Source } from '../../src/config/source.js';
import type { ReadRequest, TrackerRead } from '../connector.js';
import { mantisAuthorization } from './write-back.js';

export interface MantisRest {
  readonly source: Source;
  readonly read: TrackerRead;
}

/** Checked before anything is read, so that a run without a token fails at once and says why. */
export function requireReadToken(source: Source): void {
  if (!source.apiToken) throw new Error(`mantis source ${source.id} has no api.token, which reconciliation needs to read the REST API`);
}

/** `path` starts after `/api/rest`, with its query. */
export async function restGet({ source, read }: MantisRest, path: string, description: string): Promise<unknown> {
  requireReadToken(source);
  const request: ReadRequest = {
    url: `${source.baseUrl}/api/rest${path}`,
    method: 'GET',
    headers: { Authorization: mantisAuthorization(source), Accept: 'application/json' },
    description: `mantis ${source.id}: ${description}`,
  };
  return (await read(request)).data;
}

/** The bridge's reads fail with the HTTP status when the server answered (DeliveryFailure). */
export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 404;
}
