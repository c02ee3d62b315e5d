import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { addressJson, assertContact } from "../contacts/load";
import { ADDRESSES, ensureOne, unsetOthers } from "../contacts/preferred";
import { AddressInput, AddressSchema, AddressUpdate } from "../contacts/schemas";
import { type Db, runBatch, type Statement } from "../db/client";
import { contactAddresses } from "../db/schema";
import { memberOnly } from "../lib/guard";
import { newId, nowIso } from "../lib/ids";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../lib/openapi";
import { notFound } from "../lib/problem";

const contactParams = z.object({ contact_id: IdParam("contact_id") });
const addressParams = z.object({ contact_id: IdParam("contact_id"), address_id: IdParam("address_id") });

const addRoute = createRoute({
  method: "post",
  path: "/contacts/{contact_id}/addresses",
  tags: ["Addresses"],
  summary: "Add a physical address",
  middleware: [memberOnly] as const,
  request: { params: contactParams, body: jsonBody(AddressInput) },
  responses: { 201: jsonContent(AddressSchema, "The address"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "put",
  path: "/contacts/{contact_id}/addresses/{address_id}",
  tags: ["Addresses"],
  summary: "Update an address (only the fields given)",
  middleware: [memberOnly] as const,
  request: { params: addressParams, body: jsonBody(AddressUpdate) },
  responses: { 200: jsonContent(AddressSchema, "The address"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/contacts/{contact_id}/addresses/{address_id}",
  tags: ["Addresses"],
  summary: "Remove an address",
  middleware: [memberOnly] as const,
  request: { params: addressParams },
  responses: { ...noContent, ...errorResponses },
});

async function findAddress(db: Db, organizationId: string, contactId: string, addressId: string) {
  const [row] = await db
    .select()
    .from(contactAddresses)
    .where(
      and(
        eq(contactAddresses.id, addressId),
        eq(contactAddresses.contactId, contactId),
        eq(contactAddresses.organizationId, organizationId),
      ),
    );
  if (!row) throw notFound("Address");
  return row;
}

export const addressesRoutes = createRouter()
  .openapi(addRoute, async (c) => {
    const { contact_id } = c.req.valid("param");
    const { is_primary, ...fields } = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await assertContact(db, organizationId, contact_id);
    const id = newId();
    const statements: Statement[] = [
      db.insert(contactAddresses).values({
        id,
        organizationId,
        contactId: contact_id,
        ...fields,
        isPrimary: is_primary,
        createdAt: nowIso(),
      }),
    ];
    if (is_primary) statements.push(unsetOthers(db, ADDRESSES, contact_id, id));
    statements.push(ensureOne(db, ADDRESSES, contact_id));
    await runBatch(db, statements);
    return c.json(addressJson(await findAddress(db, organizationId, contact_id, id)), 201);
  })
  .openapi(updateRoute, async (c) => {
    const { contact_id, address_id } = c.req.valid("param");
    const { is_primary, ...fields } = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await findAddress(db, organizationId, contact_id, address_id);
    const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const statements: Statement[] = [
      db
        .update(contactAddresses)
        .set({ ...changes, ...(is_primary !== undefined && { isPrimary: is_primary }) })
        .where(eq(contactAddresses.id, address_id)),
    ];
    if (is_primary) statements.push(unsetOthers(db, ADDRESSES, contact_id, address_id));
    statements.push(ensureOne(db, ADDRESSES, contact_id));
    await runBatch(db, statements);
    return c.json(addressJson(await findAddress(db, organizationId, contact_id, address_id)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { contact_id, address_id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await findAddress(db, organizationId, contact_id, address_id);
    await db.batch([
      db.delete(contactAddresses).where(eq(contactAddresses.id, address_id)),
      ensureOne(db, ADDRESSES, contact_id),
    ]);
    return c.body(null, 204);
  });
