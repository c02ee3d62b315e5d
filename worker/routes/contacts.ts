import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { rawStatement, runBatch, type Statement } from "../db/client";
import { getRegion, loadContact, loadContacts } from "../contacts/load";
import { parsePhoneInput, phoneConflict } from "../contacts/phones";
import {
  ContactCreate,
  ContactListQuery,
  ContactSchema,
  ContactUpdate,
  paginated,
} from "../contacts/schemas";
import { runList } from "../contacts/list";
import {
  contactEmails,
  contactPhones,
  contacts,
} from "../db/schema";
import { isUniqueViolation } from "../lib/db-errors";
import { newId, nowIso } from "../lib/ids";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../lib/openapi";
import { memberOnly } from "../lib/guard";
import { Problem, notFound } from "../lib/problem";
import { forgetNumbers } from "../phone-directory";

const ContactPage = paginated(ContactSchema).openapi("ContactPage");
const idParams = z.object({ id: IdParam("id") });

const listRoute = createRoute({
  method: "get",
  path: "/contacts/list",
  tags: ["Contacts"],
  summary: "List contacts with search, sort, tag filter (OR) and pagination",
  middleware: [memberOnly] as const,
  request: { query: ContactListQuery },
  responses: { 200: jsonContent(ContactPage, "A page of contacts"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/contacts/{id}",
  tags: ["Contacts"],
  summary: "Get a contact with phones, emails, addresses, tags and assigned users",
  middleware: [memberOnly] as const,
  request: { params: idParams },
  responses: { 200: jsonContent(ContactSchema, "The contact"), ...errorResponses },
});

const createContactRoute = createRoute({
  method: "post",
  path: "/contacts",
  tags: ["Contacts"],
  summary: "Create a contact, optionally with phones, emails and tags, atomically",
  middleware: [memberOnly] as const,
  request: { body: jsonBody(ContactCreate) },
  responses: { 201: jsonContent(ContactSchema, "The created contact"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "put",
  path: "/contacts/{id}",
  tags: ["Contacts"],
  summary: "Update contact fields (only the fields given; null clears an optional field)",
  middleware: [memberOnly] as const,
  request: { params: idParams, body: jsonBody(ContactUpdate) },
  responses: { 200: jsonContent(ContactSchema, "The updated contact"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/contacts/{id}",
  tags: ["Contacts"],
  summary: "Delete a contact with everything that hangs off it",
  middleware: [memberOnly] as const,
  request: { params: idParams },
  responses: { ...noContent, ...errorResponses },
});

const FIELD_COLUMNS = {
  first_name: "firstName",
  last_name: "lastName",
  company: "company",
  job_title: "jobTitle",
  source: "source",
  status: "status",
  timezone: "timezone",
  preferred_language: "preferredLanguage",
  date_of_birth: "dateOfBirth",
  gender: "gender",
  pipeline_stage: "pipelineStage",
  external_id: "externalId",
  avatar_url: "avatarUrl",
} as const satisfies Record<string, keyof typeof contacts.$inferInsert>;

type ContactFields = Partial<Record<keyof typeof FIELD_COLUMNS, unknown>>;

function toColumns(fields: ContactFields): Partial<typeof contacts.$inferInsert> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(FIELD_COLUMNS)) {
    const value = fields[key as keyof typeof FIELD_COLUMNS];
    if (value !== undefined) out[column] = value;
  }
  return out as Partial<typeof contacts.$inferInsert>;
}

export const contactsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    const { ids, total, rowsRead, d1Ms } = await runList(db, {
      organizationId,
      search: q.search,
      sort: q.sort,
      tagIds: q.tag_ids,
      page: q.page,
      pageSize: q.page_size,
    });
    c.header("x-d1-rows-read", String(rowsRead));
    c.header("server-timing", `d1;dur=${d1Ms.toFixed(2)};desc="D1 list queries"`);
    return c.json(
      {
        contacts: await loadContacts(db, organizationId, ids),
        total_count: total,
        page: q.page,
        page_size: q.page_size,
        total_pages: Math.ceil(total / q.page_size),
      },
      200,
    );
  })
  .openapi(getRoute, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await loadContact(c.var.db, c.var.principal.organizationId, id), 200);
  })
  .openapi(createContactRoute, async (c) => {
    const body = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    const region = await getRegion(db, organizationId);
    const phones = body.phones.map((p, i) => ({ ...p, parsed: parsePhoneInput(p.phone_number, region, `phones.${i}.phone_number`) }));
    const numbers = phones.map((p) => p.parsed.e164);
    const twice = numbers.findIndex((n, i) => numbers.indexOf(n) !== i);
    if (twice !== -1) {
      const field = `phones.${twice}.phone_number`;
      throw new Problem(400, `${field} is listed twice`, { errors: [{ field, message: "is listed twice" }] });
    }
    const emails = [...new Map(body.emails.map((e) => [e.email.toLowerCase(), e])).values()];

    const id = newId();
    const now = nowIso();
    const preferredPhone = Math.max(0, phones.findIndex((p) => p.is_preferred));
    const preferredEmail = Math.max(0, emails.findIndex((e) => e.is_preferred));
    const statements: Statement[] = [
      db.insert(contacts).values({ id, organizationId, ...toColumns(body), createdAt: now, updatedAt: now }),
      ...phones.map((p, i) =>
        db.insert(contactPhones).values({
          id: newId(),
          organizationId,
          contactId: id,
          phoneNumber: p.parsed.e164,
          digits: p.parsed.digits,
          nationalDigits: p.parsed.nationalDigits,
          label: p.label,
          isPreferred: i === preferredPhone,
          createdAt: now,
        }),
      ),
      ...emails.map((e, i) =>
        db.insert(contactEmails).values({
          id: newId(),
          organizationId,
          contactId: id,
          email: e.email,
          emailNormalized: e.email.toLowerCase(),
          label: e.label,
          isPreferred: i === preferredEmail,
          createdAt: now,
        }),
      ),
    ];
    if (body.tag_ids.length > 0) {
      statements.push(
        rawStatement(
          db,
          sql`INSERT INTO contact_tags (contact_id, tag_id, organization_id, created_at)
          SELECT ${id}, t.id, t.organization_id, ${now} FROM tags t
          WHERE t.organization_id = ${organizationId} AND t.id IN (${sql.join(body.tag_ids.map((t) => sql`${t}`), sql`, `)})`,
        ),
      );
    }
    try {
      await runBatch(db, statements);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      for (const n of numbers) {
        const conflict = await phoneConflict(db, organizationId, n);
        if (conflict.extra.contact_id) throw conflict;
      }
      throw err;
    }
    await forgetNumbers(c.env, organizationId, numbers);
    return c.json(await loadContact(db, organizationId, id), 201);
  })
  .openapi(updateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    const changes = toColumns(body);
    const updated = await db
      .update(contacts)
      .set({ ...changes, updatedAt: nowIso() })
      .where(and(eq(contacts.id, id), eq(contacts.organizationId, organizationId)))
      .returning({ id: contacts.id });
    if (updated.length === 0) throw notFound("Contact");
    return c.json(await loadContact(db, organizationId, id), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    const [phones, deleted] = await db.batch([
      db.select({ n: contactPhones.phoneNumber }).from(contactPhones).where(eq(contactPhones.contactId, id)),
      db
        .delete(contacts)
        .where(and(eq(contacts.id, id), eq(contacts.organizationId, organizationId)))
        .returning({ id: contacts.id }),
    ]);
    if (deleted.length === 0) throw notFound("Contact");
    await forgetNumbers(c.env, organizationId, phones.map((p) => p.n));
    return c.body(null, 204);
  });
