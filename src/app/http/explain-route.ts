/**
 * `GET /api/issues/:sourceId/:issueKey/explain`: why each deadline of the issue is where it is, as
 * JSON (the dashboard's timeline and the MantisBT panel read it) or with `?format=text` as the
 * plain text `sla-bridge explain` prints. Mounted behind the API's auth.
 */
import type { RequestHandler } from 'express';
import type { Explanation } from '../../domain/deadline-explanation.js';

export type ExplainLookup = (source: string, keyOrId: string) => Promise<Explanation | undefined>;

export function explainRoute(explain: ExplainLookup | undefined): RequestHandler {
  return async (request, response) => {
    const { sourceId, issueKey } = request.params as { sourceId: string; issueKey: string };
    const format = String(request.query.format ?? 'json');
    if (!['json', 'text'].includes(format)) return void response.status(400).json({ error: `format: "${format}" is not json or text`, field: 'format' });
    const explanation = explain && (await explain(sourceId, issueKey));
    if (!explanation) return void response.status(404).json({ error: `no issue ${issueKey} of source ${sourceId}` });
    if (format === 'text') return void response.type('text/plain; charset=utf-8').send(`${explanation.text}\n`);
    response.json(explanation);
  };
}
