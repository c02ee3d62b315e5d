import { sql } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import { type Contact } from "../schemas/contacts";
import { loadContact } from "./contacts";
import type { StoreContext } from "./context";
import { contactCreated, contactDeleted } from "./events";
import { recordChange } from "./history";
import { dropMergeCopies } from "./merges";
import { type PhoneTaken, dropSnapshots, snapshotName, loadSnapshots, putBack, removeRows, saveSnapshots, savedBlobs, takeSnapshot } from "./snapshots";

// The trash: a deleted contact with everything attached, kept 30 days (`trash`, its rows in snapshot_rows),
// restorable; the daily purge deletes it for good with its R2 objects.

export const TRASH_DAYS = 30;
const DAY_MS = 86_400_000;
const owner = (contactId: string) => `trash:${contactId}`;


/** Moves a contact and everything attached to the trash (404 for no such contact). */
export function trashContact(s: StoreContext, contactId: string, by: { kind: string; name: string | null } = s.who): void {
  const snap = takeSnapshot(s, contactId);
  const phones = (snap.rows.contact_phones ?? []).map((p) => p.phone_number as string);
  removeRows(s, contactId);
  const now = new Date();
  s.run(sql`INSERT INTO trash (contact_id, display_name, phones, deleted_by_kind, deleted_by_name, deleted_at, purge_after)
    VALUES (${contactId}, ${snapshotName(snap, "Unnamed contact")}, ${JSON.stringify(phones)}, ${by.kind}, ${by.name}, ${now.toISOString()},
      ${new Date(now.getTime() + TRASH_DAYS * DAY_MS).toISOString()})`);
  saveSnapshots(s, owner(contactId), [snap]);
  contactDeleted(s, contactId);
}

interface TrashRow {
  contact_id: string;
  display_name: string;
  phones: string;
  deleted_by_kind: string;
  deleted_by_name: string | null;
  deleted_at: string;
  purge_after: string;
}

/**
 * GET /api/trash: newest first. Each number says whether another live contact holds it now (it
 * called again and became a new contact, or a person added it elsewhere): restore leaves it there.
 */
export function listTrash(s: StoreContext, cursor: string | undefined, limit: number) {
  const after = cursor ? decodeCursor(cursor) : null;
  const rows = s.all<TrashRow>(sql`SELECT contact_id, display_name, phones, deleted_by_kind, deleted_by_name, deleted_at, purge_after FROM trash
    ${after ? sql`WHERE deleted_at < ${after[0]} OR (deleted_at = ${after[0]} AND contact_id < ${after[1]})` : sql``}
    ORDER BY deleted_at DESC, contact_id DESC LIMIT ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => {
      const phones = JSON.parse(r.phones) as string[];
      return {
        contact_id: r.contact_id,
        name: r.display_name,
        phones: phones.map((phone_number) => {
          const holder = s.get<{ id: string; name: string }>(sql`SELECT c.id, trim(c.first_name || ' ' || c.last_name) AS name
            FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE p.phone_number = ${phone_number}`);
          return { phone_number, now_held_by: holder ? { contact_id: holder.id, name: holder.name || null } : null };
        }),
        deleted_at: r.deleted_at,
        deleted_by: r.deleted_by_name ?? (r.deleted_by_kind === "api_key" ? "An API key" : null),
        purge_after: r.purge_after,
      };
    }),
    total: Number(s.get<{ n: number }>(sql`SELECT count(*) AS n FROM trash`)?.n ?? 0),
    next_cursor: rows.length > limit && last ? encodeCursor(last.deleted_at, last.contact_id) : null,
  };
}

/**
 * POST /api/contacts/{id}/restore: the contact comes back as it was deleted, with its calls,
 * messages, notes, todos, consent and history. A number another contact holds now stays with that
 * contact (phones_taken says which: merge the two if they are one person).
 */
export function restoreContact(s: StoreContext, contactId: string): { contact: Contact; phones_taken: PhoneTaken[] } {
  const [snap] = s.get(sql`SELECT 1 AS x FROM trash WHERE contact_id = ${contactId}`) ? loadSnapshots(s, owner(contactId)) : [];
  if (!snap) {
    if (s.get(sql`SELECT 1 AS x FROM contacts WHERE id = ${contactId}`)) throw new Problem(409, "This contact is not in the trash: it was restored already.");
    throw notFound("Contact in the trash");
  }
  const { phones_taken } = putBack(s, snap);
  s.run(sql`DELETE FROM trash WHERE contact_id = ${contactId}`);
  dropSnapshots(s, owner(contactId));
  recordChange(s, contactId, "restored", null, phones_taken.length ? { phones_taken: phones_taken.map((p) => p.phone_number) } : true);
  const contact = loadContact(s, contactId);
  contactCreated(s, contact);
  return { contact, phones_taken };
}

/** Deletes a trashed contact for good (an erasure; the purge): its R2 objects go to the outbox. */
export function dropFromTrash(s: StoreContext, contactId: string): { found: boolean; blobKeys: string[] } {
  if (!s.get(sql`SELECT 1 AS x FROM trash WHERE contact_id = ${contactId}`)) return { found: false, blobKeys: [] };
  const keys = savedBlobs(s, owner(contactId));
  s.run(sql`DELETE FROM trash WHERE contact_id = ${contactId}`);
  dropSnapshots(s, owner(contactId));
  s.deleteBlobs(keys);
  return { found: true, blobKeys: keys };
}

/**
 * The daily purge (the cron trigger, for every organization): trash older than TRASH_DAYS goes
 * for good with its R2 objects, and merges past their undo window drop the copies undo needed.
 */
export function purgeExpired(s: StoreContext, now: string = nowIso()): { contacts: number; merges: number } {
  const due = s.all<{ contact_id: string }>(sql`SELECT contact_id FROM trash WHERE purge_after <= ${now} ORDER BY purge_after LIMIT 5000`);
  for (const { contact_id } of due) dropFromTrash(s, contact_id);
  const merges = s.all<{ id: string }>(
    sql`SELECT id FROM merges WHERE undo_until <= ${now} AND EXISTS (SELECT 1 FROM snapshot_rows WHERE owner = 'merge:' || merges.id)`,
  );
  for (const { id } of merges) dropMergeCopies(s, id);
  return { contacts: due.length, merges: merges.length };
}
