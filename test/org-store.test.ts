import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { describe, expect, inject, it } from "vitest";
import migrations from "../migrations/store/migrations.js";
import { migrateStore } from "../worker/store/migrate";
import * as schema from "../worker/store/schema";
import { type Org, addMember, call, countRows, createApiKey, createContact, createOrg, expectProblem, orgSnapshot, storeExec, storeRows, runQueue } from "./helpers";

const storeOf = (organizationId: string) => env.ORG_STORE.get(env.ORG_STORE.idFromName(organizationId));
const r2Keys = async (prefix: string) => (await env.BLOBS.list({ prefix })).objects.map((o) => o.key);

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 40 && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

const deliver = (queue: string, body: object, useEnv: Env = env) => runQueue(queue, body, useEnv);

describe("organization stores", () => {
  it("a new organization's store migrates from empty and records its schema version in itself and in D1", async () => {
    const org = await createOrg();
    const version = migrations.journal.entries.length;
    const [settings] = await storeRows<{ organization_id: string; default_region: string }>(org.id, "SELECT organization_id, default_region FROM store_settings");
    expect(settings).toEqual({ organization_id: org.id, default_region: "US" });
    expect(await countRows(org.id, "SELECT count(*) AS n FROM __drizzle_migrations")).toBe(version);
    expect(await runInDurableObject(storeOf(org.id), (_s, state) => state.storage.kv.get("schema_version"))).toBe(version);
    const directory = await waitFor(
      () => env.DB.prepare("SELECT store_schema_version AS v, last_migrated_at AS at FROM organization_directory WHERE organization_id = ?").bind(org.id).first<{ v: number; at: string }>(),
      (row) => row !== null,
    );
    expect(directory).toMatchObject({ v: version, at: expect.any(String) });
    // The owner is in the store's copy of the members (from better-auth's hook).
    expect(await storeRows(org.id, "SELECT name, role, removed_at FROM members")).toEqual([{ name: "Olivia Owner", role: "owner", removed_at: null }]);
  });

  it("a store at an earlier schema version migrates with its data", async () => {
    // The version before message media (which must be filled in from the messages already there).
    const before = migrations.journal.entries.findIndex((e) => e.tag.endsWith("_message_media"));
    const previous = { ...migrations, journal: { ...migrations.journal, entries: migrations.journal.entries.slice(0, before) } };
    const result = await runInDurableObject(storeOf(crypto.randomUUID()), async (_store, state) => {
      await state.storage.deleteAll();
      const db = drizzle(state.storage, { schema });
      await migrate(db, previous);
      const sql = state.storage.sql;
      sql.exec("INSERT INTO contacts (id, first_name, last_name, created_at, updated_at) VALUES ('c1', 'Ada', 'Lovelace', '2026-01-01', '2026-01-01')");
      state.storage.kv.put("schema_version", before);
      sql.exec("INSERT INTO contact_phones (id, contact_id, phone_number, digits, national_digits, created_at) VALUES ('p1', 'c1', '+14155550190', '14155550190', '4155550190', '2026-01-01')");
      sql.exec(
        `INSERT INTO messages (id, contact_id, direction, from_phone, to_phone, body, media_urls, status, created_at, updated_at)
         VALUES ('m1', 'c1', 'inbound', '+14155550190', '+12125550100', 'photo', '["https://example.com/a.jpg","https://example.com/b.jpg"]', 'received', '2026-01-01', '2026-01-01')`,
      );
      // What the store itself runs on its first use after a deploy (OrgStore's constructor).
      await migrateStore(state.storage, db);
      return {
        phones: sql.exec("SELECT country, national, international FROM contact_phones").toArray(),
        version: state.storage.kv.get("schema_version"),
        media: sql.exec("SELECT message_id, position, source_url, r2_key FROM message_media ORDER BY position").toArray(),
        found: sql.exec("SELECT k.id FROM contact_search s JOIN contact_search_keys k ON k.rowid = s.rowid WHERE contact_search MATCH '\"love\"'").toArray(),
        count: sql.exec("SELECT contact_count FROM contact_stats").one().contact_count,
        applied: sql.exec("SELECT count(*) AS n FROM __drizzle_migrations").one().n,
      };
    });
    expect(result.media).toEqual([
      { message_id: "m1", position: 0, source_url: "https://example.com/a.jpg", r2_key: null },
      { message_id: "m1", position: 1, source_url: "https://example.com/b.jpg", r2_key: null },
    ]);
    // Numbers stored before the store kept their display forms get them.
    expect(result.phones).toEqual([{ country: "US", national: "(415) 555-0190", international: "+1 415 555 0190" }]);
    expect(result.version).toBe(migrations.journal.entries.length);
    expect(result.found).toEqual([{ id: "c1" }]);
    expect(result.count).toBe(1);
    expect(result.applied).toBe(migrations.journal.entries.length);
  });

  it("a failure in the middle of a multi-row write leaves nothing half-written", async () => {
    const org = await createOrg();
    const tag = (await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: "VIP", color: "#ff0000" } })).body;
    const before = await orgSnapshot(org.id);
    await storeExec(org.id, [["CREATE TRIGGER fail_email BEFORE INSERT ON contact_emails BEGIN SELECT RAISE(ABORT, 'injected failure'); END"]]);
    try {
      const res = await call("POST", "/api/contacts", {
        cookie: org.owner.cookie,
        body: { first_name: "Half", phones: [{ phone_number: "+14155550190" }, { phone_number: "+14155550191" }], emails: [{ email: "half@example.com" }], tag_ids: [tag.id] },
      });
      expectProblem(res, 500);
    } finally {
      await storeExec(org.id, [["DROP TRIGGER fail_email"]]);
    }
    expect(await orgSnapshot(org.id)).toEqual(before);
    expect((await call("GET", "/api/contacts/list?search=half", { cookie: org.owner.cookie })).body.total_count).toBe(0);
  });
});

describe("long histories", () => {
  it("a contact with more calls and messages than SQLite's 100 bound parameters lists them all", async () => {
    const org = await createOrg();
    const key = await createApiKey(org);
    const first = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550500" } });
    const contactId = first.body.contact_id as string;
    const rows: [string, ...unknown[]][] = [];
    for (let i = 0; i < 130; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
      const callId = crypto.randomUUID();
      rows.push(["INSERT INTO calls (id, contact_id, direction, started_at, created_at, updated_at) VALUES (?, ?, 'inbound', ?, ?, ?)", callId, contactId, at, at, at]);
      rows.push(["INSERT INTO call_analyses (id, call_id, analyzer, results, created_at) VALUES (?, ?, 'intent', '{}', ?)", crypto.randomUUID(), callId, at]);
    }
    for (let i = 0; i < 120; i++) {
      const at = new Date(Date.UTC(2026, 1, 1) + i * 60_000).toISOString();
      rows.push(["INSERT INTO messages (id, contact_id, direction, from_phone, to_phone, body, media_urls, status, created_at, updated_at) VALUES (?, ?, 'inbound', '+14155550500', '+12125550100', 'Hi', '[]', 'received', ?, ?)", crypto.randomUUID(), contactId, at, at]);
    }
    await storeExec(org.id, rows);
    const calls = await call("GET", `/api/contacts/${contactId}/calls`, { cookie: org.owner.cookie });
    expect(calls.status).toBe(200);
    expect(calls.body).toHaveLength(131);
    expect(calls.body.filter((c: { analyses: unknown[] }) => c.analyses.length === 1)).toHaveLength(130);
    const feed = await call("GET", `/api/contacts/${contactId}/feed?limit=100`, { cookie: org.owner.cookie });
    expect(feed.body.items).toHaveLength(100);
    // The call recorded now comes first, then the February messages (newer than January's calls).
    expect(feed.body.items.filter((i: { message: unknown }) => i.message !== null)).toHaveLength(99);
    const messages = await call("GET", `/api/contacts/${contactId}/messages?limit=100`, { cookie: org.owner.cookie });
    expect(messages.body).toHaveLength(100);
  });
});

describe("transcripts and media in R2", () => {
  it("a transcription round-trips through R2, and replaced or deleted ones leave it", async () => {
    const org = await createOrg();
    const key = await createApiKey(org);
    const created = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550200" } });
    const put = (transcription: string) => call("PUT", `/api/calls/${created.body.call_id}/transcription`, { bearer: key, body: { transcription } });
    const text = `Agent: Hello.\nCaller: Ça va, this is Zoë — ${"long ".repeat(2000)}`;
    expect((await put(text)).status).toBe(202);
    const [first] = await storeRows<{ key: string; chars: number }>(org.id, "SELECT transcript_key AS key, transcript_chars AS chars FROM calls WHERE id = ?", created.body.call_id);
    expect(first?.key.startsWith(`${org.id}/calls/${created.body.call_id}/`)).toBe(true);
    expect(first?.chars).toBe(text.length);
    expect(await (await env.BLOBS.get(first!.key))?.text()).toBe(text);
    const calls = await call("GET", `/api/contacts/${created.body.contact_id}/calls`, { cookie: org.owner.cookie });
    expect(calls.body[0].transcription).toBe(text);
    // No transcription text is stored in the store's SQLite.
    expect(JSON.stringify(await storeRows(org.id, "SELECT * FROM calls"))).not.toContain("Zoë");

    expect((await put("Second version")).status).toBe(202);
    await runDurableObjectAlarm(storeOf(org.id));
    const keys = await r2Keys(`${org.id}/calls/`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toBe(first!.key);
    expect((await call("GET", `/api/contacts/${created.body.contact_id}/calls`, { cookie: org.owner.cookie })).body[0].transcription).toBe("Second version");

    // Saving for a call that does not exist writes nothing, in R2 either.
    expectProblem(await call("PUT", `/api/calls/${crypto.randomUUID()}/transcription`, { bearer: key, body: { transcription: "Ghost" } }), 404);
    expect(await waitFor(() => r2Keys(`${org.id}/calls/`), (k) => k.length === 1)).toHaveLength(1);

    // A deleted contact's transcript stays while it is in the trash, and goes with the purge.
    expect((await call("DELETE", `/api/contacts/${created.body.contact_id}`, { cookie: org.owner.cookie })).status).toBe(204);
    await runDurableObjectAlarm(storeOf(org.id));
    expect(await r2Keys(`${org.id}/calls/`)).toHaveLength(1);
    expect(await storeOf(org.id).purgeExpired(new Date(Date.now() + 31 * 86_400_000).toISOString())).toEqual({ ok: true, value: { contacts: 1, merges: 0 } });
    await runDurableObjectAlarm(storeOf(org.id));
    expect(await r2Keys(`${org.id}/`)).toEqual([]);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM blob_deletions")).toBe(0);
  });

  it("MMS media are copied into R2 by the fetch job and served from there, with the provider's auth", async () => {
    const twilio = inject("twilioUrl");
    const sid = `AC${crypto.randomUUID().replace(/-/g, "")}`;
    const mediaEnv = { ...env, TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: "token", TWILIO_BASE_URL: twilio };
    const org = await createOrg();
    const key = await createApiKey(org);
    const urls = [`${twilio}/2010-04-01/Accounts/${sid}/Messages/MM1/Media/ME1`, `${twilio}/status/404`, `${twilio}/huge`];
    const inbound = await call("POST", "/api/messages", { bearer: key, body: { from: "+14155550210", to: "+12125550100", body: "Photos", media_urls: urls } });
    expect(inbound.status).toBe(201);
    const messages = async () => (await call("GET", `/api/contacts/${inbound.body.contact_id}/messages`, { cookie: org.owner.cookie })).body;
    const [before] = await messages();
    expect(before.media_urls).toEqual(urls);
    expect(before.media.map((m: { stored: boolean }) => m.stored)).toEqual([false, false, false]);
    // Not copied yet: the API sends the reader to the provider's URL.
    const early = await exportsFetch(before.media[0].url, org.owner.cookie);
    expect(early.status).toBe(302);
    expect(early.headers.get("location")).toBe(urls[0]);

    const result = await deliver("media-fetch", { type: "fetch_media", organization_id: org.id, message_id: inbound.body.message_id }, mediaEnv);
    expect(result.explicitAcks).toHaveLength(1);
    const [after] = await messages();
    expect(after.media).toEqual([
      { url: `/api/messages/${inbound.body.message_id}/media/0`, source_url: urls[0], content_type: "image/png", bytes: 70, stored: true },
      { url: `/api/messages/${inbound.body.message_id}/media/1`, source_url: urls[1], content_type: null, bytes: null, stored: false },
      { url: `/api/messages/${inbound.body.message_id}/media/2`, source_url: urls[2], content_type: null, bytes: null, stored: false },
    ]);
    const served = await exportsFetch(`/api/messages/${inbound.body.message_id}/media/0`, org.owner.cookie);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("content-security-policy")).toContain("sandbox");
    expect((await served.arrayBuffer()).byteLength).toBe(70);
    const [errors] = await storeRows<{ e1: string; e2: string }>(
      org.id,
      "SELECT (SELECT error FROM message_media WHERE position = 1) AS e1, (SELECT error FROM message_media WHERE position = 2) AS e2",
    );
    expect(errors).toEqual({ e1: "the provider answered 404", e2: "larger than 5 MB" });
    expect(await r2Keys(`${org.id}/messages/`)).toEqual([`${org.id}/messages/${inbound.body.message_id}/media-0`]);

    // Another organization cannot read it; a member of this one can.
    const other = await createOrg();
    expectProblem(await call("GET", `/api/messages/${inbound.body.message_id}/media/0`, { cookie: other.owner.cookie }), 404);
    const member = await addMember(org, "member");
    expect((await exportsFetch(`/api/messages/${inbound.body.message_id}/media/0`, member.cookie)).status).toBe(200);
  });
});

/** A raw response (binary bodies). */
async function exportsFetch(path: string, cookie: string) {
  const { exports } = await import("cloudflare:workers");
  return exports.default.fetch(new Request(`http://localhost:8787${path}`, { headers: { cookie }, redirect: "manual" }));
}

describe("deleting an organization", () => {
  it("removes its store's data and its R2 objects, and its API keys answer 401", async () => {
    const org: Org = await createOrg();
    const key = await createApiKey(org);
    await createContact(org, { first_name: "Gone", phones: [{ phone_number: "+14155550300" }] });
    const created = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550301" } });
    await call("PUT", `/api/calls/${created.body.call_id}/transcription`, { bearer: key, body: { transcription: "Soon gone" } });
    expect(await r2Keys(`${org.id}/`)).toHaveLength(1);

    const deleted = await call("POST", "/api/auth/organization/delete", { cookie: org.owner.cookie, body: { organizationId: org.id } });
    expect(deleted.status).toBe(200);
    // The key is still remembered by this isolate: the store refuses it.
    expectProblem(await call("POST", "/api/contacts/resolve", { bearer: key, body: { phone: "+14155550300" } }), 401);
    expectProblem(await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550302" } }), 401);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE organization_id = ?").bind(org.id).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM organization_directory WHERE organization_id = ?").bind(org.id).first("n")).toBe(0);
    const tables = await runInDurableObject(storeOf(org.id), (_s, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\'").toArray(),
    );
    expect(tables).toEqual([]);
    await runDurableObjectAlarm(storeOf(org.id));
    expect(await r2Keys(`${org.id}/`)).toEqual([]);
    // A job queued before the deletion is dropped, not retried forever.
    const job = await deliver("contact-enrichment", { type: "enrich_contact", organization_id: org.id, call_id: created.body.call_id });
    expect(job.explicitAcks).toHaveLength(1);
  });
});
