/**
 * Deterministic bench data: one organization with an owner, a session for that owner, 10 tags
 * and N contacts with phones, emails and tags, emitted as SQL for the sqlite3 shell. The
 * migrations' triggers maintain the FTS index and organization_stats as rows go in.
 *
 * Besides the contacts: 19 more members (20 with the owner), ~60% of contacts assigned to one
 * or two of them with a skewed spread, and one pipeline API key whose secret the bench knows.
 * These come from their own random stream, so the contacts are the same as without them.
 */
import { createHash } from "node:crypto";
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

export function generate(count: number, seed: string): Dataset {
  const rng = new Random(seed);
  const orgCreated = DATA_NOW - SPAN - 30 * DAY;
  const org: BenchOrg = {
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
      createdAt,
      lastContactedAt: rng.chance(0.6) ? iso(created + Math.floor(rng.float() * (DATA_NOW - created))) : null,
      phones,
      emails,
      tagIds: [...tagIds],
    });
  }
  // Rows go in in creation order, as they would in production (FTS rowids follow time).
  contacts.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  return { org, tags, contacts, ...team(seed, org, contacts, orgCreated) };
}

/** Share of contacts with at least one assignee, and of those, the share with two. */
const ASSIGNED_SHARE = 0.6;
const SECOND_ASSIGNEE_SHARE = 0.15;

/**
 * 19 more members, assignments and the API key, from a separate random stream. Members get
 * assignments by a Zipf–Mandelbrot spread over a shuffled order (the busiest member ~19% of the
 * assignments, the quietest ~1.8%), so the owner is not automatically the busiest.
 */
function team(seed: string, org: BenchOrg, contacts: Contact[], orgCreated: number) {
  const rng = new Random(`${seed}/team`);
  const members: Member[] = [{ id: org.memberId, userId: org.userId, name: "Bench Owner", email: "bench@example.com", role: "owner" }];
  for (let i = 1; i < 20; i++) {
    const joined = orgCreated + i * 7 * DAY;
    const first = FIRST_NAMES[(i * 37) % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[(i * 53) % LAST_NAMES.length] as string;
    members.push({
      id: uuidV7(joined, rng),
      userId: uuidV7(joined, rng),
      name: `${first} ${last}`,
      email: `${slug(first)}.${slug(last)}.${i}@bench.example`,
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

/** Organization, owner, session (expiring 30 days from the real now), the other members, the API key and tags. */
export function setupSql(data: Dataset): string {
  const { org } = data;
  const others = data.members.filter((m) => m.id !== org.memberId);
  const now = Date.now();
  const created = DATA_NOW - SPAN - 30 * DAY;
  return `BEGIN;
INSERT INTO organization (id, name, slug, created_at) VALUES ${row([org.organizationId, "Bench Org", "bench-org", created])};
INSERT INTO organization_settings (organization_id, default_region, updated_at) VALUES ${row([org.organizationId, "US", iso(created)])};
INSERT INTO user (id, name, email, email_verified, created_at, updated_at) VALUES ${row([org.userId, "Bench Owner", "bench@example.com", 1, created, created])};
INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES ${row([org.memberId, org.organizationId, org.userId, "owner", created])};
INSERT INTO session (id, expires_at, token, created_at, updated_at, user_id, active_organization_id) VALUES ${row([org.sessionId, now + 30 * DAY, org.sessionToken, now, now, org.userId, org.organizationId])};
INSERT INTO user (id, name, email, email_verified, created_at, updated_at) VALUES
${values(others.map((m, i) => [m.userId, m.name, m.email, 1, created + (i + 1) * 7 * DAY, created + (i + 1) * 7 * DAY]))};
INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES
${values(others.map((m, i) => [m.id, org.organizationId, m.userId, m.role, created + (i + 1) * 7 * DAY]))};
INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, created_by_user_id, last_used_at, created_at) VALUES ${row([data.apiKey.id, org.organizationId, "bench pipeline", data.apiKey.secret.slice(0, 10), sha256Hex(data.apiKey.secret), org.userId, null, iso(created + DAY)])};
INSERT INTO tags (id, organization_id, name, name_normalized, color, created_at) VALUES
${values(data.tags.map((t, i) => [t.id, org.organizationId, t.name, t.name.toLowerCase(), `#${((i * 2654435761) >>> 8).toString(16).padStart(6, "0").slice(0, 6)}`, iso(created + DAY)]))};
COMMIT;
`;
}

/** INSERT statements for the contacts, `chunk` contacts per transaction. */
export function* contactSql(data: Dataset, chunk = 2000): Generator<string> {
  const orgId = data.org.organizationId;
  for (let start = 0; start < data.contacts.length; start += chunk) {
    const batch = data.contacts.slice(start, start + chunk);
    const phones = batch.flatMap((c) =>
      c.phones.map((p) => [p.id, orgId, c.id, p.e164, p.digits, p.nationalDigits, p.label, p.preferred ? 1 : 0, p.createdAt]),
    );
    const emails = batch.flatMap((c) =>
      c.emails.map((e) => [e.id, orgId, c.id, e.email, e.email.toLowerCase(), e.label, e.preferred ? 1 : 0, e.createdAt]),
    );
    const tags = batch.flatMap((c) => c.tagIds.map((t) => [c.id, t, orgId, c.createdAt]));
    const assigned = batch.flatMap((c) => (data.assignments.get(c.id) ?? []).map((m) => [c.id, m, orgId, c.createdAt]));
    let text = "BEGIN;\n";
    text += `INSERT INTO contacts (id, organization_id, first_name, last_name, company, source, status, created_at, updated_at, last_contacted_at) VALUES\n${values(
      batch.map((c) => [c.id, orgId, c.firstName, c.lastName, c.company, c.source, "active", c.createdAt, c.createdAt, c.lastContactedAt]),
    )};\n`;
    if (phones.length) {
      text += `INSERT INTO contact_phones (id, organization_id, contact_id, phone_number, digits, national_digits, label, is_preferred, created_at) VALUES\n${values(phones)};\n`;
    }
    if (emails.length) {
      text += `INSERT INTO contact_emails (id, organization_id, contact_id, email, email_normalized, label, is_preferred, created_at) VALUES\n${values(emails)};\n`;
    }
    if (tags.length) {
      text += `INSERT INTO contact_tags (contact_id, tag_id, organization_id, created_at) VALUES\n${values(tags)};\n`;
    }
    if (assigned.length) {
      text += `INSERT INTO contact_user (contact_id, member_id, organization_id, created_at) VALUES\n${values(assigned)};\n`;
    }
    text += "COMMIT;\n";
    yield text;
  }
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
