import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, memberOnly } from "../auth/guard";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../http/openapi";
import { NoteCreate, NoteSchema, NotesQuery, noteText } from "../schemas/notes";

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
  request: { params: contactParams, body: jsonBody(NoteCreate) },
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

export const notesRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json(await c.var.store.listNotes(c.req.valid("param").id, c.req.valid("query"), actorOf(c.var.principal)), 200))
  .openapi(createNoteRoute, async (c) => c.json(await c.var.store.createNote(c.req.valid("param").id, c.req.valid("json"), actorOf(c.var.principal)), 201))
  .openapi(updateRoute, async (c) => c.json(await c.var.store.updateNote(c.req.valid("param").id, c.req.valid("json").body, actorOf(c.var.principal)), 200))
  .openapi(deleteRoute, async (c) => {
    await c.var.store.deleteNote(c.req.valid("param").id, actorOf(c.var.principal));
    return c.body(null, 204);
  });
