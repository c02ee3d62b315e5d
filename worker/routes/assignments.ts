import { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { adminAccess, rateLimited } from "../auth/guard";
import type { Db } from "../global/db";
import { member, user } from "../global/schema";
import { IdParam, apiRoute, createRouter, jsonContent, noContent } from "../http/openapi";
import { notFound } from "../lib/problem";
import { AssignmentPage, AssignmentQuery } from "../schemas/assignments";

const memberParams = z.object({ contact_id: IdParam("contact_id"), member_id: IdParam("member_id") });

const listRoute = apiRoute({
  operationId: "listAssignments",
  errors: [404],
  method: "get",
  path: "/contacts/assignments",
  tags: ["Assignments"],
  summary: "Contacts with their assignees, filterable by search, tags and member (admin)",
  ...rateLimited(adminAccess, "search"),
  request: { query: AssignmentQuery },
  responses: { 200: jsonContent(AssignmentPage, "A page of assignments") },
});
const assignRoute = apiRoute({
  operationId: "assignMember",
  method: "post",
  path: "/contacts/{contact_id}/members/{member_id}",
  tags: ["Assignments"],
  summary: "Assign a member to a contact (admin; idempotent)",
  ...adminAccess,
  request: { params: memberParams },
  responses: { ...noContent },
});
const unassignRoute = apiRoute({
  operationId: "unassignMember",
  method: "delete",
  path: "/contacts/{contact_id}/members/{member_id}",
  tags: ["Assignments"],
  summary: "Remove a member from a contact (admin; 404 when not assigned)",
  ...adminAccess,
  request: { params: memberParams },
  responses: { ...noContent },
});
/** The member as D1 (the source of truth) has them, or 404: the store's copy is refreshed with it. */
export async function memberRecord(db: Db, organizationId: string, memberId: string) {
  const [row] = await db
    .select({ id: member.id, userId: member.userId, role: member.role, name: user.name, email: user.email })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(and(eq(member.id, memberId), eq(member.organizationId, organizationId)));
  if (!row) throw notFound("Member");
  return row;
}

export const assignmentsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { rows_read, ...page } = await c.var.store.listAssignments(c.req.valid("query"));
    c.header("x-rows-read", String(rows_read));
    return c.json(page, 200);
  })
  .openapi(assignRoute, async (c) => {
    const { contact_id, member_id } = c.req.valid("param");
    await c.var.store.assign(contact_id, await memberRecord(c.var.db, c.var.principal.organizationId, member_id));
    return c.body(null, 204);
  })
  .openapi(unassignRoute, async (c) => {
    const { contact_id, member_id } = c.req.valid("param");
    await c.var.store.unassign(contact_id, member_id);
    return c.body(null, 204);
  });
