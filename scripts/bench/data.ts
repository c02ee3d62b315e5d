/**
 * Deterministic bench data: organizations with an owner, a session for that owner, tags and N
 * contacts with phones, emails, tags and assignments. Identity rows (organization, users,
 * members, the owner's session, an API key) are SQL for the sqlite3 shell on the D1 file; the
 * organization's data is a backup file (the NDJSON records GET /api/export writes) that the
 * bench restores into the organization's store with POST /api/restore, the only way in. The
 * store's triggers maintain its search index and counters as the rows go in.
 *
 * Besides the contacts: more members (19 besides the owner by default), ~60% of contacts
 * assigned to one or two of them with a skewed spread, and one pipeline API key whose secret the
 * bench knows. These come from their own random stream, so the contacts are the same whatever
 * the number of members.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  AREA_CODES,
  COMPANY_KINDS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  TAG_NAMES,
} from "./names";
import { Random, Zipf, uuidV7 } from "./random";
import { sqlLiteral } from "./sqlite";

const DAY = 86_400_000;
/** Fixed "now" for the data, so the same seed always gives the same rows. */
export const DATA_NOW = Date.UTC(2026, 5, 1);
const SPAN = 730 * DAY;
/** When the organizations were created (a month before their oldest contact). */
const ORG_CREATED = DATA_NOW - SPAN - 30 * DAY;

export interface Phone {
  id: string;
  e164: string;
  digits: string;
  nationalDigits: string;
  label: string;
  preferred: boolean;
  createdAt: string;
}

export interface Email {
  id: string;
  email: string;
  label: string;
  preferred: boolean;
  createdAt: string;
}

export interface Contact {
  id: string;
  firstName: string;
  lastName: string;
  company: string | null;
  source: string;
  status: string;
  pipelineStage: string | null;
  createdAt: string;
  lastContactedAt: string | null;
  phones: Phone[];
  emails: Email[];
  tagIds: string[];
}

export interface Tag {
  id: string;
  name: string;
}

export interface BenchOrg {
  organizationId: string;
  name: string;
  slug: string;
  userId: string;
  memberId: string;
  sessionId: string;
  sessionToken: string;
}

export interface Member {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: "owner" | "admin" | "member";
}

export interface ApiKey {
  id: string;
  /** The secret sent as `Authorization: Bearer <secret>`; the database holds its SHA-256. */
  secret: string;
}

export interface Dataset {
  org: BenchOrg;
  tags: Tag[];
  contacts: Contact[];
  /** All members of the organization, the owner first. */
  members: Member[];
  /** contact id -> assigned member ids (absent: unassigned). */
  assignments: Map<string, string[]>;
  apiKey: ApiKey;
}

const iso = (ms: number) => new Date(ms).toISOString();
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

// Zipf–Mandelbrot over the lists: the top first name is ~3.5% of contacts, the top last name
// ~2.4% (the US figures for James and Smith are ~1.5% and ~0.8%, so this errs on the heavy side);
// the rarest names hold ~0.15%.
const firstNames = new Zipf(FIRST_NAMES, 1, 8);
const lastNames = new Zipf(LAST_NAMES, 1, 15);
// Tags from a big one (~20% of contacts) down to small ones (~0.6%), so both ends are measured.
const tagPicker = (tags: Tag[]) => new Zipf(tags, 1.5, 0);

function phoneCount(rng: Random): number {
  const u = rng.float();
  return u < 0.03 ? 0 : u < 0.7 ? 1 : u < 0.94 ? 2 : 3; // mean 1.33
}

function emailCount(rng: Random): number {
  const u = rng.float();
  return u < 0.28 ? 0 : u < 0.9 ? 1 : 2; // mean 0.82
}

function company(rng: Random): string {
  return `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_KINDS)}${rng.pick(COMPANY_SUFFIXES)}`;
}

export interface OrgShape {
  name: string;
  slug: string;
  /** Members including the owner. */
  members: number;
}

export const BIG_ORG: OrgShape = { name: "Bench Org", slug: "bench-org", members: 20 };

export function generate(count: number, seed: string, shape: OrgShape = BIG_ORG): Dataset {
  const rng = new Random(seed);
  const orgCreated = ORG_CREATED;
  const org: BenchOrg = {
    name: shape.name,
    slug: shape.slug,
    organizationId: uuidV7(orgCreated, rng),
    userId: uuidV7(orgCreated, rng),
    memberId: uuidV7(orgCreated, rng),
    sessionId: uuidV7(orgCreated, rng),
    sessionToken: `bench${rng.hex8()}${rng.hex8()}${rng.hex8()}${rng.hex8()}`,
  };
  const tags = TAG_NAMES.map((name) => ({ id: uuidV7(orgCreated + DAY, rng), name }));
  const pickTag = tagPicker(tags);
  const usedNumbers = new Set<string>();

  const contacts: Contact[] = [];
  for (let i = 0; i < count; i++) {
    const created = DATA_NOW - Math.floor(rng.float() * SPAN);
    const createdAt = iso(created);
    const stub = rng.chance(0.02);
    const firstName = stub ? "" : firstNames.sample(rng);
    const lastName = stub ? "" : lastNames.sample(rng);
    const employer = !stub && rng.chance(0.7) ? company(rng) : null;

    const phones: Phone[] = [];
    const nPhones = stub ? 1 : phoneCount(rng);
    while (phones.length < nPhones) {
      const national = `${rng.pick(AREA_CODES)}${rng.int(2, 9)}${rng.int(0, 99).toString().padStart(2, "0")}${rng
        .int(0, 9999)
        .toString()
        .padStart(4, "0")}`;
      const e164 = `+1${national}`;
      if (usedNumbers.has(e164)) continue;
      usedNumbers.add(e164);
      const added = phones.length === 0 ? created : created + Math.floor(rng.float() * (DATA_NOW - created));
      phones.push({
        id: uuidV7(added, rng),
        e164,
        digits: `1${national}`,
        nationalDigits: national,
        label: phones.length === 0 ? "mobile" : rng.pick(["work", "home", "mobile"]),
        preferred: phones.length === 0,
        createdAt: iso(added),
      });
    }

    const emails: Email[] = [];
    const nEmails = stub ? 0 : emailCount(rng);
    const first = slug(firstName);
    const last = slug(lastName);
    for (let e = 0; e < nEmails; e++) {
      const local = rng.chance(0.75) ? `${first}.${last}` : rng.chance(0.5) ? `${first}${last}` : `${first[0] ?? "x"}${last}`;
      const suffix = rng.chance(0.25) ? String(rng.int(1, 99)) : "";
      const domain = e === 0 && employer && rng.chance(0.5) ? `${slug(employer.replace(/ (LLC|Inc|Co|Group)$/, ""))}.com` : rng.pick(EMAIL_DOMAINS);
      const email = `${local}${suffix}@${domain}`;
      if (emails.some((x) => x.email === email)) continue;
      emails.push({ id: uuidV7(created, rng), email, label: e === 0 ? "work" : "personal", preferred: e === 0, createdAt: createdAt });
    }

    const tagIds = new Set<string>();
    if (rng.chance(0.3)) {
      const u = rng.float();
      const n = u < 0.7 ? 1 : u < 0.95 ? 2 : 3;
      while (tagIds.size < n) tagIds.add(pickTag.sample(rng).id);
    }

    contacts.push({
      id: uuidV7(created, rng),
      firstName,
      lastName,
      company: employer,
      source: stub ? "call" : rng.pick(["import", "manual", "call", "web"]),
      status: "active",
      pipelineStage: null,
      createdAt,
      lastContactedAt: rng.chance(0.6) ? iso(created + Math.floor(rng.float() * (DATA_NOW - created))) : null,
      phones,
      emails,
      tagIds: [...tagIds],
    });
  }
  // Rows go in in creation order, as they would in production (FTS rowids follow time).
  contacts.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  fields(seed, contacts);
  return { org, tags, contacts, ...team(seed, org, contacts, orgCreated, shape.members) };
}

/**
 * Status and pipeline stage, from their own random stream (the rest of the data does not move):
 * 85% active, 8% inactive, 4% archived, 3% do not contact; 40% without a stage, then lead 25%,
 * prospect 12%, customer 12%, qualified 8%, churned 3%.
 */
function fields(seed: string, contacts: Contact[]) {
  const rng = new Random(`${seed}/fields`);
  const pick = <T>(spread: [T, number][]) => {
    let u = rng.float();
    for (const [value, share] of spread) if ((u -= share) < 0) return value;
    return spread[spread.length - 1]![0];
  };
  for (const c of contacts) {
    c.status = pick([["active", 0.85], ["inactive", 0.08], ["archived", 0.04], ["do_not_contact", 0.03]]);
    c.pipelineStage = pick<string | null>([[null, 0.4], ["lead", 0.25], ["prospect", 0.12], ["customer", 0.12], ["qualified", 0.08], ["churned", 0.03]]);
  }
}

/** Share of contacts with at least one assignee, and of those, the share with two. */
const ASSIGNED_SHARE = 0.6;
const SECOND_ASSIGNEE_SHARE = 0.15;

/**
 * The other members, assignments and the API key, from a separate random stream. Members get
 * assignments by a Zipf–Mandelbrot spread over a shuffled order (with 20 members, the busiest
 * ~19% of the assignments, the quietest ~1.8%), so the owner is not automatically the busiest.
 * E-mail addresses carry the organization's slug (user.email is unique across D1).
 */
function team(seed: string, org: BenchOrg, contacts: Contact[], orgCreated: number, count: number) {
  const rng = new Random(`${seed}/team`);
  const domain = org.slug === BIG_ORG.slug ? "bench.example" : `${org.slug}.bench.example`;
  const ownerEmail = org.slug === BIG_ORG.slug ? "bench@example.com" : `owner@${domain}`;
  const members: Member[] = [{ id: org.memberId, userId: org.userId, name: "Bench Owner", email: ownerEmail, role: "owner" }];
  for (let i = 1; i < count; i++) {
    const joined = orgCreated + i * 7 * DAY;
    const first = FIRST_NAMES[(i * 37) % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[(i * 53) % LAST_NAMES.length] as string;
    members.push({
      id: uuidV7(joined, rng),
      userId: uuidV7(joined, rng),
      name: `${first} ${last}`,
      email: `${slug(first)}.${slug(last)}.${i}@${domain}`,
      role: i <= 2 ? "admin" : "member",
    });
  }
  const order = [...members];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as Member, order[i] as Member];
  }
  const pick = new Zipf(order, 1, 1);
  const assignments = new Map<string, string[]>();
  for (const c of contacts) {
    if (!rng.chance(ASSIGNED_SHARE)) continue;
    const ids = [pick.sample(rng).id];
    if (rng.chance(SECOND_ASSIGNEE_SHARE)) {
      let second = pick.sample(rng).id;
      while (second === ids[0]) second = pick.sample(rng).id;
      ids.push(second);
    }
    assignments.set(c.id, ids);
  }
  const secret = `ck_bench_${createHash("sha256").update(`${seed}/api-key`).digest("hex").slice(0, 40)}`;
  return { members, assignments, apiKey: { id: uuidV7(orgCreated + DAY, rng), secret } };
}

export const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

const row = (r: unknown[]) => `(${r.map(sqlLiteral).join(", ")})`;
const values = (rows: unknown[][]) => rows.map(row).join(",\n");

/**
 * D1's rows for the organizations (what better-auth and the API-key guard read): organization,
 * users, members, the owner's session (expiring 30 days from the real now, active in that
 * organization) and the pipeline API key. The stores copy the members at restore.
 */
export function identitySql(orgs: readonly Dataset[]): string {
  const now = Date.now();
  const created = ORG_CREATED;
  const out = ["BEGIN;"];
  for (const data of orgs) {
    const { org } = data;
    out.push(`INSERT INTO organization (id, name, slug, created_at) VALUES ${row([org.organizationId, org.name, org.slug, created])};`);
    out.push(
      `INSERT INTO user (id, name, email, email_verified, created_at, updated_at) VALUES\n${values(
        data.members.map((m, i) => [m.userId, m.name, m.email, 1, created + i * 7 * DAY, created + i * 7 * DAY]),
      )};`,
    );
    out.push(
      `INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES\n${values(
        data.members.map((m, i) => [m.id, org.organizationId, m.userId, m.role, created + i * 7 * DAY]),
      )};`,
    );
    out.push(
      `INSERT INTO session (id, expires_at, token, created_at, updated_at, user_id, active_organization_id) VALUES ${row([org.sessionId, now + 30 * DAY, org.sessionToken, now, now, org.userId, org.organizationId])};`,
    );
    out.push(
      `INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, created_by_user_id, last_used_at, created_at) VALUES ${row([data.apiKey.id, org.organizationId, "bench pipeline", data.apiKey.secret.slice(0, 10), sha256Hex(data.apiKey.secret), org.userId, null, iso(created + DAY)])};`,
    );
  }
  out.push("COMMIT;\n");
  return out.join("\n");
}

/** Gives every organization's owner session another 30 days (a --reuse run may come weeks later). */
export function renewSessionsSql(orgs: readonly Dataset[]): string {
  const tokens = orgs.map((d) => sqlLiteral(d.org.sessionToken)).join(", ");
  return `UPDATE session SET expires_at = ${Date.now() + 30 * DAY} WHERE token IN (${tokens});\n`;
}

export type Row = Record<string, unknown>;

/** The store's schema version (what an export's header names): the store migrations' journal length. */
export function storeSchemaVersion(root: string): number {
  const journal = JSON.parse(readFileSync(`${root}/migrations/store/meta/_journal.json`, "utf8")) as { entries: unknown[] };
  return journal.entries.length;
}

/** Records of a backup besides the contacts (calls with their transcriptions, messages, notes, lines). */
export interface Activity {
  phoneLines: Row[];
  calls: Row[];
  messages: Row[];
  notes: Row[];
  todos?: Row[];
  /** Contact memories (contact_memory rows) by contact id: part of their contact's record. */
  memories?: Map<string, Row>;
}

/** The contact's export record: the store's column names, null columns left out. */
function contactRecord(data: Dataset, c: Contact, memory?: Row): Row {
  const record: Row = {
    type: "contact",
    data: {
      id: c.id,
      first_name: c.firstName,
      last_name: c.lastName,
      ...(c.company !== null && { company: c.company }),
      source: c.source,
      status: c.status,
      ...(c.pipelineStage !== null && { pipeline_stage: c.pipelineStage }),
      created_at: c.createdAt,
      updated_at: c.createdAt,
      ...(c.lastContactedAt !== null && { last_contacted_at: c.lastContactedAt }),
    },
    phones: c.phones.map((p) => ({
      id: p.id,
      contact_id: c.id,
      phone_number: p.e164,
      digits: p.digits,
      national_digits: p.nationalDigits,
      label: p.label,
      ...(p.preferred && { is_preferred: 1 }),
      created_at: p.createdAt,
    })),
  };
  // Columns with a default (is_preferred false) and empty lists are left out: a 100k-contact
  // backup must stay under POST /api/restore's 100 MB.
  if (c.emails.length) {
    record.emails = c.emails.map((e) => ({
      id: e.id,
      contact_id: c.id,
      email: e.email,
      email_normalized: e.email.toLowerCase(),
      label: e.label,
      ...(e.preferred && { is_preferred: 1 }),
      created_at: e.createdAt,
    }));
  }
  if (c.tagIds.length) record.tags = c.tagIds.map((t) => ({ contact_id: c.id, tag_id: t, created_at: c.createdAt }));
  const assigned = data.assignments.get(c.id);
  if (assigned) record.assignments = assigned.map((m) => ({ contact_id: c.id, member_id: m, created_at: c.createdAt }));
  if (memory) record.memory = memory;
  return record;
}

/**
 * The organization's data as a backup file (GET /api/export's format): header, settings,
 * members, tags, phone lines, contacts with their phones, emails, tags, assignments and memory,
 * then calls (with the transcription's text), messages, notes and todos, and the end record.
 */
export function* backupLines(data: Dataset, schemaVersion: number, activity?: Activity): Generator<string> {
  const counts: Record<string, number> = {};
  const line = (record: Row) => {
    const type = record.type as string;
    if (type !== "header" && type !== "end") counts[type] = (counts[type] ?? 0) + 1;
    return `${JSON.stringify(record)}\n`;
  };
  yield line({
    type: "header",
    format: "contacts-export",
    version: 1,
    schema_version: schemaVersion,
    organization_id: data.org.organizationId,
    organization_name: data.org.name,
    exported_at: iso(DATA_NOW),
  });
  yield line({ type: "settings", default_region: "US" });
  for (const m of data.members) yield line({ type: "member", data: { id: m.id, user_id: m.userId, name: m.name, email: m.email, role: m.role, removed_at: null } });
  for (const [i, t] of data.tags.entries()) {
    const color = `#${((i * 2654435761) >>> 8).toString(16).padStart(6, "0").slice(0, 6)}`;
    yield line({ type: "tag", data: { id: t.id, name: t.name, name_normalized: t.name.toLowerCase(), color, created_at: iso(ORG_CREATED + DAY) } });
  }
  for (const l of activity?.phoneLines ?? []) yield line({ type: "phone_line", data: l });
  for (const c of data.contacts) yield line(contactRecord(data, c, activity?.memories?.get(c.id)));
  for (const r of activity?.calls ?? []) yield line(r);
  for (const r of activity?.messages ?? []) yield line(r);
  for (const r of activity?.notes ?? []) yield line(r);
  for (const r of activity?.todos ?? []) yield line(r);
  yield line({ type: "end", counts });
}

/** Counts that make the query kinds and the printed description honest. */
export function describe(data: Dataset) {
  const n = data.contacts.length;
  const phones = data.contacts.reduce((s, c) => s + c.phones.length, 0);
  const emails = data.contacts.reduce((s, c) => s + c.emails.length, 0);
  const stubs = data.contacts.filter((c) => !c.firstName && !c.lastName).length;
  const tagged = data.contacts.filter((c) => c.tagIds.length > 0).length;
  const contacted = data.contacts.filter((c) => c.lastContactedAt).length;
  const assignmentRows = [...data.assignments.values()].reduce((s, ids) => s + ids.length, 0);
  return {
    assignedShare: data.assignments.size / n,
    assignmentRows,
    contacts: n,
    phonesPerContact: phones / n,
    emailsPerContact: emails / n,
    stubShare: stubs / n,
    taggedShare: tagged / n,
    contactedShare: contacted / n,
  };
}

export function frequencies(values: Iterable<string>): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
