/**
 * The indexes `GET /api/issues` pages from, kept by every saved state (./issue-store.ts): one
 * sorted set of every listed issue (covered by a contract, with a metric) by its soonest deadline,
 * and one per contract, source, priority and assignee, so a page reads only its own states.
 * Equal deadlines are ordered by the member (`["source","id"]`, byte order), which the full read
 * the API falls back on orders by too.
 *
 * Which sets an issue is in is recorded next to them (a hash: member -> its sets' suffixes), so
 * that a save takes the issue out of the sets its previous state was in (a new assignee, a new
 * priority) without reading that state. The sets' names are built inside the script from the
 * suffixes: they are not all declared as KEYS, which a Redis Cluster allows within one hash slot,
 * where the prefix's hash tag puts every key of the bridge (README, Redis Cluster).
 */
import type { IssueSla } from '../../domain/sla-clock.js';
import { soonestDeadline } from '../../domain/issue-standing.js';

/** The dimensions a list can be narrowed by from an index alone. */
export interface ListDimensions {
  readonly contract?: string | undefined;
  readonly source?: string | undefined;
  readonly priority?: string | undefined;
  readonly assignee?: string | undefined;
}

/** Bumped when what the list indexes hold changes: a bridge then builds them anew from the states. */
export const LIST_INDEX_VERSION = '1';

export const listIndexKeys = (prefix: string) => ({
  all: `${prefix}:index:list`,
  of: `${prefix}:index:list-of`,
  version: `${prefix}:index:list-version`,
  building: `${prefix}:index:list-building`,
  scratch: (id: string) => `${prefix}:index:list-scratch:${id}`,
});

const suffix = (kind: keyof ListDimensions, value: string) => `${kind}:${encodeURIComponent(value)}`;

/** The per-dimension sets asked for, as suffixes of the list key. */
export function dimensionSuffixes(dimensions: ListDimensions): string[] {
  return (['contract', 'source', 'priority', 'assignee'] as const).flatMap((kind) => (dimensions[kind] ? [suffix(kind, dimensions[kind])] : []));
}

/** The issue's score and its sets' suffixes, or undefined when it is not listed (not covered, no metric). */
export function listEntry(source: string, sla: IssueSla): { readonly score: string; readonly suffixes: readonly string[] } | undefined {
  if (!sla.covered || sla.metrics.length === 0) return undefined;
  const assignee = sla.assignee ? sla.assignee : undefined;
  return { score: String(soonestDeadline(sla)), suffixes: dimensionSuffixes({ contract: sla.contract, source, priority: sla.priority.effective, assignee }) };
}

/**
 * The Lua that places one member (ARGV[at]) in the list indexes: score ARGV[at + 1] ('' = not
 * listed), then ARGV[at + 2] suffixes from ARGV[at + 3] on. `base` is the list key, `of` the
 * membership hash. Leaves `at` past the entry.
 */
export const PLACE_IN_LISTS_LUA = `
local function placeInLists(base, of, at)
  local member = ARGV[at]
  local score = ARGV[at + 1]
  local count = tonumber(ARGV[at + 2])
  local keep = {}
  for i = at + 3, at + 2 + count do keep[ARGV[i]] = true end
  local old = redis.call('HGET', of, member)
  if old then
    for name in string.gmatch(old, '[^ ]+') do
      if score == '' or not keep[name] then redis.call('ZREM', base .. ':' .. name, member) end
    end
  end
  if score == '' then
    redis.call('ZREM', base, member)
    if old then redis.call('HDEL', of, member) end
  else
    redis.call('ZADD', base, score, member)
    local names = {}
    for i = at + 3, at + 2 + count do
      redis.call('ZADD', base .. ':' .. ARGV[i], score, member)
      names[#names + 1] = ARGV[i]
    end
    local joined = table.concat(names, ' ')
    if joined ~= old then redis.call('HSET', of, member, joined) end
  end
  return at + 3 + count
end
`;

/** The arguments `placeInLists` reads for one issue. */
export function placeArgs(member: string, entry: ReturnType<typeof listEntry>): string[] {
  return entry ? [member, entry.score, String(entry.suffixes.length), ...entry.suffixes] : [member, '', '0'];
}

/**
 * One page of a list: of the sets KEYS (one: itself; several: their intersection, made in the
 * scratch key KEYS[#KEYS], removed again), members ARGV[1]..ARGV[2] by rank, and how many there are.
 */
export const LIST_PAGE_LUA = `
local source = KEYS[1]
if #KEYS > 2 then
  source = KEYS[#KEYS]
  local args = { source, #KEYS - 1 }
  for i = 1, #KEYS - 1 do args[#args + 1] = KEYS[i] end
  args[#args + 1] = 'AGGREGATE'
  args[#args + 1] = 'MIN'
  redis.call('ZINTERSTORE', unpack(args))
end
local members = redis.call('ZRANGE', source, ARGV[1], ARGV[2])
local total = redis.call('ZCARD', source)
if #KEYS > 2 then redis.call('DEL', source) end
return { members, total }`;

/**
 * The list indexes built from states read earlier (KEYS: their state keys, then the list key and
 * the membership hash; ARGV per state: the text as read, then its placeArgs): each only while the
 * state is still the one read, so a state saved since, which placed itself, is not undone.
 */
export const LIST_INDEX_IF_SAME_LUA = `${PLACE_IN_LISTS_LUA}
local base = KEYS[#KEYS - 1]
local of = KEYS[#KEYS]
local at = 1
for i = 1, #KEYS - 2 do
  if redis.call('GET', KEYS[i]) == ARGV[at] then
    at = placeInLists(base, of, at + 1)
  else
    at = at + 4 + tonumber(ARGV[at + 3])
  end
end
return 1`;
