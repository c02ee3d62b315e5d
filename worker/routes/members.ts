import { z } from "@hono/zod-openapi";
import { asc, eq } from "drizzle-orm";
import { member, user } from "../global/schema";
import { memberAccess } from "../auth/guard";
import { apiRoute, createRouter, jsonContent } from "../http/openapi";

export const MemberSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.string(),
  })
  .openapi("Member");

const listRoute = apiRoute({
  operationId: "listMembers",
  method: "get",
  path: "/members",
  tags: ["Members"],
  summary: "Members of the active organization (for pickers and filters)",
  ...memberAccess,
  responses: { 200: jsonContent(z.array(MemberSchema), "Members") },
});

export const membersRoutes = createRouter().openapi(listRoute, async (c) => {
  const rows = await c.var.db
    .select({ id: member.id, user_id: user.id, name: user.name, email: user.email, role: member.role })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(eq(member.organizationId, c.var.principal.organizationId))
    .orderBy(asc(user.name));
  return c.json(rows, 200);
});
