/**
 * Requests as a hostile or broken client sends them, which fetch() will not: header lists with
 * duplicates, any bytes as body, no content type at all. Through node:http, to the bridge on loopback.
 */
import http from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as text. */
  readonly text: string;
  /** The body as JSON, or undefined when it is none. */
  readonly json: Record<string, unknown> | undefined;
}

/** `headers` as [name, value] pairs, sent in order, duplicates and all. */
export function rawRequest(url: string, method: string, headers: readonly (readonly [string, string])[], body?: Buffer | string, options: { readonly localAddress?: string } = {}): Promise<RawAnswer> {
  const target = new URL(url);
  // An array value is sent as one header line per element: duplicates as a client may send them.
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of headers) (grouped[name.toLowerCase()] ??= []).push(value);
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  if (bytes) grouped['content-length'] = [String(bytes.length)];
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers: grouped, agent: false, ...(options.localAddress ? { localAddress: options.localAddress } : {}) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    request.on('error', reject);
    request.end(bytes);
  });
}
