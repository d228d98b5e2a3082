/**
 * Who is in a support line: the tracker users its contract lists, and the members of the tracker
 * groups it names (`members: [alice, "group:platform-team"]`). The groups are read from the
 * tracker by src/app/store/line-group-directory.ts, which hands each read in here; until a read
 * succeeds (and after a failed one) the line keeps what it had, so a tracker that cannot be read
 * never empties a line.
 *
 * It is the contract's `lines` entry itself, a set of lower-cased names, so every place that asks
 * "is this person in the line" (conditions, the line an issue is with, escalation) sees the groups'
 * members without knowing they came from a tracker.
 */
export const GROUP_MEMBER_PREFIX = 'group:';

/** One member of a tracker group: `id` as the tracker's assignment takes it, `names` as its events name the person. */
export interface GroupMember {
  readonly id: string;
  readonly names: readonly string[];
}

export class LineMembers extends Set<string> {
  /** The ids of the groups' members, in the order the tracker listed them: `escalate.assign: true` takes the first. */
  private assignableIds: readonly string[] = [];

  /**
   * @param users the line's tracker users, logins or e-mail addresses
   * @param groups the tracker groups it names, as the tracker knows them
   */
  constructor(
    readonly users: readonly string[],
    readonly groups: readonly string[] = [],
  ) {
    super(users.map((user) => user.toLowerCase()));
  }

  /** Takes the groups' members as read now, in place of the ones read before. */
  useGroupMembers(members: readonly GroupMember[]): void {
    this.clear();
    for (const user of this.users) this.add(user.toLowerCase());
    for (const member of members) for (const name of [member.id, ...member.names]) if (name) this.add(name.toLowerCase());
    this.assignableIds = members.map((member) => member.id);
  }

  /** Whom `assign: true` gives the issue to: the first listed user, else the groups' first member read. */
  firstAssignable(): string | undefined {
    return this.users[0] ?? this.assignableIds[0];
  }
}

/** Splits a line's `members:` into users and `group:<name>` entries. */
export function splitMembers(entries: readonly string[]): { users: string[]; groups: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  for (const entry of entries) {
    if (entry.toLowerCase().startsWith(GROUP_MEMBER_PREFIX)) groups.push(entry.slice(GROUP_MEMBER_PREFIX.length).trim());
    else users.push(entry);
  }
  return { users, groups };
}
