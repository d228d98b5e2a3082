/**
 * The members of a Jira group a support line names: `GET /rest/api/2/group/member?groupname=…`
 * (Server and Data Center 8+, and Cloud, where users are named by `accountId` and the username is
 * withheld), paged with `startAt`/`maxResults` until `isLast`. Inactive users are left out (the
 * default of `includeInactiveUsers`). The assignment takes `name` on Server/DC, `accountId` on
 * Cloud; events name people by display name, name, accountId or e-mail, so all of them count.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { GroupMember } from '../../src/domain/line-members.js';
import type { TrackerRead } from '../connector.js';
import { isJiraCloud, jiraRead, query } from './rest-api.js';

const PAGE_SIZE = 50;
/** 50,000 members: past it the server is taken to ignore `startAt`. */
const MAX_PAGES = 1_000;

const pageSchema = z.looseObject({
  isLast: z.boolean().optional(),
  values: z.array(
    z.looseObject({
      name: z.string().nullish(),
      key: z.string().nullish(),
      accountId: z.string().nullish(),
      displayName: z.string().nullish(),
      emailAddress: z.string().nullish(),
    }),
  ),
});

export async function jiraGroupMembers(source: Source, group: string, read: TrackerRead): Promise<GroupMember[]> {
  const members: GroupMember[] = [];
  const description = `jira ${source.id}: members of group ${group}`;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const data = await jiraRead(source, read, {
      url: `${source.baseUrl}/rest/api/2/group/member?${query({ groupname: group, startAt: page * PAGE_SIZE, maxResults: PAGE_SIZE })}`,
      description: `${description}, page ${page + 1}`,
    });
    const parsed = pageSchema.safeParse(data);
    if (!parsed.success) throw new Error(`${description}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
    for (const user of parsed.data.values) {
      const id = (isJiraCloud(source) ? user.accountId : user.name) ?? user.accountId ?? user.name;
      if (!id) continue;
      members.push({ id, names: [user.displayName, user.name, user.key, user.accountId, user.emailAddress].filter((name): name is string => !!name) });
    }
    if (parsed.data.isLast !== false || parsed.data.values.length === 0) return members;
  }
  throw new Error(`${description}: more than ${MAX_PAGES} pages; stopped`);
}
