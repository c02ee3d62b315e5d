import { z } from "@hono/zod-openapi";
import { memberAccess, memberOrKeyAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent } from "../http/openapi";
import { ConsentInput, ConsentSchema, OutboundCheckInput, OutboundCheckSchema } from "../schemas/consent";

// The consent ledger of a contact, and the one outbound gate texts and calls go through.

const getRoute = apiRoute({
  operationId: "getConsent",
  method: "get",
  path: "/contacts/{id}/consent",
  tags: ["Consent"],
  summary: "The contact's consent per channel (sms, voice, email) and its whole history",
  ...memberAccess,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { 200: jsonContent(ConsentSchema, "Consent") },
});
const postRoute = apiRoute({
  operationId: "recordConsent",
  method: "post",
  path: "/contacts/{id}/consent",
  tags: ["Consent"],
  summary: "Record consent given or withdrawn on a channel (a member, or the API key); opting in needs a note saying how it was given",
  ...memberOrKeyAccess,
  request: { params: z.object({ id: IdParam("id") }), body: jsonBody(ConsentInput) },
  responses: { 201: jsonContent(ConsentSchema, "Recorded") },
});
const checkRoute = apiRoute({
  operationId: "checkOutbound",
  method: "post",
  path: "/outbound/check",
  tags: ["Consent"],
  summary: "May this contact or number be texted or called now (or at `at`)? Do-not-contact, opt-outs and quiet hours, with reasons in words",
  ...memberOrKeyAccess,
  errors: [404],
  request: { body: jsonBody(OutboundCheckInput) },
  responses: { 200: jsonContent(OutboundCheckSchema, "The gate's answer") },
});

export const consentRoutes = createRouter()
  .openapi(getRoute, async (c) => c.json(await c.var.store.consent(c.req.valid("param").id), 200))
  .openapi(postRoute, async (c) => {
    const p = c.var.principal;
    const actor = p.kind === "session" ? { userId: p.userId, name: p.userName } : null;
    return c.json(await c.var.store.setConsent(c.req.valid("param").id, c.req.valid("json"), actor), 201);
  })
  .openapi(checkRoute, async (c) => c.json(await c.var.store.checkOutbound(c.req.valid("json")), 200));
