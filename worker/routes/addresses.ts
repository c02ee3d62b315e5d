import { z } from "@hono/zod-openapi";
import { memberAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { AddressInput, AddressSchema, AddressUpdate } from "../schemas/contacts";

const contactParams = z.object({ contact_id: IdParam("contact_id") });
const addressParams = z.object({ contact_id: IdParam("contact_id"), address_id: IdParam("address_id") });

const addRoute = apiRoute({
  operationId: "addContactAddress",
  method: "post",
  path: "/contacts/{contact_id}/addresses",
  tags: ["Addresses"],
  summary: "Add a physical address",
  ...memberAccess,
  request: { params: contactParams, body: jsonBody(AddressInput) },
  responses: { 201: jsonContent(AddressSchema, "The address") },
});

const updateRoute = apiRoute({
  operationId: "updateContactAddress",
  method: "put",
  path: "/contacts/{contact_id}/addresses/{address_id}",
  tags: ["Addresses"],
  summary: "Update an address (only the fields given)",
  ...memberAccess,
  request: { params: addressParams, body: jsonBody(AddressUpdate) },
  responses: { 200: jsonContent(AddressSchema, "The address") },
});

const deleteRoute = apiRoute({
  operationId: "deleteContactAddress",
  method: "delete",
  path: "/contacts/{contact_id}/addresses/{address_id}",
  tags: ["Addresses"],
  summary: "Remove an address",
  ...memberAccess,
  request: { params: addressParams },
  responses: { ...noContent },
});

export const addressesRoutes = createRouter()
  .openapi(addRoute, async (c) => c.json(await c.var.store.addAddress(c.req.valid("param").contact_id, c.req.valid("json")), 201))
  .openapi(updateRoute, async (c) => {
    const { contact_id, address_id } = c.req.valid("param");
    return c.json(await c.var.store.updateAddress(contact_id, address_id, c.req.valid("json")), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { contact_id, address_id } = c.req.valid("param");
    await c.var.store.deleteAddress(contact_id, address_id);
    return c.body(null, 204);
  });
