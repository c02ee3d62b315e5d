import { appOrigin } from "../http/env";
import { z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import { adminAccess, sessionOf } from "../auth/guard";
import { forgetIntegration } from "../auth/webhooks";
import { integrations } from "../global/schema";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent, noContent } from "../http/openapi";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import { encryptSecret } from "../lib/secrets";
import { IntegrationInput, IntegrationSchema, type IntegrationT } from "../schemas/integrations";
import type { IntegrationStatusT } from "../schemas/integrations";

const listRoute = apiRoute({
  operationId: "listIntegrations",
  method: "get",
  path: "/integrations",
  tags: ["Integrations"],
  summary: "The voice platforms connected to the organization, with their webhook URLs and what arrived last (admin)",
  ...adminAccess,
  responses: { 200: jsonContent(z.array(IntegrationSchema), "Integrations") },
});
const createRouteDef = apiRoute({
  operationId: "createIntegration",
  method: "post",
  path: "/integrations",
  tags: ["Integrations"],
  summary:
    "Connect Retell, Vapi or Twilio (admin): the answer's webhook_url (and Twilio's status_url) goes into the platform; the key, secret or auth token is stored encrypted and never shown again. One Twilio account per organization (409 for a second)",
  errors: [409],
  ...adminAccess,
  request: { body: jsonBody(IntegrationInput) },
  responses: { 201: jsonContent(IntegrationSchema, "Connected") },
});
const deleteRoute = apiRoute({
  operationId: "deleteIntegration",
  method: "delete",
  path: "/integrations/{id}",
  tags: ["Integrations"],
  summary: "Disconnect an integration (admin): its webhook URL stops working",
  ...adminAccess,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { ...noContent },
});

type Row = typeof integrations.$inferSelect;

const NAMES = { retell: "Retell", vapi: "Vapi", twilio: "Twilio" } as const;

function integrationJson(row: Row, origin: string, status?: IntegrationStatusT): IntegrationT {
  const base = `${origin}/api/integrations/${row.provider}/${row.id}`;
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    webhook_url: row.provider === "twilio" ? `${base}/sms` : base,
    status_url: row.provider === "twilio" ? `${base}/status` : null,
    assistant_id: row.assistantId,
    account_sid: row.accountSid,
    keyword_replies: row.keywordReplies,
    created_at: row.createdAt,
    last_event_at: status?.last_event_at ?? null,
    last_event: status?.last_event ?? null,
    last_error_at: status?.last_error_at ?? null,
    last_error: status?.last_error ?? null,
  };
}

export const integrationsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await c.var.db.select().from(integrations).where(eq(integrations.organizationId, c.var.principal.organizationId)).orderBy(asc(integrations.createdAt));
    const statuses = rows.length ? await c.var.store.integrationStatuses(rows.map((r) => r.id)) : [];
    const origin = appOrigin(c.env, c.req.url);
    return c.json(rows.map((r) => integrationJson(r, origin, statuses.find((st) => st.integration_id === r.id))), 200);
  })
  .openapi(createRouteDef, async (c) => {
    const body = c.req.valid("json");
    const p = sessionOf(c.var.principal);
    const id = newId();
    const row: Row = {
      id,
      organizationId: p.organizationId,
      provider: body.provider,
      name: body.name ?? NAMES[body.provider],
      secretCiphertext: await encryptSecret(c.env, body.provider === "retell" ? body.api_key : body.provider === "vapi" ? body.secret : body.auth_token, id),
      assistantId: body.provider === "vapi" ? body.assistant_id : null,
      accountSid: body.provider === "twilio" ? body.account_sid : null,
      keywordReplies: body.provider === "twilio" && body.keyword_replies,
      createdByUserId: p.userId,
      createdAt: nowIso(),
    };
    // The only conflict an insert can meet is the one-Twilio-account-per-organization index.
    const inserted = await c.var.db.insert(integrations).values(row).onConflictDoNothing().returning({ id: integrations.id });
    if (inserted.length === 0) throw new Problem(409, "This organization already has a Twilio account connected: disconnect it first to connect another.");
    forgetIntegration(id, p.organizationId);
    return c.json(integrationJson(row, appOrigin(c.env, c.req.url)), 201);
  })
  .openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const deleted = await c.var.db
      .delete(integrations)
      .where(and(eq(integrations.id, id), eq(integrations.organizationId, c.var.principal.organizationId)))
      .returning({ id: integrations.id });
    if (deleted.length === 0) throw notFound("Integration");
    forgetIntegration(id, c.var.principal.organizationId);
    await c.var.store.removeIntegrationStatus(id);
    return c.body(null, 204);
  });
