import { type SQL, eq, sql } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { Problem, notFound } from "../lib/problem";
import { CONTACT_STATUSES, type Contact, type ContactCreateInput, type ContactUpdateInput, type ListQuery, type ListSelection, STAGE_FILTERS } from "../schemas/contacts";
import { startOfDay } from "../lib/timezone";
import { parsePhoneInput, phoneColumns, phoneConflict } from "./numbers";
import { type StoreContext, inIds } from "./context";
import { contactEmails, contactPhones, contacts } from "./schema";
import { type Filters, type ListParams, type Range, runList } from "./search";

const p = sql.placeholder;
/** A 0/1 column as a JSON boolean. */
const bool = (column: string) => sql.raw(`json(iif(${column}, 'true', 'false'))`);
/** A JSON array, built by SQLite, of the rows `query` selects as `j` (one json_object each), in its order. */
const jsonRows = (query: SQL) => sql`json((SELECT json_group_array(json(x.j)) FROM (${query}) x))`;

/**
 * The one statement that builds full contacts (ContactSchema: with their phones, emails,
 * addresses, tags and assignees) in the order of the JSON array `ids`, as one JSON array text:
 * SQLite writes the answer, JavaScript neither parses nor rebuilds it (in a Durable Object every
 * row and value handed to JavaScript costs more than the SQL itself). A number's display form is
 * the stored national form in the organization's `region`, the international one elsewhere.
 */
export const CONTACTS_JSON = sql`SELECT json_group_array(json(x.j)) AS contacts FROM (SELECT json_object(
    'id', c.id, 'first_name', c.first_name, 'last_name', c.last_name, 'company', c.company, 'job_title', c.job_title, 'source', c.source,
    'status', c.status, 'pipeline_stage', c.pipeline_stage, 'external_id', c.external_id, 'timezone', c.timezone,
    'preferred_language', c.preferred_language, 'date_of_birth', c.date_of_birth, 'gender', c.gender, 'avatar_url', c.avatar_url,
    'ai_summary', c.ai_summary,
    'phones', ${jsonRows(sql`SELECT json_object('id', p.id, 'phone_number', p.phone_number,
        'formatted', CASE WHEN p.country = ${p("region")} THEN p.national ELSE coalesce(p.international, p.phone_number) END,
        'label', p.label, 'is_preferred', ${bool("p.is_preferred")}) AS j
      FROM contact_phones p WHERE p.contact_id = c.id ORDER BY p.created_at, p.id`)},
    'emails', ${jsonRows(sql`SELECT json_object('id', e.id, 'email', e.email, 'label', e.label, 'is_preferred', ${bool("e.is_preferred")}) AS j
      FROM contact_emails e WHERE e.contact_id = c.id ORDER BY e.created_at, e.id`)},
    'addresses', ${jsonRows(sql`SELECT json_object('id', a.id, 'label', a.label, 'street', a.street, 'city', a.city, 'state', a.state, 'zip', a.zip,
        'country', a.country, 'is_primary', ${bool("a.is_primary")}) AS j
      FROM contact_addresses a WHERE a.contact_id = c.id ORDER BY a.created_at, a.id`)},
    'tags', ${jsonRows(sql`SELECT json_object('id', t.id, 'name', t.name, 'color', t.color) AS j
      FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id ORDER BY t.name_normalized`)},
    'assigned_users', ${jsonRows(sql`SELECT json_object('member_id', m.id, 'user_id', m.user_id, 'name', m.name) AS j
      FROM contact_user cu JOIN members m ON m.id = cu.member_id WHERE cu.contact_id = c.id ORDER BY m.name`)},
    'created_at', c.created_at, 'updated_at', c.updated_at, 'last_contacted_at', c.last_contacted_at) AS j
  FROM json_each(${p("ids")}) k JOIN contacts c ON c.id = k.value ORDER BY k.key) x`;

/** The contacts statement's values (the benchmark runs the same statement in sqlite3). */
export const contactsValues = (ids: readonly string[], region: string) => ({ ids: JSON.stringify(ids), region });

/** Full contacts in the order of `ids` (ids of no live contact left out), as the JSON text of an array. */
export function contactsJson(s: StoreContext, ids: readonly string[]): string {
  if (ids.length === 0) return "[]";
  return s.preparedRaw<[string]>(CONTACTS_JSON, contactsValues(ids, s.defaultRegion()))[0]?.[0] ?? "[]";
}

/** Full contacts (with phones, emails, addresses, tags, assigned users) in the order of `ids`. */
export function loadContacts(s: StoreContext, ids: readonly string[]): Contact[] {
  return JSON.parse(contactsJson(s, ids)) as Contact[];
}

export function loadContact(s: StoreContext, id: string): Contact {
  const [contact] = loadContacts(s, [id]);
  if (!contact) throw missingContact(s, id);
  return contact;
}

/**
 * The 404 for a contact id that is no live contact: one merged into another says into which
 * (`merged_into`, following later merges), one in the trash says so (`in_trash`).
 */
export function missingContact(s: StoreContext, id: string): Problem {
  let mergeId: string | undefined;
  let at = id;
  for (let hops = 0; hops < 20; hops++) {
    const next = s.get<{ survivor_id: string; merge_id: string }>(sql`SELECT survivor_id, merge_id FROM merged_contacts WHERE contact_id = ${at}`);
    if (!next) break;
    mergeId ??= next.merge_id;
    at = next.survivor_id;
  }
  if (mergeId) return new Problem(404, "This contact was merged into another contact.", { merged_into: at, merge_id: mergeId });
  if (s.get(sql`SELECT 1 AS x FROM trash WHERE contact_id = ${id}`)) return new Problem(404, "This contact is in the trash.", { in_trash: true });
  return notFound("Contact");
}

/** 404 unless the contact exists. */
export function assertContact(s: StoreContext, id: string): void {
  if (!s.db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, id)).get()) throw missingContact(s, id);
}

/** A date bound as the store compares it: an instant (ISO, UTC). `end`: the bound is "on or before". */
function instant(value: string | undefined, zone: string, end: boolean): string | undefined {
  if (!value) return undefined;
  const daysAgo = /^-(\d+)d$/.exec(value);
  if (daysAgo) return new Date(Date.now() - Number(daysAgo[1]) * 86_400_000).toISOString();
  if (value.length === 10) {
    const day = end ? new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : value;
    return startOfDay(day, zone).toISOString();
  }
  // A given instant: "to" includes it.
  const at = new Date(value).getTime();
  return new Date(end ? at + 1 : at).toISOString();
}

const range = (from: string | undefined, to: string | undefined, zone: string): Range | undefined =>
  from || to ? { from: instant(from, zone, false), to: instant(to, zone, true) } : undefined;

/**
 * A list's selection as runList takes it: dates as instants in the organization's time zone,
 * `assigned_to=me` as the member asking (an API key has none: 400).
 */
export function listParams(s: StoreContext, q: ListSelection, memberId: string | null): Omit<ListParams, "page" | "pageSize"> {
  const zone = s.quietHours().timezone ?? "UTC";
  let assigned: Filters["assigned"];
  if (q.assigned_to === "unassigned") assigned = { unassigned: true };
  else if (q.assigned_to === "me") {
    if (!memberId) throw new Problem(400, "assigned_to=me needs a signed-in member; an API key should give a member id.");
    assigned = { member: memberId };
  } else if (q.assigned_to) assigned = { member: q.assigned_to };
  const nonEmpty = <T>(a: T[]) => (a.length ? [...new Set(a)] : undefined);
  return {
    search: q.search,
    sort: q.sort,
    tagIds: [...new Set(q.tag_ids)],
    filters: {
      tagMatch: q.tag_match,
      statuses: nonEmpty(q.status),
      stages: nonEmpty(q.pipeline_stage),
      sources: nonEmpty(q.source),
      assigned,
      created: range(q.created_from, q.created_to, zone),
      lastContacted: range(q.last_contacted_from, q.last_contacted_to, zone),
      noName: q.no_name,
      doNotContact: q.do_not_contact,
      neverContacted: q.never_contacted,
    },
  };
}

/**
 * A page of the contact list as the JSON text of the answer (ContactPage), and how many rows
 * SQLite read for it: the Worker sends the text as it is.
 */
export function listContacts(s: StoreContext, q: ListQuery, memberId: string | null): { page: string; rows_read: number } {
  const { ids, total, exact, rowsRead } = runList(s, { ...listParams(s, q, memberId), page: q.page, pageSize: q.page_size, exactCount: q.exact_count });
  const rest = JSON.stringify({ total_count: total, page: q.page, page_size: q.page_size, total_pages: Math.ceil(total / q.page_size), total_exact: exact });
  return { page: `{"contacts":${contactsJson(s, ids)},${rest.slice(1)}`, rows_read: rowsRead };
}

/**
 * How many contacts have each status and stage (in their own order) and source (most first), and
 * how many have no name: the filter menus' choices and counts.
 */
export function contactFacets(s: StoreContext) {
  const rows = s.all<{ facet: string; value: string; n: number }>(
    sql`SELECT facet, value, n FROM contact_counts WHERE facet IN ('status', 'stage', 'source', 'no_name') AND n > 0 ORDER BY n DESC, value`,
  );
  const of = (facet: string, order?: readonly string[]) => {
    const list = rows.filter((r) => r.facet === facet).map((r) => ({ value: r.value || "none", count: r.n }));
    return order ? list.sort((a, b) => order.indexOf(a.value) - order.indexOf(b.value)) : list;
  };
  return {
    total: Number(s.get<{ n: number }>(sql`SELECT contact_count AS n FROM contact_stats WHERE id = 1`)?.n ?? 0),
    status: of("status", CONTACT_STATUSES),
    pipeline_stage: of("stage", STAGE_FILTERS),
    source: of("source").filter((r) => r.value !== "none"),
    no_name: of("no_name")[0]?.count ?? 0,
  };
}

/**
 * Every contact the list's selection matches, as ids in the list's order: one snapshot, so an
 * export read in chunks afterwards (or a bulk change) neither skips nor repeats anyone.
 */
export function matchingIds(s: StoreContext, q: ListSelection, memberId: string | null): string[] {
  return runList(s, { ...listParams(s, q, memberId), page: 0, pageSize: -1 }).ids;
}

/**
 * The export's rows for these ids, in their order: one statement (compiled once), the lists
 * joined by SQLite in the order the API lists them, the primary address (else the first).
 * Columns in CSV_COLUMNS' order (worker/lib/contacts-csv.ts); rows as arrays.
 */
const EXPORT_ROWS = sql`SELECT c.id, c.first_name, c.last_name, c.company, c.job_title, c.status, c.pipeline_stage, c.source, c.external_id,
    (SELECT group_concat(x, '; ') FROM (SELECT p.phone_number AS x FROM contact_phones p WHERE p.contact_id = c.id ORDER BY p.created_at, p.id)) AS phones,
    (SELECT group_concat(x, '; ') FROM (SELECT e.email AS x FROM contact_emails e WHERE e.contact_id = c.id ORDER BY e.created_at, e.id)) AS emails,
    (SELECT group_concat(x, '; ') FROM (SELECT t.name AS x FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id ORDER BY t.name_normalized)) AS tags,
    (SELECT group_concat(x, '; ') FROM (SELECT m.name AS x FROM contact_user cu JOIN members m ON m.id = cu.member_id WHERE cu.contact_id = c.id ORDER BY m.name)) AS assigned_members,
    c.preferred_language, c.timezone, a.street, a.city, a.state, a.zip, a.country, c.created_at, c.updated_at, c.last_contacted_at
  FROM json_each(${sql.placeholder("ids")}) j
  JOIN contacts c ON c.id = j.value
  LEFT JOIN contact_addresses a ON a.id = (SELECT y.id FROM contact_addresses y WHERE y.contact_id = c.id ORDER BY y.is_primary DESC, y.created_at, y.id LIMIT 1)
  ORDER BY j.key`;

export function exportRows(s: StoreContext, ids: string[]): (string | null)[][] {
  return ids.length ? s.preparedRaw(EXPORT_ROWS, { ids: JSON.stringify(ids) }) : [];
}

const FIELD_COLUMNS = {
  first_name: "firstName",
  last_name: "lastName",
  company: "company",
  job_title: "jobTitle",
  source: "source",
  status: "status",
  timezone: "timezone",
  preferred_language: "preferredLanguage",
  date_of_birth: "dateOfBirth",
  gender: "gender",
  pipeline_stage: "pipelineStage",
  external_id: "externalId",
  avatar_url: "avatarUrl",
} as const satisfies Record<string, keyof typeof contacts.$inferInsert>;

function toColumns(fields: Partial<Record<keyof typeof FIELD_COLUMNS, unknown>>): Partial<typeof contacts.$inferInsert> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(FIELD_COLUMNS)) {
    const value = fields[key as keyof typeof FIELD_COLUMNS];
    if (value !== undefined) out[column] = value;
  }
  return out as Partial<typeof contacts.$inferInsert>;
}

/** A contact with its phones, emails and tags, all or nothing. */
export function createContact(s: StoreContext, body: ContactCreateInput): Contact {
  const phones = body.phones.map((p, i) => ({ ...p, parsed: parsePhoneInput(s, p.phone_number, `phones.${i}.phone_number`) }));
  const numbers = phones.map((p) => p.parsed.e164);
  const twice = numbers.findIndex((n, i) => numbers.indexOf(n) !== i);
  if (twice !== -1) {
    const field = `phones.${twice}.phone_number`;
    throw new Problem(400, `${field} is listed twice`, { errors: [{ field, message: "is listed twice" }] });
  }
  for (const n of numbers) phoneConflict(s, n);
  const emails = [...new Map(body.emails.map((e) => [e.email.toLowerCase(), e])).values()];

  const id = newId();
  const now = nowIso();
  const preferredPhone = Math.max(0, phones.findIndex((p) => p.is_preferred));
  const preferredEmail = Math.max(0, emails.findIndex((e) => e.is_preferred));
  const { db } = s;
  db.insert(contacts).values({ id, ...toColumns(body), createdAt: now, updatedAt: now }).run();
  phones.forEach((p, i) =>
    db
      .insert(contactPhones)
      .values({
        id: newId(),
        contactId: id,
        ...phoneColumns(p.parsed),
        label: p.label,
        isPreferred: i === preferredPhone,
        createdAt: now,
      })
      .run(),
  );
  emails.forEach((e, i) =>
    db
      .insert(contactEmails)
      .values({ id: newId(), contactId: id, email: e.email, emailNormalized: e.email.toLowerCase(), label: e.label, isPreferred: i === preferredEmail, createdAt: now })
      .run(),
  );
  if (body.tag_ids.length > 0) {
    s.run(sql`INSERT INTO contact_tags (contact_id, tag_id, created_at)
      SELECT ${id}, t.id, ${now} FROM tags t WHERE ${inIds(sql`t.id`, body.tag_ids)}`);
  }
  return loadContact(s, id);
}

/** Changes only the fields given. */
export function updateContact(s: StoreContext, id: string, body: ContactUpdateInput): Contact {
  const updated = s.db
    .update(contacts)
    .set({ ...toColumns(body), updatedAt: nowIso() })
    .where(eq(contacts.id, id))
    .returning({ id: contacts.id })
    .all();
  if (updated.length === 0) throw missingContact(s, id);
  return loadContact(s, id);
}

/** Deletes a contact with everything attached; its R2 objects go to the deletion outbox (returned). */
export function deleteContact(s: StoreContext, id: string): string[] {
  const blobs = s.all<{ key: string }>(sql`SELECT transcript_key AS key FROM calls WHERE contact_id = ${id} AND transcript_key IS NOT NULL
    UNION ALL SELECT mm.r2_key FROM message_media mm JOIN messages m ON m.id = mm.message_id WHERE m.contact_id = ${id} AND mm.r2_key IS NOT NULL`);
  const deleted = s.db.delete(contacts).where(eq(contacts.id, id)).returning({ id: contacts.id }).all();
  if (deleted.length === 0) throw notFound("Contact");
  const keys = blobs.map((b) => b.key);
  s.deleteBlobs(keys);
  return keys;
}
