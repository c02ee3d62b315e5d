import { asc, desc, eq, sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { type ParsedPhone, formatPhone, phoneForms } from "../lib/phone";
import { notFound } from "../lib/problem";
import type { CallInputT, StoredCallDetails } from "../schemas/calls";
import { assertContact } from "./contacts";
import { stubCreated } from "./events";
import { type StoreContext, inIds } from "./context";
import { callAnalyses, calls, phoneLines } from "./schema";

export type Resolution =
  | { contactId: string; created: boolean; phone: ParsedPhone }
  | { contactId: null; created: false; reason: "withheld" | "invalid"; phone: null }
  | { contactId: null; created: false; reason: "blocked"; phone: ParsedPhone };

const p = sql.placeholder;
const OWNER = sql`SELECT contact_id FROM contact_phones WHERE phone_number = ${p("phone")}`;
const STUB_PHONE = sql`INSERT INTO contact_phones (id, contact_id, phone_number, digits, national_digits, country, national, international, label, is_preferred, created_at)
  VALUES (${p("id")}, ${p("contactId")}, ${p("phone")}, ${p("digits")}, ${p("nationalDigits")}, ${p("country")}, ${p("national")}, ${p("international")}, NULL, 1, ${p("now")})`;
const STUB = sql`INSERT INTO contacts (id, first_name, last_name, source, status, created_at, updated_at)
  VALUES (${p("contactId")}, '', '', ${p("source")}, 'active', ${p("now")}, ${p("now")})`;

/**
 * resolve_contact: the contact that owns the caller id, or a stub created with it as preferred
 * phone. A plain transaction in the organization's own database: the store runs one request at
 * a time and nothing awaits between the lookup and the insert, so concurrent callers of the
 * same new number can never make two contacts. Withheld, unparseable and blocked caller ids create nothing.
 */
export function resolveCaller(s: StoreContext, rawPhone: string, source: string): Resolution {
  const found = lookupCaller(s, rawPhone);
  return "stubFor" in found ? createStub(s, found.stubFor, source) : found;
}

/** What a caller id resolves to without writing anything, or the number a stub is to be made for. */
export function lookupCaller(s: StoreContext, rawPhone: string): Resolution | { stubFor: ParsedPhone } {
  const parsed = s.parsePhone(rawPhone);
  if (!parsed.ok) return { contactId: null, created: false, reason: parsed.reason, phone: null };
  const phone = parsed.phone;
  // A blocked number resolves to nobody, even one a contact has: nothing is created for it.
  if (s.isBlocked(phone.e164)) return { contactId: null, created: false, reason: "blocked", phone };
  const [owner] = s.prepared<{ contact_id: string }>(OWNER, { phone: phone.e164 });
  return owner ? { contactId: owner.contact_id, created: false, phone } : { stubFor: phone };
}

function createStub(s: StoreContext, phone: ParsedPhone, source: string): Resolution {
  const contactId = newId();
  const now = nowIso();
  // The contact goes in before its phone (so its foreign key holds at once). The other order
  // needs PRAGMA defer_foreign_keys, and running a PRAGMA expires every prepared statement of
  // the connection: the next statements, with their trigger programs, were compiled again on
  // each new number — ~1 ms of a stub's ~1.25 ms of SQL. Reindexing the contact when its phone
  // arrives costs far less.
  s.prepared(STUB, { contactId, source, now });
  s.prepared(STUB_PHONE, { id: newId(), contactId, phone: phone.e164, digits: phone.digits, nationalDigits: phone.nationalDigits, ...phoneForms(phone.e164), now });
  stubCreated(s, contactId);
  return { contactId, created: true, phone };
}

/** The organization's line with this number (read with the organization's region), if any. */
export function lineOf(s: StoreContext, number: string | null | undefined): { id: string; name: string } | null {
  if (!number) return null;
  const parsed = s.parsePhone(number);
  if (!parsed.ok) return null;
  return s.get<{ id: string; name: string }>(sql`SELECT id, name FROM phone_lines WHERE phone_number = ${parsed.phone.e164}`) ?? null;
}

export const lineId = (s: StoreContext, number: string | null | undefined): string | null => lineOf(s, number)?.id ?? null;

/** last_contacted_at only moves forward. */
export function touchContact(s: StoreContext, contactId: string | null, at: string) {
  if (!contactId) return;
  s.run(sql`UPDATE contacts SET last_contacted_at = ${at} WHERE id = ${contactId} AND (last_contacted_at IS NULL OR last_contacted_at < ${at})`);
}

export interface RecordedCall {
  call_id: string;
  contact_id: string | null;
  contact_created: boolean;
  /** True when a call with the same external_id was already recorded. */
  existing: boolean;
  /** The caller's number is blocked: recorded without a contact. */
  blocked?: boolean;
}

/** Records a call and resolves its contact (the caller, or the callee of an outbound call). */
export function recordCall(s: StoreContext, body: CallInputT): RecordedCall {
  if (body.external_id) {
    const existing = s.db.select({ id: calls.id, contactId: calls.contactId }).from(calls).where(eq(calls.externalId, body.external_id)).get();
    if (existing) return { call_id: existing.id, contact_id: existing.contactId, contact_created: false, existing: true };
  }
  const [contactNumber, lineNumber] = body.direction === "outbound" ? [body.to_phone ?? "", body.caller_phone] : [body.caller_phone, body.to_phone];
  const caller = resolveCaller(s, contactNumber, "inbound_call");
  const id = newId();
  const now = nowIso();
  const startedAt = body.started_at ?? now;
  s.db
    .insert(calls)
    .values({
      id,
      contactId: caller.contactId,
      phoneLineId: lineId(s, lineNumber),
      externalId: body.external_id ?? null,
      direction: body.direction,
      callerPhone: body.caller_phone,
      toPhone: body.to_phone ?? null,
      blocked: caller.contactId === null && caller.reason === "blocked",
      attestation: body.attestation ?? null,
      startedAt,
      createdAt: now,
      updatedAt: now,
    })
    .run();
  touchContact(s, caller.contactId, startedAt);
  callRecorded(s, id);
  return { call_id: id, contact_id: caller.contactId, contact_created: caller.created, existing: false, ...(caller.contactId === null && caller.reason === "blocked" ? { blocked: true } : {}) };
}

function findCall(s: StoreContext, id: string) {
  const row = s.db.select({ id: calls.id, contactId: calls.contactId, transcriptKey: calls.transcriptKey }).from(calls).where(eq(calls.id, id)).get();
  if (!row) throw notFound("Call");
  return row;
}

/** 404 unless the call exists. */
export function assertCall(s: StoreContext, id: string): void {
  findCall(s, id);
}

/**
 * The call's transcription now lives at `key` (already written to R2 by the Worker); the object
 * it replaces is deleted once this commits. Marks enrichment pending.
 */
export function saveTranscription(
  s: StoreContext,
  id: string,
  t: { key: string; chars: number; ended_at?: string; duration_seconds?: number },
): void {
  const before = findCall(s, id);
  s.db
    .update(calls)
    .set({
      transcriptKey: t.key,
      transcriptChars: t.chars,
      ...(t.ended_at && { endedAt: t.ended_at }),
      ...(t.duration_seconds !== undefined && { durationSeconds: t.duration_seconds }),
      enrichmentStatus: "pending",
      enrichmentDetail: null,
      enrichmentClaimedAt: null,
      updatedAt: nowIso(),
    })
    .where(eq(calls.id, id))
    .run();
  if (before.transcriptKey !== t.key) s.deleteBlobs([before.transcriptKey]);
  s.emit("call.transcribed", { call_id: id, contact_id: before.contactId, transcript_chars: t.chars }, before.contactId);
}

/** call.recorded: the call's facts as stored (ids, direction, numbers, times), not its transcript. */
export function callRecorded(s: StoreContext, callId: string) {
  if (!s.wants("call.recorded")) return;
  const row = s.get<{ contact_id: string | null }>(sql`SELECT id AS call_id, contact_id, direction, caller_phone, to_phone, external_id, source, started_at, ended_at, duration_seconds
    FROM calls WHERE id = ${callId}`);
  if (row) s.emit("call.recorded", { ...row }, row.contact_id);
}

/** An admin asked to run enrichment again. */
export function requestEnrichment(s: StoreContext, id: string): void {
  findCall(s, id);
  s.db.update(calls).set({ enrichmentStatus: "pending", enrichmentDetail: null, enrichmentClaimedAt: null, updatedAt: nowIso() }).where(eq(calls.id, id)).run();
}

export function addAnalysis(s: StoreContext, callId: string, analyzer: string, results: Record<string, unknown>) {
  findCall(s, callId);
  const row = { id: newId(), callId, analyzer, results, createdAt: nowIso() };
  s.db.insert(callAnalyses).values(row).run();
  return { id: row.id, analyzer, results, created_at: row.createdAt };
}

/** CallDetails newest first, for one contact (at most 200) or for the given call ids. */
export function loadCallDetails(s: StoreContext, filter: { contactId: string } | { ids: string[] }): StoredCallDetails[] {
  if ("ids" in filter && filter.ids.length === 0) return [];
  const rows = s.db
    .select({ call: calls, lineName: phoneLines.name, lineNumber: phoneLines.phoneNumber })
    .from(calls)
    .leftJoin(phoneLines, eq(phoneLines.id, calls.phoneLineId))
    .where("ids" in filter ? inIds(calls.id, filter.ids) : eq(calls.contactId, filter.contactId))
    .orderBy(desc(calls.startedAt), desc(calls.id))
    .limit(200)
    .all();
  const callIds = rows.map((r) => r.call.id);
  const analyses = callIds.length
    ? s.db.select().from(callAnalyses).where(inIds(callAnalyses.callId, callIds)).orderBy(asc(callAnalyses.analyzer), desc(callAnalyses.createdAt)).all()
    : [];
  const region = s.defaultRegion();
  return rows.map(({ call, lineName, lineNumber }) => {
    const groups = new Map<string, { id: string; results: Record<string, unknown>; created_at: string }[]>();
    for (const a of analyses) {
      if (a.callId !== call.id) continue;
      const runs = groups.get(a.analyzer) ?? [];
      runs.push({ id: a.id, results: a.results as Record<string, unknown>, created_at: a.createdAt });
      groups.set(a.analyzer, runs);
    }
    return {
      id: call.id,
      contact_id: call.contactId,
      direction: call.direction,
      source: call.source,
      recording_url: call.recordingUrl,
      attestation: call.attestation,
      caller_phone: call.callerPhone,
      to_phone: call.toPhone,
      started_at: call.startedAt,
      ended_at: call.endedAt,
      duration_seconds: call.durationSeconds,
      received_on: lineNumber ? `${lineName} (${formatPhone(lineNumber, region)})` : null,
      transcript_key: call.transcriptKey,
      enrichment: {
        status: call.enrichmentStatus,
        detail: call.enrichmentDetail,
        model: call.enrichmentModel,
        prompt_tokens: call.enrichmentPromptTokens,
        completion_tokens: call.enrichmentCompletionTokens,
        enriched_at: call.enrichedAt,
      },
      analyses: [...groups].map(([analyzer, runs]) => ({ analyzer, runs })),
    };
  });
}

export function contactCalls(s: StoreContext, contactId: string): StoredCallDetails[] {
  assertContact(s, contactId);
  return loadCallDetails(s, { contactId });
}
