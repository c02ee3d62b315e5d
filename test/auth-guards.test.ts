import { beforeAll, describe, expect, it } from "vitest";
import {
  type Org,
  addMember,
  call,
  createApiKey,
  createContact,
  createOrg,
  expectInvalid,
  expectProblem,
  orgSnapshot,
  signIn,
  signUp,
} from "./helpers";

type Route = [method: string, path: string, body?: unknown];

let mine: Org;
let theirs: Org;
let member: Awaited<ReturnType<typeof addMember>>;
let myKey: string;
/** Ids in my organization. */
const my = { contact: "", phone: "", email: "", address: "", tag: "", keyId: "", member: "" };
/** Ids in another organization. */
const their = { contact: "", phone: "", email: "", address: "", tag: "", keyId: "", member: "", call: "", message: "", note: "", todo: "" };

beforeAll(async () => {
  [mine, theirs] = await Promise.all([createOrg(), createOrg()]);
  member = await addMember(mine, "member", "Plain Member");
  my.member = member.memberId;
  myKey = await createApiKey(mine);
  const theirKey = await createApiKey(theirs);

  for (const [org, ids, n] of [[mine, my, "0100"], [theirs, their, "0200"]] as const) {
    const tag = await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: "Tag", color: "#123456" } });
    const contact = await createContact(org, {
      first_name: "Guarded",
      phones: [{ phone_number: `+1 720 555 ${n}` }],
      emails: [{ email: "guarded@example.com" }],
      tag_ids: [tag.body.id],
    });
    const address = await call("POST", `/api/contacts/${contact.id}/addresses`, { cookie: org.owner.cookie, body: { city: "Denver" } });
    const keys = await call("GET", "/api/api-keys", { cookie: org.owner.cookie });
    const members = await call("GET", "/api/members", { cookie: org.owner.cookie });
    Object.assign(ids, {
      contact: contact.id,
      phone: contact.phones[0].id,
      email: contact.emails[0].id,
      address: address.body.id,
      tag: tag.body.id,
      keyId: keys.body[0].id,
      member: ids.member || members.body[0].id,
    });
  }
  const theirCall = await call("POST", "/api/calls", { bearer: theirKey, body: { caller_phone: "+1 720 555 0200" } });
  their.call = theirCall.body.call_id;
  const theirMessage = await call("POST", "/api/messages", {
    bearer: theirKey,
    body: { from: "+1 720 555 0200", to: "+1 720 555 0999", body: "Hi", media_urls: ["https://example.com/a.png"] },
  });
  their.message = theirMessage.body.message_id;
  their.note = (await call("POST", `/api/contacts/${their.contact}/notes`, { cookie: theirs.owner.cookie, body: { body: "Theirs" } })).body.id;
  their.todo = (await call("POST", `/api/contacts/${their.contact}/todos`, { cookie: theirs.owner.cookie, body: { title: "Theirs" } })).body.id;
});

/** Every /api route except better-auth's, with a valid body, on ids of my organization. */
const everyRoute = (): Route[] => [
  ["GET", "/api/me"],
  ["GET", "/api/settings"],
  ["PUT", "/api/settings", { default_region: "GB" }],
  ["GET", "/api/members"],
  ["GET", "/api/contacts/list"],
  ["POST", "/api/contacts", { first_name: "New" }],
  ["GET", `/api/contacts/${my.contact}`],
  ["PUT", `/api/contacts/${my.contact}`, { first_name: "Changed" }],
  ["DELETE", `/api/contacts/${my.contact}`],
  ["GET", `/api/contacts/${my.contact}/todos`],
  ["GET", `/api/contacts/${my.contact}/calls`],
  ["POST", `/api/contacts/${my.contact}/phones`, { phone_number: "+1 720 555 0199" }],
  ["PUT", `/api/contacts/${my.contact}/phones/${my.phone}`, { label: "x" }],
  ["DELETE", `/api/contacts/${my.contact}/phones/${my.phone}`],
  ["POST", `/api/contacts/${my.contact}/emails`, { email: "new@example.com" }],
  ["PUT", `/api/contacts/${my.contact}/emails/${my.email}`, { label: "x" }],
  ["DELETE", `/api/contacts/${my.contact}/emails/${my.email}`],
  ["POST", `/api/contacts/${my.contact}/addresses`, { city: "Boulder" }],
  ["PUT", `/api/contacts/${my.contact}/addresses/${my.address}`, { city: "Boulder" }],
  ["DELETE", `/api/contacts/${my.contact}/addresses/${my.address}`],
  ["GET", "/api/tags"],
  ["POST", "/api/tags", { name: "Other", color: "#654321" }],
  ["PUT", `/api/tags/${my.tag}`, { name: "Renamed" }],
  ["DELETE", `/api/tags/${my.tag}`],
  ["POST", `/api/contacts/${my.contact}/tags/${my.tag}`],
  ["DELETE", `/api/contacts/${my.contact}/tags/${my.tag}`],
  ["GET", "/api/api-keys"],
  ["POST", "/api/api-keys", { name: "k" }],
  ["DELETE", `/api/api-keys/${my.keyId}`],
  ["GET", "/api/contacts/assignments"],
  ["POST", "/api/contacts/bulk", { action: { type: "assign", member_id: my.member }, contact_ids: [my.contact] }],
  ["POST", `/api/contacts/${my.contact}/members/${my.member}`],
  ["DELETE", `/api/contacts/${my.contact}/members/${my.member}`],
  ["POST", "/api/contacts/resolve", { phone: "+1 720 555 0198" }],
  ["POST", "/api/calls", { caller_phone: "+1 720 555 0198" }],
  ["PUT", `/api/calls/${crypto.randomUUID()}/transcription`, { transcription: "Hello" }],
  ["POST", `/api/calls/${crypto.randomUUID()}/analyses`, { analyzer: "sentiment", results: {} }],
];

describe("authentication", () => {
  it("answers 401 without a session on every route, changing nothing", async () => {
    const before = await orgSnapshot(mine.id);
    for (const [method, path, body] of everyRoute()) {
      const res = await call(method, path, { body });
      expect(res.status, `${method} ${path}`).toBe(401);
      expectProblem(res, 401);
    }
    for (const cookie of ["better-auth.session_token=forged.value", "unrelated=1"]) {
      expectProblem(await call("GET", "/api/contacts/list", { cookie }), 401);
      expectProblem(await call("POST", "/api/contacts", { cookie, body: { first_name: "X" } }), 401);
    }
    expect(await orgSnapshot(mine.id)).toEqual(before);
  });

  it("answers 401 without credentials on every operation of /api/openapi.json", async () => {
    const doc = await call("GET", "/api/openapi.json");
    expect(doc.status).toBe(200);
    // better-auth's own routes (sign-up, sign-in, …) are documented there too and answer for
    // themselves; webhooks (security: []) are checked by their signatures (webhooks.test.ts).
    const operations = Object.entries(doc.body.paths as Record<string, Record<string, { security?: unknown[] }>>)
      .filter(([path]) => !path.startsWith("/api/auth/"))
      .flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, op]) => op.security?.length !== 0)
          .map(([method]) => [method.toUpperCase(), path.replace(/\{[^}]+\}/g, () => crypto.randomUUID())] as const),
      );
    expect(operations.length).toBeGreaterThan(35);
    for (const [method, path] of operations) {
      const res = await call(method, path, { body: method === "GET" ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(401);
      expectProblem(res, 401);
    }
  });

  it("answers 401 after sign-out, for that session only", async () => {
    const second = await signIn(mine.owner.email);
    expect((await call("GET", "/api/me", { cookie: second })).body.organization.id).toBe(mine.id);
    expect((await call("POST", "/api/auth/sign-out", { cookie: second, body: {} })).status).toBe(200);
    expectProblem(await call("GET", "/api/me", { cookie: second }), 401);
    expect((await call("GET", "/api/me", { cookie: mine.owner.cookie })).status).toBe(200);
  });

  it("a removed member, a demoted admin and a switch of organization take effect at once, though principals are remembered", async () => {
    const org = await createOrg();
    const admin = await addMember(org, "admin", "Ada Admin");
    const plain = await addMember(org, "member", "Pat Plain");
    // Both sessions are now remembered by this isolate.
    expect((await call("GET", "/api/api-keys", { cookie: admin.cookie })).status).toBe(200);
    expect((await call("GET", "/api/contacts/list", { cookie: plain.cookie })).status).toBe(200);
    const demoted = await call("POST", "/api/auth/organization/update-member-role", { cookie: org.owner.cookie, body: { memberId: admin.memberId, role: "member" } });
    expect(demoted.status).toBe(200);
    expectProblem(await call("GET", "/api/api-keys", { cookie: admin.cookie }), 403);
    const removed = await call("POST", "/api/auth/organization/remove-member", { cookie: org.owner.cookie, body: { memberIdOrEmail: plain.memberId } });
    expect(removed.status).toBe(200);
    expectProblem(await call("GET", "/api/contacts/list", { cookie: plain.cookie }), 403);
    // Switching to another organization: the next request is in that one.
    const other = await createOrg(org.owner);
    await call("POST", "/api/auth/organization/set-active", { cookie: org.owner.cookie, body: { organizationId: org.id } });
    expect((await call("GET", "/api/me", { cookie: org.owner.cookie })).body.organization.id).toBe(org.id);
    await call("POST", "/api/auth/organization/set-active", { cookie: org.owner.cookie, body: { organizationId: other.id } });
    expect((await call("GET", "/api/me", { cookie: org.owner.cookie })).body.organization.id).toBe(other.id);
  });

  it("answers 403 to a signed-in user without an active organization", async () => {
    const loner = await signUp("Lone User");
    expectProblem(await call("GET", "/api/contacts/list", { cookie: loner.cookie }), 403);
    expectProblem(await call("POST", "/api/contacts", { cookie: loner.cookie, body: { first_name: "X" } }), 403);
  });
});

describe("authorization", () => {
  it("answers 403 to a plain member on admin-only routes, changing nothing", async () => {
    const before = await orgSnapshot(mine.id);
    const adminOnly: Route[] = [
      ["PUT", `/api/tags/${my.tag}`, { name: "Renamed by a member" }],
      ["DELETE", `/api/tags/${my.tag}`],
      ["GET", "/api/api-keys"],
      ["POST", "/api/api-keys", { name: "Mine now" }],
      ["DELETE", `/api/api-keys/${my.keyId}`],
      ["PUT", "/api/settings", { default_region: "GB" }],
      ["POST", "/api/contacts/resolve", { phone: "+1 720 555 0197" }],
      ["POST", "/api/calls", { caller_phone: "+1 720 555 0197" }],
    ];
    for (const [method, path, body] of adminOnly) {
      const res = await call(method, path, { cookie: member.cookie, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expectProblem(res, 403);
    }
    expect(await orgSnapshot(mine.id)).toEqual(before);
    // Members still apply and remove tags on contacts, and create tags (from a contact's page).
    expect((await call("DELETE", `/api/contacts/${my.contact}/tags/${my.tag}`, { cookie: member.cookie })).status).toBe(204);
    expect((await call("POST", `/api/contacts/${my.contact}/tags/${my.tag}`, { cookie: member.cookie })).status).toBe(204);
    const created = await call("POST", "/api/tags", { cookie: member.cookie, body: { name: "Made by a member", color: "#123123" } });
    expect(created.status).toBe(201);
    expect((await call("DELETE", `/api/tags/${created.body.id}`, { cookie: mine.owner.cookie })).status).toBe(204);
    // The key still works and the region is unchanged.
    expect((await call("GET", "/api/settings", { cookie: member.cookie })).body).toEqual({ default_region: "US", timezone: null, quiet_hours: { start: "08:00", end: "21:00" } });
    expect((await call("POST", "/api/contacts/resolve", { bearer: myKey, body: { phone: "+1 720 555 0100" } })).body).toEqual({ contact_id: my.contact, created: false });
  });

  it("answers 404 for another organization's ids on every route that takes one, exactly as for unknown ids", async () => {
    const routes: Route[] = [
      ["GET", `/api/contacts/${their.contact}`],
      ["PUT", `/api/contacts/${their.contact}`, { first_name: "Hijacked" }],
      ["DELETE", `/api/contacts/${their.contact}`],
      ["GET", `/api/contacts/${their.contact}/todos`],
      ["GET", `/api/contacts/${their.contact}/calls`],
      ["POST", `/api/contacts/${their.contact}/phones`, { phone_number: "+1 720 555 0299" }],
      ["PUT", `/api/contacts/${their.contact}/phones/${their.phone}`, { label: "Hijacked" }],
      ["DELETE", `/api/contacts/${their.contact}/phones/${their.phone}`],
      ["PUT", `/api/contacts/${my.contact}/phones/${their.phone}`, { label: "Hijacked" }],
      ["DELETE", `/api/contacts/${my.contact}/phones/${their.phone}`],
      ["POST", `/api/contacts/${their.contact}/emails`, { email: "hijack@example.com" }],
      ["PUT", `/api/contacts/${their.contact}/emails/${their.email}`, { label: "Hijacked" }],
      ["DELETE", `/api/contacts/${their.contact}/emails/${their.email}`],
      ["PUT", `/api/contacts/${my.contact}/emails/${their.email}`, { label: "Hijacked" }],
      ["DELETE", `/api/contacts/${my.contact}/emails/${their.email}`],
      ["POST", `/api/contacts/${their.contact}/addresses`, { city: "Hijacked" }],
      ["PUT", `/api/contacts/${their.contact}/addresses/${their.address}`, { city: "Hijacked" }],
      ["DELETE", `/api/contacts/${their.contact}/addresses/${their.address}`],
      ["PUT", `/api/contacts/${my.contact}/addresses/${their.address}`, { city: "Hijacked" }],
      ["DELETE", `/api/contacts/${my.contact}/addresses/${their.address}`],
      ["PUT", `/api/tags/${their.tag}`, { name: "Hijacked" }],
      ["DELETE", `/api/tags/${their.tag}`],
      ["POST", `/api/contacts/${my.contact}/tags/${their.tag}`],
      ["DELETE", `/api/contacts/${my.contact}/tags/${their.tag}`],
      ["POST", `/api/contacts/${their.contact}/tags/${my.tag}`],
      ["DELETE", `/api/contacts/${their.contact}/tags/${my.tag}`],
      ["POST", `/api/contacts/${their.contact}/tags/${their.tag}`],
      ["DELETE", `/api/contacts/${their.contact}/tags/${their.tag}`],
      ["DELETE", `/api/api-keys/${their.keyId}`],
      ["POST", `/api/contacts/${their.contact}/members/${my.member}`],
      ["DELETE", `/api/contacts/${their.contact}/members/${my.member}`],
      ["POST", `/api/contacts/${my.contact}/members/${their.member}`],
      ["PUT", `/api/calls/${their.call}/transcription`, { transcription: "Hijacked" }],
      ["POST", `/api/calls/${their.call}/analyses`, { analyzer: "sentiment", results: { hijacked: true } }],
      ["POST", `/api/calls/${their.call}/enrich`],
      ["GET", `/api/contacts/${their.contact}/notes`],
      ["POST", `/api/contacts/${their.contact}/notes`, { body: "Hijacked" }],
      ["PUT", `/api/notes/${their.note}`, { body: "Hijacked" }],
      ["DELETE", `/api/notes/${their.note}`],
      ["POST", `/api/contacts/${their.contact}/todos`, { title: "Hijacked" }],
      ["PUT", `/api/todos/${their.todo}`, { status: "done" }],
      ["GET", `/api/contacts/${their.contact}/activity`],
      ["GET", `/api/contacts/${their.contact}/feed`],
      ["GET", `/api/contacts/${their.contact}/messages`],
      ["POST", `/api/contacts/${their.contact}/messages`, { body: "Hijacked" }],
      ["GET", `/api/contacts/${their.contact}/memory`],
      ["POST", `/api/messages/${their.message}/suggestions`],
      ["GET", `/api/messages/${their.message}/media/0`],
    ];
    const snapshots = async () => [await orgSnapshot(mine.id), await orgSnapshot(theirs.id)];
    const before = await snapshots();
    for (const [method, path, body] of routes) {
      const res = await call(method, path, { cookie: mine.owner.cookie, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expectProblem(res, 404);
      // Indistinguishable from an id that does not exist anywhere.
      const unknownPath = path.replaceAll(new RegExp(Object.values(their).filter(Boolean).join("|"), "g"), () => crypto.randomUUID());
      const unknown = await call(method, unknownPath, { cookie: mine.owner.cookie, body });
      expect(res.body, `${method} ${path}`).toEqual(unknown.body);
    }
    // The pipeline key of my organization cannot reach their calls either.
    expectProblem(await call("PUT", `/api/calls/${their.call}/transcription`, { bearer: myKey, body: { transcription: "x" } }), 404);
    expectProblem(await call("POST", `/api/calls/${their.call}/analyses`, { bearer: myKey, body: { analyzer: "a", results: {} } }), 404);
    expect(await snapshots()).toEqual(before);
  });
});

describe("request guards", () => {
  it("answers every error under /api as problem+json, unknown auth paths included", async () => {
    for (const [method, path] of [
      ["GET", "/api/auth/nope"],
      ["POST", "/api/auth/nope/deeper"],
      ["PUT", "/api/auth/sign-in/email"],
      ["GET", "/api/nope"],
      ["PATCH", `/api/contacts/${my.contact}`],
    ] as const) {
      const res = await call(method, path, { cookie: mine.owner.cookie, body: method === "GET" ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(404);
      expectProblem(res, 404);
    }
    const wrong = await call("POST", "/api/auth/sign-in/email", { body: { email: "nobody@example.com", password: "wrong password" } });
    expectProblem(wrong, 401);
  });

  it("refuses a write that is not JSON with 415, changing nothing", async () => {
    const before = await orgSnapshot(mine.id);
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"]) {
      const res = await call("POST", "/api/contacts", { cookie: mine.owner.cookie, body: JSON.stringify({ first_name: "Plain" }), headers: { "content-type": type } });
      expect(res.status, type).toBe(415);
      expectProblem(res, 415);
    }
    expectProblem(
      await call("PUT", `/api/contacts/${my.contact}`, { cookie: mine.owner.cookie, body: "first_name=Form", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
    );
    expect(await orgSnapshot(mine.id)).toEqual(before);
    const charset = await call("POST", "/api/tags", { cookie: mine.owner.cookie, body: { name: "Charset", color: "#000000" }, headers: { "content-type": "application/json; charset=utf-8" } });
    expect(charset.status).toBe(201);
    await call("DELETE", `/api/tags/${charset.body.id}`, { cookie: mine.owner.cookie });
  });

  it("refuses cookie writes unless they come from this origin, with 403, but not API-key writes", async () => {
    const before = await orgSnapshot(mine.id);
    const foreign: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "http://localhost:8788" },
      { origin: "", "sec-fetch-site": "cross-site" },
      // No proof at all of where the write comes from: a form or script elsewhere, an old browser.
      { origin: "" },
      { origin: "", "sec-fetch-site": "same-site" },
      { origin: "null" },
    ];
    for (const headers of foreign) {
      expectProblem(await call("POST", "/api/contacts", { cookie: mine.owner.cookie, body: { first_name: "CSRF" }, headers }), 403);
      expectProblem(await call("DELETE", `/api/contacts/${my.contact}`, { cookie: mine.owner.cookie, headers }), 403);
    }
    expect(await orgSnapshot(mine.id)).toEqual(before);
    const pipeline = await call("POST", "/api/contacts/resolve", { bearer: myKey, body: { phone: "+1 720 555 0100" }, headers: { origin: "https://pipeline.example" } });
    expect(pipeline.status).toBe(200);
    expect((await call("GET", "/api/contacts/list", { cookie: mine.owner.cookie, headers: { "sec-fetch-site": "same-origin" } })).status).toBe(200);
    // Without an Origin, the browser's own Sec-Fetch-Site: same-origin is enough.
    const tag = await call("POST", "/api/tags", { cookie: mine.owner.cookie, body: { name: "Same origin", color: "#000000" }, headers: { origin: "", "sec-fetch-site": "same-origin" } });
    expect(tag.status).toBe(201);
    expect((await call("DELETE", `/api/tags/${tag.body.id}`, { cookie: mine.owner.cookie })).status).toBe(204);
    // API-key writes carry no Origin and need none.
    expect((await call("POST", "/api/contacts/resolve", { bearer: myKey, body: { phone: "+1 720 555 0100" }, headers: { origin: "" } })).status).toBe(200);
  });

  it("refuses bodies over 256 KiB with 413, changing nothing", async () => {
    const before = await orgSnapshot(mine.id);
    const big = { first_name: "Big", company: "x".repeat(300 * 1024) };
    expectProblem(await call("POST", "/api/contacts", { cookie: mine.owner.cookie, body: big }), 413);
    expectProblem(await call("PUT", `/api/contacts/${my.contact}`, { cookie: mine.owner.cookie, body: big }), 413);
    expectProblem(await call("POST", "/api/contacts", { body: big }), 413);
    // Just under the limit the body is read and validated as usual.
    expectInvalid(await call("POST", "/api/contacts", { cookie: mine.owner.cookie, body: { first_name: "Big", company: "x".repeat(250 * 1024) } }), "company");
    expect(await orgSnapshot(mine.id)).toEqual(before);
  });

  it("answers unknown /api routes with a 404 problem", async () => {
    for (const [method, path] of [
      ["GET", "/api/nope"],
      ["GET", "/api"],
      ["GET", "/api/contacts"],
      ["POST", "/api/contacts/list"],
      ["PATCH", `/api/contacts/${my.contact}`],
      ["GET", `/api/contacts/${my.contact}/phones/${my.phone}/extra`],
    ] as const) {
      const res = await call(method, path, { cookie: mine.owner.cookie, body: method === "GET" ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(404);
      expectProblem(res, 404);
    }
  });

  it("limits sign-in attempts to 10 a minute per client address (429)", async () => {
    const ip = "203.0.113.77";
    const attempt = (password: string, from = ip) =>
      call("POST", "/api/auth/sign-in/email", { body: { email: member.email, password }, headers: { "cf-connecting-ip": from } });
    for (let i = 0; i < 10; i++) {
      const res = await attempt("wrong password");
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const limited = await attempt("wrong password");
    expectProblem(limited, 429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await attempt("correct horse battery")).status).toBe(429);
    // Another address is not affected.
    expect((await attempt("correct horse battery", "203.0.113.78")).status).toBe(200);
  });
});

describe("bad input never yields a 5xx", () => {
  it("answers malformed JSON with a 400 problem", async () => {
    const before = await orgSnapshot(mine.id);
    const bad = ["{", "{first_name: 'x'}", "[1,", "nul", '{"first_name":"A"}}', "\u0000"];
    for (const body of bad) {
      for (const [method, path] of [
        ["POST", "/api/contacts"],
        ["PUT", `/api/contacts/${my.contact}`],
        ["POST", `/api/contacts/${my.contact}/phones`],
        ["POST", "/api/tags"],
        ["PUT", "/api/settings"],
        ["POST", "/api/api-keys"],
      ] as const) {
        const res = await call(method, path, { cookie: mine.owner.cookie, body, headers: { "content-type": "application/json" } });
        expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
        expectProblem(res, 400);
      }
    }
    expectProblem(await call("POST", "/api/contacts/resolve", { bearer: myKey, body: "{", headers: { "content-type": "application/json" } }), 400);
    expect(await orgSnapshot(mine.id)).toEqual(before);
  });

  it("answers a non-uuid path parameter with a 400 naming it on every operation of /api/openapi.json", async () => {
    const before = await orgSnapshot(mine.id);
    const doc = await call("GET", "/api/openapi.json");
    for (const [template, methods] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
      const params = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      for (const bad of params) {
        const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => (name === bad ? "not-a-uuid" : crypto.randomUUID()));
        for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
          const res = await call(method, path, { cookie: mine.owner.cookie, body: method === "GET" ? undefined : {} });
          expect(res.status, `${method} ${path}`).toBe(400);
          expectInvalid(res, bad);
        }
      }
    }
    expectInvalid(await call("DELETE", "/api/contacts/1'%20OR%20'1'%3D'1", { cookie: mine.owner.cookie }), "id");
    expect(await orgSnapshot(mine.id)).toEqual(before);
  });

  it("answers odd bodies and query strings with 4xx", async () => {
    const before = await orgSnapshot(mine.id);
    const bodies = ['"just a string"', "42", "true", "null", "[]", '[{"first_name":"A"}]', '{"first_name":{"$gt":""}}', '{"first_name":["A"]}', '{"__proto__":{"admin":true},"first_name":1}', '{"constructor":{"prototype":{}},"status":"x"}'];
    const postOnly = ['{"phones":[null]}', '{"emails":[{"email":null}]}', '{"tag_ids":[null]}', '{"phones":[{"phone_number":5551234567}]}'];
    const routes = [["POST", "/api/contacts"], ["PUT", `/api/contacts/${my.contact}`], ["POST", `/api/contacts/${my.contact}/emails`], ["POST", "/api/tags"]] as const;
    for (const [method, path] of routes) {
      for (const body of method === "POST" ? [...bodies, ...postOnly] : bodies) {
        const res = await call(method, path, { cookie: mine.owner.cookie, body, headers: { "content-type": "application/json" } });
        expect(res.status, `${method} ${path} ${body}`).toBe(400);
        expectProblem(res, 400);
      }
    }
    for (const query of ["page=1e309", "page_size=99999999999999999999", "page=100001", "tag_ids=", "tag_ids=,,", "search=", `search=${"9".repeat(100)}`, "sort[]=x", "page=0x10", "page_size=-5"]) {
      const res = await call("GET", `/api/contacts/list?${query}`, { cookie: mine.owner.cookie });
      expect(res.status, query).toBeLessThan(500);
      if (res.status !== 200) expectProblem(res, 400);
    }
    const auth = await call("POST", "/api/auth/sign-in/email", { body: "{", headers: { "content-type": "application/json" } });
    expect(auth.status).toBeLessThan(500);
    expect(await orgSnapshot(mine.id)).toEqual(before);
  });
});
