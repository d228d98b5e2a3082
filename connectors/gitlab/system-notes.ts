/**
 * Assignee changes, which GitLab keeps only as system notes (there is no resource event for them),
 * as SystemNotes::IssuablesService writes them in English whatever the user's language:
 * `assigned to @a`, `assigned to @a, @b and @c and unassigned @d`, `unassigned @d`,
 * `removed assignee` / `removed all assignees`, and in older releases `Reassigned to @a` and
 * `Assignee removed`.
 */
export type AssigneeChange = { readonly added: readonly string[]; readonly removed: readonly string[] } | { readonly removedAll: true } | { readonly replacedBy: string };

const usernames = (text: string): string[] => [...text.matchAll(/@([A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_-]|[A-Za-z0-9_])/g)].map((match) => match[1]!);

export function assigneeChange(body: string): AssigneeChange | null {
  const text = body.trim();
  if (/^(removed (all )?assignees?|assignee removed)$/i.test(text)) return { removedAll: true };
  const reassigned = /^reassigned to @(\S+)$/i.exec(text);
  if (reassigned) return { replacedBy: reassigned[1]!.replace(/\.$/, '') };
  const match = /^(?:assigned to (.+?))?(?:(?:^| and )unassigned (.+))?$/.exec(text);
  if (!match || (match[1] === undefined && match[2] === undefined)) return null;
  const added = match[1] === undefined ? [] : usernames(match[1]);
  const removed = match[2] === undefined ? [] : usernames(match[2]);
  return added.length + removed.length > 0 ? { added, removed } : null;
}
