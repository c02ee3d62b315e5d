import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type Integration, integrationFor } from "../auth/webhooks";
import { withVariables } from "../integrations/caller-variables";
import { putTranscript } from "../blobs";
import type { AppEnv } from "../http/env";
import { IdParam, apiRoute, createRouter, jsonContent } from "../http/openapi";
import type { PlatformCall } from "../integrations/platform";
import { RetellEvent, retellCall, retellChatTurns, verifyRetellSignature } from "../integrations/retell";
import { VapiServerMessage, vapiCall, vapiParties, verifyVapiSecret } from "../integrations/vapi";
import { enqueue } from "../jobs/queues";
import { Problem } from "../lib/problem";
import type { CallerContextInputT, CallerContextT } from "../schemas/caller-context";
import { type StoreClient, orgStore } from "../store/client";

/**
 * What a ring-time answer may wait for the store: Retell waits 10 s and Vapi 7.5 s for an answer
 * before the call goes on without one; past this, the caller is answered with their number only.
 */
export const RING_BUDGET_MS = 3_000;
const MEMORY_DELAY_SECONDS = 60;

const params = z.object({ id: IdParam("id") });
const anyJson = z.record(z.string(), z.unknown());

const retellRoute = apiRoute({
  operationId: "retellWebhook",
  method: "post",
  path: "/integrations/retell/{id}",
  tags: ["Integrations"],
  summary: "Retell's webhooks (signed with x-retell-signature): call_inbound is answered with the caller's dynamic variables; call and chat events are recorded",
  security: [],
  request: { params, body: { content: { "application/json": { schema: anyJson } }, required: true } },
  responses: {
    200: jsonContent(anyJson, "call_inbound / chat_inbound: {call_inbound: {dynamic_variables, metadata}}"),
    204: { description: "Recorded, or an event this app does not use (acknowledged)" },
  },
});

const vapiRoute = apiRoute({
  operationId: "vapiWebhook",
  method: "post",
  path: "/integrations/vapi/{id}",
  tags: ["Integrations"],
  summary: "Vapi's server messages (X-Vapi-Secret or Bearer secret): assistant-request is answered with the assistant and the caller's variable values; calls are recorded",
  security: [],
  request: { params, body: { content: { "application/json": { schema: anyJson } }, required: true } },
  responses: { 200: jsonContent(anyJson, "assistant-request: {assistantId, assistantOverrides: {variableValues}}; otherwise {}") },
});

/** Reads the raw body (signatures are over it) and the integration its URL names. */
async function delivery<P extends Integration["provider"]>(c: Context<AppEnv>, provider: P, id: string) {
  const raw = await c.req.text();
  const integration = (await integrationFor(c.env, c.var.db, provider, id)) as Integration & { provider: P };
  return { raw, integration, store: orgStore(c.env, integration.organizationId) };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new Problem(400, "The body is not JSON.");
  }
}

/**
 * The caller's context for a ring-time answer, or only their number when the store is slow or
 * failing (never an error that would stop the call); the failure is noted on the integration.
 */
async function ringContext(c: Context<AppEnv>, store: StoreClient, integration: Integration, event: string, input: CallerContextInputT): Promise<CallerContextT | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      store.platformCallerContext(integration.id, event, input).then(withVariables),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no caller context within ${RING_BUDGET_MS} ms`)), RING_BUDGET_MS))),
    ]);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    console.error(`${integration.provider} ${event}: answered without caller context`, why);
    c.executionCtx.waitUntil(store.noteIntegrationEvent(integration.id, event, `answered without caller context: ${why}`).catch(() => undefined));
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Records a call event; its transcript goes to R2 first (one object per platform call). */
async function recordCall(c: Context<AppEnv>, store: StoreClient, integration: Integration & { provider: "retell" | "vapi" }, event: string, call: PlatformCall) {
  let transcriptKey: string | undefined;
  if (call.transcript) {
    transcriptKey = `${integration.organizationId}/platform-calls/${encodeURIComponent(call.externalId)}/transcript.txt`;
    await putTranscript(c.env, transcriptKey, call.transcript);
  }
  const recorded = await store.recordPlatformCall(integration.id, integration.provider, event, { ...call, transcriptKey });
  if (recorded.transcribed) await enqueue(c.env, { type: "enrich_contact", organization_id: integration.organizationId, call_id: recorded.callId });
}

export const webhooksRoutes = createRouter()
  .openapi(retellRoute, async (c) => {
    const { raw, integration, store } = await delivery(c, "retell", c.req.valid("param").id);
    if (!(await verifyRetellSignature(raw, integration.secret, c.req.header("x-retell-signature")))) {
      throw new Problem(401, "The x-retell-signature does not match this integration's Retell API key.");
    }
    const body = parseJson(raw) as { event?: unknown };
    const parsed = RetellEvent.safeParse(body);
    if (!parsed.success) {
      const known = ["call_inbound", "chat_inbound", "call_started", "call_ended", "call_analyzed", "chat_ended", "chat_analyzed"].includes(String(body?.event));
      await store.noteIntegrationEvent(integration.id, String(body?.event ?? "unknown"), known ? `unreadable ${String(body.event)}: ${parsed.error.issues[0]?.message}` : null);
      if (known) throw new Problem(400, `The ${String(body.event)} payload is not one this app can read.`);
      return c.body(null, 204);
    }
    const event = parsed.data;
    switch (event.event) {
      case "call_inbound":
      case "chat_inbound": {
        const inbound = event.event === "call_inbound" ? event.call_inbound : event.chat_inbound;
        const context = await ringContext(c, store, integration, event.event, { phone: inbound.from_number, to_phone: inbound.to_number, direction: "inbound" });
        const metadata = { contact_id: context?.contact_id ?? null, from_number: inbound.from_number, to_number: inbound.to_number };
        return c.json({ [event.event]: { dynamic_variables: context?.dynamic_variables ?? { caller_phone: inbound.from_number }, metadata } }, 200);
      }
      case "call_started":
      case "call_ended":
      case "call_analyzed":
        await recordCall(c, store, integration, event.event, retellCall(event));
        return c.body(null, 204);
      case "chat_ended":
      case "chat_analyzed": {
        const meta = event.chat.metadata ?? {};
        const text = (v: unknown) => (typeof v === "string" ? v : undefined);
        const recorded = await store.recordPlatformMessages(integration.id, event.event, {
          id: event.chat.chat_id,
          contactId: text(meta.contact_id),
          fromPhone: text(meta.from_number),
          toPhone: text(meta.to_number),
          startedAt: new Date(event.chat.start_timestamp ?? Date.now()).toISOString(),
          turns: retellChatTurns(event.chat.transcript ?? ""),
        });
        if (recorded.recorded && recorded.contactId) {
          await enqueue(c.env, { type: "update_memory", organization_id: integration.organizationId, contact_id: recorded.contactId }, { delaySeconds: MEMORY_DELAY_SECONDS });
        }
        return c.body(null, 204);
      }
    }
  })
  .openapi(vapiRoute, async (c) => {
    const { raw, integration, store } = await delivery(c, "vapi", c.req.valid("param").id);
    if (!(await verifyVapiSecret(c.req.raw.headers, integration.secret))) {
      throw new Problem(401, "The X-Vapi-Secret (or Bearer token) is not this integration's secret.");
    }
    const parsed = VapiServerMessage.safeParse(parseJson(raw));
    if (!parsed.success) {
      await store.noteIntegrationEvent(integration.id, "unknown", `unreadable server message: ${parsed.error.issues[0]?.message}`);
      throw new Problem(400, "The body is not a Vapi server message ({message: {type, …}}).");
    }
    const message = parsed.data.message;
    switch (message.type) {
      case "assistant-request": {
        const { contactPhone, linePhone, direction } = vapiParties(message);
        const context = await ringContext(c, store, integration, message.type, { phone: contactPhone, to_phone: linePhone || undefined, direction });
        return c.json({ assistantId: integration.assistantId, assistantOverrides: { variableValues: context?.dynamic_variables ?? { caller_phone: contactPhone } } }, 200);
      }
      case "status-update":
      case "end-of-call-report":
        if (message.call) await recordCall(c, store, integration, message.type, vapiCall({ ...message, call: message.call }));
        else await store.noteIntegrationEvent(integration.id, message.type, `${message.type} without a call`);
        return c.json({}, 200);
      default:
        await store.noteIntegrationEvent(integration.id, message.type);
        return c.json({}, 200);
    }
  });
