import { type SQL, getTableColumns, getTableName, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { isRegion, phoneForms } from "../lib/phone";
import { isZone } from "../lib/timezone";
import { Problem } from "../lib/problem";
import { type StoreContext, idsIn } from "./context";
import type { MemberRecord } from "./members";
import * as t from "./schema";

// The organization's data as NDJSON records (GET /api/export), and the way back (POST /api/restore):
// one record a line, rows keyed by their column names, children nested under their parent.

/** The record kinds, in the order an export writes them (parents before what refers to them). */
export const EXPORT_KINDS = ["settings", "member", "tag", "phone_line", "blocked_number", "contact", "call", "message", "note", "todo"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
type Row = Record<string, unknown>;

/** Columns a record may carry for a table: every stored column (not generated ones). */
function columnsOf(table: SQLiteTable): Map<string, { notNull: boolean; hasDefault: boolean }> {
  const out = new Map<string, { notNull: boolean; hasDefault: boolean }>();
  for (const c of Object.values(getTableColumns(table))) {
    if (!c.generated) out.set(c.name, { notNull: c.notNull, hasDefault: c.hasDefault });
  }
  return out;
}

const COLUMNS = new Map<SQLiteTable, Map<string, { notNull: boolean; hasDefault: boolean }>>();
const columns = (table: SQLiteTable) => {
  let c = COLUMNS.get(table);
  if (!c) COLUMNS.set(table, (c = columnsOf(table)));
  return c;
};

/** Rows of a table, only its stored columns, in a stable order (for export). */
export function rows(s: StoreContext, table: SQLiteTable, where: SQL, order = sql`rowid`, limit = -1): Row[] {
  const names = [...columns(table).keys()];
  return s.all<Row>(
    sql`SELECT ${sql.raw(names.map((n) => `"${n}"`).join(", "))} FROM ${sql.identifier(getTableName(table))} WHERE ${where} ORDER BY ${order} LIMIT ${limit}`,
  );
}

/**
 * A stored number's display forms, written anew from the number: a backup or a trash copy taken
 * before the store kept them has none.
 */
export function formsOf(row: unknown): Row {
  const phone = (row as Row | null)?.phone_number;
  return typeof phone === "string" ? { ...phoneForms(phone) } : {};
}

export function byParent(list: Row[], key: string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of list) {
    const k = r[key] as string;
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

export interface ExportPage {
  records: Row[];
  /** The cursor of the next page of this kind, or null when the kind is done. */
  next: string | null;
}

/**
 * One page of one kind of record, after `after` (ids are time-ordered UUIDs). Pages are short
 * transactions, so an export never holds up the organization's calls; a change made while an
 * export runs may or may not be in it (a point-in-time copy is the store's own recovery).
 */
export function exportPage(s: StoreContext, kind: ExportKind, after: string | null, limit: number): ExportPage {
  const from = after ?? "";
  const page = (table: SQLiteTable, build: (list: Row[]) => Row[]): ExportPage => {
    const list = rows(s, table, sql`id > ${from}`, sql`id`, limit + 1);
    const more = list.length > limit;
    const records = build(list.slice(0, limit));
    return { records, next: more ? (list[limit - 1]?.id as string) : null };
  };
  switch (kind) {
    case "settings":
      return {
        records: [{ type: "settings", default_region: s.defaultRegion(), timezone: s.quietHours().timezone, quiet_hours_start: s.quietHours().start, quiet_hours_end: s.quietHours().end }],
        next: null,
      };
    case "member":
      return page(t.members, (list) => list.map((data) => ({ type: "member", data })));
    case "tag":
      return page(t.tags, (list) => list.map((data) => ({ type: "tag", data })));
    case "phone_line":
      return page(t.phoneLines, (list) => list.map((data) => ({ type: "phone_line", data })));
    case "blocked_number":
      return page(t.blockedNumbers, (list) => list.map((data) => ({ type: "blocked_number", data })));
    case "contact":
      return page(t.contacts, (list) => {
        const ids = list.map((r) => r.id as string);
        const phones = byParent(rows(s, t.contactPhones, sql`contact_id IN ${idsIn(ids)}`), "contact_id");
        const emails = byParent(rows(s, t.contactEmails, sql`contact_id IN ${idsIn(ids)}`), "contact_id");
        const addresses = byParent(rows(s, t.contactAddresses, sql`contact_id IN ${idsIn(ids)}`), "contact_id");
        const tagged = byParent(rows(s, t.contactTags, sql`contact_id IN ${idsIn(ids)}`), "contact_id");
        const assigned = byParent(rows(s, t.contactUser, sql`contact_id IN ${idsIn(ids)}`), "contact_id");
        const memory = byParent(rows(s, t.contactMemory, sql`contact_id IN ${idsIn(ids)}`), "contact_id");
        const consent = byParent(rows(s, t.consentEvents, sql`contact_id IN ${idsIn(ids)}`, sql`id`), "contact_id");
        return list.map((data) => {
          const id = data.id as string;
          return {
            type: "contact",
            data,
            phones: phones.get(id) ?? [],
            emails: emails.get(id) ?? [],
            addresses: addresses.get(id) ?? [],
            tags: tagged.get(id) ?? [],
            assignments: assigned.get(id) ?? [],
            memory: memory.get(id)?.[0] ?? null,
            consent: consent.get(id) ?? [],
          };
        });
      });
    case "call":
      return page(t.calls, (list) => {
        const analyses = byParent(rows(s, t.callAnalyses, sql`call_id IN ${idsIn(list.map((r) => r.id as string))}`), "call_id");
        // The transcription's R2 key goes to the Worker, which writes the text in its place.
        return list.map((data) => ({ type: "call", data, analyses: analyses.get(data.id as string) ?? [] }));
      });
    case "message":
      return page(t.messages, (list) => {
        const media = byParent(rows(s, t.messageMedia, sql`message_id IN ${idsIn(list.map((r) => r.id as string))}`, sql`position`), "message_id");
        return list.map((data) => ({ type: "message", data, media: media.get(data.id as string) ?? [] }));
      });
    case "note":
      return page(t.notes, (list) => list.map((data) => ({ type: "note", data })));
    case "todo":
      return page(t.todos, (list) => list.map((data) => ({ type: "todo", data })));
  }
}

/** What restore puts back, children before nothing that refers to them. */
const CONTENT_TABLES: SQLiteTable[] = [
  t.consentEvents,
  t.messageMedia,
  t.callAnalyses,
  t.todos,
  t.notes,
  t.messages,
  t.contactMemory,
  t.contactTags,
  t.contactUser,
  t.contactPhones,
  t.contactEmails,
  t.contactAddresses,
  t.calls,
  t.phoneLines,
  t.blockedNumbers,
  t.tags,
  t.contacts,
];

function hasContent(s: StoreContext): boolean {
  return CONTENT_TABLES.some((table) => s.get(sql`SELECT 1 AS x FROM ${sql.identifier(getTableName(table))} LIMIT 1`) !== undefined);
}

/** A restore goes into an organization without data; the current members (from D1) come first. */
export function restoreBegin(s: StoreContext, current: MemberRecord[]) {
  if (hasContent(s)) {
    throw new Problem(409, "A backup can only be restored into an organization without data: this one already has contacts, tags, lines, calls or notes.");
  }
  for (const m of current) {
    s.run(sql`INSERT INTO members (id, user_id, name, email, role, removed_at) VALUES (${m.id}, ${m.userId}, ${m.name}, ${m.email}, ${m.role}, NULL)
      ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, name = excluded.name, email = excluded.email, role = excluded.role, removed_at = NULL`);
  }
  s.knownMembers.clear();
}

/** A restore failed part way: everything it wrote goes again (the organization was empty before). */
export function restoreAbort(s: StoreContext, membersBefore: string[]) {
  s.deleteBlobs(s.all<{ key: string }>(sql`SELECT transcript_key AS key FROM calls WHERE transcript_key IS NOT NULL`).map((r) => r.key));
  for (const table of CONTENT_TABLES) s.run(sql`DELETE FROM ${sql.identifier(getTableName(table))}`);
  s.run(sql`DELETE FROM members WHERE id NOT IN ${idsIn(membersBefore)}`);
  // The triggers counted the rows down to 0; a counter at 0 is the same as none.
  s.run(sql`DELETE FROM contact_counts WHERE n = 0`);
}

/** The ids in the store's copy of the members (what an aborted restore goes back to). */
export const memberIds = (s: StoreContext) => s.all<{ id: string }>(sql`SELECT id FROM members`).map((r) => r.id);

export interface RestoreLine {
  line: number;
  record: Row;
}

const bad = (line: number, detail: string) => new Problem(400, `line ${line}: ${detail}`, { errors: [{ field: `line ${line}`, message: detail }] });

/** Inserts one row after checking its fields against the table: only known columns, plain values. */
export function insert(s: StoreContext, line: number, table: SQLiteTable, row: unknown, overrides: Row = {}) {
  const name = getTableName(table);
  if (!row || typeof row !== "object" || Array.isArray(row)) throw bad(line, `a ${name} row must be an object`);
  const known = columns(table);
  const values: Row = { ...(row as Row), ...overrides };
  for (const [key, value] of Object.entries(values)) {
    if (!known.has(key)) throw bad(line, `${name} has no field "${key}"`);
    if (value !== null && typeof value !== "string" && typeof value !== "number") throw bad(line, `${name}.${key} must be text, a number or null`);
  }
  for (const [key, c] of known) {
    if (c.notNull && !c.hasDefault && values[key] == null) throw bad(line, `${name}.${key} is required`);
  }
  const keys = Object.keys(values).filter((k) => values[k] !== undefined);
  try {
    s.run(
      sql`INSERT INTO ${sql.identifier(name)} (${sql.raw(keys.map((k) => `"${k}"`).join(", "))}) VALUES (${sql.join(
        keys.map((k) => sql`${values[k]}`),
        sql`, `,
      )})`,
    );
  } catch (err) {
    throw bad(line, `${name} could not be restored (${err instanceof Error ? err.message.replace(/: SQLITE_\w+.*$/, "") : "refused"})`);
  }
}

const list = (line: number, value: unknown, what: string): unknown[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bad(line, `${what} must be a list`);
  return value;
};

/** Members the restored rows may refer to as current ones (not removed). */
function currentMembers(s: StoreContext): Set<string> {
  return new Set(s.all<{ id: string }>(sql`SELECT id FROM members WHERE removed_at IS NULL`).map((r) => r.id));
}

export interface RestoredSettings {
  defaultRegion?: string;
  quietHours?: { timezone: string | null; start: string; end: string };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A backup's time zone and quiet hours (older backups have none: the defaults stay). */
function restoredHours(line: number, record: Row): RestoredSettings["quietHours"] {
  const { timezone, quiet_hours_start: start, quiet_hours_end: end } = record;
  if (start === undefined && end === undefined && timezone === undefined) return undefined;
  if (typeof start !== "string" || !HHMM.test(start) || typeof end !== "string" || !HHMM.test(end)) throw bad(line, "settings.quiet_hours_start and _end must be HH:MM");
  if (timezone !== null && (typeof timezone !== "string" || !isZone(timezone))) throw bad(line, "settings.timezone must be an IANA time zone or null");
  return { timezone: timezone as string | null, start, end };
}

/**
 * Restores a batch of export records (after restoreBegin). Assignments and todo assignees of
 * people who are not members of this organization are left out; their names stay on notes.
 * Returns the settings the backup holds, applied when the whole restore has gone in.
 */
export function restoreBatch(s: StoreContext, lines: RestoreLine[]): RestoredSettings {
  const settings: RestoredSettings = {};
  const current = currentMembers(s);
  const now = new Date().toISOString();
  for (const { line, record } of lines) {
    const data = record.data as Row | undefined;
    switch (record.type) {
      case "settings":
        if (typeof record.default_region !== "string" || !isRegion(record.default_region)) throw bad(line, "settings.default_region must be a country code such as US");
        settings.defaultRegion = record.default_region;
        settings.quietHours = restoredHours(line, record);
        break;
      case "member":
        if (data && typeof data.id === "string" && !current.has(data.id)) {
          if (s.get(sql`SELECT 1 AS x FROM members WHERE id = ${data.id}`) === undefined) insert(s, line, t.members, data, { removed_at: (data.removed_at as string | null) ?? now });
        }
        break;
      case "tag":
        insert(s, line, t.tags, data);
        break;
      case "phone_line":
        insert(s, line, t.phoneLines, data);
        break;
      case "blocked_number":
        insert(s, line, t.blockedNumbers, data);
        s.forgetBlocked();
        break;
      case "contact": {
        insert(s, line, t.contacts, data);
        for (const r of list(line, record.phones, "phones")) insert(s, line, t.contactPhones, r, formsOf(r));
        for (const r of list(line, record.emails, "emails")) insert(s, line, t.contactEmails, r);
        for (const r of list(line, record.addresses, "addresses")) insert(s, line, t.contactAddresses, r);
        for (const r of list(line, record.tags, "tags")) insert(s, line, t.contactTags, r);
        for (const r of list(line, record.assignments, "assignments")) {
          if (current.has((r as Row).member_id as string)) insert(s, line, t.contactUser, r);
        }
        if (record.memory) insert(s, line, t.contactMemory, record.memory);
        for (const r of list(line, record.consent, "consent")) insert(s, line, t.consentEvents, r);
        break;
      }
      case "call":
        insert(s, line, t.calls, data);
        for (const r of list(line, record.analyses, "analyses")) insert(s, line, t.callAnalyses, r);
        break;
      case "message":
        insert(s, line, t.messages, data);
        // Media are copied again from where the provider serves them.
        for (const r of list(line, record.media, "media")) insert(s, line, t.messageMedia, r, { r2_key: null, stored_at: null });
        break;
      case "note":
        insert(s, line, t.notes, data);
        break;
      case "todo": {
        const assignee = data?.assignee_member_id;
        insert(s, line, t.todos, data, typeof assignee === "string" && !current.has(assignee) ? { assignee_member_id: null } : {});
        break;
      }
      default:
        throw bad(line, `unknown record type ${JSON.stringify(record.type)}`);
    }
  }
  return settings;
}

/** Messages whose media the restore left to copy again. */
export function messagesWithMedia(s: StoreContext): string[] {
  return s.all<{ id: string }>(sql`SELECT DISTINCT message_id AS id FROM message_media WHERE r2_key IS NULL AND error IS NULL`).map((r) => r.id);
}
