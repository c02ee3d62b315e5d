import { and, eq, sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { type Proposal, hasStubName } from "../schemas/enrichment";
import type { StoreContext } from "./context";
import { trackContact } from "./events";
import { recordCarrierOptOut, recordSpokenOptOut } from "./consent";
import { messageEvent } from "./messages";
import { checkOutbound } from "./outbound";
import { calls, contacts, messages } from "./schema";

// The store's side of the background jobs: claims, outcomes and results, each one transaction.
// The consumers (worker/jobs) make the slow external calls between them, outside the store.

/** A consumer that died mid-call loses its claim after this long, so a redelivery can proceed. */
const ENRICHMENT_LEASE_MS = 5 * 60_000;

export interface Usage {
  model: string;
  prompt: number;
  completion: number;
}

export type EnrichmentStatus = "filled" | "checked" | "skipped" | "rejected" | "failed";

/** `optOutQuote`: the caller asked, in the call, not to be contacted — the quote found in the transcript. */
export function finishEnrichment(s: StoreContext, callId: string, status: EnrichmentStatus, detail: string, usage?: Usage, optOutQuote: string | null = null) {
  if (optOutQuote) recordSpokenOptOut(s, callId, optOutQuote);
  s.db
    .update(calls)
    .set({
      enrichmentStatus: status,
      enrichmentDetail: detail,
      enrichmentClaimedAt: null,
      enrichedAt: nowIso(),
      ...(usage && { enrichmentModel: usage.model, enrichmentPromptTokens: usage.prompt, enrichmentCompletionTokens: usage.completion }),
    })
    .where(eq(calls.id, callId))
    .run();
}

export type EnrichmentClaim =
  | { kind: "duplicate" }
  | { kind: "finished"; status: string; contactId?: string }
  | { kind: "claimed"; contactId: string; transcriptKey: string; stub: boolean };

/**
 * Claims the call for enrichment (a duplicate or concurrent delivery gets "duplicate"), and
 * settles at once what needs no model: no contact, no transcription. A stub's details are
 * filled; every contact's call is checked for a spoken opt-out.
 */
export function claimEnrichment(s: StoreContext, callId: string): EnrichmentClaim {
  const now = Date.now();
  const call = s.db
    .update(calls)
    .set({ enrichmentStatus: "running", enrichmentClaimedAt: new Date(now).toISOString() })
    .where(
      and(
        eq(calls.id, callId),
        sql`(enrichment_status IS NULL OR enrichment_status = 'pending'
          OR (enrichment_status = 'running' AND enrichment_claimed_at < ${new Date(now - ENRICHMENT_LEASE_MS).toISOString()}))`,
      ),
    )
    .returning({ contactId: calls.contactId, transcriptKey: calls.transcriptKey })
    .get();
  if (!call) return { kind: "duplicate" };
  const skip = (detail: string, contactId?: string) => {
    finishEnrichment(s, callId, "skipped", `skipped: ${detail}`);
    return { kind: "finished" as const, status: "skipped", contactId };
  };
  if (!call.contactId) return skip("the call has no contact");
  if (!call.transcriptKey) return skip("no transcription");
  const contact = s.db.select({ firstName: contacts.firstName, lastName: contacts.lastName }).from(contacts).where(eq(contacts.id, call.contactId)).get();
  if (!contact) return skip("the contact no longer exists");
  return { kind: "claimed", contactId: call.contactId, transcriptKey: call.transcriptKey, stub: hasStubName(contact.firstName, contact.lastName) };
}

/** A transient failure: the queue tries again later. */
export function retryEnrichment(s: StoreContext, callId: string, reason: string) {
  s.db.update(calls).set({ enrichmentStatus: "pending", enrichmentClaimedAt: null, enrichmentDetail: `retrying: ${reason}` }).where(eq(calls.id, callId)).run();
}

const TEXT_FIELDS = ["company", "job_title", "preferred_language", "timezone", "gender", "pipeline_stage"] as const;

/**
 * Writes the model's validated proposal: only into empty fields, decided at write time. Emits
 * call.enriched with the fields it filled (and contact.updated, by the enrichment of this call).
 */
export function applyEnrichment(s: StoreContext, callId: string, contactId: string, p: Proposal, detail: string, usage: Usage, optOutQuote: string | null = null) {
  const now = nowIso();
  const filled: string[] = [];
  trackContact(
    s,
    contactId,
    () => {
      // Names only while the contact is still a stub: a person who typed a name meanwhile wins.
      if (p.first_name || p.last_name) {
        const named = s.run(sql`UPDATE contacts SET first_name = ${p.first_name ?? ""}, last_name = ${p.last_name ?? ""}, updated_at = ${now}
          WHERE id = ${contactId}
          AND (trim(first_name) = '' OR lower(trim(first_name)) = 'unknown')
          AND (trim(last_name) = '' OR lower(trim(last_name)) = 'unknown')`);
        if (named) filled.push(...(["first_name", "last_name"] as const).filter((f) => p[f]));
      }
      for (const field of TEXT_FIELDS) {
        const value = p[field];
        if (!value) continue;
        const column = sql.identifier(field);
        if (s.run(sql`UPDATE contacts SET ${column} = ${value}, updated_at = ${now} WHERE id = ${contactId} AND (${column} IS NULL OR trim(${column}) = '')`)) filled.push(field);
      }
      if (p.email) {
        const added = s.run(sql`INSERT INTO contact_emails (id, contact_id, email, email_normalized, label, is_preferred, created_at)
          SELECT ${newId()}, ${contactId}, ${p.email}, ${p.email.toLowerCase()}, NULL, 1, ${now}
          WHERE EXISTS (SELECT 1 FROM contacts WHERE id = ${contactId}) AND NOT EXISTS (SELECT 1 FROM contact_emails WHERE contact_id = ${contactId})`);
        if (added) filled.push("email");
      }
    },
    { kind: "enrichment", call_id: callId },
  );
  finishEnrichment(s, callId, "filled", detail, usage, optOutQuote);
  s.emit("call.enriched", { call_id: callId, contact_id: contactId, fields_filled: filled, model: usage.model }, contactId);
}

/** Enrichment gave up after max_retries: say so on the call. */
export function enrichmentDeadLetter(s: StoreContext, callId: string) {
  s.run(sql`UPDATE calls SET enrichment_status = 'failed', enrichment_claimed_at = NULL, enriched_at = ${nowIso()},
    enrichment_detail = 'failed: gave up after repeated errors' || CASE WHEN enrichment_detail LIKE 'retrying: %'
      THEN ' (last: ' || substr(enrichment_detail, 11) || ')' ELSE '' END
    WHERE id = ${callId} AND (enrichment_status IS NULL OR enrichment_status IN ('pending', 'running'))`);
}

/** A sender that stopped mid-send: after this long we cannot know whether the SMS left. */
const SENDING_LEASE_MS = 10 * 60_000;
export const NO_PROVIDER = "not sent: no SMS provider configured";

export type SendClaim =
  | { kind: "duplicate" }
  | { kind: "wait"; until: string }
  | { kind: "finished"; status: string }
  | { kind: "claimed"; to: string; from: string; body: string; mediaUrls: string[] };

/**
 * Claims a queued outbound SMS (queued → sending), so a redelivered or concurrent message never
 * sends twice; a send that was interrupted long ago is marked failed, not retried. Settles at once
 * what needs no provider call: the contact gone or no longer contactable, no provider configured.
 */
export function claimSend(s: StoreContext, messageId: string, providerConfigured: boolean): SendClaim {
  const claimed = s.db
    .update(messages)
    .set({ status: "sending", updatedAt: nowIso() })
    .where(and(eq(messages.id, messageId), eq(messages.status, "queued"), eq(messages.direction, "outbound")))
    .returning()
    .get();
  if (!claimed) {
    const interrupted = s.run(sql`UPDATE messages SET status = 'failed', status_detail = 'failed: sending was interrupted; not retried to avoid a duplicate', updated_at = ${nowIso()}
      WHERE id = ${messageId} AND status = 'sending' AND updated_at < ${new Date(Date.now() - SENDING_LEASE_MS).toISOString()}`);
    if (interrupted) messageEvent(s, "message.failed", messageId);
    return { kind: "duplicate" };
  }
  const notSent = (detail: string) => {
    finishSend(s, messageId, "not_sent", detail);
    return { kind: "finished" as const, status: "not_sent" };
  };
  // The gate again: the contact may have opted out or become do-not-contact since the text was
  // queued, or quiet hours may have begun (then it waits, queued, until they end).
  if (!claimed.contactId || !s.get(sql`SELECT 1 AS x FROM contacts WHERE id = ${claimed.contactId}`)) return notSent("not sent: the contact no longer exists");
  const gate = checkOutbound(s, { contact_id: claimed.contactId, channel: "sms" });
  const lasting = gate.reasons.filter((r) => r.code !== "quiet_hours");
  if (lasting.length) return notSent(`not sent: ${lasting.map((r) => r.message).join(" ")}`);
  if (!gate.allowed && gate.next_allowed_at) {
    s.db.update(messages).set({ status: "queued", statusDetail: `waiting: quiet hours until ${gate.next_allowed_at}`, updatedAt: nowIso() }).where(eq(messages.id, messageId)).run();
    return { kind: "wait", until: gate.next_allowed_at };
  }
  if (!providerConfigured) return notSent(NO_PROVIDER);
  return { kind: "claimed", to: claimed.toPhone, from: claimed.fromPhone, body: claimed.body, mediaUrls: claimed.mediaUrls };
}

export function finishSend(
  s: StoreContext,
  messageId: string,
  status: string,
  detail: string | null,
  { carrierOptOut, ...extra }: { provider?: string; providerMessageId?: string; sentAt?: string; errorCode?: number; carrierOptOut?: string } = {},
) {
  const now = nowIso();
  const finished = s.db
    .update(messages)
    .set({ status, statusDetail: detail, updatedAt: now, ...extra })
    .where(and(eq(messages.id, messageId), eq(messages.status, "sending")))
    .returning({ id: messages.id })
    .all();
  if (finished.length === 0) {
    // A delivery receipt came first and already moved the message on: keep its status.
    s.run(sql`UPDATE messages SET provider = coalesce(provider, ${extra.provider ?? null}), provider_message_id = coalesce(provider_message_id, ${extra.providerMessageId ?? null}),
      sent_at = coalesce(sent_at, ${extra.sentAt ?? null}), updated_at = ${now} WHERE id = ${messageId}`);
    return;
  }
  if (carrierOptOut) recordCarrierOptOut(s, messageId, carrierOptOut);
  if (status === "sent") messageEvent(s, "message.sent", messageId);
  else if (status === "failed" || status === "not_sent") messageEvent(s, "message.failed", messageId);
}

export function retrySend(s: StoreContext, messageId: string, reason: string) {
  s.db.update(messages).set({ status: "queued", statusDetail: `retrying: ${reason}`, updatedAt: nowIso() }).where(eq(messages.id, messageId)).run();
}

/** Sending gave up after max_retries: say so on the message. */
export function sendDeadLetter(s: StoreContext, messageId: string) {
  const failed = s.run(sql`UPDATE messages SET status = 'failed', updated_at = ${nowIso()},
    status_detail = 'failed: gave up after repeated provider errors' || CASE WHEN status_detail LIKE 'retrying: %'
      THEN ' (last: ' || substr(status_detail, 11) || ')' ELSE '' END
    WHERE id = ${messageId} AND status IN ('queued', 'sending')`);
  if (failed) messageEvent(s, "message.failed", messageId);
}
