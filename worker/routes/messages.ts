import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import { type CallerResolution, resolveAndRecord } from "../contacts/caller";
import { assertContact } from "../contacts/load";
import { parsePhone } from "../contacts/phone";
import { type Db, rawStatement, runBatch } from "../db/client";
import { contactPhones, contacts, messages, phoneLines } from "../db/schema";
import { isUniqueViolation } from "../lib/db-errors";
import { memberOnly, pipelineOnly, sessionOf } from "../lib/guard";
import { newId, nowIso } from "../lib/ids";
import { isoDateTime } from "../lib/text";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent } from "../lib/openapi";
import { keysetPage, pageOf } from "../lib/cursor";
import { Problem, notFound } from "../lib/problem";
import { MessageSchema, loadMessages } from "../messages/load";
import { loadMemory } from "../messages/memory";
import { UNSENDABLE_STATUSES } from "../messages/send";
import { suggestReplies } from "../messages/suggestions";
import { CallDetails, loadCallDetails } from "./calls";

export const MAX_SMS_CHARS = 1_600;
/** Inbound bursts are summarized once: the memory job runs a minute after the last message. */
const MEMORY_DELAY_SECONDS = 60;

const mediaUrl = z.string().url().max(2048).refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL");

const InboundInput = z
  .object({
    from: z.string().max(64),
    to: z.string().max(64),
    body: z.string().max(MAX_SMS_CHARS).default(""),
    media_urls: z.array(mediaUrl).max(10).default([]),
    provider_message_id: z.string().trim().min(1).max(200).optional().openapi({ description: "Retries with the same id return the same message" }),
    received_at: isoDateTime.optional(),
  })
  .refine((m) => m.body.trim() || m.media_urls.length, { message: "a message needs a body or media" })
  .openapi("InboundMessage");

const SendInput = z
  .object({
    body: z.string().trim().min(1, "is required").max(MAX_SMS_CHARS),
    phone_id: z.string().uuid().optional().openapi({ description: "Which of the contact's phones; default the preferred one" }),
    line_id: z.string().uuid().optional().openapi({ description: "Which organization line sends it; default the first line" }),
  })
  .openapi("SendMessage");

const FeedItem = z
  .object({
    kind: z.enum(["call", "message"]),
    id: z.string(),
    at: z.string(),
    call: CallDetails.nullable(),
    message: MessageSchema.nullable(),
  })
  .openapi("FeedItem");

const cursorQuery = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).default(30).transform((n) => Math.min(n, 100)),
};
const contactParams = z.object({ id: IdParam("id") });

const inboundRoute = createRoute({
  method: "post",
  path: "/messages",
  tags: ["Pipeline"],
  summary: "Record an inbound SMS/MMS and resolve its sender",
  middleware: [pipelineOnly] as const,
  request: { body: jsonBody(InboundInput) },
  responses: {
    200: jsonContent(z.object({ message_id: z.string(), contact_id: z.string().nullable(), contact_created: z.boolean() }), "Already recorded"),
    201: jsonContent(z.object({ message_id: z.string(), contact_id: z.string().nullable(), contact_created: z.boolean() }), "Recorded"),
    ...errorResponses,
  },
});
const listRoute = createRoute({
  method: "get",
  path: "/contacts/{id}/messages",
  tags: ["Messages"],
  summary: "The contact's messages, newest first",
  middleware: [memberOnly] as const,
  request: { params: contactParams, query: z.object({ limit: cursorQuery.limit }) },
  responses: { 200: jsonContent(z.array(MessageSchema), "Messages"), ...errorResponses },
});
const sendRoute = createRoute({
  method: "post",
  path: "/contacts/{id}/messages",
  tags: ["Messages"],
  summary: "Send an SMS to the contact (queued; refused for do-not-contact and archived contacts)",
  middleware: [memberOnly] as const,
  request: { params: contactParams, body: jsonBody(SendInput) },
  responses: { 202: jsonContent(MessageSchema, "Queued"), ...errorResponses },
});
const feedRoute = createRoute({
  method: "get",
  path: "/contacts/{id}/feed",
  tags: ["Messages"],
  summary: "Calls and messages in one timeline, newest first, cursor-paginated",
  middleware: [memberOnly] as const,
  request: { params: contactParams, query: z.object({ kind: z.enum(["all", "calls", "messages"]).default("all"), ...cursorQuery }) },
  responses: { 200: jsonContent(z.object({ items: z.array(FeedItem), next_cursor: z.string().nullable() }), "A page of the feed"), ...errorResponses },
});
const suggestionsRoute = createRoute({
  method: "post",
  path: "/messages/{id}/suggestions",
  tags: ["Messages"],
  summary: "Up to three AI reply suggestions for an inbound message",
  middleware: [memberOnly] as const,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: {
    200: jsonContent(z.object({ configured: z.boolean(), suggestions: z.array(z.string()) }), "Suggestions (empty when AI is not configured)"),
    ...errorResponses,
  },
});
const memoryRoute = createRoute({
  method: "get",
  path: "/contacts/{id}/memory",
  tags: ["Messages"],
  summary: "The AI-synthesized memory of the contact, if any",
  middleware: [memberOnly] as const,
  request: { params: contactParams },
  responses: {
    200: jsonContent(
      z.object({ content: z.string(), sources: z.array(z.string()), model: z.string().nullable(), updated_at: z.string() }).nullable(),
      "The memory, or null",
    ),
    ...errorResponses,
  },
});

async function findByProviderId(db: Db, organizationId: string, providerId: string) {
  const [row] = await db
    .select({ message_id: messages.id, contact_id: messages.contactId })
    .from(messages)
    .where(and(eq(messages.organizationId, organizationId), eq(messages.providerMessageId, providerId)));
  return row;
}

export const messagesRoutes = createRouter()
  .openapi(inboundRoute, async (c) => {
    const body = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    if (body.provider_message_id) {
      const existing = await findByProviderId(db, organizationId, body.provider_message_id);
      if (existing) return c.json({ ...existing, contact_created: false }, 200);
    }
    const id = newId();
    const at = body.received_at ?? nowIso();
    const record = (sender: CallerResolution) => {
      // The line number is read with the region the PhoneDirectory read the sender with.
      const line = parsePhone(body.to, sender.region);
      return runBatch(db, [
        rawStatement(
          db,
          sql`INSERT INTO messages (id, organization_id, contact_id, phone_line_id, direction, from_phone, to_phone, body, media_urls, status, provider_message_id, created_at, updated_at)
            VALUES (${id}, ${organizationId}, ${sender.contactId},
              (SELECT id FROM phone_lines WHERE organization_id = ${organizationId} AND phone_number = ${line.ok ? line.phone.e164 : null}),
              'inbound', ${sender.contactId ? sender.phone.e164 : body.from}, ${line.ok ? line.phone.e164 : body.to}, ${body.body},
              ${JSON.stringify(body.media_urls)}, 'received', ${body.provider_message_id ?? null}, ${at}, ${at})`,
        ),
        rawStatement(
          db,
          sql`UPDATE contacts SET last_contacted_at = ${at} WHERE id = ${sender.contactId} AND (last_contacted_at IS NULL OR last_contacted_at < ${at})`,
        ),
      ]);
    };
    let sender: CallerResolution;
    try {
      sender = await resolveAndRecord(c.env, organizationId, body.from, "inbound_sms", record);
    } catch (err) {
      const existing = body.provider_message_id && isUniqueViolation(err) ? await findByProviderId(db, organizationId, body.provider_message_id) : undefined;
      if (existing) return c.json({ ...existing, contact_created: false }, 200);
      throw err;
    }
    if (sender.contactId) {
      await c.env.ENRICHMENT_QUEUE.send(
        { type: "update_memory", organization_id: organizationId, contact_id: sender.contactId },
        { delaySeconds: MEMORY_DELAY_SECONDS },
      );
    }
    return c.json({ message_id: id, contact_id: sender.contactId, contact_created: sender.created }, 201);
  })
  .openapi(listRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { limit } = c.req.valid("query");
    const { organizationId } = c.var.principal;
    await assertContact(c.var.db, organizationId, id);
    return c.json(await loadMessages(c.var.db, organizationId, { contactId: id, limit }), 200);
  })
  .openapi(sendRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const p = sessionOf(c.var.principal);
    const db = c.var.db;
    const [contact] = await db
      .select({ status: contacts.status })
      .from(contacts)
      .where(and(eq(contacts.id, id), eq(contacts.organizationId, p.organizationId)));
    if (!contact) throw notFound("Contact");
    if ((UNSENDABLE_STATUSES as readonly string[]).includes(contact.status)) {
      throw new Problem(409, `This contact is ${contact.status.replace(/_/g, " ")}: messages to them are not sent.`, { reason: contact.status });
    }
    const [phones, lines] = await db.batch([
      db.select().from(contactPhones).where(eq(contactPhones.contactId, id)).orderBy(asc(contactPhones.createdAt)),
      db.select().from(phoneLines).where(eq(phoneLines.organizationId, p.organizationId)).orderBy(asc(phoneLines.createdAt)),
    ]);
    const to = body.phone_id ? phones.find((ph) => ph.id === body.phone_id) : (phones.find((ph) => ph.isPreferred) ?? phones[0]);
    if (!to) throw body.phone_id ? notFound("Phone") : new Problem(409, "This contact has no phone number to message.");
    const from = body.line_id ? lines.find((l) => l.id === body.line_id) : lines[0];
    if (!from) throw body.line_id ? notFound("Phone line") : new Problem(409, "Add a phone line to the organization before sending messages.");
    const now = nowIso();
    const messageId = newId();
    await db.insert(messages).values({
      id: messageId,
      organizationId: p.organizationId,
      contactId: id,
      phoneLineId: from.id,
      direction: "outbound",
      fromPhone: from.phoneNumber,
      toPhone: to.phoneNumber,
      body: body.body,
      mediaUrls: [],
      status: "queued",
      sentByUserId: p.userId,
      createdAt: now,
      updatedAt: now,
    });
    await c.env.SMS_QUEUE.send({ type: "send_sms", organization_id: p.organizationId, message_id: messageId });
    const [message] = await loadMessages(db, p.organizationId, { ids: [messageId] });
    if (!message) throw notFound("Message");
    return c.json(message, 202);
  })
  .openapi(feedRoute, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    await assertContact(db, organizationId, id);
    const branches = [];
    if (q.kind !== "messages") branches.push(sql`SELECT 'call' AS kind, id, started_at AS at FROM calls WHERE contact_id = ${id} AND organization_id = ${organizationId}`);
    if (q.kind !== "calls") branches.push(sql`SELECT 'message' AS kind, id, created_at AS at FROM messages WHERE contact_id = ${id} AND organization_id = ${organizationId}`);
    const [result] = (await runBatch(db, [rawStatement(db, keysetPage(sql.join(branches, sql` UNION ALL `), q.cursor, q.limit))])) as [
      D1Result<{ kind: "call" | "message"; id: string; at: string }>,
    ];
    const { page, nextCursor } = pageOf(result.results, q.limit);
    const [callRows, messageRows] = await Promise.all([
      loadCallDetails(db, organizationId, { ids: page.filter((r) => r.kind === "call").map((r) => r.id) }),
      loadMessages(db, organizationId, { ids: page.filter((r) => r.kind === "message").map((r) => r.id) }),
    ]);
    const callsById = new Map(callRows.map((r) => [r.id, r]));
    const messagesById = new Map(messageRows.map((r) => [r.id, r]));
    return c.json(
      {
        items: page.map((r) => ({ ...r, call: callsById.get(r.id) ?? null, message: messagesById.get(r.id) ?? null })),
        next_cursor: nextCursor,
      },
      200,
    );
  })
  .openapi(suggestionsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    const db = c.var.db;
    const [message] = await db
      .select({ direction: messages.direction, contactId: messages.contactId })
      .from(messages)
      .where(and(eq(messages.id, id), eq(messages.organizationId, organizationId)));
    if (!message) throw notFound("Message");
    if (message.direction !== "inbound" || !message.contactId) throw new Problem(409, "Suggestions are for inbound messages from a contact.");
    const suggestions = await suggestReplies(c.env, db, organizationId, message.contactId);
    return c.json({ configured: suggestions !== null, suggestions: suggestions ?? [] }, 200);
  })
  .openapi(memoryRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    await assertContact(c.var.db, organizationId, id);
    const memory = await loadMemory(c.var.db, organizationId, id);
    return c.json(memory && { content: memory.content, sources: memory.sources, model: memory.model, updated_at: memory.updatedAt }, 200);
  });
