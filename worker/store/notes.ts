import { and, asc, desc, eq, sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import type { Note, NoteCreateT, NotesQueryT } from "../schemas/notes";
import { assertContact } from "./contacts";
import type { StoreContext } from "./context";
import { type Actor, touchMember } from "./members";
import { members, notes } from "./schema";

/** Who reads or changes notes: the author or an admin may edit and delete a note. */
export interface Viewer {
  userId: string;
  admin: boolean;
}

type NoteRow = typeof notes.$inferSelect & { authorName: string | null };

const canEdit = (n: { authorUserId: string | null }, v: Viewer) => v.admin || n.authorUserId === v.userId;

function noteJson(n: NoteRow, v: Viewer): Note {
  return {
    id: n.id,
    contact_id: n.contactId,
    area: n.area,
    body: n.body,
    call_id: n.callId,
    author: n.authorUserId && n.authorName ? { user_id: n.authorUserId, name: n.authorName } : null,
    can_edit: canEdit(n, v),
    created_at: n.createdAt,
    updated_at: n.updatedAt,
  };
}

function findNote(s: StoreContext, id: string): NoteRow {
  const row = s.db.select({ note: notes, authorName: members.name }).from(notes).leftJoin(members, eq(members.userId, notes.authorUserId)).where(eq(notes.id, id)).get();
  if (!row) throw notFound("Note");
  return { ...row.note, authorName: row.authorName };
}

function assertCanEdit(n: NoteRow, v: Viewer) {
  if (!canEdit(n, v)) throw new Problem(403, "Only the note's author or an admin may change it.");
}

const ORDER = {
  newest: [desc(notes.createdAt), desc(notes.id)],
  oldest: [asc(notes.createdAt), asc(notes.id)],
  recently_edited: [desc(notes.updatedAt), desc(notes.id)],
};

export function listNotes(s: StoreContext, contactId: string, q: NotesQueryT, v: Viewer) {
  assertContact(s, contactId);
  const where = and(
    eq(notes.contactId, contactId),
    q.area === "all" ? undefined : eq(notes.area, q.area),
    q.search ? sql`${notes.body} LIKE ${`%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`} ESCAPE '\\'` : undefined,
  );
  const rows = s.db
    .select({ note: notes, authorName: members.name })
    .from(notes)
    .leftJoin(members, eq(members.userId, notes.authorUserId))
    .where(where)
    .orderBy(...ORDER[q.sort])
    .limit(q.page_size)
    .offset(q.page * q.page_size)
    .all();
  const total = s.db.select({ n: sql<number>`count(*)` }).from(notes).where(where).get();
  return {
    notes: rows.map((r) => noteJson({ ...r.note, authorName: r.authorName }, v)),
    total_count: Number(total?.n ?? 0),
    page: q.page,
    page_size: q.page_size,
  };
}

export function createNote(s: StoreContext, contactId: string, { body, area }: NoteCreateT, actor: Actor & Viewer): Note {
  touchMember(s, actor);
  assertContact(s, contactId);
  const now = nowIso();
  const row = { id: newId(), contactId, authorUserId: actor.userId, callId: null, area, body, createdAt: now, updatedAt: now };
  s.db.insert(notes).values(row).run();
  s.emit("note.created", { note_id: row.id, contact_id: contactId, area, body, author_user_id: actor.userId, created_at: now }, contactId);
  return noteJson({ ...row, authorName: actor.name }, actor);
}

export function updateNote(s: StoreContext, id: string, body: string, v: Viewer): Note {
  const note = findNote(s, id);
  assertCanEdit(note, v);
  const updatedAt = nowIso();
  s.db.update(notes).set({ body, updatedAt }).where(eq(notes.id, id)).run();
  s.emit("note.updated", { note_id: id, contact_id: note.contactId }, note.contactId);
  return noteJson({ ...note, body, updatedAt }, v);
}

export function deleteNote(s: StoreContext, id: string, v: Viewer) {
  const note = findNote(s, id);
  assertCanEdit(note, v);
  s.db.delete(notes).where(eq(notes.id, id)).run();
  s.emit("note.deleted", { note_id: id, contact_id: note.contactId }, note.contactId);
}
