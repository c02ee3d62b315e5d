import { sql } from "drizzle-orm";
import { nowIso } from "../lib/ids";
import type { ConsentChannel, ConsentEntryT, ConsentInputT, ConsentT } from "../schemas/consent";
import { CONSENT_CHANNELS } from "../schemas/consent";
import { assertContact } from "./contacts";
import type { StoreContext } from "./context";
import { recordChange } from "./history";

// The consent ledger (consent_events): append-only; a channel's status is its latest opt-in or
// opt-out. Keywords in inbound texts, carrier errors, the model reading a transcript, people and
// the API all write here; the outbound gate (outbound.ts) reads it.

/** Carrier-standard keywords (CTIA): the whole text, any case, spaces and punctuation around it ignored. */
const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]);
const OPT_IN = new Set(["START", "UNSTOP", "YES"]);
const HELP = new Set(["HELP", "INFO"]);

export type KeywordAction = "opted_out" | "opted_in" | "help";

/** The keyword an inbound text is, if its whole body is one. */
export function keywordOf(body: string): KeywordAction | null {
  const word = body
    .trim()
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, "")
    .toUpperCase();
  if (OPT_OUT.has(word)) return "opted_out";
  if (OPT_IN.has(word)) return "opted_in";
  if (HELP.has(word)) return "help";
  return null;
}

interface EntryRow {
  id: number;
  channel: ConsentChannel;
  action: ConsentEntryT["action"];
  source: ConsentEntryT["source"];
  message_id: string | null;
  call_id: string | null;
  evidence: string | null;
  note: string | null;
  actor_user_id: string | null;
  actor_name: string | null;
  created_at: string;
}

const entryJson = (r: EntryRow): ConsentEntryT => ({
  id: r.id,
  channel: r.channel,
  action: r.action,
  source: r.source,
  message_id: r.message_id,
  call_id: r.call_id,
  evidence: r.evidence,
  note: r.note,
  recorded_by: r.actor_user_id ? { user_id: r.actor_user_id, name: r.actor_name ?? "" } : null,
  created_at: r.created_at,
});

/** The latest opt-in or opt-out of one channel, if any. */
export function currentConsent(s: StoreContext, contactId: string, channel: ConsentChannel): ConsentEntryT | null {
  const row = s.get<EntryRow>(sql`SELECT * FROM consent_events WHERE contact_id = ${contactId} AND channel = ${channel} AND action != 'help' ORDER BY id DESC LIMIT 1`);
  return row ? entryJson(row) : null;
}

/** Each channel's status and the whole history, newest first. */
export function consentOf(s: StoreContext, contactId: string): ConsentT {
  assertContact(s, contactId);
  const history = s.all<EntryRow>(sql`SELECT * FROM consent_events WHERE contact_id = ${contactId} ORDER BY id DESC`).map(entryJson);
  const channels = Object.fromEntries(
    CONSENT_CHANNELS.map((channel) => {
      const latest = history.find((e) => e.channel === channel && e.action !== "help");
      return [channel, { status: latest ? latest.action : "unknown", since: latest?.created_at ?? null, source: latest?.source ?? null }];
    }),
  ) as ConsentT["channels"];
  return { contact_id: contactId, channels, history };
}

export interface ConsentRecord {
  channel: ConsentChannel;
  action: KeywordAction;
  source: ConsentEntryT["source"];
  messageId?: string | null;
  callId?: string | null;
  evidence?: string | null;
  note?: string | null;
  actor?: { userId: string; name: string } | null;
}

/** Appends to the ledger (and emits contact.opted_out / contact.opted_in when the status changes). */
export function recordConsent(s: StoreContext, contactId: string, r: ConsentRecord): void {
  const before = r.action === "help" ? null : currentConsent(s, contactId, r.channel);
  s.run(sql`INSERT INTO consent_events (contact_id, channel, action, source, message_id, call_id, evidence, note, actor_user_id, actor_name, created_at)
    VALUES (${contactId}, ${r.channel}, ${r.action}, ${r.source}, ${r.messageId ?? null}, ${r.callId ?? null}, ${r.evidence ?? null}, ${r.note ?? null},
      ${r.actor?.userId ?? null}, ${r.actor?.name ?? null}, ${nowIso()})`);
  if (r.action !== "help" && before?.action !== r.action) {
    // Without a person, the history names the source when it is not the request's member or key (a keyword text, the carrier, a transcript).
    const by = r.actor ? undefined : { kind: r.source, call_id: r.callId ?? undefined, message_id: r.messageId ?? undefined };
    recordChange(s, contactId, `consent.${r.channel}`, before?.action ?? "unknown", r.action, by);
    s.emit(`contact.${r.action}`, { contact_id: contactId, channel: r.channel, source: r.source, message_id: r.messageId ?? null, call_id: r.callId ?? null, evidence: r.evidence ?? null }, contactId);
  }
}

/** POST /api/contacts/{id}/consent: a person or the API records consent given or withdrawn. */
export function setConsent(s: StoreContext, contactId: string, body: ConsentInputT, actor: { userId: string; name: string } | null): ConsentT {
  assertContact(s, contactId);
  recordConsent(s, contactId, { channel: body.channel, action: body.status, source: body.source ?? (actor ? "user" : "api"), note: body.note ?? null, actor });
  return consentOf(s, contactId);
}

/** An inbound text that is a keyword: recorded on the sender's SMS consent. */
export function applyKeyword(s: StoreContext, contactId: string | null, messageId: string, body: string): KeywordAction | null {
  const action = contactId ? keywordOf(body) : null;
  if (!contactId || !action) return null;
  recordConsent(s, contactId, { channel: "sms", action, source: "keyword", messageId, evidence: body.trim().slice(0, 160) });
  return action;
}

/** The carrier refused a text because its recipient opted out (Twilio 21610): so the ledger says too. */
export function recordCarrierOptOut(s: StoreContext, messageId: string, evidence: string): void {
  const row = s.get<{ contact_id: string | null }>(sql`SELECT contact_id FROM messages WHERE id = ${messageId}`);
  if (row?.contact_id) recordConsent(s, row.contact_id, { channel: "sms", action: "opted_out", source: "carrier", messageId, evidence });
}

/**
 * The caller asked, in a call, not to be contacted: the call's contact is opted out of calls and
 * texts, the quote as evidence. Only ever a restriction: nothing a model reads opts anyone in.
 */
export function recordSpokenOptOut(s: StoreContext, callId: string, quote: string): void {
  const row = s.get<{ contact_id: string | null }>(sql`SELECT contact_id FROM calls WHERE id = ${callId}`);
  if (!row?.contact_id) return;
  for (const channel of ["voice", "sms"] as const) recordConsent(s, row.contact_id, { channel, action: "opted_out", source: "call_transcript", callId, evidence: quote });
}
