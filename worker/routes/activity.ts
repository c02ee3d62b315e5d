import { createRoute, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import { assertContact } from "../contacts/load";
import { rawStatement, runBatch } from "../db/client";
import { memberOnly } from "../lib/guard";
import { IdParam, createRouter, errorResponses, jsonContent } from "../lib/openapi";
import { keysetPage, pageOf } from "../lib/cursor";

const KINDS = ["call", "note", "todo"] as const;
type Kind = (typeof KINDS)[number];

const ActivityItem = z
  .object({
    kind: z.enum(KINDS),
    id: z.string(),
    at: z.string(),
    title: z.string(),
    detail: z.string().nullable(),
  })
  .openapi("ActivityItem");

const activityRoute = createRoute({
  method: "get",
  path: "/contacts/{id}/activity",
  tags: ["Contacts"],
  summary: "One timeline of the contact's calls, notes and todos, newest first, cursor-paginated",
  middleware: [memberOnly] as const,
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
    ...errorResponses,
  },
});

// Each branch reads one contact's rows through its (contact_id, time) index.
const BRANCHES: Record<Kind, (contactId: string, organizationId: string) => SQL> = {
  call: (c, o) => sql`SELECT 'call' AS kind, id, started_at AS at,
    CASE direction WHEN 'outbound' THEN 'Outbound call' ELSE 'Inbound call' END AS title,
    CASE WHEN duration_seconds IS NULL THEN NULL ELSE (duration_seconds / 60) || ' min ' || (duration_seconds % 60) || ' s' END AS detail
    FROM calls WHERE contact_id = ${c} AND organization_id = ${o}`,
  note: (c, o) => sql`SELECT 'note' AS kind, id, created_at AS at, 'Note' AS title, substr(body, 1, 280) AS detail FROM notes WHERE contact_id = ${c} AND organization_id = ${o}`,
  todo: (c, o) => sql`SELECT 'todo' AS kind, id, created_at AS at, title, CASE status WHEN 'done' THEN 'Done' ELSE 'Open' END AS detail FROM todos WHERE contact_id = ${c} AND organization_id = ${o}`,
};
const FILTER: Record<string, Kind[]> = { all: [...KINDS], calls: ["call"], notes: ["note"], todos: ["todo"] };

export const activityRoutes = createRouter().openapi(activityRoute, async (c) => {
  const { id } = c.req.valid("param");
  const q = c.req.valid("query");
  const { organizationId } = c.var.principal;
  const db = c.var.db;
  await assertContact(db, organizationId, id);
  const union = sql.join(FILTER[q.kind]!.map((k) => BRANCHES[k](id, organizationId)), sql` UNION ALL `);
  const [result] = (await runBatch(db, [rawStatement(db, keysetPage(union, q.cursor, q.limit))])) as [D1Result<z.infer<typeof ActivityItem>>];
  const { page, nextCursor } = pageOf(result.results, q.limit);
  return c.json({ items: page, next_cursor: nextCursor }, 200);
});
