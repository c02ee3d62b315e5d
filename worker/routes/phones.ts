import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { assertContact, getRegion, phoneJson } from "../contacts/load";
import { parsePhoneInput, phoneConflict } from "../contacts/phones";
import { PHONES, ensureOne, unsetOthers } from "../contacts/preferred";
import { PhoneInput, PhoneSchema, PhoneUpdate } from "../contacts/schemas";
import { contactPhones } from "../db/schema";
import { isUniqueViolation } from "../lib/db-errors";
import { memberOnly } from "../lib/guard";
import { newId, nowIso } from "../lib/ids";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../lib/openapi";
import { notFound } from "../lib/problem";
import { forgetNumbers } from "../phone-directory";
import { type Db, runBatch, type Statement } from "../db/client";

const contactParams = z.object({ contact_id: IdParam("contact_id") });
const phoneParams = z.object({ contact_id: IdParam("contact_id"), phone_id: IdParam("phone_id") });

const addRoute = createRoute({
  method: "post",
  path: "/contacts/{contact_id}/phones",
  tags: ["Phones"],
  summary: "Add a phone number (normalized to E.164 with the organization's region)",
  middleware: [memberOnly] as const,
  request: { params: contactParams, body: jsonBody(PhoneInput) },
  responses: { 201: jsonContent(PhoneSchema, "The phone"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "put",
  path: "/contacts/{contact_id}/phones/{phone_id}",
  tags: ["Phones"],
  summary: "Update a phone number",
  middleware: [memberOnly] as const,
  request: { params: phoneParams, body: jsonBody(PhoneUpdate) },
  responses: { 200: jsonContent(PhoneSchema, "The phone"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/contacts/{contact_id}/phones/{phone_id}",
  tags: ["Phones"],
  summary: "Remove a phone number",
  middleware: [memberOnly] as const,
  request: { params: phoneParams },
  responses: { ...noContent, ...errorResponses },
});

async function findPhone(db: Db, organizationId: string, contactId: string, phoneId: string) {
  const [row] = await db
    .select()
    .from(contactPhones)
    .where(
      and(
        eq(contactPhones.id, phoneId),
        eq(contactPhones.contactId, contactId),
        eq(contactPhones.organizationId, organizationId),
      ),
    );
  if (!row) throw notFound("Phone");
  return row;
}

/** Runs the batch; a UNIQUE violation becomes a 409 naming the contact that owns the number. */
async function writePhone(db: Db, organizationId: string, e164: string, statements: Statement[]) {
  try {
    await runBatch(db, statements);
  } catch (err) {
    if (isUniqueViolation(err)) throw await phoneConflict(db, organizationId, e164);
    throw err;
  }
}

export const phonesRoutes = createRouter()
  .openapi(addRoute, async (c) => {
    const { contact_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await assertContact(db, organizationId, contact_id);
    const parsed = parsePhoneInput(body.phone_number ?? "", await getRegion(db, organizationId));
    const id = newId();
    const statements: Statement[] = [
      db.insert(contactPhones).values({
        id,
        organizationId,
        contactId: contact_id,
        phoneNumber: parsed.e164,
        digits: parsed.digits,
        nationalDigits: parsed.nationalDigits,
        label: body.label,
        isPreferred: body.is_preferred === true,
        createdAt: nowIso(),
      }),
    ];
    if (body.is_preferred) statements.push(unsetOthers(db, PHONES, contact_id, id));
    statements.push(ensureOne(db, PHONES, contact_id));
    await writePhone(db, organizationId, parsed.e164, statements);
    await forgetNumbers(c.env, organizationId, [parsed.e164]);
    const row = await findPhone(db, organizationId, contact_id, id);
    return c.json(phoneJson(row, await getRegion(db, organizationId)), 201);
  })
  .openapi(updateRoute, async (c) => {
    const { contact_id, phone_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    const before = await findPhone(db, organizationId, contact_id, phone_id);
    const region = await getRegion(db, organizationId);
    const parsed = body.phone_number === undefined ? null : parsePhoneInput(body.phone_number, region);
    const statements: Statement[] = [
      db
        .update(contactPhones)
        .set({
          ...(parsed && { phoneNumber: parsed.e164, digits: parsed.digits, nationalDigits: parsed.nationalDigits }),
          ...(body.label !== undefined && { label: body.label }),
          ...(body.is_preferred !== undefined && { isPreferred: body.is_preferred }),
        })
        .where(eq(contactPhones.id, phone_id)),
    ];
    if (body.is_preferred) statements.push(unsetOthers(db, PHONES, contact_id, phone_id));
    statements.push(ensureOne(db, PHONES, contact_id));
    await writePhone(db, organizationId, parsed?.e164 ?? before.phoneNumber, statements);
    await forgetNumbers(c.env, organizationId, [before.phoneNumber, ...(parsed ? [parsed.e164] : [])]);
    return c.json(phoneJson(await findPhone(db, organizationId, contact_id, phone_id), region), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { contact_id, phone_id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    const before = await findPhone(db, organizationId, contact_id, phone_id);
    await db.batch([db.delete(contactPhones).where(eq(contactPhones.id, phone_id)), ensureOne(db, PHONES, contact_id)]);
    await forgetNumbers(c.env, organizationId, [before.phoneNumber]);
    return c.body(null, 204);
  });
