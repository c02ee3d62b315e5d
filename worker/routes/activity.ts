import { z } from "@hono/zod-openapi";
import { memberAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonContent } from "../http/openapi";
import type { ActivityKind } from "../store/activity";

const KINDS = ["call", "note", "todo"] as const;

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
  summary: "One timeline of the contact's calls, notes and todos, newest first, cursor-paginated",
  ...memberAccess,
  request: {
    params: z.object({ id: IdParam("id") }),
    query: z.object({
      kind: z.enum(["all", "calls", "notes", "todos"]).default("all"),
      cursor: z.string().max(500).optional().openapi({ description: "next_cursor of the previous page" }),
      limit: z.coerce.number().int().min(1).default(25).transform((n) => Math.min(n, 100)),
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(ActivityItem), next_cursor: z.string().nullable() }), "A page of activity"),
  },
});

const FILTER: Record<string, ActivityKind[]> = { all: [...KINDS], calls: ["call"], notes: ["note"], todos: ["todo"] };

export const activityRoutes = createRouter().openapi(activityRoute, async (c) => {
  const { kind, cursor, limit } = c.req.valid("query");
  return c.json(await c.var.store.activity(c.req.valid("param").id, { kinds: FILTER[kind] ?? [...KINDS], cursor, limit }), 200);
});
