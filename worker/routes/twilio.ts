import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { integrationFor } from "../auth/webhooks";
import { organization } from "../global/schema";
import { type AppEnv, appOrigin } from "../http/env";
import { IdParam, apiRoute, createRouter } from "../http/openapi";
import { twiml, verifyTwilioSignature } from "../integrations/twilio";
import { Problem } from "../lib/problem";
import { InboundInput } from "../schemas/messages";
import { type KeywordAction, keywordOf } from "../store/consent";
import { orgStore } from "../store/client";
import { afterInbound } from "./messages";

// Twilio's webhooks, form-encoded and signed with X-Twilio-Signature: inbound messages to an
// organization's Twilio integration, and delivery receipts (status callbacks) of what we sent.

const FORM_NOTE = "Twilio's form-encoded request (application/x-www-form-urlencoded), signed with X-Twilio-Signature.";

const smsRoute = apiRoute({
  operationId: "twilioInboundMessage",
  errors: [400, 403, 404],
  method: "post",
  path: "/integrations/twilio/{id}/sms",
  tags: ["Integrations"],
  summary: "Twilio's \"A message comes in\" webhook: the text (with MMS media) is recorded like POST /api/messages, once per MessageSid",
  description: `${FORM_NOTE} Answered with TwiML: an empty <Response/>, or a confirmation of STOP / START / HELP when the integration answers keywords itself.`,
  security: [],
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { 200: { content: { "text/xml": { schema: z.string() } }, description: "TwiML" } },
});

const statusRoute = apiRoute({
  operationId: "twilioStatusCallback",
  errors: [400, 403, 404],
  method: "post",
  path: "/integrations/twilio/{id}/status",
  tags: ["Integrations"],
  summary: "Twilio's status callbacks of the texts sent through this integration: sent, delivered, undelivered or failed with Twilio's ErrorCode",
  description: `${FORM_NOTE} Sends ask for it themselves (StatusCallback, with our message id in the query).`,
  security: [],
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { 204: { description: "Recorded" } },
});

const platformStatusRoute = apiRoute({
  operationId: "twilioPlatformStatusCallback",
  errors: [400, 403],
  method: "post",
  path: "/integrations/twilio/platform/status",
  tags: ["Integrations"],
  summary: "Status callbacks of the texts sent through the platform's own Twilio account (TWILIO_ACCOUNT_SID), signed with TWILIO_AUTH_TOKEN",
  description: FORM_NOTE,
  security: [],
  request: { query: z.object({ organization_id: z.string().min(1).max(100), message_id: z.string().max(100).optional() }) },
  responses: { 204: { description: "Recorded" } },
});

/** The form and its check: 403 (and nothing recorded) unless Twilio signed it with `token`. */
async function signedForm(c: Context<AppEnv>, token: string): Promise<URLSearchParams> {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) throw new Problem(415, "Twilio's webhooks are application/x-www-form-urlencoded.");
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const received = new URL(c.req.url);
  // The URL Twilio requested: as received, or as this app gave it out under its public origin.
  const urls = [c.req.url, `${appOrigin(c.env, c.req.url)}${received.pathname}${received.search}`];
  const ok = await verifyTwilioSignature(token, { signature: c.req.header("x-twilio-signature"), settings: c.req.header("x-twilio-webhooks-signature-settings") }, urls, form);
  if (!ok) throw new Problem(403, "The X-Twilio-Signature does not match this integration's auth token and URL.");
  return form;
}

/** What a receipt says, or 400. */
function receiptOf(form: URLSearchParams, messageId: string | undefined) {
  const sid = form.get("MessageSid") ?? form.get("SmsSid");
  const twilioStatus = form.get("MessageStatus") ?? form.get("SmsStatus");
  if (!sid || !twilioStatus) throw new Problem(400, "A status callback has MessageSid and MessageStatus.");
  const code = Number(form.get("ErrorCode"));
  return { messageId, sid, twilioStatus, errorCode: form.get("ErrorCode") && Number.isSafeInteger(code) ? code : null };
}

async function keywordReply(c: Context<AppEnv>, organizationId: string, keyword: KeywordAction): Promise<string> {
  const [org] = await c.var.db.select({ name: organization.name }).from(organization).where(eq(organization.id, organizationId)).limit(1);
  const name = org?.name ?? "We";
  switch (keyword) {
    case "opted_out":
      return `${name}: you are unsubscribed and will get no more texts from this number. Reply START to resubscribe.`;
    case "opted_in":
      return `${name}: you are subscribed again. Reply STOP to unsubscribe, HELP for help.`;
    case "help":
      return `${name}: reply STOP to unsubscribe. Msg & data rates may apply.`;
  }
}

export const twilioRoutes = createRouter()
  // Before /{id}/status: "platform" is not an integration id.
  .openapi(platformStatusRoute, async (c) => {
    const { organization_id, message_id } = c.req.valid("query");
    if (!c.env.TWILIO_AUTH_TOKEN) throw new Problem(403, "The platform has no Twilio account (TWILIO_AUTH_TOKEN).");
    const form = await signedForm(c, c.env.TWILIO_AUTH_TOKEN);
    await orgStore(c.env, organization_id).recordTwilioReceipt(null, receiptOf(form, message_id));
    return c.body(null, 204);
  })
  .openapi(smsRoute, async (c) => {
    const integration = await integrationFor(c.env, c.var.db, "twilio", c.req.valid("param").id);
    const form = await signedForm(c, integration.secret);
    const store = orgStore(c.env, integration.organizationId);
    const media = Array.from({ length: Math.min(Number(form.get("NumMedia")) || 0, 10) }, (_, i) => form.get(`MediaUrl${i}`)).filter((u): u is string => Boolean(u));
    const input = InboundInput.safeParse({
      from: form.get("From") ?? "",
      to: form.get("To") ?? "",
      body: form.get("Body") ?? "",
      media_urls: media,
      provider_message_id: form.get("MessageSid") ?? form.get("SmsMessageSid") ?? undefined,
    });
    if (!input.success) {
      const why = input.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; ");
      await store.noteIntegrationEvent(integration.id, "message", `unreadable message: ${why}`);
      throw new Problem(400, `The message is not one this app can record (${why}).`);
    }
    const { existing, ...recorded } = await store.recordTwilioMessage(integration.id, input.data);
    if (!existing) await afterInbound(c.env, integration.organizationId, recorded, input.data.media_urls.length);
    const keyword = keywordOf(input.data.body);
    // A confirmation once per message, to a sender that is not blocked, when the integration answers keywords.
    const reply = integration.keywordReplies && keyword && !existing && recorded.contact_id ? await keywordReply(c, integration.organizationId, keyword) : null;
    return c.body(twiml(reply), 200, { "content-type": "text/xml; charset=utf-8" });
  })
  .openapi(statusRoute, async (c) => {
    const integration = await integrationFor(c.env, c.var.db, "twilio", c.req.valid("param").id);
    const form = await signedForm(c, integration.secret);
    await orgStore(c.env, integration.organizationId).recordTwilioReceipt(integration.id, receiptOf(form, c.req.query("message_id")));
    return c.body(null, 204);
  });
