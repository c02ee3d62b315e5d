import { eq, sql } from "drizzle-orm";
import { notFound } from "../lib/problem";
import type { StoreContext } from "./context";
import { members } from "./schema";

/** A member as D1 knows them: what the store's copy holds. */
export interface MemberRecord {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: string;
}

/** The signed-in member a request acts for. */
export type Actor = MemberRecord;

const fingerprint = (m: MemberRecord) => `${m.userId}\n${m.name}\n${m.email}\n${m.role}`;

/** Adds or refreshes the store's copy of a member (and brings back one who had left). */
export function upsertMember(s: StoreContext, m: MemberRecord) {
  s.db
    .insert(members)
    .values({ id: m.id, userId: m.userId, name: m.name, email: m.email, role: m.role, removedAt: null })
    .onConflictDoUpdate({ target: members.id, set: { userId: m.userId, name: m.name, email: m.email, role: m.role, removedAt: null } })
    .run();
  remember(s, m);
}

function remember(s: StoreContext, m: MemberRecord) {
  if (s.knownMembers.size > 10_000) s.knownMembers.clear();
  s.knownMembers.set(m.id, fingerprint(m));
}

/** The acting member, as the request's session names them: keeps names and roles current. */
export function touchMember(s: StoreContext, m: MemberRecord) {
  if (s.knownMembers.get(m.id) === fingerprint(m)) return;
  const row = s.db.select().from(members).where(eq(members.id, m.id)).get();
  if (!row || row.removedAt || row.name !== m.name || row.email !== m.email || row.role !== m.role || row.userId !== m.userId) upsertMember(s, m);
  else remember(s, m);
}

/** A member left the organization: their assignments go; their name stays on what they wrote. */
export function removeMember(s: StoreContext, memberId: string) {
  s.run(sql`DELETE FROM contact_user WHERE member_id = ${memberId}`);
  s.run(sql`UPDATE todos SET assignee_member_id = NULL WHERE assignee_member_id = ${memberId}`);
  s.run(sql`UPDATE members SET removed_at = ${new Date().toISOString()} WHERE id = ${memberId} AND removed_at IS NULL`);
  s.knownMembers.delete(memberId);
}

/** A user renamed themselves: the copy follows. */
export function renameUser(s: StoreContext, userId: string, name: string, email: string) {
  s.run(sql`UPDATE members SET name = ${name}, email = ${email} WHERE user_id = ${userId}`);
  s.knownMembers.clear();
}

/** 404 unless the member is a current member (per the store's copy). */
export function assertMember(s: StoreContext, memberId: string) {
  const row = s.db.select({ removedAt: members.removedAt }).from(members).where(eq(members.id, memberId)).get();
  if (!row || row.removedAt) throw notFound("Member");
}
