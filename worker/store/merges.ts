import { sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import type { Contact } from "../schemas/contacts";
import { loadContact, loadContacts, missingContact } from "./contacts";
import { type StoreContext, idsIn } from "./context";
import { contactCreated, emitContactUpdated, trackContact } from "./events";
import { recordChange } from "./history";
import { type ContactSnapshot, dropSnapshots, loadSnapshots, putBack, removeRows, sameSnapshot, saveSnapshots, snapshotName, takeSnapshot } from "./snapshots";

// Merging contacts into one (POST /api/contacts/{id}/merge) and undoing it within 30 days
// (POST /api/merges/{id}/undo): the contacts as they were are kept in the merge, and undo puts
// them back while the survivor is still exactly as the merge left it.

export const MERGE_UNDO_DAYS = 30;
export const MERGE_MAX = 20;

/** The fields a merge chooses (the survivor's unless empty, or the contact `fields` names). */
export const MERGE_FIELDS = [
  "first_name",
  "last_name",
  "company",
  "job_title",
  "source",
  "status",
  "pipeline_stage",
  "external_id",
  "timezone",
  "preferred_language",
  "date_of_birth",
  "gender",
  "avatar_url",
  "ai_summary",
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

type Row = Record<string, unknown>;
/** Where a merge keeps its contacts as they were, and the survivor as it left it (snapshot_rows). */
const BEFORE = (mergeId: string) => `merge:${mergeId}`;
const AFTER = (mergeId: string) => `merged:${mergeId}`;

/** A merge past its undo window, or of a contact erased: its copies go. */
export function dropMergeCopies(s: StoreContext, mergeId: string) {
  dropSnapshots(s, BEFORE(mergeId));
  dropSnapshots(s, AFTER(mergeId));
}
const empty = (v: unknown) => v === null || v === undefined || (typeof v === "string" && v.trim() === "");

export interface MergeResult {
  merge_id: string;
  contact: Contact;
  merged_ids: string[];
  undo_until: string;
}

/**
 * Folds `others` into `survivorId`: numbers, emails, addresses, tags, assignments, calls,
 * messages, notes, todos, memory, consent and field history move; each field keeps the
 * survivor's value unless it is empty or `fields` picks another contact's. All in one transaction.
 */
export function mergeContacts(s: StoreContext, survivorId: string, others: string[], fields: Partial<Record<MergeField, string>>): MergeResult {
  const merged = [...new Set(others)];
  if (merged.length === 0) throw new Problem(400, "contact_ids must name at least one other contact", { errors: [{ field: "contact_ids", message: "is empty" }] });
  if (merged.includes(survivorId)) throw new Problem(400, "A contact cannot be merged into itself", { errors: [{ field: "contact_ids", message: "includes the contact merged into" }] });
  if (merged.length > MERGE_MAX) throw new Problem(400, `At most ${MERGE_MAX} contacts merge at once`, { errors: [{ field: "contact_ids", message: `has more than ${MERGE_MAX}` }] });
  const all = [survivorId, ...merged];
  const before: Record<string, ContactSnapshot> = {};
  for (const id of all) {
    if (!s.get(sql`SELECT 1 AS x FROM contacts WHERE id = ${id}`)) throw missingContact(s, id);
    before[id] = takeSnapshot(s, id);
  }
  for (const [field, from] of Object.entries(fields)) {
    if (!(MERGE_FIELDS as readonly string[]).includes(field)) throw new Problem(400, `fields.${field} is not a field a merge chooses`, { errors: [{ field: `fields.${field}`, message: "unknown field" }] });
    if (!all.includes(from as string)) throw new Problem(400, `fields.${field} must name one of the contacts being merged`, { errors: [{ field: `fields.${field}`, message: "is not one of the merged contacts" }] });
  }

  const mergeId = newId();
  const now = nowIso();
  const names = merged.map((id) => snapshotName(before[id]!, "an unnamed contact"));

  trackContact(
    s,
    survivorId,
    () => {
      const values: Row = {};
      for (const field of MERGE_FIELDS) {
        const from = fields[field];
        const pick = from ? before[from]!.contact[field] : [survivorId, ...merged].map((id) => before[id]!.contact[field]).find((v) => !empty(v));
        values[field] = pick ?? before[survivorId]!.contact[field];
      }
      const created = all.map((id) => before[id]!.contact.created_at as string).sort()[0];
      const contacted = all.map((id) => before[id]!.contact.last_contacted_at as string | null).filter((v): v is string => !!v).sort().at(-1) ?? null;
      s.run(sql`UPDATE contacts SET ${sql.join(
        Object.entries(values).map(([k, v]) => sql`${sql.identifier(k)} = ${v as string | null}`),
        sql`, `,
      )}, created_at = ${created}, last_contacted_at = ${contacted}, updated_at = ${now} WHERE id = ${survivorId}`);

      // Channels: an email the survivor has already goes; the survivor's preferred stay preferred.
      s.run(sql`DELETE FROM contact_emails WHERE contact_id IN ${idsIn(merged)}
        AND (email_normalized IN (SELECT email_normalized FROM contact_emails WHERE contact_id = ${survivorId})
          OR id NOT IN (SELECT min(id) FROM contact_emails WHERE contact_id IN ${idsIn(merged)} GROUP BY email_normalized))`);
      for (const [table, flag] of [["contact_phones", "is_preferred"], ["contact_emails", "is_preferred"], ["contact_addresses", "is_primary"]] as const) {
        const hasOne = s.get(sql`SELECT 1 AS x FROM ${sql.identifier(table)} WHERE contact_id = ${survivorId} AND ${sql.identifier(flag)} = 1`);
        s.run(sql`UPDATE ${sql.identifier(table)} SET contact_id = ${survivorId}${hasOne ? sql`, ${sql.identifier(flag)} = 0` : sql``} WHERE contact_id IN ${idsIn(merged)}`);
        // Without one of its own, the survivor keeps one of the others' (the oldest).
        if (!hasOne) {
          s.run(sql`UPDATE ${sql.identifier(table)} SET ${sql.identifier(flag)} = 0 WHERE contact_id = ${survivorId} AND ${sql.identifier(flag)} = 1
            AND id != (SELECT id FROM ${sql.identifier(table)} WHERE contact_id = ${survivorId} AND ${sql.identifier(flag)} = 1 ORDER BY created_at, id LIMIT 1)`);
        }
      }
      s.run(sql`INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, created_at) SELECT ${survivorId}, tag_id, min(created_at) FROM contact_tags WHERE contact_id IN ${idsIn(merged)} GROUP BY tag_id`);
      s.run(sql`INSERT OR IGNORE INTO contact_user (contact_id, member_id, created_at) SELECT ${survivorId}, member_id, min(created_at) FROM contact_user WHERE contact_id IN ${idsIn(merged)} GROUP BY member_id`);
      s.run(sql`INSERT OR IGNORE INTO import_created (import_id, contact_id) SELECT import_id, ${survivorId} FROM import_created WHERE contact_id IN ${idsIn(merged)}`);
      for (const table of ["calls", "messages", "notes", "todos", "consent_events", "contact_history"]) {
        s.run(sql`UPDATE ${sql.identifier(table)} SET contact_id = ${survivorId} WHERE contact_id IN ${idsIn(merged)}`);
      }
      mergeMemory(s, survivorId, all, before);
      // Consent: each channel's latest opt-in or opt-out across the contacts is the survivor's.
      s.run(sql`DELETE FROM contact_opt_outs WHERE contact_id = ${survivorId}`);
      s.run(sql`INSERT INTO contact_opt_outs (contact_id, channel)
        SELECT e.contact_id, e.channel FROM consent_events e WHERE e.contact_id = ${survivorId} AND e.action = 'opted_out'
          AND e.id = (SELECT max(x.id) FROM consent_events x WHERE x.contact_id = e.contact_id AND x.channel = e.channel AND x.action != 'help')`);
      s.run(sql`DELETE FROM contacts WHERE id IN ${idsIn(merged)}`);
      for (const id of merged) s.run(sql`INSERT OR REPLACE INTO merged_contacts (contact_id, survivor_id, merge_id) VALUES (${id}, ${survivorId}, ${mergeId})`);
    },
    { merge_id: mergeId },
  );
  recordChange(s, survivorId, "merged", null, names, { merge_id: mergeId });
  const undoUntil = new Date(Date.now() + MERGE_UNDO_DAYS * 86_400_000).toISOString();
  s.run(sql`INSERT INTO merges (id, survivor_id, merged_ids, merged_names, by_kind, by_name, created_at, undo_until)
    VALUES (${mergeId}, ${survivorId}, ${JSON.stringify(merged)}, ${JSON.stringify(names)}, ${s.who.kind}, ${s.who.name}, ${now}, ${undoUntil})`);
  saveSnapshots(s, BEFORE(mergeId), all.map((id) => before[id]!));
  saveSnapshots(s, AFTER(mergeId), [takeSnapshot(s, survivorId)]);
  for (const id of merged) s.emit("contact.deleted", { contact_id: id, merged_into: survivorId, merge_id: mergeId }, id);
  return { merge_id: mergeId, contact: loadContact(s, survivorId), merged_ids: merged, undo_until: undoUntil };
}

/** One memory for the merged person: the survivor's, then the others', and all their sources. */
function mergeMemory(s: StoreContext, survivorId: string, all: string[], before: Record<string, ContactSnapshot>) {
  const memories = all.map((id) => before[id]!.rows.contact_memory?.[0]).filter((m): m is Row => !!m);
  if (memories.length === 0) return;
  const content = memories.map((m) => String(m.content)).join("\n\n");
  const sources = [...new Set(memories.flatMap((m) => JSON.parse(String(m.sources ?? "[]")) as string[]))];
  const first = memories[0]!;
  s.run(sql`INSERT INTO contact_memory (contact_id, content, sources, model, updated_at) VALUES (${survivorId}, ${content}, ${JSON.stringify(sources)}, ${first.model as string | null}, ${nowIso()})
    ON CONFLICT (contact_id) DO UPDATE SET content = excluded.content, sources = excluded.sources, updated_at = excluded.updated_at`);
}

const TABLE_WORDS: Record<string, string> = {
  contact_phones: "numbers",
  contact_emails: "emails",
  contact_addresses: "addresses",
  contact_tags: "tags",
  contact_user: "assignments",
  contact_memory: "memory",
  consent_events: "consent",
  contact_history: "field changes",
  import_created: "imports",
  calls: "calls",
  call_analyses: "call analyses",
  todos: "todos",
  notes: "notes",
  messages: "messages",
  message_media: "media",
};

/** What differs between the survivor as the merge left it and as it is now, in words. */
function movedOn(then: ContactSnapshot, now: ContactSnapshot): string[] {
  const out: string[] = [];
  const fields = Object.keys(now.contact).filter((k) => k !== "updated_at" && JSON.stringify(now.contact[k]) !== JSON.stringify(then.contact[k]));
  if (fields.length) out.push(`${fields.join(", ")} changed`);
  for (const table of Object.keys(TABLE_WORDS)) {
    const a = then.rows[table] ?? [];
    const b = now.rows[table] ?? [];
    const key = (r: Row) => JSON.stringify(r);
    const was = new Set(a.map(key));
    const is = new Set(b.map(key));
    const added = b.filter((r) => !was.has(key(r))).length;
    const gone = a.filter((r) => !is.has(key(r))).length;
    if (added || gone) out.push(`${TABLE_WORDS[table]}: ${[added && `${added} added or changed`, gone && `${gone} removed or changed`].filter(Boolean).join(", ")}`);
  }
  return out;
}

export interface MergeJson {
  id: string;
  survivor_id: string;
  merged_ids: string[];
  merged_names: string[];
  by: string | null;
  created_at: string;
  undo_until: string;
  undone_at: string | null;
}

/**
 * Undoes a merge: every contact and every moved row as before the merge, while the survivor is
 * exactly as the merge left it (else 409 says what changed since: undo would lose it).
 */
export function undoMerge(s: StoreContext, mergeId: string): { contacts: Contact[] } {
  const row = s.get<{ survivor_id: string; merged_ids: string; undo_until: string; undone_at: string | null }>(
    sql`SELECT survivor_id, merged_ids, undo_until, undone_at FROM merges WHERE id = ${mergeId}`,
  );
  if (!row) throw notFound("Merge");
  if (row.undone_at) throw new Problem(409, "This merge was undone already.");
  if (row.undo_until <= nowIso()) throw new Problem(409, `A merge can be undone for ${MERGE_UNDO_DAYS} days; this one is older.`);
  const survivorId = row.survivor_id;
  if (!s.get(sql`SELECT 1 AS x FROM contacts WHERE id = ${survivorId}`)) {
    const trashed = s.get(sql`SELECT 1 AS x FROM trash WHERE contact_id = ${survivorId}`);
    throw new Problem(409, trashed ? "The merged contact is in the trash: restore it first, then undo the merge." : "The merged contact no longer exists.", { blocked_by: [trashed ? "in the trash" : "deleted"] });
  }
  const now = takeSnapshot(s, survivorId);
  const [after] = loadSnapshots(s, AFTER(mergeId));
  if (!after) throw new Problem(409, "This merge can no longer be undone.");
  if (!sameSnapshot(after, now)) {
    const changes = movedOn(after, now);
    throw new Problem(409, `The contact changed since the merge (${changes.join("; ") || "its data"}); undo would lose that, so it is blocked.`, { blocked_by: changes });
  }
  const was = loadContact(s, survivorId);
  const before = loadSnapshots(s, BEFORE(mergeId));
  removeRows(s, survivorId);
  for (const snap of before) {
    const { phones_taken } = putBack(s, snap);
    if (phones_taken.length) throw new Problem(409, `${phones_taken[0]!.phone_number} belongs to another contact now; undo is blocked.`, { blocked_by: phones_taken.map((p) => `${p.phone_number} is held by ${p.contact_id}`) });
  }
  s.run(sql`DELETE FROM merged_contacts WHERE merge_id = ${mergeId}`);
  s.run(sql`UPDATE merges SET undone_at = ${nowIso()} WHERE id = ${mergeId}`);
  dropMergeCopies(s, mergeId);
  const merged = JSON.parse(row.merged_ids) as string[];
  const contacts = loadContacts(s, [survivorId, ...merged]);
  emitContactUpdated(s, was, contacts[0]!, { merge_id: mergeId });
  for (const c of contacts.slice(1)) contactCreated(s, c);
  return { contacts };
}

/** GET /api/merges: the latest merges (newest first), with who merged whom and until when undo works. */
export function listMerges(s: StoreContext, limit: number, survivorId?: string): MergeJson[] {
  return s
    .all<{ id: string; survivor_id: string; merged_ids: string; merged_names: string; by_name: string | null; created_at: string; undo_until: string; undone_at: string | null }>(
      sql`SELECT id, survivor_id, merged_ids, merged_names, by_name, created_at, undo_until, undone_at FROM merges
        ${survivorId ? sql`WHERE survivor_id = ${survivorId}` : sql``} ORDER BY created_at DESC LIMIT ${limit}`,
    )
    .map((r) => ({
      id: r.id,
      survivor_id: r.survivor_id,
      merged_ids: JSON.parse(r.merged_ids) as string[],
      merged_names: JSON.parse(r.merged_names) as string[],
      by: r.by_name,
      created_at: r.created_at,
      undo_until: r.undo_until,
      undone_at: r.undone_at,
    }));
}
