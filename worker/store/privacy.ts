import { sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import type { StoreContext } from "./context";
import { deleteContact, missingContact } from "./contacts";
import { contactDeleted } from "./events";
import type { Actor } from "./members";
import { byParent } from "./portability";
import { takeSnapshot } from "./snapshots";
import { dropMergeCopies } from "./merges";
import { dropFromTrash } from "./trash";

// A person's privacy requests: everything held about them in one document, and erasure for good.

type Row = Record<string, unknown>;

/**
 * Everything the store holds about one contact, rows as stored (column names): the contact, its
 * numbers, addresses, tags and members by name, consent history, memory, calls with their
 * analyses, messages with their media, notes and todos. Transcripts are in R2: the Worker adds
 * each call's text in place of its key.
 */
export function personalData(s: StoreContext, contactId: string) {
  // The same rows the trash keeps (one list of what hangs off a contact), in the export's order.
  const { contact, rows: r } = takeSnapshot(s, contactId);
  const of = (table: string) => r[table] ?? [];
  const sorted = (list: Row[], key: string) => [...list].sort((a, b) => ((a[key] as string) < (b[key] as string) ? -1 : (a[key] as string) > (b[key] as string) ? 1 : 0));
  const analyses = byParent(sorted(of("call_analyses"), "created_at"), "call_id");
  const media = byParent(sorted(of("message_media"), "position"), "message_id");
  return {
    contact,
    phones: of("contact_phones"),
    emails: of("contact_emails"),
    addresses: of("contact_addresses"),
    tags: s.all<Row>(sql`SELECT t.name, ct.created_at AS tagged_at FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = ${contactId} ORDER BY t.name_normalized`),
    assigned_members: s.all<Row>(sql`SELECT m.name, m.email, cu.created_at AS assigned_at FROM contact_user cu JOIN members m ON m.id = cu.member_id
      WHERE cu.contact_id = ${contactId} ORDER BY m.name`),
    consent: of("consent_events"),
    memory: of("contact_memory")[0] ?? null,
    calls: sorted(of("calls"), "started_at").map((call): Row => ({ ...call, analyses: analyses.get(call.id as string) ?? [] })),
    messages: sorted(of("messages"), "created_at").map((m) => ({
      ...m,
      media: (media.get(m.id as string) ?? []).map((item) => ({ ...item, url: `/api/messages/${m.id}/media/${item.position}` })),
    })),
    notes: sorted(of("notes"), "created_at"),
    todos: sorted(of("todos"), "created_at"),
    history: sorted(of("contact_history"), "id"),
  };
}

export type PersonalData = ReturnType<typeof personalData>;

/**
 * Erases a contact for good: the contact and everything attached (the foreign keys cascade), the
 * webhook events that carried its data (their deliveries with them), and — through the Worker,
 * at once, with the alarm as a safety net — its transcripts and media in R2. What is left is an
 * anonymous record: when, by whom, how many rows of each kind. contact.deleted tells integrators.
 */
export function eraseContact(s: StoreContext, contactId: string, actor: Actor): { erasure_id: string; blob_keys: string[]; counts: Record<string, number> } {
  const trashed = s.get(sql`SELECT 1 AS x FROM trash WHERE contact_id = ${contactId}`) !== undefined;
  if (!trashed && !s.get(sql`SELECT 1 AS x FROM contacts WHERE id = ${contactId}`)) throw missingContact(s, contactId);
  // Webhook events about the person (any event names its contact_id), delivered or not, and the
  // copies merges into this contact kept for their undo (the merged contacts were this person).
  const webhookEvents = s.run(sql`DELETE FROM webhook_events WHERE json_extract(payload, '$.data.contact_id') = ${contactId}`);
  const merges = s.all<{ id: string }>(sql`DELETE FROM merges WHERE survivor_id = ${contactId} RETURNING id`);
  for (const { id } of merges) dropMergeCopies(s, id);
  const mergeCopies = merges.length;
  s.run(sql`DELETE FROM merged_contacts WHERE survivor_id = ${contactId}`);
  if (trashed) {
    // In the trash: its copy there holds everything.
    const { blobKeys } = dropFromTrash(s, contactId);
    return recordErasure(s, contactId, actor, { trashed_contact: 1, merge_copies: mergeCopies, webhook_events: webhookEvents, stored_files: blobKeys.length }, blobKeys);
  }
  const count = (query: ReturnType<typeof sql>) => Number(s.get<{ n: number }>(query)?.n ?? 0);
  const counts: Record<string, number> = {
    phones: count(sql`SELECT count(*) AS n FROM contact_phones WHERE contact_id = ${contactId}`),
    emails: count(sql`SELECT count(*) AS n FROM contact_emails WHERE contact_id = ${contactId}`),
    addresses: count(sql`SELECT count(*) AS n FROM contact_addresses WHERE contact_id = ${contactId}`),
    calls: count(sql`SELECT count(*) AS n FROM calls WHERE contact_id = ${contactId}`),
    messages: count(sql`SELECT count(*) AS n FROM messages WHERE contact_id = ${contactId}`),
    notes: count(sql`SELECT count(*) AS n FROM notes WHERE contact_id = ${contactId}`),
    todos: count(sql`SELECT count(*) AS n FROM todos WHERE contact_id = ${contactId}`),
    consent_entries: count(sql`SELECT count(*) AS n FROM consent_events WHERE contact_id = ${contactId}`),
    history_entries: count(sql`SELECT count(*) AS n FROM contact_history WHERE contact_id = ${contactId}`),
  };
  counts.merge_copies = mergeCopies;
  counts.webhook_events = webhookEvents;
  const blobKeys = deleteContact(s, contactId);
  counts.stored_files = blobKeys.length;
  return recordErasure(s, contactId, actor, counts, blobKeys);
}

function recordErasure(s: StoreContext, contactId: string, actor: Actor, counts: Record<string, number>, blobKeys: string[]) {
  const id = newId();
  s.run(sql`INSERT INTO erasures (id, erased_by_user_id, erased_by_name, counts, created_at)
    VALUES (${id}, ${actor.userId}, ${actor.name}, ${JSON.stringify(counts)}, ${nowIso()})`);
  contactDeleted(s, contactId);
  return { erasure_id: id, blob_keys: blobKeys, counts };
}

export function listErasures(s: StoreContext) {
  return s.all<{ id: string; erased_at: string; erased_by: string | null; counts: string }>(
    sql`SELECT id, created_at AS erased_at, erased_by_name AS erased_by, counts FROM erasures ORDER BY created_at DESC LIMIT 500`,
  ).map((r) => ({ ...r, counts: JSON.parse(r.counts) as Record<string, number> }));
}
