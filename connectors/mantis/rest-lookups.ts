/**
 * What the REST history leaves out and the events need: the names of projects an issue was moved
 * from, and who counts as an agent by access level. Each is read once per project per run.
 */
import { isNotFound, restGet, type MantisRest } from './rest-request.js';
import { parseRest, restProjectListSchema, restProjectUsersSchema } from './rest-schema.js';
import { RunCache } from './run-cache.js';
import { mantisSettings } from './source-settings.js';

const USERS_PAGE_SIZE = 50;
const MAX_AGE_MS = 15 * 60_000;

export class MantisLookups {
  private readonly projectNames = new RunCache<string | undefined>(MAX_AGE_MS);
  private readonly agentLevels = new RunCache<ReadonlyMap<number, number>>(MAX_AGE_MS);

  /** A reconcile run starts: what earlier runs learnt about the source may have changed. */
  startRun(sourceId: string): void {
    this.projectNames.forget(sourceId);
    this.agentLevels.forget(sourceId);
  }

  /** The names of the projects that still exist and the token's user can see, by id. */
  async projectNamesOf(rest: MantisRest, ids: readonly number[]): Promise<Map<number, string>> {
    const names = new Map<number, string>();
    for (const id of ids) {
      const name = await this.projectNames.get(rest.source.id, String(id), () => projectName(rest, id));
      if (name !== undefined) names.set(id, name);
    }
    return names;
  }

  /**
   * The user's access level in the project when it reaches `agents.min_access_level`, else
   * undefined. The webhook payload carries the level (the plugin asks `user_get_access_level`);
   * REST users never do, so the project's users at that level or above are read instead.
   */
  async agentLevel(rest: MantisRest, projectId: number, userId: number): Promise<number | undefined> {
    const min = mantisSettings(rest.source).minAccessLevel;
    if (min === undefined) return undefined;
    const levels = await this.agentLevels.get(rest.source.id, `${projectId}@${min}`, () => projectAgents(rest, projectId, min));
    return levels.get(userId);
  }
}

async function projectName(rest: MantisRest, id: number): Promise<string | undefined> {
  try {
    const data = await restGet(rest, `/projects/${id}`, `project ${id}`);
    return parseRest(restProjectListSchema, data, `mantis ${rest.source.id}: project ${id}`).projects.find((project) => project.id === id)?.name;
  } catch (error) {
    // Deleted, or hidden from the token's user: MantisBT answers 404 for both.
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * `GET /api/rest/projects/{id}/users?access_level=N` (ProjectUsersGetCommand, MantisBT 2.26 and
 * later) lists the enabled users whose level in the project is N or above, global users included
 * (`project_get_all_user_rows`), by name, a page at a time. An older MantisBT answers 404: the
 * agents cannot be told by level through REST, and counting their notes as the customer's would
 * be silently wrong, so the run stops with what to do.
 */
async function projectAgents(rest: MantisRest, projectId: number, min: number): Promise<ReadonlyMap<number, number>> {
  const levels = new Map<number, number>();
  for (let page = 1; ; page += 1) {
    const path = `/projects/${projectId}/users?access_level=${min}&include_access_levels=1&page_size=${USERS_PAGE_SIZE}&page=${page}`;
    let data: unknown;
    try {
      data = await restGet(rest, path, `users of project ${projectId} at access level ${min} or above, page ${page}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      throw new Error(
        `mantis ${rest.source.id}: agents.min_access_level needs the access levels of project ${projectId}'s users, but GET /api/rest${path} ` +
          'answered 404: MantisBT before 2.26 has no such endpoint (or the token cannot see the project). ' +
          'Name the agents in agents.users or agents.domains instead, or upgrade MantisBT.',
      );
    }
    const { users } = parseRest(restProjectUsersSchema, data, `mantis ${rest.source.id}: users of project ${projectId}`);
    const known = levels.size;
    for (const user of users) levels.set(user.id, user.access_level.id);
    // A short page is the last; one that adds nobody means the server ignores paging.
    if (users.length < USERS_PAGE_SIZE || levels.size === known) return levels;
  }
}
