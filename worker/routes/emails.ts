import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { assertContact, emailJson } from "../contacts/load";
import { EMAILS, ensureOne, unsetOthers } from "../contacts/preferred";
import { EmailInput, EmailSchema, EmailUpdate } from "../contacts/schemas";
import { type Db, runBatch, type Statement } from "../db/client";
import { contactEmails } from "../db/schema";
import { isUniqueViolation } from "../lib/db-errors";
import { memberOnly } from "../lib/guard";
import { newId, nowIso } from "../lib/ids";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../lib/openapi";
import { Problem, notFound } from "../lib/problem";

const contactParams = z.object({ contact_id: IdParam("contact_id") });
const emailParams = z.object({ contact_id: IdParam("contact_id"), email_id: IdParam("email_id") });

const addRoute = createRoute({
  method: "post",
  path: "/contacts/{contact_id}/emails",
  tags: ["Emails"],
  summary: "Add an email address (unique per contact, case-insensitively)",
  middleware: [memberOnly] as const,
  request: { params: contactParams, body: jsonBody(EmailInput) },
  responses: { 201: jsonContent(EmailSchema, "The email"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "put",
  path: "/contacts/{contact_id}/emails/{email_id}",
  tags: ["Emails"],
  summary: "Update an email address",
  middleware: [memberOnly] as const,
  request: { params: emailParams, body: jsonBody(EmailUpdate) },
  responses: { 200: jsonContent(EmailSchema, "The email"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/contacts/{contact_id}/emails/{email_id}",
  tags: ["Emails"],
  summary: "Remove an email address",
  middleware: [memberOnly] as const,
  request: { params: emailParams },
  responses: { ...noContent, ...errorResponses },
});

async function findEmail(db: Db, organizationId: string, contactId: string, emailId: string) {
  const [row] = await db
    .select()
    .from(contactEmails)
    .where(
      and(
        eq(contactEmails.id, emailId),
        eq(contactEmails.contactId, contactId),
        eq(contactEmails.organizationId, organizationId),
      ),
    );
  if (!row) throw notFound("Email");
  return row;
}

async function writeEmail(db: Db, email: string, statements: Statement[]) {
  try {
    await runBatch(db, statements);
  } catch (err) {
    if (isUniqueViolation(err)) throw new Problem(409, `This contact already has ${email}.`);
    throw err;
  }
}

export const emailsRoutes = createRouter()
  .openapi(addRoute, async (c) => {
    const { contact_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await assertContact(db, organizationId, contact_id);
    const id = newId();
    const statements: Statement[] = [
      db.insert(contactEmails).values({
        id,
        organizationId,
        contactId: contact_id,
        email: body.email,
        emailNormalized: body.email.toLowerCase(),
        label: body.label,
        isPreferred: body.is_preferred === true,
        createdAt: nowIso(),
      }),
    ];
    if (body.is_preferred) statements.push(unsetOthers(db, EMAILS, contact_id, id));
    statements.push(ensureOne(db, EMAILS, contact_id));
    await writeEmail(db, body.email, statements);
    return c.json(emailJson(await findEmail(db, organizationId, contact_id, id)), 201);
  })
  .openapi(updateRoute, async (c) => {
    const { contact_id, email_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await findEmail(db, organizationId, contact_id, email_id);
    const statements: Statement[] = [
      db
        .update(contactEmails)
        .set({
          ...(body.email !== undefined && { email: body.email, emailNormalized: body.email.toLowerCase() }),
          ...(body.label !== undefined && { label: body.label }),
          ...(body.is_preferred !== undefined && { isPreferred: body.is_preferred }),
        })
        .where(eq(contactEmails.id, email_id)),
    ];
    if (body.is_preferred) statements.push(unsetOthers(db, EMAILS, contact_id, email_id));
    statements.push(ensureOne(db, EMAILS, contact_id));
    await writeEmail(db, body.email ?? "this email", statements);
    return c.json(emailJson(await findEmail(db, organizationId, contact_id, email_id)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { contact_id, email_id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await findEmail(db, organizationId, contact_id, email_id);
    await db.batch([db.delete(contactEmails).where(eq(contactEmails.id, email_id)), ensureOne(db, EMAILS, contact_id)]);
    return c.body(null, 204);
  });
