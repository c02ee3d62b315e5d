import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Json,
  type Org,
  addMember,
  call,
  countRows,
  createContact,
  createOrg,
  expectInvalid,
  expectProblem,
  orgSnapshot,
} from "./helpers";

/** Tags are tested in one organization, members and API keys in the other. */
let tagsOrg: Org;
let team: Org;
let member: Awaited<ReturnType<typeof addMember>>;
let admin: Awaited<ReturnType<typeof addMember>>;
beforeAll(async () => {
  [tagsOrg, team] = await Promise.all([createOrg(), createOrg()]);
  member = await addMember(team, "member", "Max Member");
  admin = await addMember(team, "admin", "Ada Admin");
});

describe("tags", () => {
  let org: Org;
  const as = (method: string, path: string, body?: unknown) => call(method, path, { cookie: org.owner.cookie, body });
  beforeAll(() => {
    org = tagsOrg;
  });

  it("creates, lists by name, renames, recolors and deletes tags", async () => {
    const vip = await as("POST", "/api/tags", { name: "  VIP ", color: "#FF0000" });
    expect(vip.status).toBe(201);
    expect(vip.body).toEqual({ id: expect.any(String), name: "VIP", color: "#ff0000" });
    const alpha = await as("POST", "/api/tags", { name: "alpha", color: "#00ff00" });
    const beta = await as("POST", "/api/tags", { name: "Beta", color: "#0000ff" });

    const list = await as("GET", "/api/tags");
    expect(list.status).toBe(200);
    expect(list.body.map((t: Json) => t.name)).toEqual(["alpha", "Beta", "VIP"]);

    const renamed = await as("PUT", `/api/tags/${vip.body.id}`, { name: "Very Important" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ id: vip.body.id, name: "Very Important", color: "#ff0000" });
    const recolored = await as("PUT", `/api/tags/${vip.body.id}`, { color: "#ABCDEF" });
    expect(recolored.body).toEqual({ id: vip.body.id, name: "Very Important", color: "#abcdef" });
    const recased = await as("PUT", `/api/tags/${alpha.body.id}`, { name: "Alpha" });
    expect(recased.body.name).toBe("Alpha");
    expect((await as("PUT", `/api/tags/${beta.body.id}`, {})).body).toEqual(beta.body);

    expect((await as("DELETE", `/api/tags/${beta.body.id}`)).status).toBe(204);
    expectProblem(await as("DELETE", `/api/tags/${beta.body.id}`), 404);
    expectProblem(await as("PUT", `/api/tags/${beta.body.id}`, { name: "Ghost" }), 404);
    expect((await as("GET", "/api/tags")).body.map((t: Json) => t.name)).toEqual(["Alpha", "Very Important"]);
  });

  it("keeps names unique per organization, case-insensitively (409), and changes nothing", async () => {
    await as("POST", "/api/tags", { name: "Lead", color: "#111111" });
    const other = await as("POST", "/api/tags", { name: "Cold", color: "#222222" });
    const before = await orgSnapshot(org.id);
    expectProblem(await as("POST", "/api/tags", { name: "lead", color: "#333333" }), 409);
    expectProblem(await as("POST", "/api/tags", { name: " LEAD ", color: "#333333" }), 409);
    expectProblem(await as("PUT", `/api/tags/${other.body.id}`, { name: "LeAd" }), 409);
    expect(await orgSnapshot(org.id)).toEqual(before);

    // Another organization may use the same name.
    expect((await call("POST", "/api/tags", { cookie: team.owner.cookie, body: { name: "Lead", color: "#111111" } })).status).toBe(201);
  });

  it("validates name and color with field errors and changes nothing", async () => {
    const tag = await as("POST", "/api/tags", { name: "Valid", color: "#123456" });
    const before = await orgSnapshot(org.id);
    for (const color of ["red", "#fff", "#12345g", "123456", "#1234567", "", null]) {
      expectInvalid(await as("POST", "/api/tags", { name: "Colorful", color }), "color");
      expectInvalid(await as("PUT", `/api/tags/${tag.body.id}`, { color }), "color");
    }
    expectInvalid(await as("POST", "/api/tags", { name: "No color" }), "color");
    for (const name of ["", "   ", "N".repeat(51), 7]) {
      expectInvalid(await as("POST", "/api/tags", { name, color: "#123456" }), "name");
      expectInvalid(await as("PUT", `/api/tags/${tag.body.id}`, { name }), "name");
    }
    expectInvalid(await as("PUT", "/api/tags/not-an-id", { name: "x" }), "id");
    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  // WORKER BUG (worker/routes/tags.ts, TagInput): tag names skip the control-character rule that
  // contact fields follow (worker/contacts/schemas.ts), so "VIP\u0000" is stored as a name.
  it("rejects control characters in tag names, changing nothing", async () => {
    const tag = await as("POST", "/api/tags", { name: "Printable", color: "#123456" });
    const before = await orgSnapshot(org.id);
    for (const name of ["VIP\u0000", "Bell\u0007", "Esc\u001b[31m", "Two\nLines"]) {
      expectInvalid(await as("POST", "/api/tags", { name, color: "#123456" }), "name");
      expectInvalid(await as("PUT", `/api/tags/${tag.body.id}`, { name }), "name");
    }
    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  it("tags and untags contacts idempotently, and a deleted tag leaves every contact", async () => {
    const tag = (await as("POST", "/api/tags", { name: "Hot", color: "#ff5500" })).body;
    const keep = (await as("POST", "/api/tags", { name: "Keep", color: "#00aa00" })).body;
    const a = await createContact(org, { first_name: "Tagged", last_name: "One" });
    const b = await createContact(org, { first_name: "Tagged", last_name: "Two", tag_ids: [tag.id, keep.id] });

    expect((await as("POST", `/api/contacts/${a.id}/tags/${tag.id}`)).status).toBe(204);
    expect((await as("POST", `/api/contacts/${a.id}/tags/${tag.id}`)).status).toBe(204);
    expect((await as("GET", `/api/contacts/${a.id}`)).body.tags).toEqual([tag]);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_tags WHERE contact_id = ?", a.id)).toBe(1);
    expect((await as("GET", `/api/contacts/list?tag_ids=${tag.id}`)).body.total_count).toBe(2);

    expect((await as("DELETE", `/api/contacts/${a.id}/tags/${tag.id}`)).status).toBe(204);
    expect((await as("DELETE", `/api/contacts/${a.id}/tags/${tag.id}`)).status).toBe(204);
    expect((await as("GET", `/api/contacts/${a.id}`)).body.tags).toEqual([]);
    await as("POST", `/api/contacts/${a.id}/tags/${tag.id}`);

    expect((await as("DELETE", `/api/tags/${tag.id}`)).status).toBe(204);
    expect((await as("GET", `/api/contacts/${a.id}`)).body.tags).toEqual([]);
    expect((await as("GET", `/api/contacts/${b.id}`)).body.tags).toEqual([keep]);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_tags WHERE tag_id = ?", tag.id)).toBe(0);
    expect((await as("GET", `/api/contacts/list?tag_ids=${tag.id}`)).body.total_count).toBe(0);
    expectProblem(await as("POST", `/api/contacts/${a.id}/tags/${tag.id}`), 404);
    expectProblem(await as("POST", `/api/contacts/${crypto.randomUUID()}/tags/${keep.id}`), 404);
    expectInvalid(await as("POST", `/api/contacts/${a.id}/tags/nope`), "tag_id");
  });

  it("is open to plain members", async () => {
    const created = await call("POST", "/api/tags", { cookie: member.cookie, body: { name: "Member made", color: "#999999" } });
    expect(created.status).toBe(201);
    expect((await call("GET", "/api/tags", { cookie: member.cookie })).body.map((t: Json) => t.name)).toContain("Member made");
    // Each organization sees only its own tags.
    expect((await as("GET", "/api/tags")).body.map((t: Json) => t.name)).not.toContain("Member made");
  });
});

describe("members, /api/me and settings", () => {
  let org: Org;
  beforeAll(() => {
    org = team;
  });

  it("lists the owner and invited members with their roles, by name", async () => {
    const res = await call("GET", "/api/members", { cookie: member.cookie });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { id: expect.any(String), user_id: admin.userId, name: "Ada Admin", email: admin.email, role: "admin" },
      { id: member.memberId, user_id: member.userId, name: "Max Member", email: member.email, role: "member" },
      { id: expect.any(String), user_id: org.owner.userId, name: "Olivia Owner", email: org.owner.email, role: "owner" },
    ]);
    // Another organization's members are not listed.
    const theirs = await call("GET", "/api/members", { cookie: tagsOrg.owner.cookie });
    expect(theirs.body.map((m: Json) => m.user_id)).toEqual([tagsOrg.owner.userId]);
  });

  it("GET /api/me names the user, the active organization, the role and the settings", async () => {
    const me = await call("GET", "/api/me", { cookie: org.owner.cookie });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: { id: org.owner.userId, name: "Olivia Owner" },
      organization: { id: org.id, name: expect.stringMatching(/^Org org-/), slug: expect.stringMatching(/^org-/) },
      member_id: expect.any(String),
      role: "owner",
      settings: { default_region: "US", timezone: null, quiet_hours: { start: "08:00", end: "21:00" } },
    });
    const asMember = await call("GET", "/api/me", { cookie: member.cookie });
    expect(asMember.body).toMatchObject({ user: { id: member.userId, name: "Max Member" }, organization: { id: org.id }, member_id: member.memberId, role: "member" });
  });

  it("lets admins change the default region, validated, and members read it", async () => {
    expect((await call("GET", "/api/settings", { cookie: member.cookie })).body).toEqual({ default_region: "US", timezone: null, quiet_hours: { start: "08:00", end: "21:00" } });
    const set = await call("PUT", "/api/settings", { cookie: admin.cookie, body: { default_region: "de" } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ default_region: "DE", timezone: null, quiet_hours: { start: "08:00", end: "21:00" } });
    expect((await call("GET", "/api/settings", { cookie: member.cookie })).body).toEqual({ default_region: "DE", timezone: null, quiet_hours: { start: "08:00", end: "21:00" } });
    expect((await call("GET", "/api/me", { cookie: member.cookie })).body.settings).toEqual({ default_region: "DE", timezone: null, quiet_hours: { start: "08:00", end: "21:00" } });

    const before = await orgSnapshot(org.id);
    for (const default_region of ["ZZ", "USA", "", 1, null]) {
      expectInvalid(await call("PUT", "/api/settings", { cookie: org.owner.cookie, body: { default_region } }), "default_region");
    }
    expectInvalid(await call("PUT", "/api/settings", { cookie: org.owner.cookie, body: {} }), "(body)");
    expect(await orgSnapshot(org.id)).toEqual(before);
    await call("PUT", "/api/settings", { cookie: org.owner.cookie, body: { default_region: "US" } });
  });
});

describe("api keys", () => {
  let org: Org;
  const as = (method: string, path: string, body?: unknown) => call(method, path, { cookie: org.owner.cookie, body });
  beforeAll(() => {
    org = team;
  });

  it("shows the secret once, stores only its hash, and never lists it", async () => {
    const created = await as("POST", "/api/api-keys", { name: " Pipeline " });
    expect(created.status).toBe(201);
    const { key, ...meta } = created.body;
    expect(key).toMatch(/^ck_[A-Za-z0-9_-]{40,}$/);
    expect(meta).toEqual({ id: expect.any(String), name: "Pipeline", prefix: key.slice(0, 10), created_at: expect.any(String), last_used_at: null });

    const list = await as("GET", "/api/api-keys");
    expect(list.status).toBe(200);
    expect(list.body).toEqual([meta]);
    expect(JSON.stringify(list.body)).not.toContain(key);

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(meta.id).first<Json>();
    expect(Object.values(row ?? {})).not.toContain(key);
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);

    const second = await as("POST", "/api/api-keys", { name: "Second" });
    expect(second.body.key).not.toBe(key);
    expect((await as("GET", "/api/api-keys")).body.map((k: Json) => k.name).sort()).toEqual(["Pipeline", "Second"]);
  });

  it("a key calls the pipeline routes but not member routes (403)", async () => {
    const { key } = (await as("POST", "/api/api-keys", { name: "Scoped" })).body;
    const resolved = await call("POST", "/api/contacts/resolve", { bearer: key, body: { phone: "+1 646 555 0100" } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ contact_id: expect.any(String), created: true });

    const contact = await createContact(org, { first_name: "Hidden" });
    const before = await orgSnapshot(org.id);
    const denied: [string, string, unknown?][] = [
      ["GET", "/api/contacts/list"],
      ["GET", `/api/contacts/${contact.id}`],
      ["POST", "/api/contacts", { first_name: "Sneaky" }],
      ["PUT", `/api/contacts/${contact.id}`, { first_name: "Sneaky" }],
      ["DELETE", `/api/contacts/${contact.id}`],
      ["POST", `/api/contacts/${contact.id}/emails`, { email: "sneaky@example.com" }],
      ["GET", "/api/tags"],
      ["POST", "/api/tags", { name: "Sneaky", color: "#000000" }],
      ["GET", "/api/members"],
      ["GET", "/api/me"],
      ["GET", "/api/settings"],
      ["PUT", "/api/settings", { default_region: "GB" }],
      ["GET", "/api/api-keys"],
      ["POST", "/api/api-keys", { name: "Escalate" }],
      ["GET", "/api/contacts/assignments"],
    ];
    for (const [method, path, body] of denied) {
      const res = await call(method, path, { bearer: key, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expectProblem(res, 403);
    }
    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  it("a revoked, unknown or malformed key is refused with 401", async () => {
    const created = (await as("POST", "/api/api-keys", { name: "Doomed" })).body;
    expect((await call("POST", "/api/contacts/resolve", { bearer: created.key, body: { phone: "+1 646 555 0101" } })).status).toBe(200);
    expect((await as("DELETE", `/api/api-keys/${created.id}`)).status).toBe(204);
    expect((await as("GET", "/api/api-keys")).body.map((k: Json) => k.id)).not.toContain(created.id);

    expectProblem(await call("POST", "/api/contacts/resolve", { bearer: created.key, body: { phone: "+1 646 555 0102" } }), 401);
    expectProblem(await call("POST", "/api/calls", { bearer: created.key, body: { caller_phone: "+1 646 555 0102" } }), 401);
    expectProblem(await call("POST", "/api/contacts/resolve", { bearer: "ck_not-a-real-key", body: { phone: "+1 646 555 0102" } }), 401);
    expectProblem(
      await call("POST", "/api/contacts/resolve", { headers: { authorization: "Basic dXNlcjpwYXNz" }, body: { phone: "+1 646 555 0102" } }),
      401,
    );
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_phones WHERE phone_number = '+16465550102'")).toBe(0);
    expectProblem(await as("DELETE", `/api/api-keys/${created.id}`), 404);
  });

  it("validates the name and changes nothing", async () => {
    const before = await orgSnapshot(org.id);
    expectInvalid(await as("POST", "/api/api-keys", {}), "name");
    expectInvalid(await as("POST", "/api/api-keys", { name: "  " }), "name");
    expectInvalid(await as("POST", "/api/api-keys", { name: "K".repeat(101) }), "name");
    expectInvalid(await as("DELETE", "/api/api-keys/not-a-uuid"), "id");
    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  it("admins may manage keys too", async () => {
    const created = await call("POST", "/api/api-keys", { cookie: admin.cookie, body: { name: "By admin" } });
    expect(created.status).toBe(201);
    expect((await call("DELETE", `/api/api-keys/${created.body.id}`, { cookie: admin.cookie })).status).toBe(204);
  });
});
