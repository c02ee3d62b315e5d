import { z } from "@hono/zod-openapi";
import { actorOf, memberAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { NoteCreate, NoteSchema, NotesQuery, noteText } from "../schemas/notes";

const contactParams = z.object({ id: IdParam("id") });
const noteParams = z.object({ id: IdParam("id") });

const listRoute = apiRoute({
  operationId: "listContactNotes",
  method: "get",
  path: "/contacts/{id}/notes",
  tags: ["Notes"],
  summary: "The contact's notes, searchable and filterable by area",
  ...memberAccess,
  request: { params: contactParams, query: NotesQuery },
  responses: {
    200: jsonContent(
      z.object({ notes: z.array(NoteSchema), total_count: z.number().int(), page: z.number().int(), page_size: z.number().int() }),
      "Notes",
    ),
  },
});
const createNoteRoute = apiRoute({
  operationId: "createNote",
  method: "post",
  path: "/contacts/{id}/notes",
  tags: ["Notes"],
  summary: "Add a note to the contact",
  ...memberAccess,
  request: { params: contactParams, body: jsonBody(NoteCreate) },
  responses: { 201: jsonContent(NoteSchema, "The note") },
});
const updateRoute = apiRoute({
  operationId: "updateNote",
  method: "put",
  path: "/notes/{id}",
  tags: ["Notes"],
  summary: "Edit a note (its author or an admin)",
  ...memberAccess,
  request: { params: noteParams, body: jsonBody(z.object({ body: noteText })) },
  responses: { 200: jsonContent(NoteSchema, "The note") },
});
const deleteRoute = apiRoute({
  operationId: "deleteNote",
  method: "delete",
  path: "/notes/{id}",
  tags: ["Notes"],
  summary: "Delete a note (its author or an admin)",
  ...memberAccess,
  request: { params: noteParams },
  responses: { ...noContent },
});

export const notesRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json(await c.var.store.listNotes(c.req.valid("param").id, c.req.valid("query"), actorOf(c.var.principal)), 200))
  .openapi(createNoteRoute, async (c) => c.json(await c.var.store.createNote(c.req.valid("param").id, c.req.valid("json"), actorOf(c.var.principal)), 201))
  .openapi(updateRoute, async (c) => c.json(await c.var.store.updateNote(c.req.valid("param").id, c.req.valid("json").body, actorOf(c.var.principal)), 200))
  .openapi(deleteRoute, async (c) => {
    await c.var.store.deleteNote(c.req.valid("param").id, actorOf(c.var.principal));
    return c.body(null, 204);
  });
