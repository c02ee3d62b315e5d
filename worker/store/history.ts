import { sql } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { newId, nowIso } from "../lib/ids";
import { assertContact } from "./contacts";
import type { StoreContext } from "./context";

// Field history (contact_history): who changed which of a contact's fields, numbers, emails,
// addresses, tags, assignments, status or consent, from what to what.

/** What a change was made by, beyond the request's member or key (events' `by`). */
export interface By {
  kind?: string;
  call_id?: string;
  import_id?: string;
  bulk_job_id?: string;
  merge_id?: string;
  message_id?: string;
}

/** Consent recorded without a person: who the history names. */
const CONSENT_SOURCES: Record<string, string> = { keyword: "The contact (by text)", carrier: "The carrier", call_transcript: "AI" };

interface Author {
  kind: string;
  id: string | null;
  name: string | null;
  via: string | null;
}

/** Who a change is recorded for: the enrichment of a call, an import, a bulk change or merge (by whom), else the caller. */
function authorOf(s: StoreContext, by: By | undefined): Author {
  const who = s.who;
  if (by?.kind === "enrichment") return { kind: "enrichment", id: null, name: "AI enrichment", via: by.call_id ?? null };
  if (by?.import_id) {
    const row = s.get<{ name: string | null; user: string | null }>(sql`SELECT created_by_name AS name, created_by_user_id AS user FROM imports WHERE id = ${by.import_id}`);
    return { kind: "import", id: row?.user ?? null, name: row?.name ?? null, via: by.import_id };
  }
  if (by?.bulk_job_id) {
    const row = s.get<{ name: string | null; user: string | null }>(sql`SELECT created_by_name AS name, created_by_user_id AS user FROM bulk_jobs WHERE id = ${by.bulk_job_id}`);
    return { kind: "bulk", id: row?.user ?? null, name: row?.name ?? null, via: by.bulk_job_id };
  }
  if (by?.kind && by.kind in CONSENT_SOURCES) return { kind: by.kind, id: null, name: null, via: by.call_id ?? by.message_id ?? null };
  if (by?.merge_id) return { kind: "merge", id: who.id, name: who.name, via: by.merge_id };
  return { kind: who.kind, id: who.id, name: who.name, via: null };
}

function insertChange(s: StoreContext, a: Author, contactId: string, field: string, oldValue: unknown, newValue: unknown) {
  s.run(sql`INSERT INTO contact_history (id, contact_id, field, old_value, new_value, by_kind, by_id, by_name, via_id, created_at)
    VALUES (${newId()}, ${contactId}, ${field}, ${JSON.stringify(oldValue ?? null)}, ${JSON.stringify(newValue ?? null)}, ${a.kind}, ${a.id}, ${a.name}, ${a.via}, ${nowIso()})`);
}

/** Records one change (values as JSON). */
export function recordChange(s: StoreContext, contactId: string, field: string, oldValue: unknown, newValue: unknown, by?: By) {
  insertChange(s, authorOf(s, by), contactId, field, oldValue, newValue);
}

/**
 * Records each field that differs between two views of each contact (historyFacts); who made the
 * change is looked up once for all of them (an import's chunk, a bulk change's 500 contacts).
 */
export function recordDiffs(s: StoreContext, views: { contactId: string; before: Record<string, unknown>; after: Record<string, unknown> }[], by?: By) {
  let author: Author | undefined;
  for (const { contactId, before, after } of views) {
    for (const [field, value] of Object.entries(after)) {
      const old = before[field] ?? null;
      if (JSON.stringify(value ?? null) !== JSON.stringify(old)) insertChange(s, (author ??= authorOf(s, by)), contactId, field, old, value);
    }
  }
}

interface HistoryRow {
  id: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
  by_kind: string;
  by_id: string | null;
  by_name: string | null;
  via_id: string | null;
  at: string;
}

export const historyJson = (r: HistoryRow) => ({
  id: r.id,
  field: r.field,
  old_value: r.old_value === null ? null : (JSON.parse(r.old_value) as unknown),
  new_value: r.new_value === null ? null : (JSON.parse(r.new_value) as unknown),
  by: { kind: r.by_kind, id: r.by_id, name: r.by_name },
  via_id: r.via_id,
  at: r.at,
});

/** GET /api/contacts/{id}/history: newest first, a page after `cursor`. */
export function historyOf(s: StoreContext, contactId: string, cursor: string | undefined, limit: number) {
  assertContact(s, contactId);
  const after = cursor ? decodeCursor(cursor)[1] : null;
  const rows = s.all<HistoryRow>(sql`SELECT id, field, old_value, new_value, by_kind, by_id, by_name, via_id, created_at AS at FROM contact_history
    WHERE contact_id = ${contactId} ${after ? sql`AND id < ${after}` : sql``} ORDER BY id DESC LIMIT ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(historyJson), next_cursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null };
}

const LABELS: Record<string, string> = {
  first_name: "first name",
  last_name: "last name",
  job_title: "job title",
  pipeline_stage: "pipeline stage",
  external_id: "external id",
  preferred_language: "language",
  date_of_birth: "date of birth",
  avatar_url: "photo",
  ai_summary: "summary",
  assigned_to: "assignees",
  phones: "phone numbers",
  "consent.sms": "SMS consent",
  "consent.voice": "call consent",
  "consent.email": "email consent",
};

const WHO: Record<string, string> = { ...CONSENT_SOURCES,  enrichment: "AI", api_key: "An API key", system: "The system", import: "An import", bulk: "A bulk change", merge: "A merge" };

/** A value as a person reads it in the timeline. */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === "object" ? Object.values(v as object).filter((x) => x !== null && x !== false && x !== true).join(", ") : String(v))).join("; ") : "—";
  return String(value);
}

/** The activity timeline's line for a change: "AI filled company from a call", "Ana changed status". */
export function changeLine(r: HistoryRow): { title: string; detail: string } {
  const oldValue = r.old_value === null ? null : (JSON.parse(r.old_value) as unknown);
  const newValue = r.new_value === null ? null : (JSON.parse(r.new_value) as unknown);
  const empty = (v: unknown) => v === null || v === "" || (Array.isArray(v) && v.length === 0);
  const label = LABELS[r.field] ?? r.field.replace(/_/g, " ");
  const name = r.by_name ?? WHO[r.by_kind] ?? "Someone";
  if (r.field === "merged") return { title: `${name} merged ${shown(newValue)} into this contact`, detail: "" };
  if (r.field === "restored") return { title: `${name} restored this contact from the trash`, detail: "" };
  const who = r.by_kind === "enrichment" ? "AI" : name;
  const verb = empty(oldValue) ? "filled" : empty(newValue) ? "cleared" : "changed";
  const how = { enrichment: " from a call", import: " in an import", bulk: " in a bulk change", merge: " by merging" }[r.by_kind] ?? "";
  return { title: `${who} ${verb} ${label}${how}`, detail: `${shown(oldValue)} → ${shown(newValue)}` };
}

export type { HistoryRow };
