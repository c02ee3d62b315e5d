import { z } from "@hono/zod-openapi";
import { actorOf, memberAccess, pipelineAccess } from "../auth/guard";
import { suggestReplies } from "../ai/suggestions";
import { withTranscripts } from "../blobs";
import { enqueue } from "../jobs/queues";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent } from "../http/openapi";
import { FeedItem, InboundInput, MessageSchema, SendInput, cursorQuery } from "../schemas/messages";

/** Inbound bursts are summarized once: the memory job runs a minute after the last message. */
const MEMORY_DELAY_SECONDS = 60;

const contactParams = z.object({ id: IdParam("id") });

const inboundRoute = apiRoute({
  operationId: "recordInboundMessage",
  method: "post",
  path: "/messages",
  tags: ["Pipeline"],
  summary: "Record an inbound SMS/MMS and resolve its sender",
  ...pipelineAccess,
  request: { body: jsonBody(InboundInput) },
  responses: {
    200: jsonContent(z.object({ message_id: z.string(), contact_id: z.string().nullable(), contact_created: z.boolean() }), "Already recorded"),
    201: jsonContent(z.object({ message_id: z.string(), contact_id: z.string().nullable(), contact_created: z.boolean() }), "Recorded"),
  },
});
const listRoute = apiRoute({
  operationId: "listContactMessages",
  method: "get",
  path: "/contacts/{id}/messages",
  tags: ["Messages"],
  summary: "The contact's messages, newest first",
  ...memberAccess,
  request: { params: contactParams, query: z.object({ limit: cursorQuery.limit }) },
  responses: { 200: jsonContent(z.array(MessageSchema), "Messages") },
});
const sendRoute = apiRoute({
  operationId: "sendMessage",
  errors: [409],
  method: "post",
  path: "/contacts/{id}/messages",
  tags: ["Messages"],
  summary: "Send an SMS to the contact (queued; refused for do-not-contact and archived contacts)",
  ...memberAccess,
  request: { params: contactParams, body: jsonBody(SendInput) },
  responses: { 202: jsonContent(MessageSchema, "Queued") },
});
const feedRoute = apiRoute({
  operationId: "listContactFeed",
  method: "get",
  path: "/contacts/{id}/feed",
  tags: ["Messages"],
  summary: "Calls and messages in one timeline, newest first, cursor-paginated",
  ...memberAccess,
  request: { params: contactParams, query: z.object({ kind: z.enum(["all", "calls", "messages"]).default("all"), ...cursorQuery }) },
  responses: { 200: jsonContent(z.object({ items: z.array(FeedItem), next_cursor: z.string().nullable() }), "A page of the feed") },
});
const suggestionsRoute = apiRoute({
  operationId: "suggestReplies",
  errors: [409, 502, 503],
  method: "post",
  path: "/messages/{id}/suggestions",
  tags: ["Messages"],
  summary: "Up to three AI reply suggestions for an inbound message",
  ...memberAccess,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: {
    200: jsonContent(z.object({ configured: z.boolean(), suggestions: z.array(z.string()) }), "Suggestions (empty when AI is not configured)"),
  },
});
const memoryRoute = apiRoute({
  operationId: "getContactMemory",
  method: "get",
  path: "/contacts/{id}/memory",
  tags: ["Messages"],
  summary: "The AI-synthesized memory of the contact, if any",
  ...memberAccess,
  request: { params: contactParams },
  responses: {
    200: jsonContent(
      z.object({ content: z.string(), sources: z.array(z.string()), model: z.string().nullable(), updated_at: z.string() }).nullable(),
      "The memory, or null",
    ),
  },
});

const mediaRoute = apiRoute({
  operationId: "getMessageMedia",
  method: "get",
  path: "/messages/{id}/media/{position}",
  tags: ["Messages"],
  summary: "One media item of a message: this API's copy, or a redirect to the provider's URL until it is copied",
  ...memberAccess,
  request: { params: z.object({ id: IdParam("id"), position: z.coerce.number().int().min(0).max(9).openapi({ param: { name: "position", in: "path" } }) }) },
  responses: {
    200: { content: { "application/octet-stream": { schema: z.any() } }, description: "The media" },
    302: { description: "Not copied yet: the provider's URL" },
  },
});

// Media are whatever a sender sent: served inert (no sniffing, no scripts even in an SVG opened
// directly), and only media types a browser shows safely are shown inline.
const INLINE_MEDIA = /^(image\/(png|jpeg|gif|webp|svg\+xml|heic|heif)|video\/(mp4|3gpp|quicktime)|audio\/(mpeg|mp4|amr|ogg)|application\/pdf)$/;

/** A new inbound message's follow-up work: copy its media, then refresh the sender's memory. */
export async function afterInbound(env: Env, organizationId: string, recorded: { message_id: string; contact_id: string | null }, mediaCount: number) {
  if (mediaCount) await enqueue(env, { type: "fetch_media", organization_id: organizationId, message_id: recorded.message_id });
  if (recorded.contact_id) {
    await enqueue(env, { type: "update_memory", organization_id: organizationId, contact_id: recorded.contact_id }, { delaySeconds: MEMORY_DELAY_SECONDS });
  }
}

export const messagesRoutes = createRouter()
  .openapi(inboundRoute, async (c) => {
    const body = c.req.valid("json");
    const { existing, ...recorded } = await c.var.store.recordInbound(body);
    if (!existing) await afterInbound(c.env, c.var.principal.organizationId, recorded, body.media_urls.length);
    return c.json(recorded, existing ? 200 : 201);
  })
  .openapi(listRoute, async (c) => c.json(await c.var.store.listMessages(c.req.valid("param").id, c.req.valid("query").limit), 200))
  .openapi(sendRoute, async (c) => {
    const message = await c.var.store.queueOutbound(c.req.valid("param").id, c.req.valid("json"), actorOf(c.var.principal));
    await enqueue(c.env, { type: "send_sms", organization_id: c.var.principal.organizationId, message_id: message.id });
    return c.json(message, 202);
  })
  .openapi(feedRoute, async (c) => {
    const page = await c.var.store.feed(c.req.valid("param").id, c.req.valid("query"));
    const calls = await withTranscripts(c.env, page.items.flatMap((i) => (i.call ? [i.call] : [])));
    const byId = new Map(calls.map((call) => [call.id, call]));
    return c.json({ items: page.items.map((i) => ({ ...i, call: i.call && (byId.get(i.call.id) ?? null) })), next_cursor: page.next_cursor }, 200);
  })
  .openapi(suggestionsRoute, async (c) => {
    const sources = await c.var.store.suggestionSources(c.req.valid("param").id);
    const suggestions = await suggestReplies(c.env, sources);
    return c.json({ configured: suggestions !== null, suggestions: suggestions ?? [] }, 200);
  })
  .openapi(memoryRoute, async (c) => c.json(await c.var.store.memory(c.req.valid("param").id), 200))
  .openapi(mediaRoute, async (c) => {
    const { id, position } = c.req.valid("param");
    const item = await c.var.store.mediaItem(id, position);
    const object = item.r2_key ? await c.env.BLOBS.get(item.r2_key) : null;
    if (!object) return c.redirect(item.source_url, 302);
    const type = item.content_type ?? "application/octet-stream";
    const inline = INLINE_MEDIA.test(type);
    return c.body(object.body, 200, {
      "content-type": inline ? type : "application/octet-stream",
      "content-disposition": inline ? "inline" : "attachment",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      "cache-control": "private, max-age=3600",
    });
  });
