import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { assertContact } from "../contacts/load";
import type { Db } from "../db/client";
import { NOTE_AREAS, notes, user } from "../db/schema";
import type { Principal } from "../lib/context";
import { isAdmin, memberOnly, sessionOf } from "../lib/guard";
import { newId, nowIso } from "../lib/ids";
import { CONTROL_EXCEPT_LINE_BREAKS } from "../lib/text";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../lib/openapi";
import { Problem, notFound } from "../lib/problem";

export const MAX_NOTE_CHARS = 10_000;

const NoteSchema = z
  .object({
    id: z.string(),
    contact_id: z.string(),
    area: z.enum(NOTE_AREAS),
    body: z.string(),
    call_id: z.string().nullable(),
    author: z.object({ user_id: z.string(), name: z.string() }).nullable(),
    can_edit: z.boolean().openapi({ description: "Whether the signed-in user may edit or delete it (author or admin)" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Note");

const noteText = z
  .string()
  .trim()
  .min(1, "is required")
  .max(MAX_NOTE_CHARS)
  .refine((v) => !CONTROL_EXCEPT_LINE_BREAKS.test(v), "must not contain control characters");

const NotesQuery = z.object({
  search: z.string().max(100).optional(),
  area: z.enum(["all", ...NOTE_AREAS]).default("all"),
  sort: z.enum(["newest", "oldest", "recently_edited"]).default("newest"),
  page: z.coerce.number().int().min(0).max(10_000).default(0),
  page_size: z.coerce.number().int().min(1).default(25).transform((n) => Math.min(n, 100)),
});

const contactParams = z.object({ id: IdParam("id") });
const noteParams = z.object({ id: IdParam("id") });

const listRoute = createRoute({
  method: "get",
  path: "/contacts/{id}/notes",
  tags: ["Notes"],
  summary: "The contact's notes, searchable and filterable by area",
  middleware: [memberOnly] as const,
  request: { params: contactParams, query: NotesQuery },
  responses: {
    200: jsonContent(
      z.object({ notes: z.array(NoteSchema), total_count: z.number().int(), page: z.number().int(), page_size: z.number().int() }),
      "Notes",
    ),
    ...errorResponses,
  },
});
const createNoteRoute = createRoute({
  method: "post",
  path: "/contacts/{id}/notes",
  tags: ["Notes"],
  summary: "Add a note to the contact",
  middleware: [memberOnly] as const,
  request: { params: contactParams, body: jsonBody(z.object({ body: noteText, area: z.enum(["manual", "call", "sms", "alert"]).default("manual") })) },
  responses: { 201: jsonContent(NoteSchema, "The note"), ...errorResponses },
});
const updateRoute = createRoute({
  method: "put",
  path: "/notes/{id}",
  tags: ["Notes"],
  summary: "Edit a note (its author or an admin)",
  middleware: [memberOnly] as const,
  request: { params: noteParams, body: jsonBody(z.object({ body: noteText })) },
  responses: { 200: jsonContent(NoteSchema, "The note"), ...errorResponses },
});
const deleteRoute = createRoute({
  method: "delete",
  path: "/notes/{id}",
  tags: ["Notes"],
  summary: "Delete a note (its author or an admin)",
  middleware: [memberOnly] as const,
  request: { params: noteParams },
  responses: { ...noContent, ...errorResponses },
});

type NoteRow = typeof notes.$inferSelect & { authorName: string | null };

function noteJson(n: NoteRow, p: Principal) {
  return {
    id: n.id,
    contact_id: n.contactId,
    area: n.area,
    body: n.body,
    call_id: n.callId,
    author: n.authorUserId && n.authorName ? { user_id: n.authorUserId, name: n.authorName } : null,
    can_edit: canEdit(n, p),
    created_at: n.createdAt,
    updated_at: n.updatedAt,
  };
}

const canEdit = (n: { authorUserId: string | null }, p: Principal) =>
  isAdmin(p) || (p.kind === "session" && n.authorUserId === p.userId);

async function findNote(db: Db, organizationId: string, id: string): Promise<NoteRow> {
  const [row] = await db
    .select({ note: notes, authorName: user.name })
    .from(notes)
    .leftJoin(user, eq(user.id, notes.authorUserId))
    .where(and(eq(notes.id, id), eq(notes.organizationId, organizationId)));
  if (!row) throw notFound("Note");
  return { ...row.note, authorName: row.authorName };
}

function assertCanEdit(n: NoteRow, p: Principal) {
  if (!canEdit(n, p)) throw new Problem(403, "Only the note's author or an admin may change it.");
}

const ORDER = {
  newest: [desc(notes.createdAt), desc(notes.id)],
  oldest: [asc(notes.createdAt), asc(notes.id)],
  recently_edited: [desc(notes.updatedAt), desc(notes.id)],
};

export const notesRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await assertContact(db, organizationId, id);
    const where = and(
      eq(notes.contactId, id),
      eq(notes.organizationId, organizationId),
      q.area === "all" ? undefined : eq(notes.area, q.area),
      q.search ? sql`${notes.body} LIKE ${`%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`} ESCAPE '\\'` : undefined,
    );
    const [rows, total] = await db.batch([
      db
        .select({ note: notes, authorName: user.name })
        .from(notes)
        .leftJoin(user, eq(user.id, notes.authorUserId))
        .where(where)
        .orderBy(...ORDER[q.sort])
        .limit(q.page_size)
        .offset(q.page * q.page_size),
      db.select({ n: sql<number>`count(*)` }).from(notes).where(where),
    ]);
    const p = c.var.principal;
    return c.json(
      {
        notes: rows.map((r) => noteJson({ ...r.note, authorName: r.authorName }, p)),
        total_count: Number(total[0]?.n ?? 0),
        page: q.page,
        page_size: q.page_size,
      },
      200,
    );
  })
  .openapi(createNoteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { body, area } = c.req.valid("json");
    const p = sessionOf(c.var.principal);
    const db = c.var.db;
    await assertContact(db, p.organizationId, id);
    const now = nowIso();
    const row = { id: newId(), organizationId: p.organizationId, contactId: id, authorUserId: p.userId, callId: null, area, body, createdAt: now, updatedAt: now };
    await db.insert(notes).values(row);
    return c.json(noteJson({ ...row, authorName: p.userName }, p), 201);
  })
  .openapi(updateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { body } = c.req.valid("json");
    const p = c.var.principal;
    const db = c.var.db;
    const note = await findNote(db, p.organizationId, id);
    assertCanEdit(note, p);
    const updatedAt = nowIso();
    await db.update(notes).set({ body, updatedAt }).where(eq(notes.id, id));
    return c.json(noteJson({ ...note, body, updatedAt }, p), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const p = c.var.principal;
    const db = c.var.db;
    assertCanEdit(await findNote(db, p.organizationId, id), p);
    await db.delete(notes).where(eq(notes.id, id));
    return c.body(null, 204);
  });
