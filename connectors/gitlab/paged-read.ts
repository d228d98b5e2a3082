import type { ReadRequest, TrackerRead } from '../connector.js';
import { READ_PAGE_SIZE } from './reader-requests.js';

/** 100,000 items: past it the server is taken to ignore `page`. */
const MAX_PAGES = 1_000;

/**
 * Every page of a listing: on while `X-Next-Page` names the next one; a server (or proxy) that
 * drops the header ends at a short or empty page instead.
 */
export async function* pagedRead(read: TrackerRead, requestFor: (page: number) => ReadRequest): AsyncGenerator<unknown[]> {
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const request = requestFor(page);
    const { data, headers } = await read(request);
    if (!Array.isArray(data)) throw new Error(`${request.description}: expected a list, got ${data === null ? 'null' : typeof data}`);
    yield data;
    if (data.length === 0) return;
    const next = headers['x-next-page'];
    if (next !== undefined ? next.trim() === '' : data.length < READ_PAGE_SIZE) return;
  }
  throw new Error(`${requestFor(MAX_PAGES + 1).description}: more than ${MAX_PAGES} pages; stopped`);
}
