import { z } from "@hono/zod-openapi";
import { memberAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { EmailInput, EmailSchema, EmailUpdate } from "../schemas/contacts";

const contactParams = z.object({ contact_id: IdParam("contact_id") });
const emailParams = z.object({ contact_id: IdParam("contact_id"), email_id: IdParam("email_id") });

const addRoute = apiRoute({
  operationId: "addContactEmail",
  errors: [409],
  method: "post",
  path: "/contacts/{contact_id}/emails",
  tags: ["Emails"],
  summary: "Add an email address (unique per contact, case-insensitively)",
  ...memberAccess,
  request: { params: contactParams, body: jsonBody(EmailInput) },
  responses: { 201: jsonContent(EmailSchema, "The email") },
});

const updateRoute = apiRoute({
  operationId: "updateContactEmail",
  errors: [409],
  method: "put",
  path: "/contacts/{contact_id}/emails/{email_id}",
  tags: ["Emails"],
  summary: "Update an email address",
  ...memberAccess,
  request: { params: emailParams, body: jsonBody(EmailUpdate) },
  responses: { 200: jsonContent(EmailSchema, "The email") },
});

const deleteRoute = apiRoute({
  operationId: "deleteContactEmail",
  method: "delete",
  path: "/contacts/{contact_id}/emails/{email_id}",
  tags: ["Emails"],
  summary: "Remove an email address",
  ...memberAccess,
  request: { params: emailParams },
  responses: { ...noContent },
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
