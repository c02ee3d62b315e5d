import { type SQL, getTableName, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { notFound } from "../lib/problem";
import { type StoreContext, idsIn } from "./context";
import { formsOf, insert, rows } from "./portability";
import * as t from "./schema";

// A contact with everything attached, as rows (column names) by table: what the trash keeps and
// what a merge's undo puts back. Taken and put back inside one transaction each.

type Row = Record<string, unknown>;

/** The tables that hang off a contact, parents before the rows that refer to them. */
const CHILDREN: { table: SQLiteTable; of: (ids: { contact: string; calls: string[]; messages: string[] }) => SQL }[] = [
  { table: t.contactPhones, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.contactEmails, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.contactAddresses, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.contactTags, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.contactUser, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.contactMemory, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.consentEvents, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.contactHistory, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.importCreated, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.calls, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.callAnalyses, of: (x) => sql`call_id IN ${idsIn(x.calls)}` },
  { table: t.todos, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.notes, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.messages, of: (x) => sql`contact_id = ${x.contact}` },
  { table: t.messageMedia, of: (x) => sql`message_id IN ${idsIn(x.messages)}` },
];

export interface ContactSnapshot {
  contact: Row;
  /** Rows by table name, in CHILDREN's order; each table's rows in rowid order. */
  rows: Record<string, Row[]>;
}

/** The contact and everything attached, as stored (404 for no such contact). */
export function takeSnapshot(s: StoreContext, contactId: string): ContactSnapshot {
  const [contact] = rows(s, t.contacts, sql`id = ${contactId}`);
  if (!contact) throw notFound("Contact");
  const ids = { contact: contactId, calls: [] as string[], messages: [] as string[] };
  const out: Record<string, Row[]> = {};
  for (const { table, of } of CHILDREN) {
    const list = rows(s, table, of(ids));
    out[getTableName(table)] = list;
    if (table === t.calls) ids.calls = list.map((r) => r.id as string);
    if (table === t.messages) ids.messages = list.map((r) => r.id as string);
  }
  return { contact, rows: out };
}

/** How a copied contact is named in the trash and a merge's record: its name, else its first number. */
export function snapshotName(snap: ContactSnapshot, unnamed: string): string {
  const c = snap.contact;
  const phone = snap.rows.contact_phones?.[0]?.phone_number as string | undefined;
  return `${String(c.first_name ?? "")} ${String(c.last_name ?? "")}`.trim() || phone || unnamed;
}

/** A phone of the snapshot that another live contact holds now (not put back). */
export interface PhoneTaken {
  phone_number: string;
  contact_id: string;
}

/**
 * Puts a snapshot back (the contact must not exist). What refers to something gone meanwhile is
 * adapted, never refused: a tag deleted or a member removed since is left out, a todo's assignee
 * or a call's line that is gone becomes none, and a number another contact holds now stays with
 * that contact (returned: one number is one live contact).
 */
export function putBack(s: StoreContext, snap: ContactSnapshot): { phones_taken: PhoneTaken[] } {
  // Each tag, member, line or import looked up once (a contact's calls share a line or two).
  const seen = new Map<string, boolean>();
  const once = (key: string, query: () => boolean) => {
    let found = seen.get(key);
    if (found === undefined) seen.set(key, (found = query()));
    return found;
  };
  const exists = (table: string, id: unknown) =>
    id != null && once(`${table}:${id}`, () => s.get(sql`SELECT 1 AS x FROM ${sql.identifier(table)} WHERE id = ${id as string}`) !== undefined);
  const live = (id: unknown) =>
    id != null && once(`live:${id}`, () => s.get(sql`SELECT 1 AS x FROM members WHERE id = ${id as string} AND removed_at IS NULL`) !== undefined);
  const taken: PhoneTaken[] = [];
  insert(s, 0, t.contacts, snap.contact);
  for (const { table } of CHILDREN) {
    const name = getTableName(table);
    for (const row of snap.rows[name] ?? []) {
      let r: Row | null = row;
      switch (name) {
        case "contact_phones": {
          const owner = s.get<{ contact_id: string }>(sql`SELECT contact_id FROM contact_phones WHERE phone_number = ${row.phone_number as string}`);
          if (owner) {
            taken.push({ phone_number: row.phone_number as string, contact_id: owner.contact_id });
            r = null;
          } else r = { ...row, ...formsOf(row) };
          break;
        }
        case "contact_tags":
          if (!exists("tags", row.tag_id)) r = null;
          break;
        case "contact_user":
          if (!live(row.member_id)) r = null;
          break;
        case "import_created":
          if (!exists("imports", row.import_id)) r = null;
          break;
        case "calls":
        case "messages":
          if (row.phone_line_id != null && !exists("phone_lines", row.phone_line_id)) r = { ...row, phone_line_id: null };
          break;
        case "todos":
          if (row.assignee_member_id != null && !exists("members", row.assignee_member_id)) r = { ...row, assignee_member_id: null };
          break;
      }
      if (r) insert(s, 0, table, r);
    }
  }
  return { phones_taken: taken };
}

/**
 * Removes a contact and everything attached without touching its R2 objects (a snapshot keeps
 * referring to them): the foreign keys cascade, the triggers keep the counters and the index.
 */
export function removeRows(s: StoreContext, contactId: string): boolean {
  return s.all(sql`DELETE FROM contacts WHERE id = ${contactId} RETURNING id`).length > 0;
}

/** Two snapshots of one contact are the same (every row, history and ids included). */
export const sameSnapshot = (a: ContactSnapshot, b: ContactSnapshot) => JSON.stringify(a) === JSON.stringify(b);

/** Keeps snapshots under `owner`, a stored row per row (snapshot_rows). */
export function saveSnapshots(s: StoreContext, owner: string, snaps: ContactSnapshot[]) {
  let seq = 0;
  const put = (contactId: string, table: string, row: Row) =>
    s.run(sql`INSERT INTO snapshot_rows (owner, seq, contact_id, table_name, data) VALUES (${owner}, ${seq++}, ${contactId}, ${table}, ${JSON.stringify(row)})`);
  for (const snap of snaps) {
    const id = snap.contact.id as string;
    put(id, "contacts", snap.contact);
    for (const { table } of CHILDREN) for (const row of snap.rows[getTableName(table)] ?? []) put(id, getTableName(table), row);
  }
}

/** The snapshots kept under `owner`, in the order they were saved. */
export function loadSnapshots(s: StoreContext, owner: string): ContactSnapshot[] {
  const out = new Map<string, ContactSnapshot>();
  for (const r of s.all<{ contact_id: string; table_name: string; data: string }>(
    sql`SELECT contact_id, table_name, data FROM snapshot_rows WHERE owner = ${owner} ORDER BY seq`,
  )) {
    const row = JSON.parse(r.data) as Row;
    if (r.table_name === "contacts") {
      out.set(r.contact_id, { contact: row, rows: Object.fromEntries(CHILDREN.map(({ table }) => [getTableName(table), [] as Row[]])) });
    } else out.get(r.contact_id)?.rows[r.table_name]?.push(row);
  }
  return [...out.values()];
}

/** The R2 objects the snapshots under `owner` refer to. */
export function savedBlobs(s: StoreContext, owner: string): string[] {
  return s
    .all<{ key: string | null }>(sql`SELECT json_extract(data, '$.transcript_key') AS key FROM snapshot_rows WHERE owner = ${owner} AND table_name = 'calls'
      UNION ALL SELECT json_extract(data, '$.r2_key') FROM snapshot_rows WHERE owner = ${owner} AND table_name = 'message_media'`)
    .flatMap((r) => (r.key ? [r.key] : []));
}

export function dropSnapshots(s: StoreContext, owner: string) {
  s.run(sql`DELETE FROM snapshot_rows WHERE owner = ${owner}`);
}
