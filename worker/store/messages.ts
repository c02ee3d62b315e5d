import { and, asc, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { keysetPage, pageOf } from "../lib/cursor";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import type { OutboundCheckT } from "../schemas/consent";
import type { InboundInputT, Message, SendInputT, StoredFeedItem } from "../schemas/messages";
import { lineId, loadCallDetails, resolveCaller, touchContact } from "./calls";
import { TWILIO_UNSUBSCRIBED, messageStatusOf, twilioErrorWords } from "../integrations/twilio";
import { applyKeyword, recordCarrierOptOut } from "./consent";
import { assertContact } from "./contacts";
import { checkOutbound } from "./outbound";
import { type StoreContext, inIds } from "./context";
import { type Actor, touchMember } from "./members";
import { calls, contactMemory, contactPhones, contacts, members, messageMedia, messages, phoneLines } from "./schema";

export const UNSENDABLE_STATUSES = ["do_not_contact", "archived"] as const;

/** Messages newest first, for one contact (page of `limit`) or for the given ids. */
export function loadMessages(s: StoreContext, filter: { ids: string[] } | { contactId: string; limit: number }): Message[] {
  if ("ids" in filter && filter.ids.length === 0) return [];
  const rows = s.db
    .select({ m: messages, senderName: members.name })
    .from(messages)
    .leftJoin(members, eq(members.userId, messages.sentByUserId))
    .where("ids" in filter ? inIds(messages.id, filter.ids) : eq(messages.contactId, filter.contactId))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit("ids" in filter ? filter.ids.length : filter.limit)
    .all();
  const media = rows.length
    ? s.db.select().from(messageMedia).where(inIds(messageMedia.messageId, rows.map((r) => r.m.id))).orderBy(asc(messageMedia.messageId), asc(messageMedia.position)).all()
    : [];
  const mediaBy = new Map<string, (typeof media)[number][]>();
  for (const item of media) mediaBy.set(item.messageId, [...(mediaBy.get(item.messageId) ?? []), item]);
  return rows.map(({ m, senderName }) => ({
    id: m.id,
    contact_id: m.contactId,
    direction: m.direction,
    from_phone: m.fromPhone,
    to_phone: m.toPhone,
    body: m.body,
    media_urls: m.mediaUrls,
    media: (mediaBy.get(m.id) ?? []).map((item) => ({
      url: `/api/messages/${m.id}/media/${item.position}`,
      source_url: item.sourceUrl,
      content_type: item.contentType,
      bytes: item.bytes,
      stored: item.r2Key !== null,
    })),
    status: m.status,
    status_detail: m.statusDetail,
    error_code: m.errorCode,
    provider: m.provider,
    provider_message_id: m.providerMessageId,
    sent_by: m.sentByUserId && senderName ? { user_id: m.sentByUserId, name: senderName } : null,
    created_at: m.createdAt,
    sent_at: m.sentAt,
  }));
}

export interface RecordedMessage {
  message_id: string;
  contact_id: string | null;
  contact_created: boolean;
  /** True when a message with the same provider_message_id was already recorded. */
  existing: boolean;
}

/** An inbound SMS/MMS: the sender is resolved like a caller. */
export function recordInbound(s: StoreContext, body: InboundInputT, provider: string | null = null): RecordedMessage {
  if (body.provider_message_id) {
    const existing = s.db.select({ id: messages.id, contactId: messages.contactId }).from(messages).where(eq(messages.providerMessageId, body.provider_message_id)).get();
    if (existing) return { message_id: existing.id, contact_id: existing.contactId, contact_created: false, existing: true };
  }
  const sender = resolveCaller(s, body.from, "inbound_sms");
  const to = s.parsePhone(body.to);
  const id = newId();
  const at = body.received_at ?? nowIso();
  s.db
    .insert(messages)
    .values({
      id,
      contactId: sender.contactId,
      phoneLineId: lineId(s, body.to),
      direction: "inbound",
      fromPhone: sender.phone ? sender.phone.e164 : body.from,
      toPhone: to.ok ? to.phone.e164 : body.to,
      body: body.body,
      mediaUrls: body.media_urls,
      // From a blocked number: kept as evidence, on no contact.
      status: sender.contactId === null && sender.reason === "blocked" ? "blocked" : "received",
      provider,
      providerMessageId: body.provider_message_id ?? null,
      createdAt: at,
      updatedAt: at,
    })
    .run();
  body.media_urls.forEach((sourceUrl, position) => s.db.insert(messageMedia).values({ messageId: id, position, sourceUrl }).run());
  touchContact(s, sender.contactId, at);
  messageEvent(s, "message.received", id);
  applyKeyword(s, sender.contactId, id, body.body);
  return { message_id: id, contact_id: sender.contactId, contact_created: sender.created, existing: false };
}

/** message.received / message.sent / message.delivered / message.failed: the message's ids, numbers, text and status (media by id through the API). */
export function messageEvent(s: StoreContext, type: "message.received" | "message.queued" | "message.sent" | "message.delivered" | "message.failed", messageId: string) {
  if (!s.wants(type)) return;
  const row = s.get<{ contact_id: string | null }>(sql`SELECT id AS message_id, contact_id, direction, from_phone, to_phone, body, status, status_detail, error_code,
      json_array_length(media_urls) AS media_count, provider, provider_message_id, created_at, sent_at FROM messages WHERE id = ${messageId}`);
  if (row) s.emit(type, { ...row }, row.contact_id);
}

export function listMessages(s: StoreContext, contactId: string, limit: number): Message[] {
  assertContact(s, contactId);
  return loadMessages(s, { contactId, limit });
}

/** The gate's refusal as a 409: its reasons in words, and when texting opens again. */
export const refused = (gate: OutboundCheckT) =>
  new Problem(409, gate.reasons.map((r) => r.message).join(" "), { code: gate.reasons[0]?.code, reasons: gate.reasons, next_allowed_at: gate.next_allowed_at, time_zone: gate.time_zone });

/** Records an outbound SMS as queued (the Worker then puts it on the send queue). */
export function queueOutbound(s: StoreContext, contactId: string, body: SendInputT, actor: Actor): Message {
  touchMember(s, actor);
  assertContact(s, contactId);
  const phones = s.db.select().from(contactPhones).where(eq(contactPhones.contactId, contactId)).orderBy(asc(contactPhones.createdAt)).all();
  const lines = s.db.select().from(phoneLines).orderBy(asc(phoneLines.createdAt)).all();
  const to = body.phone_id ? phones.find((ph) => ph.id === body.phone_id) : (phones.find((ph) => ph.isPreferred) ?? phones[0]);
  if (!to) throw body.phone_id ? notFound("Phone") : new Problem(409, "This contact has no phone number to message.");
  const from = body.line_id ? lines.find((l) => l.id === body.line_id) : lines[0];
  if (!from) throw body.line_id ? notFound("Phone line") : new Problem(409, "Add a phone line to the organization before sending messages.");
  // The outbound gate: do-not-contact, opt-outs and quiet hours.
  const gate = checkOutbound(s, { contact_id: contactId, channel: "sms" });
  if (!gate.allowed) throw refused(gate);
  const now = nowIso();
  const id = newId();
  s.db
    .insert(messages)
    .values({
      id,
      contactId,
      phoneLineId: from.id,
      direction: "outbound",
      fromPhone: from.phoneNumber,
      toPhone: to.phoneNumber,
      body: body.body,
      mediaUrls: [],
      status: "queued",
      sentByUserId: actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    .run();
  const [message] = loadMessages(s, { ids: [id] });
  if (!message) throw notFound("Message");
  messageEvent(s, "message.queued", id);
  return message;
}

/** Calls and messages of a contact in one timeline, newest first, keyset-paginated. */
export function feed(s: StoreContext, contactId: string, q: { kind: "all" | "calls" | "messages"; cursor?: string; limit: number }) {
  assertContact(s, contactId);
  const branches = [];
  if (q.kind !== "messages") branches.push(sql`SELECT 'call' AS kind, id, started_at AS at FROM calls WHERE contact_id = ${contactId}`);
  if (q.kind !== "calls") branches.push(sql`SELECT 'message' AS kind, id, created_at AS at FROM messages WHERE contact_id = ${contactId}`);
  const rows = s.all<{ kind: "call" | "message"; id: string; at: string }>(keysetPage(sql.join(branches, sql` UNION ALL `), q.cursor, q.limit));
  const { page, nextCursor } = pageOf(rows, q.limit);
  const callsById = new Map(loadCallDetails(s, { ids: page.filter((r) => r.kind === "call").map((r) => r.id) }).map((r) => [r.id, r]));
  const messagesById = new Map(loadMessages(s, { ids: page.filter((r) => r.kind === "message").map((r) => r.id) }).map((r) => [r.id, r]));
  const items: StoredFeedItem[] = page.map((r) => ({ ...r, call: callsById.get(r.id) ?? null, message: messagesById.get(r.id) ?? null }));
  return { items, next_cursor: nextCursor };
}

export function loadMemory(s: StoreContext, contactId: string) {
  return s.db.select().from(contactMemory).where(eq(contactMemory.contactId, contactId)).get() ?? null;
}

export function memory(s: StoreContext, contactId: string) {
  assertContact(s, contactId);
  const m = loadMemory(s, contactId);
  return m && { content: m.content, sources: m.sources, model: m.model, updated_at: m.updatedAt };
}

const CONVERSATION_CALLS = 5;
const CONVERSATION_MESSAGES = 30;

/**
 * What an AI job needs about a contact's recent conversation: the last calls with a
 * transcription (R2 keys; the Worker reads them) and messages, and the current memory.
 */
export function conversationSources(s: StoreContext, contactId: string) {
  const recentCalls = s.db
    .select({ id: calls.id, at: calls.startedAt, transcriptKey: calls.transcriptKey })
    .from(calls)
    .where(and(eq(calls.contactId, contactId), isNotNull(calls.transcriptKey)))
    .orderBy(desc(calls.startedAt))
    .limit(CONVERSATION_CALLS)
    .all();
  const recentMessages = s.db
    .select({ id: messages.id, at: messages.createdAt, direction: messages.direction, body: messages.body })
    .from(messages)
    .where(eq(messages.contactId, contactId))
    .orderBy(desc(messages.createdAt))
    .limit(CONVERSATION_MESSAGES)
    .all();
  const m = loadMemory(s, contactId);
  return {
    calls: recentCalls.map((c) => ({ id: c.id, at: c.at, transcript_key: c.transcriptKey as string })),
    messages: recentMessages,
    memory: m && { content: m.content, sources: m.sources, updated_at: m.updatedAt },
  };
}

export type ConversationSources = ReturnType<typeof conversationSources>;

/** The contact an inbound message came from, for reply suggestions. */
export function suggestionSources(s: StoreContext, messageId: string): ConversationSources {
  const message = s.db.select({ direction: messages.direction, contactId: messages.contactId }).from(messages).where(eq(messages.id, messageId)).get();
  if (!message) throw notFound("Message");
  if (message.direction !== "inbound" || !message.contactId) throw new Problem(409, "Suggestions are for inbound messages from a contact.");
  return conversationSources(s, message.contactId);
}

/** The memory job's view of a contact, or null when the contact is gone. */
export function memorySources(s: StoreContext, contactId: string): ConversationSources | null {
  if (!s.db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, contactId)).get()) return null;
  return conversationSources(s, contactId);
}

export function saveMemory(s: StoreContext, contactId: string, m: { content: string; sources: string[]; model: string }) {
  if (!s.db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, contactId)).get()) return;
  const row = { contactId, content: m.content, sources: m.sources, model: m.model, updatedAt: nowIso() };
  s.db.insert(contactMemory).values(row).onConflictDoUpdate({ target: contactMemory.contactId, set: row }).run();
  s.emit("memory.updated", { contact_id: contactId }, contactId);
}

/** The media of a message not copied to R2 yet (nor given up on): what the fetch job copies. */
export function mediaToFetch(s: StoreContext, messageId: string) {
  return s.db
    .select({ position: messageMedia.position, sourceUrl: messageMedia.sourceUrl })
    .from(messageMedia)
    .where(and(eq(messageMedia.messageId, messageId), isNull(messageMedia.r2Key), isNull(messageMedia.error)))
    .orderBy(asc(messageMedia.position))
    .all();
}

/**
 * The outcome of copying one media item: its R2 object, or why it could not be copied. An object
 * for a message deleted meanwhile is deleted again.
 */
export function recordMedia(
  s: StoreContext,
  messageId: string,
  position: number,
  outcome: { key: string; contentType: string; bytes: number } | { error: string },
) {
  const set =
    "key" in outcome
      ? { r2Key: outcome.key, contentType: outcome.contentType, bytes: outcome.bytes, storedAt: nowIso(), error: null }
      : { error: outcome.error };
  const updated = s.db
    .update(messageMedia)
    .set(set)
    .where(and(eq(messageMedia.messageId, messageId), eq(messageMedia.position, position), isNull(messageMedia.r2Key)))
    .returning({ position: messageMedia.position })
    .all();
  if (updated.length === 0 && "key" in outcome) s.deleteBlobs([outcome.key]);
}

/** Where one media item is: its R2 object, or only its source. */
export function mediaItem(s: StoreContext, messageId: string, position: number) {
  const item = s.db.select().from(messageMedia).where(and(eq(messageMedia.messageId, messageId), eq(messageMedia.position, position))).get();
  if (!item) throw notFound("Media");
  return { r2_key: item.r2Key, content_type: item.contentType, source_url: item.sourceUrl };
}

export interface DeliveryReceipt {
  /** Our message id, from the status callback URL the send asked for. */
  messageId?: string;
  /** Twilio's MessageSid. */
  sid: string;
  /** Twilio's MessageStatus. */
  twilioStatus: string;
  errorCode: number | null;
}

const FINAL_STATUSES = new Set(["delivered", "undelivered", "failed", "not_sent"]);

/**
 * A delivery receipt (Twilio's status callback) for one of our sent messages: `sent`, then a
 * final `delivered`, `undelivered` or `failed` with the carrier's error code. Receipts arrive in
 * any order and more than once: a final status is never changed. Twilio's 21610 records the
 * opt-out. Returns the message's status, or null for a message this store did not send.
 */
export function recordDeliveryReceipt(s: StoreContext, r: DeliveryReceipt): string | null {
  const row = s.get<{ id: string; contact_id: string | null; status: string; provider_message_id: string | null }>(
    r.messageId
      ? sql`SELECT id, contact_id, status, provider_message_id FROM messages WHERE id = ${r.messageId} AND direction = 'outbound'
          AND (provider_message_id IS NULL OR provider_message_id = ${r.sid})`
      : sql`SELECT id, contact_id, status, provider_message_id FROM messages WHERE provider_message_id = ${r.sid} AND direction = 'outbound'`,
  );
  if (!row) return null;
  const next = messageStatusOf(r.twilioStatus);
  const now = nowIso();
  // The receipt may come before the send's own answer was recorded: it names the Twilio message.
  if (row.provider_message_id === null) s.run(sql`UPDATE messages SET provider = 'twilio', provider_message_id = ${r.sid}, updated_at = ${now} WHERE id = ${row.id}`);
  if (!next || FINAL_STATUSES.has(row.status) || (next === "sent" && row.status === "sent")) return row.status;
  const detail = next === "sent" ? "twilio: sent to the carrier" : next === "delivered" ? `delivered${r.twilioStatus === "read" ? " and read" : ""}` : `${next}: ${twilioErrorWords(r.errorCode)}`;
  s.run(sql`UPDATE messages SET status = ${next}, status_detail = ${detail}, error_code = ${r.errorCode}, sent_at = coalesce(sent_at, ${now}), updated_at = ${now}
    WHERE id = ${row.id}`);
  if (r.errorCode === TWILIO_UNSUBSCRIBED) recordCarrierOptOut(s, row.id, `Twilio error ${r.errorCode}: unsubscribed recipient`);
  messageEvent(s, next === "sent" ? "message.sent" : next === "delivered" ? "message.delivered" : "message.failed", row.id);
  return next;
}
