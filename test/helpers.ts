import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../worker/index";
import { expect } from "vitest";

export const ORIGIN = "http://localhost:8787";

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export interface Session {
  cookie: string;
  userId: string;
  email: string;
}

export interface Json {
  [key: string]: any;
}

export async function call(
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown; bearer?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  // A distinct client IP per request keeps better-auth's per-IP sign-in rate limit out of the way.
  const headers: Record<string, string> = { origin: ORIGIN, "cf-connecting-ip": `10.0.${counter % 250}.${counter++ % 250}`, ...opts.headers };
  // An empty header value means "do not send it" (e.g. a write without an Origin).
  for (const [name, value] of Object.entries(headers)) if (value === "") delete headers[name];
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  }
  const res = await exports.default.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body }));
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}

function cookieFrom(res: { headers: Headers }): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export async function signUp(name = "Test User"): Promise<Session> {
  const email = `u${unique()}@example.com`;
  const res = await call("POST", "/api/auth/sign-up/email", { body: { email, password: "correct horse battery", name } });
  if (res.status !== 200) throw new Error(`sign-up failed ${res.status} ${JSON.stringify(res.body)}`);
  return { cookie: cookieFrom(res), userId: res.body.user.id, email };
}

export async function signIn(email: string): Promise<string> {
  const res = await call("POST", "/api/auth/sign-in/email", { body: { email, password: "correct horse battery" } });
  if (res.status !== 200) throw new Error(`sign-in failed ${res.status}`);
  return cookieFrom(res);
}

export interface Org {
  id: string;
  owner: Session;
}

export async function createOrg(owner?: Session): Promise<Org> {
  const s = owner ?? (await signUp("Olivia Owner"));
  const slug = `org-${unique()}`;
  const res = await call("POST", "/api/auth/organization/create", { cookie: s.cookie, body: { name: `Org ${slug}`, slug } });
  if (res.status !== 200) throw new Error(`org create failed ${res.status} ${JSON.stringify(res.body)}`);
  const active = await call("POST", "/api/auth/organization/set-active", { cookie: s.cookie, body: { organizationId: res.body.id } });
  if (active.status !== 200) throw new Error(`set-active failed ${active.status}`);
  return { id: res.body.id, owner: s };
}

/** Invites a new user with `role` and has them accept; returns their session (active in the org). */
export async function addMember(org: Org, role: "member" | "admin" = "member", name = "Max Member"): Promise<Session & { memberId: string }> {
  const s = await signUp(name);
  const inv = await call("POST", "/api/auth/organization/invite-member", { cookie: org.owner.cookie, body: { email: s.email, role } });
  if (inv.status !== 200) throw new Error(`invite failed ${inv.status} ${JSON.stringify(inv.body)}`);
  const acc = await call("POST", "/api/auth/organization/accept-invitation", { cookie: s.cookie, body: { invitationId: inv.body.id } });
  if (acc.status !== 200) throw new Error(`accept failed ${acc.status} ${JSON.stringify(acc.body)}`);
  await call("POST", "/api/auth/organization/set-active", { cookie: s.cookie, body: { organizationId: org.id } });
  return { ...s, memberId: acc.body.member.id };
}

/** No quiet hours (start = end): for tests that send texts whatever the hour they run at. */
export async function openAllDay(org: Org): Promise<void> {
  const res = await call("PUT", "/api/settings", { cookie: org.owner.cookie, body: { quiet_hours: { start: "00:00", end: "00:00" } } });
  if (res.status !== 200) throw new Error(`settings failed ${res.status} ${JSON.stringify(res.body)}`);
}

export async function createContact(org: Org, body: Json): Promise<Json> {
  const res = await call("POST", "/api/contacts", { cookie: org.owner.cookie, body });
  if (res.status !== 201) throw new Error(`create contact failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createApiKey(org: Org): Promise<string> {
  const res = await call("POST", "/api/api-keys", { cookie: org.owner.cookie, body: { name: "pipeline" } });
  if (res.status !== 201) throw new Error(`api key failed ${res.status}`);
  return res.body.key;
}

export function expectProblem(res: { status: number; body: any; headers: Headers }, status: number) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("application/problem+json")) throw new Error(`expected problem+json, got ${type}`);
  if (res.body.status !== status || typeof res.body.detail !== "string") throw new Error(`bad problem body ${JSON.stringify(res.body)}`);
}

/** Rows of a query run straight in the organization's store (its SQLite database). */
export async function storeRows<T = Record<string, unknown>>(organizationId: string, query: string, ...params: unknown[]): Promise<T[]> {
  const stub = env.ORG_STORE.get(env.ORG_STORE.idFromName(organizationId));
  return runInDurableObject(stub, (_store, state) => state.storage.sql.exec(query, ...params).toArray() as T[]);
}

/** What each trigger-kept counter of contact_counts counts, as a count of the rows themselves. */
const RECOUNTS = [
  "SELECT 'status' AS facet, status AS value, count(*) AS n FROM contacts GROUP BY 2",
  "SELECT 'stage' AS facet, coalesce(pipeline_stage, '') AS value, count(*) AS n FROM contacts GROUP BY 2",
  "SELECT 'source' AS facet, coalesce(source, '') AS value, count(*) AS n FROM contacts GROUP BY 2",
  "SELECT 'no_name' AS facet, '' AS value, count(*) AS n FROM contacts WHERE sort_name = char(1114111) HAVING count(*) > 0",
  "SELECT 'never_contacted' AS facet, '' AS value, count(*) AS n FROM contacts WHERE last_contacted_at IS NULL HAVING count(*) > 0",
  `SELECT 'do_not_contact' AS facet, '' AS value, count(*) AS n FROM contacts c
    WHERE c.status = 'do_not_contact' OR EXISTS (SELECT 1 FROM contact_opt_outs o WHERE o.contact_id = c.id) HAVING count(*) > 0`,
  "SELECT 'member' AS facet, member_id AS value, count(*) AS n FROM contact_user GROUP BY 2",
  "SELECT 'tag' AS facet, tag_id AS value, count(*) AS n FROM contact_tags GROUP BY 2",
];

/** Asserts that the store's counters (contact_counts) equal a recount of its rows; returns them. */
export async function countersInStep(organizationId: string): Promise<{ facet: string; value: string; n: number }[]> {
  type Count = { facet: string; value: string; n: number };
  const kept = await storeRows<Count>(organizationId, "SELECT facet, value, n FROM contact_counts WHERE n != 0 ORDER BY facet, value");
  const counted: Count[] = [];
  for (const q of RECOUNTS) counted.push(...(await storeRows<Count>(organizationId, q)));
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  counted.sort((x, y) => cmp(x.facet, y.facet) || cmp(x.value, y.value));
  expect(kept).toEqual(counted);
  return kept;
}

/** Statements run straight in the organization's store, in one transaction (test fixtures). */
export async function storeExec(organizationId: string, statements: [string, ...unknown[]][]): Promise<void> {
  const stub = env.ORG_STORE.get(env.ORG_STORE.idFromName(organizationId));
  await runInDurableObject(stub, (_store, state) =>
    state.storage.transactionSync(() => {
      for (const [query, ...params] of statements) state.storage.sql.exec(query, ...params);
    }),
  );
}

/** `SELECT count(*) AS n ...` straight from the organization's store. */
export async function countRows(organizationId: string, query: string, ...params: unknown[]): Promise<number> {
  const [row] = await storeRows<{ n: number }>(organizationId, query, ...params);
  return Number(row?.n ?? 0);
}

const WITHOUT_ROWID = new Set(["duplicate_keys", "duplicate_pairs", "duplicate_pair_scores"]);

const SNAPSHOT_TABLES = [
  "contacts",
  "contact_phones",
  "contact_emails",
  "contact_addresses",
  "tags",
  "contact_tags",
  "contact_user",
  "members",
  "store_settings",
  "contact_stats",
  "contact_counts",
  "contact_opt_outs",
  "phone_lines",
  "calls",
  "call_analyses",
  "todos",
  "notes",
  "messages",
  "contact_memory",
  "contact_search_keys",
  "consent_events",
  "blocked_numbers",
  "saved_views",
  "imports",
  "import_errors",
  "contact_history",
  "trash",
  "merges",
  "merged_contacts",
  "duplicate_keys",
  "duplicate_pairs",
  "duplicate_pair_scores",
  "snapshot_rows",
  "duplicate_dismissals",
] as const;

/**
 * Every row the API can write for one organization, read straight from its store (and its API
 * keys from D1): compare two snapshots to prove that a refused request changed nothing.
 */
export async function orgSnapshot(organizationId: string): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  // WITHOUT ROWID tables have no rowid; a scan of one is in primary-key order.
  for (const table of SNAPSHOT_TABLES) snapshot[table] = await storeRows(organizationId, `SELECT * FROM ${table}${WITHOUT_ROWID.has(table) ? "" : " ORDER BY rowid"}`);
  snapshot.api_keys = (await env.DB.prepare("SELECT * FROM api_keys WHERE organization_id = ? ORDER BY rowid").bind(organizationId).all()).results;
  return snapshot;
}

/** A 400 problem whose `errors` list a problem with `field`. */
export function expectInvalid(res: { status: number; body: any; headers: Headers }, field: string) {
  expectProblem(res, 400);
  const fields = ((res.body.errors ?? []) as { field: string }[]).map((e) => e.field);
  if (!fields.includes(field)) throw new Error(`expected an error on ${field}, got ${JSON.stringify(res.body)}`);
}

/** One message through the Worker's queue consumer, as queue `queue` would deliver it; what it acked or retried. */
export async function runQueue(queue: string, body: object, useEnv: Env = env, attempts = 1) {
  const batch = createMessageBatch(queue, [{ id: crypto.randomUUID(), timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, useEnv, ctx);
  return getQueueResult(batch, ctx);
}

/** Polls `probe` until it answers something truthy (answered), or fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
