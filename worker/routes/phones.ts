import { createRoute, z } from "@hono/zod-openapi";
import { memberOnly } from "../auth/guard";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../http/openapi";
import { PhoneInput, PhoneSchema, PhoneUpdate } from "../schemas/contacts";

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
