/**
 * The assignments section's kinds: GET /api/contacts/assignments (admin session), which runs the
 * same list machinery as /api/contacts/list with the member filter as an extra condition, plus
 * an organization-wide batch (assigned count, contact total) alongside.
 */
import { type Dataset, frequencies } from "./data";
import type { ListKind } from "./listing";

export function assignmentKinds(data: Dataset): ListKind[] {
  const n = data.contacts.length;
  const share = (k: number) => `${((100 * k) / n).toFixed(1)}% of contacts`;
  const perMember = frequencies([...data.assignments.values()].flat());
  const nameOf = (id: string | undefined) => data.members.find((m) => m.id === id)?.name ?? "?";
  const [busy, busyCount] = perMember[0] ?? ["", 0];
  const [quiet, quietCount] = perMember[perMember.length - 1] ?? ["", 0];
  const unassigned = n - data.assignments.size;
  const tagUse = frequencies(data.contacts.flatMap((c) => c.tagIds));
  const [bigTag, bigTagCount] = tagUse[0] ?? ["", 0];
  const tagName = data.tags.find((t) => t.id === bigTag)?.name ?? "?";
  const commonFirst = (frequencies(data.contacts.map((c) => c.firstName))[0]?.[0] ?? "James").toLowerCase();

  const kinds: Omit<ListKind, "route">[] = [
    { name: "default (name_asc)", note: "no filter, the view's default sort", sort: "name_asc", tagIds: [], page: 0 },
    { name: "sort recently_added", note: "no filter", sort: "recently_added", tagIds: [], page: 0 },
    { name: "sort last_contacted_at", note: "no filter", sort: "last_contacted_at", tagIds: [], page: 0 },
    { name: "unassigned", note: `member_filter=unassigned: ${share(unassigned)}`, sort: "name_asc", tagIds: [], page: 0, memberFilter: "unassigned" },
    { name: "busy member", note: `member_filter=${nameOf(busy)}: ${share(busyCount)}`, sort: "name_asc", tagIds: [], page: 0, memberFilter: busy },
    { name: "quiet member", note: `member_filter=${nameOf(quiet)}: ${share(quietCount)}`, sort: "name_asc", tagIds: [], page: 0, memberFilter: quiet },
    { name: "tag filter", note: `tag "${tagName}" on ${share(bigTagCount)}`, sort: "name_asc", tagIds: bigTag ? [bigTag] : [], page: 0 },
    { name: "search", note: `"${commonFirst}" (common first name)`, search: commonFirst, sort: "name_asc", tagIds: [], page: 0 },
    { name: "busy member + search", note: `"${commonFirst}" among ${nameOf(busy)}'s contacts`, search: commonFirst, sort: "name_asc", tagIds: [], page: 0, memberFilter: busy },
  ];
  return kinds.map((k) => ({ ...k, route: "assignments" as const }));
}
