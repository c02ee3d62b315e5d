import { eq, sql } from "drizzle-orm";
import type { PlatformCall } from "../integrations/platform";
import { newId, nowIso } from "../lib/ids";
import type { IntegrationStatusT } from "../schemas/integrations";
import { callRecorded, lineId, resolveCaller, touchContact } from "./calls";
import { applyKeyword } from "./consent";
import { type StoreContext, inIds } from "./context";
import type { InboundInputT } from "../schemas/messages";
import { type DeliveryReceipt, type RecordedMessage, messageEvent, recordDeliveryReceipt, recordInbound } from "./messages";
import { callAnalyses, calls, contacts } from "./schema";

export function integrationStatuses(s: StoreContext, ids: string[]): IntegrationStatusT[] {
  return s.all<IntegrationStatusT>(sql`SELECT integration_id, last_event_at, last_event, last_error_at, last_error FROM integration_status WHERE ${inIds(sql`integration_id`, ids)}`);
}

/** Records what an integration delivered (and clears nothing else); an error keeps its own time. */
export function noteIntegrationEvent(s: StoreContext, integrationId: string, event: string, error: string | null = null) {
  const now = nowIso();
  s.run(sql`INSERT INTO integration_status (integration_id, last_event_at, last_event, last_error_at, last_error)
    VALUES (${integrationId}, ${now}, ${event}, ${error ? now : null}, ${error})
    ON CONFLICT (integration_id) DO UPDATE SET last_event_at = excluded.last_event_at, last_event = excluded.last_event,
      last_error_at = coalesce(excluded.last_error_at, last_error_at), last_error = coalesce(excluded.last_error, last_error)`);
}

export function removeIntegrationStatus(s: StoreContext, integrationId: string) {
  s.run(sql`DELETE FROM integration_status WHERE integration_id = ${integrationId}`);
}

export interface RecordedPlatformCall {
  callId: string;
  contactId: string | null;
  /** The transcript arrived with this event: enrichment is to be queued (once per call). */
  transcribed: boolean;
}

/**
 * One event of a voice platform's call: the first creates the call (resolving its contact like
 * any recorded call), later ones and retries fill it in — keyed on the platform's call id, so
 * every event of a call makes one row. An analysis replaces the same analyzer's earlier one.
 */
export function recordPlatformCall(
  s: StoreContext,
  integrationId: string,
  source: "retell" | "vapi",
  event: string,
  call: PlatformCall & { transcriptKey?: string },
): RecordedPlatformCall {
  const now = nowIso();
  let row = s.db.select().from(calls).where(eq(calls.externalId, call.externalId)).get();
  if (!row) {
    const caller = resolveCaller(s, call.contactPhone, call.direction === "outbound" ? "outbound_call" : "inbound_call");
    const id = newId();
    s.db
      .insert(calls)
      .values({
        id,
        contactId: caller.contactId,
        phoneLineId: lineId(s, call.linePhone),
        externalId: call.externalId,
        direction: call.direction,
        source,
        callerPhone: call.fromPhone,
        toPhone: call.toPhone,
        startedAt: call.startedAt ?? now,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    row = s.db.select().from(calls).where(eq(calls.id, id)).get()!;
    callRecorded(s, id);
  }
  const transcribed = call.transcriptKey !== undefined && row.transcriptKey !== call.transcriptKey;
  s.db
    .update(calls)
    .set({
      ...(call.startedAt && { startedAt: call.startedAt }),
      ...(call.endedAt && { endedAt: call.endedAt }),
      ...(call.durationSeconds !== undefined && { durationSeconds: call.durationSeconds }),
      ...(call.recordingUrl && { recordingUrl: call.recordingUrl }),
      ...(transcribed && { transcriptKey: call.transcriptKey, transcriptChars: call.transcript?.length ?? null, enrichmentStatus: "pending" as const, enrichmentDetail: null, enrichmentClaimedAt: null }),
      updatedAt: now,
    })
    .where(eq(calls.id, row.id))
    .run();
  if (transcribed) {
    s.deleteBlobs([row.transcriptKey]);
    s.emit("call.transcribed", { call_id: row.id, contact_id: row.contactId, transcript_chars: call.transcript?.length ?? null }, row.contactId);
  }
  if (call.analysis) {
    s.run(sql`DELETE FROM call_analyses WHERE call_id = ${row.id} AND analyzer = ${call.analysis.analyzer}`);
    s.db.insert(callAnalyses).values({ id: newId(), callId: row.id, analyzer: call.analysis.analyzer, results: call.analysis.results, createdAt: now }).run();
  }
  touchContact(s, row.contactId, call.startedAt ?? row.startedAt);
  noteIntegrationEvent(s, integrationId, event);
  return { callId: row.id, contactId: row.contactId, transcribed };
}

/**
 * A platform's text conversation (Retell chat) as messages, once each (keyed on chat and turn):
 * the contact named when the chat began, or the sender's number.
 */
export function recordPlatformMessages(
  s: StoreContext,
  integrationId: string,
  event: string,
  chat: { id: string; contactId?: string; fromPhone?: string; toPhone?: string; startedAt: string; turns: { direction: "inbound" | "outbound"; body: string }[] },
): { contactId: string | null; recorded: number } {
  const known = chat.contactId ? s.db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, chat.contactId)).get()?.id : undefined;
  const contactId = known ?? (chat.fromPhone ? resolveCaller(s, chat.fromPhone, "inbound_sms").contactId : null);
  if (!contactId) {
    noteIntegrationEvent(s, integrationId, event, "a chat without its sender: answer chat_inbound first");
    return { contactId: null, recorded: 0 };
  }
  const start = Date.parse(chat.startedAt);
  let recorded = 0;
  chat.turns.forEach((turn, i) => {
    const at = new Date(start + i).toISOString();
    const inserted = s.all(sql`INSERT INTO messages (id, contact_id, phone_line_id, direction, from_phone, to_phone, body, media_urls, status, provider, provider_message_id, sent_at, created_at, updated_at)
      VALUES (${newId()}, ${contactId}, ${lineId(s, chat.toPhone)}, ${turn.direction}, ${turn.direction === "inbound" ? (chat.fromPhone ?? "") : (chat.toPhone ?? "")},
        ${turn.direction === "inbound" ? (chat.toPhone ?? "") : (chat.fromPhone ?? "")}, ${turn.body}, '[]', ${turn.direction === "inbound" ? "received" : "sent"}, 'retell',
        ${`retell:${chat.id}:${i}`}, ${turn.direction === "outbound" ? at : null}, ${at}, ${at})
      ON CONFLICT (provider_message_id) DO NOTHING RETURNING id`);
    recorded += inserted.length;
    for (const { id } of inserted as { id: string }[]) {
      messageEvent(s, turn.direction === "inbound" ? "message.received" : "message.sent", id);
      if (turn.direction === "inbound") applyKeyword(s, contactId, id, turn.body);
    }
  });
  if (chat.turns.length) touchContact(s, contactId, new Date(start + chat.turns.length - 1).toISOString());
  noteIntegrationEvent(s, integrationId, event);
  return { contactId, recorded };
}

/** An inbound text Twilio delivered to an integration's URL, recorded like POST /api/messages. */
export function recordTwilioMessage(s: StoreContext, integrationId: string, body: InboundInputT): RecordedMessage {
  const recorded = recordInbound(s, body, "twilio");
  noteIntegrationEvent(s, integrationId, recorded.existing ? "message (a retry)" : "message received");
  return recorded;
}

/** A delivery receipt, noted on the integration it came through (none for the platform's account). */
export function recordTwilioReceipt(s: StoreContext, integrationId: string | null, receipt: DeliveryReceipt): string | null {
  const status = recordDeliveryReceipt(s, receipt);
  if (integrationId) {
    noteIntegrationEvent(s, integrationId, `status ${receipt.twilioStatus}`, status === null ? `a status callback for a message not sent from here (${receipt.sid})` : null);
  }
  return status;
}
