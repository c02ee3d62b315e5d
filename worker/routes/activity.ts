import { z } from "@hono/zod-openapi";
import { memberAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonContent } from "../http/openapi";
import type { ActivityKind } from "../store/activity";

const KINDS = ["call", "note", "todo", "change"] as const;
/** "all" is the conversation's timeline; field changes have their own filter. */
const TIMELINE: ActivityKind[] = ["call", "note", "todo"];

const ActivityItem = z
  .object({
    kind: z.enum(KINDS),
    id: z.string(),
    at: z.string(),
    title: z.string(),
    detail: z.string().nullable(),
  })
  .openapi("ActivityItem");

const activityRoute = apiRoute({
  operationId: "listContactActivity",
  method: "get",
  path: "/contacts/{id}/activity",
  tags: ["Contacts"],
  summary: "One timeline of the contact's calls, notes and todos (or, with kind=changes, its field changes), newest first, cursor-paginated",
  ...memberAccess,
  request: {
    params: z.object({ id: IdParam("id") }),
    query: z.object({
      kind: z.enum(["all", "calls", "notes", "todos", "changes"]).default("all").openapi({ description: "all: calls, notes and todos; changes: the field history" }),
      cursor: z.string().max(500).optional().openapi({ description: "next_cursor of the previous page" }),
      limit: z.coerce.number().int().min(1).default(25).transform((n) => Math.min(n, 100)),
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(ActivityItem), next_cursor: z.string().nullable() }), "A page of activity"),
  },
});

const FILTER: Record<string, ActivityKind[]> = { all: TIMELINE, calls: ["call"], notes: ["note"], todos: ["todo"], changes: ["change"] };

export const activityRoutes = createRouter().openapi(activityRoute, async (c) => {
  const { kind, cursor, limit } = c.req.valid("query");
  return c.json(await c.var.store.activity(c.req.valid("param").id, { kinds: FILTER[kind] ?? TIMELINE, cursor, limit }), 200);
});

const HistoryEntry = z
  .object({
    id: z.string(),
    field: z.string().openapi({ description: "A contact field, phones, emails, addresses, tags, assigned_to, consent.<channel>, merged or restored" }),
    old_value: z.unknown(),
    new_value: z.unknown(),
    by: z.object({
      kind: z.string().openapi({ description: "member, api_key, enrichment, import, merge, bulk, keyword, carrier, call_transcript or system" }),
      id: z.string().nullable(),
      name: z.string().nullable(),
    }),
    via_id: z.string().nullable().openapi({ description: "The call (enrichment), import, merge or bulk change behind it" }),
    at: z.string(),
  })
  .openapi("HistoryEntry");

const historyRoute = apiRoute({
  operationId: "listContactHistory",
  method: "get",
  path: "/contacts/{id}/history",
  tags: ["Contacts"],
  summary: "Every change to the contact's fields, numbers, emails, addresses, tags, assignments, status and consent: who, when, old and new value; newest first",
  ...memberAccess,
  request: {
    params: z.object({ id: IdParam("id") }),
    query: z.object({
      cursor: z.string().max(500).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(HistoryEntry), next_cursor: z.string().nullable() }), "A page of history") },
});

export const historyRoutes = createRouter().openapi(historyRoute, async (c) => {
  const { cursor, limit } = c.req.valid("query");
  return c.json(await c.var.store.history(c.req.valid("param").id, cursor, limit), 200);
});
