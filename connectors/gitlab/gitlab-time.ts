/**
 * The two ways GitLab writes a time. Issue and note attributes travel through Sidekiq as JSON
 * before they are sent, and for years that turned every `ActiveSupport::TimeWithZone` into its
 * `to_s`: `2017-12-10 16:37:38 UTC`, or `2017-12-10 17:37:38 +0100` on an instance whose
 * `gitlab_rails['time_zone']` is not UTC (gitlab.com sent that form in 2016, 2017 and 2023). The
 * same payloads carry `as_json` times in ISO 8601 elsewhere (`2019-06-05T14:32:20.211Z` in labels),
 * gitlab.com sends ISO 8601 with milliseconds in issue attributes by 2026, a Self-Managed 17.11 in
 * +08:00 wrote `2025-03-19T16:19:36.993+08:00` in a release hook, and the REST API writes ISO 8601. Every form
 * carries its offset; a time without one is refused, as reading it in the bridge's zone would shift
 * every clock.
 */
import { z } from 'zod';

const RUBY_TO_S = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (UTC|[+-]\d{4})$/;

const iso = z.iso.datetime({ offset: true });

/** Epoch ms of a GitLab time, or NaN when it is neither form. */
export function gitlabInstant(text: string): number {
  const ruby = RUBY_TO_S.exec(text);
  if (ruby) {
    const offset = ruby[3] === 'UTC' ? 'Z' : `${ruby[3]!.slice(0, 3)}:${ruby[3]!.slice(3)}`;
    return Date.parse(`${ruby[1]}T${ruby[2]}${offset}`);
  }
  return iso.safeParse(text).success ? Date.parse(text) : Number.NaN;
}

export const gitlabTimestamp = z.string().refine((text) => !Number.isNaN(gitlabInstant(text)), {
  error: (issue) => `${JSON.stringify(issue.input)} is not a time with an offset (GitLab writes 2026-11-26T08:12:44.000Z or 2026-11-26 08:12:44 UTC)`,
});

/** A due date: GitLab keeps the day only (`2026-11-30`). */
export const gitlabDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' });
