import { z } from "@hono/zod-openapi";
import { adminAccess, memberAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { ContactSchema } from "../schemas/contacts";
import { DUPLICATE_REASONS } from "../store/duplicates";
import { MERGE_FIELDS, MERGE_MAX } from "../store/merges";

// Merging contacts (with undo for 30 days) and the duplicate suggestions that lead to it.

const idParams = z.object({ id: IdParam("id") });
const ContactIds = z.array(z.string().uuid());

const MergeInput = z
  .object({
    contact_ids: ContactIds.min(1)
      .max(MERGE_MAX)
      .openapi({ description: "The contacts folded into this one" }),
    fields: z
      .partialRecord(z.enum(MERGE_FIELDS), z.string().uuid())
      .default({})
      .openapi({ description: "Which contact's value a field takes (default: this contact's, unless empty)" }),
  })
  .strict()
  .openapi("MergeInput");

const Merge = z
  .object({
    id: z.string(),
    survivor_id: z.string(),
    merged_ids: z.array(z.string()),
    merged_names: z.array(z.string()),
    by: z.string().nullable(),
    created_at: z.string(),
    undo_until: z.string(),
    undone_at: z.string().nullable(),
  })
  .openapi("Merge");

const mergeRoute = apiRoute({
  operationId: "mergeContacts",
  method: "post",
  path: "/contacts/{id}/merge",
  tags: ["Merge"],
  summary:
    "Merge contacts into this one (admin): their numbers, emails, addresses, tags, assignments, calls, messages, notes, todos, memory, consent and history move here; the merged ids then answer 404 with merged_into. Undo within 30 days",
  ...adminAccess,
  request: { params: idParams, body: jsonBody(MergeInput) },
  responses: {
    200: jsonContent(z.object({ merge_id: z.string(), contact: ContactSchema, merged_ids: z.array(z.string()), undo_until: z.string() }), "The merged contact"),
  },
});

const undoRoute = apiRoute({
  operationId: "undoMerge",
  method: "post",
  path: "/merges/{id}/undo",
  tags: ["Merge"],
  summary:
    "Undo a merge within 30 days (admin): every contact and every moved row as before. 409 when the merged contact changed since (blocked_by says what), or the merge is older or undone",
  ...adminAccess,
  errors: [409],
  request: { params: idParams },
  responses: { 200: jsonContent(z.object({ contacts: z.array(ContactSchema) }), "The contacts as they were before the merge") },
});

const listRoute = apiRoute({
  operationId: "listMerges",
  method: "get",
  path: "/merges",
  tags: ["Merge"],
  summary: "Recent merges, newest first (optionally those into one contact)",
  ...memberAccess,
  request: { query: z.object({ contact_id: z.string().uuid().optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }) },
  responses: { 200: jsonContent(z.array(Merge), "Merges") },
});

const Reason = z.object({
  kind: z.enum(Object.keys(DUPLICATE_REASONS) as [keyof typeof DUPLICATE_REASONS, ...(keyof typeof DUPLICATE_REASONS)[]]),
  text: z.string(),
  value: z.string().openapi({ description: "The shared key (an email, an external id, a name and company, …)" }),
});
const DuplicatePair = z
  .object({ contacts: z.array(ContactSchema).length(2), reasons: z.array(Reason), score: z.number().int() })
  .openapi("DuplicatePair");

const duplicatesRoute = apiRoute({
  operationId: "listDuplicates",
  method: "get",
  path: "/duplicates",
  tags: ["Merge"],
  summary:
    "Likely duplicate pairs with their reasons (same email, external id, name and company, numbers differing only by country code or national prefix, same name and last four digits), strongest first; dismissed pairs never show again",
  ...memberAccess,
  request: { query: z.object({ cursor: z.string().regex(/^\d{1,4}\.[0-9a-f-]{36}\.[0-9a-f-]{36}$/, "is not a cursor this API returned").optional().openapi({ description: "next_cursor of the previous page" }), limit: z.coerce.number().int().min(1).max(100).default(25) }) },
  responses: { 200: jsonContent(z.object({ items: z.array(DuplicatePair), total: z.number().int(), next_cursor: z.string().nullable() }), "A page of suggestions") },
});

const contactDuplicatesRoute = apiRoute({
  operationId: "listContactDuplicates",
  method: "get",
  path: "/contacts/{id}/duplicates",
  tags: ["Merge"],
  summary: "The contacts suggested as duplicates of this one, with the reasons",
  ...memberAccess,
  request: { params: idParams },
  responses: { 200: jsonContent(z.array(z.object({ contact: ContactSchema, reasons: z.array(Reason) })), "Suggestions") },
});

const dismissRoute = apiRoute({
  operationId: "dismissDuplicate",
  method: "post",
  path: "/duplicates/dismiss",
  tags: ["Merge"],
  summary: "Say two contacts are not the same person: the pair is never suggested again",
  ...memberAccess,
  request: { body: jsonBody(z.object({ contact_ids: ContactIds.length(2) }).strict()) },
  responses: { ...noContent },
});

export const mergesRoutes = createRouter()
  .openapi(mergeRoute, async (c) => {
    const { contact_ids, fields } = c.req.valid("json");
    return c.json(await c.var.store.mergeContacts(c.req.valid("param").id, contact_ids, fields), 200);
  })
  .openapi(undoRoute, async (c) => c.json(await c.var.store.undoMerge(c.req.valid("param").id), 200))
  .openapi(listRoute, async (c) => {
    const { contact_id, limit } = c.req.valid("query");
    return c.json(await c.var.store.listMerges(limit, contact_id), 200);
  })
  .openapi(duplicatesRoute, async (c) => {
    const { cursor, limit } = c.req.valid("query");
    return c.json(await c.var.store.listDuplicates(limit, cursor), 200);
  })
  .openapi(contactDuplicatesRoute, async (c) => c.json(await c.var.store.duplicatesOf(c.req.valid("param").id), 200))
  .openapi(dismissRoute, async (c) => {
    const [a, b] = c.req.valid("json").contact_ids as [string, string];
    await c.var.store.dismissDuplicate([a, b]);
    return c.body(null, 204);
  });
