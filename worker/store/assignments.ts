import { and, eq, sql } from "drizzle-orm";
import { nowIso } from "../lib/ids";
import { notFound } from "../lib/problem";
import type { AssignmentPageT, AssignmentQueryT } from "../schemas/assignments";
import { assertContact, loadContacts } from "./contacts";
import type { StoreContext } from "./context";
import { type MemberRecord, assertMember, upsertMember } from "./members";
import { contactStats, contactUser } from "./schema";
import { runList } from "./search";

/** The assignments view: contacts with their assignees, filtered by search, tags and member. */
export function listAssignments(s: StoreContext, q: AssignmentQueryT): AssignmentPageT & { rows_read: number } {
  const stats = s.db.select({ contacts: contactStats.contactCount, assigned: contactStats.assignedCount }).from(contactStats).get() ?? { contacts: 0, assigned: 0 };
  // The member filter is the contact list's assigned_to filter; this view always counts exactly.
  if (q.member_filter !== "all" && q.member_filter !== "unassigned") assertMember(s, q.member_filter);
  const assigned = q.member_filter === "all" ? undefined : q.member_filter === "unassigned" ? { unassigned: true as const } : { member: q.member_filter };
  const list = runList(s, { search: q.search, sort: q.sort, tagIds: q.tag_ids, filters: { assigned }, page: q.page, pageSize: q.page_size, exactCount: true });
  return {
    contacts: loadContacts(s, list.ids).map((ct) => ({
      id: ct.id,
      first_name: ct.first_name,
      last_name: ct.last_name,
      primary_phone: ct.phones.find((p) => p.is_preferred)?.formatted ?? null,
      assigned_users: ct.assigned_users,
      tags: ct.tags,
      created_at: ct.created_at,
      last_contacted_at: ct.last_contacted_at,
    })),
    total_count: list.total,
    assigned_count: stats.assigned,
    organization_total_count: stats.contacts,
    page: q.page,
    page_size: q.page_size,
    total_pages: Math.ceil(list.total / q.page_size),
    rows_read: list.rowsRead,
  };
}

/** Idempotent. `member` comes from D1 (the source of truth), which also refreshes the copy. */
export function assign(s: StoreContext, contactId: string, member: MemberRecord) {
  assertContact(s, contactId);
  upsertMember(s, member);
  s.run(sql`INSERT INTO contact_user (contact_id, member_id, created_at) VALUES (${contactId}, ${member.id}, ${nowIso()}) ON CONFLICT DO NOTHING`);
}

export function unassign(s: StoreContext, contactId: string, memberId: string) {
  const deleted = s.db
    .delete(contactUser)
    .where(and(eq(contactUser.contactId, contactId), eq(contactUser.memberId, memberId)))
    .returning({ contactId: contactUser.contactId })
    .all();
  if (deleted.length === 0) throw notFound("Assignment");
}
