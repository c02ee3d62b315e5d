import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { assertContact, loadContacts } from "../contacts/load";
import { AssignedUserSchema, SORTS, TagSchema, listQueryFields } from "../contacts/schemas";
import { runList } from "../contacts/list";
import { type Db, rawStatement, runBatch } from "../db/client";
import { contactUser, member, organizationStats } from "../db/schema";
import { adminOnly } from "../lib/guard";
import { nowIso } from "../lib/ids";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../lib/openapi";
import { Problem, notFound } from "../lib/problem";

export const MAX_BULK_ASSIGN = 1000;

const ContactAssignment = z
  .object({
    id: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    primary_phone: z.string().nullable().openapi({ description: "The preferred phone, formatted" }),
    assigned_users: z.array(AssignedUserSchema),
    tags: z.array(TagSchema),
    created_at: z.string(),
    last_contacted_at: z.string().nullable(),
  })
  .openapi("ContactAssignment");

const AssignmentPage = z
  .object({
    contacts: z.array(ContactAssignment),
    total_count: z.number().int(),
    assigned_count: z.number().int().openapi({ description: "Contacts with at least one assignee, organization-wide" }),
    organization_total_count: z.number().int().openapi({ description: "All contacts of the organization, whatever the filters" }),
    page: z.number().int(),
    page_size: z.number().int(),
    total_pages: z.number().int(),
  })
  .openapi("AssignmentPage");

const AssignmentQuery = z.object({
  ...listQueryFields,
  sort: z.enum(SORTS).default("name_asc"),
  member_filter: z
    .union([z.enum(["all", "unassigned"]), z.string().uuid("must be all, unassigned or a member id")])
    .default("all"),
});

const memberParams = z.object({ contact_id: IdParam("contact_id"), member_id: IdParam("member_id") });

const listRoute = createRoute({
  method: "get",
  path: "/contacts/assignments",
  tags: ["Assignments"],
  summary: "Contacts with their assignees, filterable by search, tags and member (admin)",
  middleware: [adminOnly] as const,
  request: { query: AssignmentQuery },
  responses: { 200: jsonContent(AssignmentPage, "A page of assignments"), ...errorResponses },
});
const assignRoute = createRoute({
  method: "post",
  path: "/contacts/{contact_id}/members/{member_id}",
  tags: ["Assignments"],
  summary: "Assign a member to a contact (admin; idempotent)",
  middleware: [adminOnly] as const,
  request: { params: memberParams },
  responses: { ...noContent, ...errorResponses },
});
const unassignRoute = createRoute({
  method: "delete",
  path: "/contacts/{contact_id}/members/{member_id}",
  tags: ["Assignments"],
  summary: "Remove a member from a contact (admin; 404 when not assigned)",
  middleware: [adminOnly] as const,
  request: { params: memberParams },
  responses: { ...noContent, ...errorResponses },
});
const bulkRoute = createRoute({
  method: "post",
  path: "/contacts/assignments/bulk",
  tags: ["Assignments"],
  summary: `Assign up to ${MAX_BULK_ASSIGN} contacts to a member in one atomic write (admin)`,
  middleware: [adminOnly] as const,
  request: {
    body: jsonBody(
      z.object({
        contact_ids: z.array(z.string().uuid()).min(1).max(MAX_BULK_ASSIGN),
        member_id: z.string().uuid(),
      }),
    ),
  },
  responses: {
    200: jsonContent(z.object({ newly_assigned: z.number().int(), already_assigned: z.number().int() }), "Done"),
    ...errorResponses,
  },
});

async function assertMember(db: Db, organizationId: string, memberId: string) {
  const [row] = await db
    .select({ id: member.id })
    .from(member)
    .where(and(eq(member.id, memberId), eq(member.organizationId, organizationId)));
  if (!row) throw notFound("Member");
}

export const assignmentsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    const [statsRows, memberCount] = await Promise.all([
      db
        .select({ contacts: organizationStats.contactCount, assigned: organizationStats.assignedCount })
        .from(organizationStats)
        .where(eq(organizationStats.organizationId, organizationId)),
      q.member_filter === "all" || q.member_filter === "unassigned"
        ? null
        : assertMember(db, organizationId, q.member_filter).then(() =>
            db.select({ n: sql<number>`count(*)` }).from(contactUser).where(eq(contactUser.memberId, q.member_filter)),
          ),
    ]);
    const stats = statsRows[0] ?? { contacts: 0, assigned: 0 };
    // Without search or tags, the totals come from counters instead of counting rows.
    const plain = !q.search?.trim() && q.tag_ids.length === 0;
    let extra;
    let knownTotal: number | undefined;
    if (q.member_filter === "unassigned") {
      extra = sql`NOT EXISTS (SELECT 1 FROM contact_user cu WHERE cu.contact_id = c.id)`;
      if (plain) knownTotal = stats.contacts - stats.assigned;
    } else if (memberCount) {
      // Walk the sort index and probe the (contact, member) key: no sort of a busy member's list.
      extra = sql`EXISTS (SELECT 1 FROM contact_user cu WHERE cu.contact_id = c.id AND cu.member_id = ${q.member_filter})`;
      if (plain) knownTotal = Number(memberCount[0]?.n ?? 0);
    }
    const list = await runList(db, {
      organizationId,
      search: q.search,
      sort: q.sort,
      tagIds: q.tag_ids,
      page: q.page,
      pageSize: q.page_size,
      extra,
      knownTotal: q.member_filter === "all" && plain ? stats.contacts : knownTotal,
    });
    c.header("x-d1-rows-read", String(list.rowsRead));
    const contacts = await loadContacts(db, organizationId, list.ids);
    const total = list.total;
    return c.json(
      {
        contacts: contacts.map((ct) => ({
          id: ct.id,
          first_name: ct.first_name,
          last_name: ct.last_name,
          primary_phone: ct.phones.find((p) => p.is_preferred)?.formatted ?? null,
          assigned_users: ct.assigned_users,
          tags: ct.tags,
          created_at: ct.created_at,
          last_contacted_at: ct.last_contacted_at,
        })),
        total_count: total,
        assigned_count: stats.assigned,
        organization_total_count: stats.contacts,
        page: q.page,
        page_size: q.page_size,
        total_pages: Math.ceil(total / q.page_size),
      },
      200,
    );
  })
  .openapi(assignRoute, async (c) => {
    const { contact_id, member_id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await Promise.all([assertContact(db, organizationId, contact_id), assertMember(db, organizationId, member_id)]);
    await db
      .insert(contactUser)
      .values({ contactId: contact_id, memberId: member_id, organizationId, createdAt: nowIso() })
      .onConflictDoNothing();
    return c.body(null, 204);
  })
  .openapi(unassignRoute, async (c) => {
    const { contact_id, member_id } = c.req.valid("param");
    const deleted = await c.var.db
      .delete(contactUser)
      .where(
        and(
          eq(contactUser.contactId, contact_id),
          eq(contactUser.memberId, member_id),
          eq(contactUser.organizationId, c.var.principal.organizationId),
        ),
      )
      .returning({ contactId: contactUser.contactId });
    if (deleted.length === 0) throw notFound("Assignment");
    return c.body(null, 204);
  })
  .openapi(bulkRoute, async (c) => {
    const { contact_ids, member_id } = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await assertMember(db, organizationId, member_id);
    const ids = JSON.stringify([...new Set(contact_ids)]);
    const [found] = (await runBatch(db, [
      rawStatement(db, sql`SELECT count(*) AS n FROM contacts WHERE organization_id = ${organizationId} AND id IN (SELECT value FROM json_each(${ids}))`),
    ])) as [D1Result<{ n: number }>];
    const unique = new Set(contact_ids).size;
    if (Number(found.results[0]?.n) !== unique) {
      throw new Problem(404, "Some contacts do not exist in this organization; nothing was assigned.");
    }
    const [inserted] = (await runBatch(db, [
      rawStatement(
        db,
        sql`INSERT INTO contact_user (contact_id, member_id, organization_id, created_at)
          SELECT c.id, ${member_id}, c.organization_id, ${nowIso()} FROM contacts c
          WHERE c.organization_id = ${organizationId} AND c.id IN (SELECT value FROM json_each(${ids}))
          ON CONFLICT (contact_id, member_id) DO NOTHING RETURNING contact_id`,
      ),
    ])) as [D1Result];
    // RETURNING counts only new rows (meta.changes also counts the triggers' updates).
    const newly = inserted.results.length;
    return c.json({ newly_assigned: newly, already_assigned: unique - newly }, 200);
  });
