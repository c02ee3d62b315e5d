import { type SQL, desc, eq, sql } from "drizzle-orm";
import { tagColorFor } from "../lib/tag-colors";
import type { ImportChunk, ImportField, ImportPolicy, ImportRow } from "../lib/import-csv";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import type { StoreContext } from "./context";
import { contactCreated, trackContact } from "./events";
import { loadContacts } from "./contacts";
import { type Actor, touchMember } from "./members";
import { phoneColumns } from "./numbers";
import { importErrors, imports } from "./schema";

// CSV imports in the organization's store: the import's record, and each chunk of rows matched
// and written in one transaction (worker/lib/import-csv.ts reads the rows; the queue's consumer,
// worker/jobs/import.ts, hands them over in order).

type ImportRecord = typeof imports.$inferSelect;

export function importJson(r: ImportRecord) {
  const chunkCount = r.chunks.length;
  return {
    id: r.id,
    filename: r.filename,
    status: r.status,
    policy: r.policy,
    bytes: r.bytes,
    row_count: r.rowCount,
    header: r.header,
    mapping: r.mapping as (ImportField | null)[],
    progress: { rows_done: r.rowsDone, chunks_done: r.chunksDone, chunk_count: chunkCount, percent: r.rowCount ? Math.floor((r.rowsDone / r.rowCount) * 100) : 0 },
    counts: { created: r.createdCount, updated: r.updatedCount, skipped: r.skippedCount, failed: r.failedCount, tags_created: r.tagsCreated },
    detail: r.detail,
    created_by: r.createdByUserId ? { user_id: r.createdByUserId, name: r.createdByName ?? "" } : null,
    created_at: r.createdAt,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
  };
}
export type ImportJson = ReturnType<typeof importJson>;

function findImport(s: StoreContext, id: string): ImportRecord {
  const row = s.db.select().from(imports).where(eq(imports.id, id)).get();
  if (!row) throw notFound("Import");
  return row;
}

export interface NewImport {
  id: string;
  filename: string;
  fileKey: string;
  bytes: number;
  header: string[];
  mapping: (ImportField | null)[];
  format: { delimiter: string; newline: string };
  chunks: ImportChunk[];
  rowCount: number;
}

export function createImport(s: StoreContext, input: NewImport, actor: Actor): ImportJson {
  touchMember(s, actor);
  const now = nowIso();
  s.db.insert(imports).values({ ...input, createdByUserId: actor.userId, createdByName: actor.name, createdAt: now, updatedAt: now }).run();
  return importJson(findImport(s, input.id));
}

export const getImport = (s: StoreContext, id: string) => importJson(findImport(s, id));

export function listImports(s: StoreContext, limit: number) {
  return s.db.select().from(imports).orderBy(desc(imports.createdAt), desc(imports.id)).limit(limit).all().map(importJson);
}

function assertDraft(r: ImportRecord) {
  if (r.status !== "draft") throw new Problem(409, `This import is ${r.status}; its mapping can no longer change.`, { import_status: r.status });
}

/** Changes a draft's mapping or policy (checked by the Worker against the header). */
export function updateImport(s: StoreContext, id: string, patch: { mapping?: (ImportField | null)[]; policy?: ImportPolicy }): ImportJson {
  assertDraft(findImport(s, id));
  s.db
    .update(imports)
    .set({ ...(patch.mapping && { mapping: patch.mapping }), ...(patch.policy && { policy: patch.policy }), updatedAt: nowIso() })
    .where(eq(imports.id, id))
    .run();
  return getImport(s, id);
}

export function startImport(s: StoreContext, id: string, patch: { mapping?: (ImportField | null)[]; policy?: ImportPolicy }): ImportJson {
  updateImport(s, id, patch);
  const now = nowIso();
  s.db.update(imports).set({ status: "running", startedAt: now, updatedAt: now }).where(eq(imports.id, id)).run();
  progressEvent(s, id);
  return getImport(s, id);
}

/** Stops a draft or running import: rows already written stay, the rest are not read. */
export function cancelImport(s: StoreContext, id: string): ImportJson {
  const r = findImport(s, id);
  if (r.status !== "draft" && r.status !== "running") throw new Problem(409, `This import is already ${r.status}.`, { import_status: r.status });
  finish(s, r, "cancelled", null);
  return getImport(s, id);
}

/** A draft not started within this long is discarded, with its uploaded file (it holds every row). */
export const DRAFT_TTL_MS = 24 * 3600_000;
/** A finished import (its counts and failed rows, for errors.csv) is kept this long. */
export const IMPORT_TTL_MS = 30 * 24 * 3600_000;

/**
 * The store's alarm: discards the drafts uploaded more than a day ago (with their files), and
 * deletes the imports that finished more than 30 days ago with their failed rows.
 */
export function expireImports(s: StoreContext, now: number) {
  const draftsBefore = new Date(now - DRAFT_TTL_MS).toISOString();
  const stale = s.db.select().from(imports).where(sql`${imports.status} = 'draft' AND ${imports.createdAt} < ${draftsBefore}`).all();
  for (const r of stale) finish(s, r, "cancelled", "Not started within a day of the upload: the uploaded file was deleted. Upload it again to import it.");
  s.run(sql`DELETE FROM imports WHERE status IN ('done', 'cancelled', 'failed') AND finished_at < ${new Date(now - IMPORT_TTL_MS).toISOString()}`);
}

/** When the next import expires (epoch ms): the oldest draft's day, or the oldest finished import's 30 days. */
export function nextImportExpiry(s: StoreContext): number | null {
  const row = s.get<{ draft: string | null; finished: string | null }>(
    sql`SELECT (SELECT min(created_at) FROM imports WHERE status = 'draft') AS draft, (SELECT min(finished_at) FROM imports WHERE status != 'draft' AND status != 'running') AS finished`,
  );
  const times = [row?.draft ? Date.parse(row.draft) + DRAFT_TTL_MS : null, row?.finished ? Date.parse(row.finished) + IMPORT_TTL_MS : null].filter((t) => t !== null);
  return times.length ? Math.min(...times) : null;
}

/** Deletes an import that is not running, with its failed rows (and its file, if still there). */
export function deleteImport(s: StoreContext, id: string) {
  const r = findImport(s, id);
  if (r.status === "running") throw new Problem(409, "This import is running; cancel it first.", { import_status: r.status });
  s.db.delete(imports).where(eq(imports.id, id)).run();
  s.deleteBlobs([r.fileKey]);
}

/** The import stopped on its own (the queue gave up on a chunk): why, in words. */
export function failImport(s: StoreContext, id: string, detail: string) {
  const r = findImport(s, id);
  if (r.status === "running") finish(s, r, "failed", detail);
}

function finish(s: StoreContext, r: ImportRecord, status: "done" | "cancelled" | "failed", detail: string | null) {
  const now = nowIso();
  s.db.update(imports).set({ status, detail, finishedAt: now, updatedAt: now }).where(eq(imports.id, r.id)).run();
  // The uploaded file held every row: it goes once the import is over (errors.csv comes from the store).
  s.deleteBlobs([r.fileKey]);
  progressEvent(s, r.id);
}

/** Open tabs learn of an import's progress (one live event a chunk, not one a contact). */
function progressEvent(s: StoreContext, id: string) {
  if (s.live) s.emit("import.progress", () => ({ import_id: id, ...importJson(findImport(s, id)) }));
}

/** What the consumer works from: the chunks from the one due on (null once the import is not running). */
export function importPlan(s: StoreContext, id: string) {
  const r = findImport(s, id);
  if (r.status !== "running" || r.chunksDone >= r.chunks.length) return null;
  return { from: r.chunksDone, chunks: r.chunks, header: r.header, mapping: r.mapping as (ImportField | null)[], format: r.format, region: s.defaultRegion(), fileKey: r.fileKey };
}
export type ImportPlan = NonNullable<ReturnType<typeof importPlan>>;

/** What a draft's preview reads: the file's first chunk, with the draft's mapping. */
export function previewSource(s: StoreContext, id: string) {
  const r = findImport(s, id);
  if (r.status !== "draft") throw new Problem(409, `This import is ${r.status}; a preview is for a draft.`, { import_status: r.status });
  return { chunk: r.chunks[0]!, header: r.header, mapping: r.mapping as (ImportField | null)[], format: r.format, region: s.defaultRegion(), fileKey: r.fileKey, policy: r.policy };
}

export type Outcome = { kind: "created" | "updated" | "skipped" | "failed"; reason: string | null; contact_id: string | null };

/**
 * Writes chunk `index` of import `id`: every row matched and written (or failed, with its
 * reason), the counts and the progress, all in this one transaction. A chunk other than the one
 * due (a redelivered message, a chunk already written) writes nothing.
 */
export function applyChunk(s: StoreContext, id: string, index: number, rows: ImportRow[]): { written: boolean; next: number | null } {
  const r = findImport(s, id);
  const due = r.status === "running" && index === r.chunksDone;
  if (!due) return { written: false, next: r.status === "running" && r.chunksDone < r.chunks.length ? r.chunksDone : null };
  const expected = r.chunks[index]?.rows;
  if (rows.length !== expected) throw new Problem(409, `Chunk ${index} of import ${id} has ${rows.length} rows, not ${expected}: the file changed.`);
  const counts = { created: 0, updated: 0, skipped: 0, failed: 0 };
  const writer = new RowWriter(s, r.id, r.policy, r.createdByUserId);
  writer.run(rows).forEach((outcome, i) => {
    counts[outcome.kind]++;
    const row = rows[i]!;
    if (outcome.kind === "failed") {
      s.db.insert(importErrors).values({ importId: id, line: row.line, reason: outcome.reason ?? "failed", cells: row.cells }).onConflictDoNothing().run();
    }
  });
  const chunksDone = r.chunksDone + 1;
  s.db
    .update(imports)
    .set({
      chunksDone,
      rowsDone: r.rowsDone + rows.length,
      createdCount: r.createdCount + counts.created,
      updatedCount: r.updatedCount + counts.updated,
      skippedCount: r.skippedCount + counts.skipped,
      failedCount: r.failedCount + counts.failed,
      tagsCreated: r.tagsCreated + writer.tagsCreated,
      updatedAt: nowIso(),
    })
    .where(eq(imports.id, id))
    .run();
  if (chunksDone === r.chunks.length) finish(s, { ...r, chunksDone }, "done", null);
  else progressEvent(s, id);
  return { written: true, next: chunksDone < r.chunks.length ? chunksDone : null };
}

/** What the preview's rows would come to (run by the store in a transaction it rolls back). */
export function previewRows(s: StoreContext, id: string, rows: ImportRow[], policy: ImportPolicy | undefined): Outcome[] {
  const r = findImport(s, id);
  return new RowWriter(s, r.id, policy ?? r.policy, r.createdByUserId).run(rows);
}

/** Failed rows after `afterLine`, in file order (errors.csv, a page at a time). */
export function failedRows(s: StoreContext, id: string, afterLine: number, limit: number) {
  const r = findImport(s, id);
  const rows = s.all<{ line: number; reason: string; cells: string }>(
    sql`SELECT line, reason, cells FROM import_errors WHERE import_id = ${id} AND line > ${afterLine} ORDER BY line LIMIT ${limit}`,
  );
  return { header: r.header, rows: rows.map((e) => ({ line: e.line, reason: e.reason, cells: JSON.parse(e.cells) as string[] })) };
}

// Statements of the row writer, compiled once (StoreContext.prepared).
const OWNERS_BY_EXTERNAL = sql`SELECT external_id AS k, id FROM contacts WHERE external_id IN (SELECT value FROM json_each(${sql.placeholder("keys")}))`;
const OWNERS_BY_PHONE = sql`SELECT phone_number AS k, contact_id AS id FROM contact_phones WHERE phone_number IN (SELECT value FROM json_each(${sql.placeholder("keys")}))`;
const OWNERS_BY_EMAIL = sql`SELECT DISTINCT email_normalized AS k, contact_id AS id FROM contact_emails WHERE email_normalized IN (SELECT value FROM json_each(${sql.placeholder("keys")}))`;
const CREATED_HERE = sql`SELECT 1 AS x FROM import_created WHERE import_id = ${sql.placeholder("import")} AND contact_id = ${sql.placeholder("contact")}`;
const CURRENT = sql`SELECT first_name, last_name, company, job_title, status, pipeline_stage, source, external_id, timezone, preferred_language, date_of_birth,
    (SELECT count(*) FROM contact_phones WHERE contact_id = c.id) AS phones,
    (SELECT json_group_array(email_normalized) FROM contact_emails WHERE contact_id = c.id) AS emails
  FROM contacts c WHERE c.id = ${sql.placeholder("id")}`;
const INSERT_PHONE = sql`INSERT INTO contact_phones (id, contact_id, phone_number, digits, national_digits, country, national, international, label, is_preferred, created_at)
  VALUES (${sql.placeholder("id")}, ${sql.placeholder("contact")}, ${sql.placeholder("phoneNumber")}, ${sql.placeholder("digits")}, ${sql.placeholder("nationalDigits")},
    ${sql.placeholder("country")}, ${sql.placeholder("national")}, ${sql.placeholder("international")}, NULL, ${sql.placeholder("preferred")}, ${sql.placeholder("now")})`;
const INSERT_EMAIL = sql`INSERT INTO contact_emails (id, contact_id, email, email_normalized, label, is_preferred, created_at)
  VALUES (${sql.placeholder("id")}, ${sql.placeholder("contact")}, ${sql.placeholder("email")}, ${sql.placeholder("normalized")}, NULL, ${sql.placeholder("preferred")}, ${sql.placeholder("now")})
  ON CONFLICT (contact_id, email_normalized) DO NOTHING RETURNING id`;
const INSERT_TAGGED = sql`INSERT INTO contact_tags (contact_id, tag_id, created_at) VALUES (${sql.placeholder("contact")}, ${sql.placeholder("tag")}, ${sql.placeholder("now")})
  ON CONFLICT DO NOTHING RETURNING tag_id`;
const INSERT_ASSIGNED = sql`INSERT INTO contact_user (contact_id, member_id, created_at) VALUES (${sql.placeholder("contact")}, ${sql.placeholder("member")}, ${sql.placeholder("now")})
  ON CONFLICT DO NOTHING RETURNING member_id`;
const PRIMARY_ADDRESS = sql`SELECT id, street, city, state, zip, country FROM contact_addresses WHERE contact_id = ${sql.placeholder("contact")}
  ORDER BY is_primary DESC, created_at, id LIMIT 1`;
const INSERT_ADDRESS = sql`INSERT INTO contact_addresses (id, contact_id, label, street, city, state, zip, country, is_primary, created_at)
  VALUES (${sql.placeholder("id")}, ${sql.placeholder("contact")}, NULL, ${sql.placeholder("street")}, ${sql.placeholder("city")}, ${sql.placeholder("state")},
    ${sql.placeholder("zip")}, ${sql.placeholder("country")}, 1, ${sql.placeholder("now")})`;
const INSERT_NOTE = sql`INSERT INTO notes (id, contact_id, author_user_id, call_id, area, body, created_at, updated_at)
  VALUES (${sql.placeholder("id")}, ${sql.placeholder("contact")}, ${sql.placeholder("author")}, NULL, 'manual', ${sql.placeholder("body")}, ${sql.placeholder("now")}, ${sql.placeholder("now")})`;
/** A chunk's new contacts: each statement writes one table, its rows one JSON array of arrays (`rows`). */
const BULK_PHONES = sql`INSERT INTO contact_phones (id, contact_id, phone_number, digits, national_digits, country, national, international, label, is_preferred, created_at)
  SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, NULL, value->>8, ${sql.placeholder("now")} FROM json_each(${sql.placeholder("rows")})`;
const BULK_EMAILS = sql`INSERT INTO contact_emails (id, contact_id, email, email_normalized, label, is_preferred, created_at)
  SELECT value->>0, value->>1, value->>2, value->>3, NULL, value->>4, ${sql.placeholder("now")} FROM json_each(${sql.placeholder("rows")})`;
const BULK_CONTACTS = sql`INSERT INTO contacts (id, first_name, last_name, company, job_title, status, pipeline_stage, source, external_id, timezone,
    preferred_language, date_of_birth, created_at, updated_at)
  SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9, value->>10, value->>11,
    ${sql.placeholder("now")}, ${sql.placeholder("now")} FROM json_each(${sql.placeholder("rows")})`;
const BULK_ADDRESSES = sql`INSERT INTO contact_addresses (id, contact_id, label, street, city, state, zip, country, is_primary, created_at)
  SELECT value->>0, value->>1, NULL, value->>2, value->>3, value->>4, value->>5, value->>6, 1, ${sql.placeholder("now")} FROM json_each(${sql.placeholder("rows")})`;
const BULK_TAGGED = sql`INSERT INTO contact_tags (contact_id, tag_id, created_at)
  SELECT value->>0, value->>1, ${sql.placeholder("now")} FROM json_each(${sql.placeholder("rows")}) WHERE true ON CONFLICT DO NOTHING`;
const BULK_ASSIGNED = sql`INSERT INTO contact_user (contact_id, member_id, created_at)
  SELECT value->>0, value->>1, ${sql.placeholder("now")} FROM json_each(${sql.placeholder("rows")}) WHERE true ON CONFLICT DO NOTHING`;
const BULK_NOTES = sql`INSERT INTO notes (id, contact_id, author_user_id, call_id, area, body, created_at, updated_at)
  SELECT value->>0, value->>1, value->>2, NULL, 'manual', value->>3, ${sql.placeholder("now")}, ${sql.placeholder("now")} FROM json_each(${sql.placeholder("rows")})`;
const BULK_CREATED = sql`INSERT INTO import_created (import_id, contact_id) SELECT ${sql.placeholder("import")}, value FROM json_each(${sql.placeholder("rows")})`;
const TAG_BY_NAME = sql`SELECT id FROM tags WHERE name_normalized = ${sql.placeholder("name")}`;
const INSERT_TAG = sql`INSERT INTO tags (id, name, name_normalized, color, created_at) VALUES (${sql.placeholder("id")}, ${sql.placeholder("name")}, ${sql.placeholder("normalized")}, ${sql.placeholder("color")}, ${sql.placeholder("now")})`;
const MEMBER_BY_NAME = sql`SELECT id FROM members WHERE removed_at IS NULL AND (lower(name) = ${sql.placeholder("v")} OR lower(email) = ${sql.placeholder("v")}) LIMIT 2`;

/** Tag colors for tags an import creates (the web app's swatches), picked by the name. */

const SCALARS = ["first_name", "last_name", "company", "job_title", "status", "pipeline_stage", "source", "external_id", "timezone", "preferred_language", "date_of_birth"] as const;
const ADDRESS = ["street", "city", "state", "zip", "country"] as const;

/** Matches and writes rows of one import, with the tags and members it has looked up so far. */
class RowWriter {
  tagsCreated = 0;
  private pending = emptyPending();
  /** The external ids, numbers and emails of the contacts waiting in `pending`, and whose they are. */
  private readonly pendingKeys = new Map<string, string>();
  /** Whose each external id, number and email of the chunk is (prime(), then kept current). */
  private readonly known = new Map<string, string[]>();
  private readonly tags = new Map<string, string>();
  private readonly members = new Map<string, string | null>();
  private readonly now = nowIso();

  constructor(
    private readonly s: StoreContext,
    private readonly importId: string,
    private readonly policy: ImportPolicy,
    /** Who uploaded the file: the author of the notes it writes. */
    private readonly author: string | null,
  ) {}

  /**
   * Matches and writes `rows` in order: their identifiers looked up first, new contacts written
   * together at the end (or earlier, when a later row matches one), one live event for them all.
   */
  run(rows: ImportRow[]): Outcome[] {
    return this.s.quietly(() => {
      this.prime(rows);
      const outcomes = rows.map((row) => this.apply(row));
      this.flush();
      return outcomes;
    });
  }

  private apply(row: ImportRow): Outcome {
    if (row.error) return { kind: "failed", reason: row.error, contact_id: null };
    const memberIds: string[] = [];
    for (const name of row.members) {
      const id = this.member(name);
      if (!id) return { kind: "failed", reason: `assigned_members: no member of this organization is named "${name}" (or has that email)`, contact_id: null };
      memberIds.push(id);
    }
    const match = this.match(row);
    if (typeof match === "string") return { kind: "failed", reason: match, contact_id: null };
    if (!match) return { kind: "created", reason: null, contact_id: this.create(row, memberIds) };
    const createdHere = this.s.prepared(CREATED_HERE, { import: this.importId, contact: match.id }).length > 0;
    if (this.policy === "skip" && !createdHere) return { kind: "skipped", reason: `matches an existing contact by ${match.why} (policy: skip)`, contact_id: match.id };
    const policy = this.policy === "overwrite" ? "overwrite" : "fill_empty";
    const changes = trackContact(this.s, match.id, () => this.update(match.id, row, memberIds, policy), { import_id: this.importId });
    const by = createdHere ? `an earlier row of this file (${match.why})` : `an existing contact by ${match.why}`;
    return changes.length
      ? { kind: "updated", reason: `matches ${by}: ${changes.join(", ")}`, contact_id: match.id }
      : { kind: "skipped", reason: `matches ${by}: nothing new`, contact_id: match.id };
  }

  /** The one contact the row's external id, numbers and emails point to; a reason if they point to two. */
  private match(row: ImportRow): { id: string; why: string } | string | null {
    // A row matching a contact created earlier in this chunk: write those first, then match as usual.
    if (identifiers(row).some((k) => this.pendingKeys.has(k))) this.flush();
    const found = new Map<string, string>();
    const note = (ids: string[], why: string) => {
      for (const id of ids) if (!found.has(id)) found.set(id, why);
    };
    const ext = row.fields.external_id;
    if (ext) {
      const ids = this.owners(`x:${ext}`);
      if (ids.length > 1) return `external id ${ext} belongs to more than one contact; merge them first`;
      note(ids, `external id ${ext}`);
    }
    for (const p of row.phones) note(this.owners(`p:${p.e164}`), `phone ${p.e164}`);
    // An email several contacts share identifies nobody: it only matters when nothing else matches.
    let shared: string | null = null;
    for (const e of row.emails) {
      const ids = this.owners(`e:${e.toLowerCase()}`);
      if (ids.length > 1) shared ??= e;
      else note(ids, `email ${e}`);
    }
    if (found.size === 0 && shared) return `email ${shared} belongs to more than one contact; add a phone or external id to tell which`;
    if (found.size > 1) return `matches ${found.size} different contacts (${[...found.values()].join("; ")}); merge them first or fix the row`;
    const [first] = found;
    return first ? { id: first[0], why: first[1] } : null;
  }

  /**
   * Looks up every external id, number and email of the chunk's rows at once (three statements
   * instead of two or three a row); the writer keeps the answers current as it writes.
   */
  private prime(rows: ImportRow[]) {
    const keys = new Set(rows.flatMap((r) => (r.error ? [] : identifiers(r))));
    for (const key of keys) this.known.set(key, []);
    const values = (prefix: string) => JSON.stringify([...keys].filter((k) => k.startsWith(prefix)).map((k) => k.slice(2)));
    for (const [prefix, statement] of [["x:", OWNERS_BY_EXTERNAL], ["p:", OWNERS_BY_PHONE], ["e:", OWNERS_BY_EMAIL]] as const) {
      for (const { k, id } of this.s.prepared<{ k: string; id: string }>(statement, { keys: values(prefix) })) this.own(`${prefix}${k}`, id);
    }
  }

  /** The contacts an external id ("x:…"), number ("p:…") or email ("e:…", lower case) of the rows belongs to. */
  private owners(key: string): string[] {
    return this.known.get(key) ?? [];
  }

  /** Notes that `key` now belongs to `id` too (the writer wrote it). */
  private own(key: string, id: string) {
    const ids = this.known.get(key) ?? [];
    if (!ids.includes(id)) ids.push(id);
    this.known.set(key, ids);
  }

  /**
   * A new contact, written with the others of the chunk by flush(): one statement a table for
   * the whole chunk instead of one a row (a statement is the unit of cost in a Durable Object).
   */
  private create(row: ImportRow, memberIds: string[]): string {
    const id = newId();
    const f = row.fields;
    const p = this.pending;
    p.contacts.push([id, f.first_name ?? "", f.last_name ?? "", f.company ?? null, f.job_title ?? null, f.status ?? "active", f.pipeline_stage ?? null,
      f.source ?? "import", f.external_id ?? null, f.timezone ?? null, f.preferred_language ?? null, f.date_of_birth ?? null]);
    row.phones.forEach((ph, i) => {
      const c = phoneColumns(ph);
      p.phones.push([newId(), id, c.phoneNumber, c.digits, c.nationalDigits, c.country, c.national, c.international, i === 0 ? 1 : 0]);
    });
    row.emails.forEach((e, i) => p.emails.push([newId(), id, e, e.toLowerCase(), i === 0 ? 1 : 0]));
    for (const name of row.tags) p.tagged.push([id, this.tag(name)]);
    for (const member of memberIds) p.assigned.push([id, member]);
    if (row.address) {
      const a = addressValues(row.address);
      p.addresses.push([newId(), id, a.street, a.city, a.state, a.zip, a.country]);
    }
    if (row.note) p.notes.push([newId(), id, this.author, row.note]);
    for (const key of identifiers(row)) this.pendingKeys.set(key, id);
    return id;
  }

  /**
   * Writes the contacts create() collected. Numbers and emails go first, the contacts after: the
   * search index's triggers then build each contact's entry once, with its numbers and emails,
   * instead of three times (their foreign key is checked at commit: PRAGMA defer_foreign_keys
   * lasts until the transaction ends).
   */
  private flush() {
    const p = this.pending;
    if (p.contacts.length === 0) return;
    const now = this.now;
    const write = (statement: SQL, rows: unknown[][]) => {
      if (rows.length) this.s.prepared(statement, { rows: JSON.stringify(rows), now });
    };
    this.s.run(sql`PRAGMA defer_foreign_keys = ON`);
    write(BULK_PHONES, p.phones);
    write(BULK_EMAILS, p.emails);
    write(BULK_CONTACTS, p.contacts);
    write(BULK_ADDRESSES, p.addresses);
    write(BULK_TAGGED, p.tagged);
    write(BULK_ASSIGNED, p.assigned);
    write(BULK_NOTES, p.notes);
    this.s.prepared(BULK_CREATED, { import: this.importId, rows: JSON.stringify(p.contacts.map((c) => c[0])) });
    if (this.s.wants("contact.created")) for (const contact of loadContacts(this.s, p.contacts.map((c) => c[0] as string))) contactCreated(this.s, contact);
    for (const [key, id] of this.pendingKeys) this.own(key, id);
    this.pending = emptyPending();
    this.pendingKeys.clear();
  }

  /** Adds what the row has and the contact lacks (or, overwriting, replaces fields); answers what changed, in words. */
  private update(id: string, row: ImportRow, memberIds: string[], policy: "fill_empty" | "overwrite"): string[] {
    const changes: string[] = [];
    const now = this.now;
    const current = this.s.prepared<Record<string, string | number | null>>(CURRENT, { id })[0]!;
    const set: Record<string, string> = {};
    for (const field of SCALARS) {
      const value = row.fields[field];
      if (value === undefined) continue;
      const old = current[field];
      if (policy === "overwrite" ? old !== value : old === null || old === "") set[field] = value;
    }
    const fields = Object.keys(set);
    if (set.external_id) this.own(`x:${set.external_id}`, id);
    if (fields.length) {
      this.s.run(sql`UPDATE contacts SET ${sql.join(
        fields.map((f) => sql`${sql.identifier(f)} = ${set[f]}`),
        sql`, `,
      )} WHERE id = ${id}`);
      changes.push(...fields.map((f) => f.replaceAll("_", " ")));
    }
    let phones = Number(current.phones);
    let added = 0;
    for (const p of row.phones) {
      if (this.owners(`p:${p.e164}`).length) continue;
      this.s.prepared(INSERT_PHONE, { id: newId(), contact: id, ...phoneColumns(p), preferred: phones === 0 ? 1 : 0, now });
      this.own(`p:${p.e164}`, id);
      phones++;
      added++;
    }
    if (added) changes.push(`+${added} phone${added > 1 ? "s" : ""}`);
    const emails = new Set(JSON.parse(String(current.emails)) as string[]);
    added = 0;
    for (const e of row.emails) {
      if (emails.has(e.toLowerCase())) continue;
      this.s.prepared(INSERT_EMAIL, { id: newId(), contact: id, email: e, normalized: e.toLowerCase(), preferred: emails.size === 0 ? 1 : 0, now });
      this.own(`e:${e.toLowerCase()}`, id);
      emails.add(e.toLowerCase());
      added++;
    }
    if (added) changes.push(`+${added} email${added > 1 ? "s" : ""}`);
    added = row.tags.filter((name) => this.s.prepared(INSERT_TAGGED, { contact: id, tag: this.tag(name), now }).length).length;
    if (added) changes.push(`+${added} tag${added > 1 ? "s" : ""}`);
    added = memberIds.filter((member) => this.s.prepared(INSERT_ASSIGNED, { contact: id, member, now }).length).length;
    if (added) changes.push(`+${added} assigned member${added > 1 ? "s" : ""}`);
    if (row.address) {
      const address = this.s.prepared<Record<string, string | null>>(PRIMARY_ADDRESS, { contact: id })[0];
      if (!address) {
        this.s.prepared(INSERT_ADDRESS, { id: newId(), contact: id, ...addressValues(row.address), now });
        changes.push("address");
      } else {
        const patch = ADDRESS.filter((k) => row.address![k] !== undefined && (policy === "overwrite" ? address[k] !== row.address![k] : !address[k]));
        if (patch.length) {
          this.s.run(sql`UPDATE contact_addresses SET ${sql.join(patch.map((k) => sql`${sql.identifier(k)} = ${row.address![k]}`), sql`, `)} WHERE id = ${address.id}`);
          changes.push("address");
        }
      }
    }
    if (row.note) {
      this.s.prepared(INSERT_NOTE, { id: newId(), contact: id, author: this.author, body: row.note, now });
      changes.push("note");
    }
    if (changes.length) this.s.run(sql`UPDATE contacts SET updated_at = ${now} WHERE id = ${id}`);
    return changes;
  }

  private tag(name: string): string {
    const key = name.toLowerCase();
    let id = this.tags.get(key) ?? this.s.prepared<{ id: string }>(TAG_BY_NAME, { name: key })[0]?.id;
    if (!id) {
      id = newId();
      this.s.prepared(INSERT_TAG, { id, name, normalized: key, color: tagColorFor(key), now: this.now });
      this.tagsCreated++;
    }
    this.tags.set(key, id);
    return id;
  }

  private member(name: string): string | null {
    const key = name.toLowerCase();
    if (!this.members.has(key)) {
      const ids = this.s.prepared<{ id: string }>(MEMBER_BY_NAME, { v: key });
      this.members.set(key, ids.length === 1 ? ids[0]!.id : null);
    }
    return this.members.get(key) ?? null;
  }
}

const emptyPending = () => ({
  contacts: [] as unknown[][],
  phones: [] as unknown[][],
  emails: [] as unknown[][],
  addresses: [] as unknown[][],
  tagged: [] as unknown[][],
  assigned: [] as unknown[][],
  notes: [] as unknown[][],
});

/** What a row can match a contact by, as keys. */
const identifiers = (row: ImportRow) => [
  ...(row.fields.external_id ? [`x:${row.fields.external_id}`] : []),
  ...row.phones.map((p) => `p:${p.e164}`),
  ...row.emails.map((e) => `e:${e.toLowerCase()}`),
];

const addressValues = (a: Record<string, string>) => ({ street: a.street ?? null, city: a.city ?? null, state: a.state ?? null, zip: a.zip ?? null, country: a.country ?? null });
