import { createRoute, z } from "@hono/zod-openapi";
import { memberOnly } from "../auth/guard";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent, noContent } from "../http/openapi";
import { EmailInput, EmailSchema, EmailUpdate } from "../schemas/contacts";

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

export const emailsRoutes = createRouter()
  .openapi(addRoute, async (c) => c.json(await c.var.store.addEmail(c.req.valid("param").contact_id, c.req.valid("json")), 201))
  .openapi(updateRoute, async (c) => {
    const { contact_id, email_id } = c.req.valid("param");
    return c.json(await c.var.store.updateEmail(contact_id, email_id, c.req.valid("json")), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { contact_id, email_id } = c.req.valid("param");
    await c.var.store.deleteEmail(contact_id, email_id);
    return c.body(null, 204);
  });
