import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OrgStore } from "../worker/store/org-store";
import { type Org, call, countRows, createApiKey, createContact, createOrg, expectProblem, storeExec } from "./helpers";

const resolve = (key: string, phone: string) => call("POST", "/api/contacts/resolve", { bearer: key, body: { phone } });

describe("resolve_contact", () => {
  let org: Org;
  let key: string;
  const count = (sql: string, ...params: unknown[]) => countRows(org.id, sql, ...params);
  beforeAll(async () => {
    org = await createOrg();
  });
  // A key per test: the pipeline's rate limit counts per key (test/rate-limit.test.ts).
  beforeEach(async () => {
    key = await createApiKey(org);
  });

  it("50 concurrent resolves of one new number in mixed formats give one contact and one phone", async () => {
    const formats = ["+1 (415) 555-0101", "4155550101", "(415) 555-0101", "+14155550101", "415.555.0101"];
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => resolve(key, formats[i % formats.length]!)));
    const ids = new Set(answers.map((a) => a.body.contact_id));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.body.created).length).toBe(1);
    expect(await count("SELECT count(*) AS n FROM contact_phones WHERE phone_number = '+14155550101'")).toBe(1);
    expect(await count("SELECT count(*) AS n FROM contacts")).toBe(1);
    const contact = await call("GET", `/api/contacts/${[...ids][0]}`, { cookie: org.owner.cookie });
    expect(contact.body).toMatchObject({ first_name: "", last_name: "", source: "inbound_call" });
    expect(contact.body.phones).toMatchObject([{ phone_number: "+14155550101", is_preferred: true }]);
    // The stub is in the search index once, with its number: found by its last digits.
    expect(await count("SELECT count(*) AS n FROM contact_search")).toBe(1);
    const found = await call("GET", "/api/contacts/list?search=0101", { cookie: org.owner.cookie });
    expect(found.body.contacts.map((c: { id: string }) => c.id)).toEqual([...ids]);
  });

  it("new numbers arriving together each get their own stub, and a call recorded meanwhile gets the same contact", async () => {
    const numbers = Array.from({ length: 20 }, (_, i) => `+1415555${1200 + i}`);
    const [answers, recorded] = await Promise.all([
      Promise.all(numbers.map((n) => resolve(key, n))),
      call("POST", "/api/calls", { bearer: key, body: { caller_phone: numbers[3], direction: "inbound" } }),
    ]);
    expect(answers.every((a) => a.status === 200 && typeof a.body.contact_id === "string")).toBe(true);
    expect(new Set(answers.map((a) => a.body.contact_id)).size).toBe(numbers.length);
    expect(recorded.status).toBe(201);
    expect(recorded.body.contact_id).toBe(answers[3]!.body.contact_id);
    // Exactly one of the two says it made the contact; every other number was new to its resolve.
    expect([answers[3]!.body.created, recorded.body.contact_created].filter(Boolean)).toHaveLength(1);
    expect(answers.filter((a, i) => i !== 3 && a.body.created).length).toBe(numbers.length - 1);
    for (const n of numbers) expect(await count("SELECT count(*) AS n FROM contact_phones WHERE phone_number = ?", n)).toBe(1);
  });

  it("a stub that cannot be written fails alone: the rest of its batch is made, nothing of it is", async () => {
    const numbers = ["+14155551297", "+14155551298", "+14155551299"];
    await storeExec(org.id, [[`CREATE TRIGGER test_refuse BEFORE INSERT ON contact_phones WHEN new.phone_number = '${numbers[2]}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`]]);
    try {
      const before = await count("SELECT count(*) AS n FROM contacts");
      const stub = env.ORG_STORE.get(env.ORG_STORE.idFromName(org.id));
      // Called on the object itself in one turn: the three are one batch for certain.
      const settled = await runInDurableObject(stub, (store: OrgStore) => Promise.allSettled(numbers.map((n) => store.resolve(n, "inbound_call"))));
      expect(settled.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
      for (const r of settled.slice(0, 2)) expect(r.status === "fulfilled" && r.value.ok && r.value.value.created).toBe(true);
      expect(String((settled[2] as PromiseRejectedResult).reason)).toContain("refused by the test");
      expect(await count("SELECT count(*) AS n FROM contacts")).toBe(before + 2);
      expect(await count("SELECT count(*) AS n FROM contact_phones WHERE phone_number = ?", numbers[2])).toBe(0);
      expect(await count("SELECT count(*) AS n FROM contacts WHERE id NOT IN (SELECT contact_id FROM contact_phones)")).toBe(0);
      // Over HTTP the refused one is a 500 problem; the number works again once it can be written.
      expectProblem(await resolve(key, numbers[2]!), 500);
    } finally {
      await storeExec(org.id, [["DROP TRIGGER test_refuse"]]);
    }
    expect((await resolve(key, numbers[2]!)).body.created).toBe(true);
  });

  it("finds an existing contact whatever format the carrier sends", async () => {
    const c = await createContact(org, { first_name: "Known", phones: [{ phone_number: "+1 212 555 0199" }] });
    for (const f of ["2125550199", "+12125550199", "(212) 555-0199", "1-212-555-0199"]) {
      const r = await resolve(key, f);
      expect(r.body).toEqual({ contact_id: c.id, created: false });
    }
  });

  it("withheld and invalid caller ids create nothing", async () => {
    const before = await count("SELECT count(*) AS n FROM contacts");
    for (const phone of ["anonymous", "Restricted", "unknown", "", "  ", "not a number"]) {
      const r = await resolve(key, phone);
      expect(r.status).toBe(200);
      expect(r.body.contact_id).toBeNull();
      expect(["withheld", "invalid"]).toContain(r.body.reason);
    }
    expect((await resolve(key, "12")).body).toMatchObject({ contact_id: null, reason: "invalid" });
    expect(await count("SELECT count(*) AS n FROM contacts")).toBe(before);
  });

  it("interleaved resolves in two organizations never share a contact", async () => {
    const other = await createOrg();
    const otherKey = await createApiKey(other);
    const numbers = ["+13105550111", "+13105550112", "+13105550113"];
    const results = await Promise.all(numbers.flatMap((n) => [resolve(key, n), resolve(otherKey, n), resolve(key, n), resolve(otherKey, n)]));
    for (let i = 0; i < numbers.length; i++) {
      const [a1, b1, a2, b2] = results.slice(i * 4, i * 4 + 4).map((r) => r.body.contact_id);
      expect(a1).toBe(a2);
      expect(b1).toBe(b2);
      expect(a1).not.toBe(b1);
    }
    const foreign = await call("GET", `/api/contacts/${results[1]!.body.contact_id}`, { cookie: org.owner.cookie });
    expectProblem(foreign, 404);
  });

  it("follows phone deletes, moves and contact deletes made through the REST API", async () => {
    const number = "+16175550142";
    const first = (await resolve(key, number)).body.contact_id as string;
    expect((await resolve(key, number)).body).toEqual({ contact_id: first, created: false });

    // Move: delete from the stub, add to a named contact.
    const stub = await call("GET", `/api/contacts/${first}`, { cookie: org.owner.cookie });
    const phoneId = stub.body.phones[0].id;
    expect((await call("DELETE", `/api/contacts/${first}/phones/${phoneId}`, { cookie: org.owner.cookie })).status).toBe(204);
    const named = await createContact(org, { first_name: "Moved", last_name: "Here" });
    expect((await call("POST", `/api/contacts/${named.id}/phones`, { cookie: org.owner.cookie, body: { phone_number: number } })).status).toBe(201);
    expect((await resolve(key, number)).body).toEqual({ contact_id: named.id, created: false });

    // Edit the number away: resolve no longer finds the contact and makes a new stub.
    const movedPhone = (await call("GET", `/api/contacts/${named.id}`, { cookie: org.owner.cookie })).body.phones[0].id;
    await call("PUT", `/api/contacts/${named.id}/phones/${movedPhone}`, { cookie: org.owner.cookie, body: { phone_number: "+16175550143" } });
    const afterEdit = (await resolve(key, number)).body;
    expect(afterEdit.created).toBe(true);
    expect((await resolve(key, "+16175550143")).body.contact_id).toBe(named.id);

    // Delete the contact: its number resolves to a fresh stub.
    expect((await call("DELETE", `/api/contacts/${named.id}`, { cookie: org.owner.cookie })).status).toBe(204);
    const afterDelete = (await resolve(key, "+16175550143")).body;
    expect(afterDelete.created).toBe(true);
    expect(afterDelete.contact_id).not.toBe(named.id);
  });

  it("once a change has been answered, no resolve returns the old owner, even with resolves running throughout", async () => {
    const number = "+16175550160";
    const from = await createContact(org, { first_name: "Old", last_name: "Owner", phones: [{ phone_number: number }] });
    const phoneId = (await call("GET", `/api/contacts/${from.id}`, { cookie: org.owner.cookie })).body.phones[0].id;
    // Resolves loop the whole time.
    let changeAnsweredAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const seen: { startedAt: number; contactId: string }[] = [];
    const loop = (async () => {
      while (!stop) {
        const startedAt = performance.now();
        // As the owner (an admin session): hundreds of requests, more than one API key may send.
        const r = await call("POST", "/api/contacts/resolve", { cookie: org.owner.cookie, body: { phone: number } });
        expect(r.status).toBe(200);
        seen.push({ startedAt, contactId: r.body.contact_id });
        // Lets timers run: a loop of loopback requests alone would never let the clock move.
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    // The owner's number is edited to another one: the old number no longer belongs to it.
    const edit = await call("PUT", `/api/contacts/${from.id}/phones/${phoneId}`, { cookie: org.owner.cookie, body: { phone_number: "+16175550161" } });
    expect(edit.status).toBe(200);
    changeAnsweredAt = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await loop;
    const before = seen.filter((s) => s.startedAt < changeAnsweredAt);
    const after = seen.filter((s) => s.startedAt > changeAnsweredAt);
    expect(before.some((s) => s.contactId === from.id)).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    // A new stub took the number, and every answer after the edit names it.
    expect(new Set(after.map((s) => s.contactId)).size).toBe(1);
    expect(after[0]?.contactId).not.toBe(from.id);
    expect(await count("SELECT count(*) AS n FROM contact_phones WHERE phone_number = ?", number)).toBe(1);
  });

  it("a call from a number whose contact was just deleted is recorded on a new stub", async () => {
    const number = "+16175550170";
    const gone = await createContact(org, { first_name: "Soon", last_name: "Gone", phones: [{ phone_number: number }] });
    expect((await resolve(key, number)).body.contact_id).toBe(gone.id);
    const [deletion, recorded] = await Promise.all([
      call("DELETE", `/api/contacts/${gone.id}`, { cookie: org.owner.cookie }),
      call("POST", "/api/calls", { bearer: key, body: { caller_phone: number, direction: "inbound" } }),
    ]);
    expect(deletion.status).toBe(204);
    expect(recorded.status).toBe(201);
    // Whichever came first: the call is never lost, and never on a deleted contact.
    expect(await count("SELECT count(*) AS n FROM calls WHERE id = ? AND contact_id = ?", recorded.body.call_id, recorded.body.contact_id)).toBe(
      recorded.body.contact_id === gone.id ? 0 : 1,
    );
    const after = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: number } });
    expect(after.body.contact_id).not.toBe(gone.id);
    expect(await count("SELECT count(*) AS n FROM calls WHERE id = ? AND contact_id = ?", after.body.call_id, after.body.contact_id)).toBe(1);
  });

  it("a failure in the middle of resolution leaves no partial rows", async () => {
    const before = await count("SELECT count(*) AS n FROM contacts");
    await storeExec(org.id, [["CREATE TRIGGER fail_phone BEFORE INSERT ON contact_phones BEGIN SELECT RAISE(ABORT, 'injected failure'); END"]]);
    try {
      expectProblem(await resolve(key, "+17185550177"), 500);
    } finally {
      await storeExec(org.id, [["DROP TRIGGER fail_phone"]]);
    }
    expect(await count("SELECT count(*) AS n FROM contacts")).toBe(before);
    expect(await count("SELECT count(*) AS n FROM contact_phones WHERE phone_number = '+17185550177'")).toBe(0);
    expect((await resolve(key, "+17185550177")).body.created).toBe(true);
  });

  it("reads numbers with the organization's region, and follows a change of region at once", async () => {
    const other = await createOrg();
    const otherKey = await createApiKey(other);
    expect((await resolve(otherKey, "020 7946 0958")).body).toMatchObject({ contact_id: null, reason: "invalid" });
    expect((await call("PUT", "/api/settings", { cookie: other.owner.cookie, body: { default_region: "GB" } })).status).toBe(200);
    const gb = await resolve(otherKey, "020 7946 0958");
    expect(gb.body.created).toBe(true);
    expect((await resolve(otherKey, "+44 20 7946 0958")).body.contact_id).toBe(gb.body.contact_id);
    // A caller id that reads differently in each region, answered just before a change.
    const asGb = (await resolve(otherKey, "2079460959")).body.contact_id;
    expect(asGb).toBeTruthy();
    expect((await call("PUT", "/api/settings", { cookie: other.owner.cookie, body: { default_region: "US" } })).status).toBe(200);
    expect((await resolve(otherKey, "2079460959")).body).toMatchObject({ contact_id: expect.not.stringMatching(asGb), created: true });
    expect((await call("GET", `/api/contacts/${asGb}`, { cookie: other.owner.cookie })).body.phones[0].phone_number).toBe("+442079460959");
  });

  it("requires an API key or an admin session", async () => {
    expectProblem(await call("POST", "/api/contacts/resolve", { body: { phone: "+14155550101" } }), 401);
    expectProblem(await resolve("ck_not_a_key", "+14155550101"), 401);
    const admin = await call("POST", "/api/contacts/resolve", { cookie: org.owner.cookie, body: { phone: "+14155550101" } });
    expect(admin.status).toBe(200);
  });
});
