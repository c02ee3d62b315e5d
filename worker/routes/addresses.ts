import { createRoute, z } from "@hono/zod-openapi";
import { memberOnly } from "../auth/guard";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../http/openapi";
import { AddressInput, AddressSchema, AddressUpdate } from "../schemas/contacts";

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
