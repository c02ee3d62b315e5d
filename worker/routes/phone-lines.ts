import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import { getRegion } from "../contacts/load";
import { formatPhone } from "../contacts/phone";
import { parsePhoneInput } from "../contacts/phones";
import { phoneLines } from "../db/schema";
import { isUniqueViolation } from "../lib/db-errors";
import { adminOnly, memberOnly } from "../lib/guard";
import { newId, nowIso } from "../lib/ids";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../lib/openapi";
import { Problem, notFound } from "../lib/problem";

const PhoneLineSchema = z
  .object({ id: z.string(), name: z.string(), phone_number: z.string(), formatted: z.string() })
  .openapi("PhoneLine");

const listRoute = createRoute({
  method: "get",
  path: "/phone-lines",
  tags: ["Organization"],
  summary: "The organization's own phone lines (which take calls and send messages)",
  middleware: [memberOnly] as const,
  responses: { 200: jsonContent(z.array(PhoneLineSchema), "Lines"), ...errorResponses },
});
const createLineRoute = createRoute({
  method: "post",
  path: "/phone-lines",
  tags: ["Organization"],
  summary: "Add a phone line (admin)",
  middleware: [adminOnly] as const,
  request: { body: jsonBody(z.object({ name: z.string().trim().min(1).max(100), phone_number: z.string().max(40) })) },
  responses: { 201: jsonContent(PhoneLineSchema, "The line"), ...errorResponses },
});
const deleteRoute = createRoute({
  method: "delete",
  path: "/phone-lines/{id}",
  tags: ["Organization"],
  summary: "Remove a phone line (admin)",
  middleware: [adminOnly] as const,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { ...noContent, ...errorResponses },
});

export const phoneLinesRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { organizationId } = c.var.principal;
    const region = await getRegion(c.var.db, organizationId);
    const rows = await c.var.db.select().from(phoneLines).where(eq(phoneLines.organizationId, organizationId)).orderBy(asc(phoneLines.createdAt));
    return c.json(rows.map((l) => ({ id: l.id, name: l.name, phone_number: l.phoneNumber, formatted: formatPhone(l.phoneNumber, region) })), 200);
  })
  .openapi(createLineRoute, async (c) => {
    const { name, phone_number } = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const region = await getRegion(c.var.db, organizationId);
    const parsed = parsePhoneInput(phone_number, region);
    const row = { id: newId(), organizationId, name, phoneNumber: parsed.e164, createdAt: nowIso() };
    try {
      await c.var.db.insert(phoneLines).values(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Problem(409, `${parsed.e164} is already one of the organization's lines.`);
      throw err;
    }
    return c.json({ id: row.id, name, phone_number: row.phoneNumber, formatted: formatPhone(row.phoneNumber, region) }, 201);
  })
  .openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const deleted = await c.var.db
      .delete(phoneLines)
      .where(and(eq(phoneLines.id, id), eq(phoneLines.organizationId, c.var.principal.organizationId)))
      .returning({ id: phoneLines.id });
    if (deleted.length === 0) throw notFound("Phone line");
    return c.body(null, 204);
  });
