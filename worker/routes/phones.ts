import { z } from "@hono/zod-openapi";
import { memberAccess } from "../auth/guard";
import { IdParam, PhoneConflictSchema, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { PhoneInput, PhoneSchema, PhoneUpdate } from "../schemas/contacts";

const contactParams = z.object({ contact_id: IdParam("contact_id") });
const phoneParams = z.object({ contact_id: IdParam("contact_id"), phone_id: IdParam("phone_id") });

const addRoute = apiRoute({
  operationId: "addContactPhone",
  errors: [409],
  conflict: PhoneConflictSchema,
  method: "post",
  path: "/contacts/{contact_id}/phones",
  tags: ["Phones"],
  summary: "Add a phone number (normalized to E.164 with the organization's region)",
  ...memberAccess,
  request: { params: contactParams, body: jsonBody(PhoneInput) },
  responses: { 201: jsonContent(PhoneSchema, "The phone") },
});

const updateRoute = apiRoute({
  operationId: "updateContactPhone",
  errors: [409],
  conflict: PhoneConflictSchema,
  method: "put",
  path: "/contacts/{contact_id}/phones/{phone_id}",
  tags: ["Phones"],
  summary: "Update a phone number",
  ...memberAccess,
  request: { params: phoneParams, body: jsonBody(PhoneUpdate) },
  responses: { 200: jsonContent(PhoneSchema, "The phone") },
});

const deleteRoute = apiRoute({
  operationId: "deleteContactPhone",
  method: "delete",
  path: "/contacts/{contact_id}/phones/{phone_id}",
  tags: ["Phones"],
  summary: "Remove a phone number",
  ...memberAccess,
  request: { params: phoneParams },
  responses: { ...noContent },
});

export const phonesRoutes = createRouter()
  .openapi(addRoute, async (c) => c.json(await c.var.store.addPhone(c.req.valid("param").contact_id, c.req.valid("json")), 201))
  .openapi(updateRoute, async (c) => {
    const { contact_id, phone_id } = c.req.valid("param");
    return c.json(await c.var.store.updatePhone(contact_id, phone_id, c.req.valid("json")), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { contact_id, phone_id } = c.req.valid("param");
    await c.var.store.deletePhone(contact_id, phone_id);
    return c.body(null, 204);
  });
