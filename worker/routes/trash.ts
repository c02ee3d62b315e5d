import { z } from "@hono/zod-openapi";
import { memberAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonContent } from "../http/openapi";
import { ContactSchema } from "../schemas/contacts";

// The trash: deleted contacts for 30 days, restorable (DELETE /api/contacts/{id} puts them there).

const TrashItem = z
  .object({
    contact_id: z.string(),
    name: z.string().openapi({ description: "The name as it was (or the first number)" }),
    phones: z.array(
      z.object({
        phone_number: z.string(),
        now_held_by: z
          .object({ contact_id: z.string(), name: z.string().nullable() })
          .nullable()
          .openapi({ description: "A live contact that holds this number now (it called again, or a person added it): a restore leaves it there" }),
      }),
    ),
    deleted_at: z.string(),
    deleted_by: z.string().nullable(),
    purge_after: z.string().openapi({ description: "When the daily purge deletes it for good, with its transcripts and media" }),
  })
  .openapi("TrashItem");

const listRoute = apiRoute({
  operationId: "listTrash",
  method: "get",
  path: "/trash",
  tags: ["Trash"],
  summary: "Deleted contacts, newest first, kept 30 days before they are purged for good",
  ...memberAccess,
  request: {
    query: z.object({
      cursor: z.string().max(500).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(TrashItem), total: z.number().int(), next_cursor: z.string().nullable() }), "A page of the trash") },
});

const restoreRoute = apiRoute({
  operationId: "restoreContact",
  method: "post",
  path: "/contacts/{id}/restore",
  tags: ["Trash"],
  summary:
    "Restore a contact from the trash with its calls, messages, notes, todos, consent and history. A number another contact holds now stays with that contact (phones_taken)",
  ...memberAccess,
  errors: [409],
  request: { params: z.object({ id: IdParam("id") }) },
  responses: {
    200: jsonContent(
      z.object({ contact: ContactSchema, phones_taken: z.array(z.object({ phone_number: z.string(), contact_id: z.string() })) }),
      "The restored contact",
    ),
  },
});

export const trashRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { cursor, limit } = c.req.valid("query");
    return c.json(await c.var.store.listTrash(cursor, limit), 200);
  })
  .openapi(restoreRoute, async (c) => c.json(await c.var.store.restoreContact(c.req.valid("param").id), 200));
