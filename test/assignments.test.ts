import { beforeAll, describe, expect, it } from "vitest";
import { type Org, addMember, call, createContact, createOrg, expectProblem, countRows, storeExec } from "./helpers";

describe("assignments", () => {
  let org: Org;
  let maria: Awaited<ReturnType<typeof addMember>>;
  let sam: Awaited<ReturnType<typeof addMember>>;
  const ids: Record<string, string> = {};
  const get = (query = "") => call("GET", `/api/contacts/assignments${query}`, { cookie: org.owner.cookie });

  beforeAll(async () => {
    org = await createOrg();
    maria = await addMember(org, "member", "Maria Chen");
    sam = await addMember(org, "admin", "Sam Okoro");
    for (const [first, last, phone] of [["Zoe", "Adams", "+12125550001"], ["Adam", "Young", "+12125550002"], ["Mia", "Stone", "+12125550003"], ["", "", "+12125550004"]] as const) {
      ids[first || "stub"] = (await createContact(org, { first_name: first, last_name: last, phones: [{ phone_number: phone }] })).id;
    }
  });

  it("lists every contact by name with primary phone, stubs last, and counts", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body.contacts.map((c: { first_name: string }) => c.first_name)).toEqual(["Adam", "Mia", "Zoe", ""]);
    expect(res.body.contacts[0].primary_phone).toBe("(212) 555-0002");
    expect(res.body).toMatchObject({ total_count: 4, assigned_count: 0, page: 0, page_size: 25, total_pages: 1 });
  });

  it("assigns idempotently, filters by member and unassigned, and unassigns", async () => {
    const path = `/api/contacts/${ids.Zoe}/members/${maria.memberId}`;
    expect((await call("POST", path, { cookie: org.owner.cookie })).status).toBe(204);
    expect((await call("POST", path, { cookie: org.owner.cookie })).status).toBe(204);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_user WHERE contact_id = ?", ids.Zoe)).toBe(1);

    const mine = await get(`?member_filter=${maria.memberId}`);
    expect(mine.body.contacts.map((c: { id: string }) => c.id)).toEqual([ids.Zoe]);
    expect(mine.body.contacts[0].assigned_users).toEqual([{ member_id: maria.memberId, user_id: maria.userId, name: "Maria Chen" }]);
    expect(mine.body.assigned_count).toBe(1);
    const unassigned = await get("?member_filter=unassigned");
    expect(unassigned.body.total_count).toBe(3);
    expect(unassigned.body.organization_total_count).toBe(4);

    // The member sees the assignment on the contact.
    const seen = await call("GET", `/api/contacts/${ids.Zoe}`, { cookie: maria.cookie });
    expect(seen.body.assigned_users.map((u: { name: string }) => u.name)).toEqual(["Maria Chen"]);

    expect((await call("DELETE", path, { cookie: org.owner.cookie })).status).toBe(204);
    expectProblem(await call("DELETE", path, { cookie: org.owner.cookie }), 404);
  });

  it("bulk-assigns atomically and reports what was new", async () => {
    await call("POST", `/api/contacts/${ids.Mia}/members/${sam.memberId}`, { cookie: org.owner.cookie });
    const all = [ids.Zoe, ids.Adam, ids.Mia].map(String);
    const res = await call("POST", "/api/contacts/bulk", { cookie: org.owner.cookie, body: { action: { type: "assign", member_id: sam.memberId }, contact_ids: all } });
    expect(res.body).toMatchObject({ total: 3, affected: 2 });

    const other = await createOrg();
    const foreign = await createContact(other, { first_name: "Foreign" });
    const before = await countRows(org.id, "SELECT count(*) AS n FROM contact_user");
    expectProblem(
      await call("POST", "/api/contacts/bulk", { cookie: org.owner.cookie, body: { action: { type: "assign", member_id: maria.memberId }, contact_ids: [ids.stub, foreign.id] } }),
      404,
    );
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_user")).toBe(before);
  });

  it("searches, sorts and paginates, including past the end", async () => {
    expect((await get("?search=young")).body.contacts.map((c: { id: string }) => c.id)).toEqual([ids.Adam]);
    expect((await get("?search=555-0003")).body.contacts.map((c: { id: string }) => c.id)).toEqual([ids.Mia]);
    const recent = await get("?sort=recently_added");
    expect(recent.body.contacts[0].id).toBe(ids.stub);
    const page1 = await get("?page_size=3&page=1");
    expect(page1.body).toMatchObject({ total_count: 4, total_pages: 2, page: 1 });
    expect(page1.body.contacts).toHaveLength(1);
    const past = await get("?page_size=3&page=5");
    expect(past.body.contacts).toEqual([]);
    expect(past.body.total_count).toBe(4);
  });

  it("is admin-only, and hides other organizations' members and contacts", async () => {
    expectProblem(await call("GET", "/api/contacts/assignments", { cookie: maria.cookie }), 403);
    expectProblem(await call("POST", `/api/contacts/${ids.Adam}/members/${maria.memberId}`, { cookie: maria.cookie }), 403);
    expectProblem(await call("POST", "/api/contacts/bulk", { cookie: maria.cookie, body: { action: { type: "assign", member_id: maria.memberId }, contact_ids: [ids.Adam] } }), 403);
    expect((await call("GET", "/api/contacts/assignments", { cookie: sam.cookie })).status).toBe(200);

    const other = await createOrg();
    const outsider = await addMember(other, "member", "Outsider");
    expectProblem(await get(`?member_filter=${outsider.memberId}`), 404);
    expectProblem(await get("?member_filter=somebody"), 400);
    expectProblem(await call("POST", `/api/contacts/${ids.Adam}/members/${outsider.memberId}`, { cookie: org.owner.cookie }), 404);
  });

  it("removing a member or deleting a contact removes their assignments", async () => {
    const jordan = await addMember(org, "member", "Jordan Blake");
    await call("POST", `/api/contacts/${ids.Adam}/members/${jordan.memberId}`, { cookie: org.owner.cookie });
    const removed = await call("POST", "/api/auth/organization/remove-member", { cookie: org.owner.cookie, body: { memberIdOrEmail: jordan.memberId } });
    expect(removed.status).toBe(200);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_user WHERE member_id = ?", jordan.memberId)).toBe(0);

    await call("DELETE", `/api/contacts/${ids.Mia}`, { cookie: org.owner.cookie });
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_user WHERE contact_id = ?", ids.Mia)).toBe(0);
  });
});

describe("tag filter plans", () => {
  it("rare and common tags, with and without search, give the same answers as a direct count", async () => {
    const org = await createOrg();
    const rare = (await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: "Rare", color: "#111111" } })).body.id;
    const common = (await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: "Common", color: "#222222" } })).body.id;
    const now = new Date().toISOString();
    // 150 contacts straight into the store: one rare-tagged (< 1% of the org), half common-tagged.
    const statements: [string, ...unknown[]][] = [];
    for (let i = 0; i < 150; i++) {
      const id = crypto.randomUUID();
      statements.push(["INSERT INTO contacts (id, first_name, last_name, created_at, updated_at) VALUES (?, ?, 'Tagtest', ?, ?)", id, i % 2 ? "Anna" : "Bert", now, now]);
      if (i === 8) statements.push(["INSERT INTO contact_tags (contact_id, tag_id, created_at) VALUES (?, ?, ?)", id, rare, now]);
      if (i % 2) statements.push(["INSERT INTO contact_tags (contact_id, tag_id, created_at) VALUES (?, ?, ?)", id, common, now]);
    }
    await storeExec(org.id, statements);
    const list = (q: string) => call("GET", `/api/contacts/list?${q}`, { cookie: org.owner.cookie });
    expect((await list(`tag_ids=${rare}`)).body.total_count).toBe(1);
    expect((await list(`tag_ids=${common}`)).body).toMatchObject({ total_count: 75, total_pages: 3 });
    expect((await list(`tag_ids=${common},${rare}`)).body.total_count).toBe(76);
    expect((await list(`tag_ids=${common}&search=anna`)).body.total_count).toBe(75);
    expect((await list(`tag_ids=${common}&search=bert`)).body.total_count).toBe(0);
    expect((await list(`tag_ids=${rare}&search=bert`)).body.total_count).toBe(1);
    expect((await list(`tag_ids=${rare}&search=anna`)).body.total_count).toBe(0);
    const res = await list(`tag_ids=${common}&sort=name_asc`);
    expect(res.body.contacts.every((c: { first_name: string }) => c.first_name === "Anna")).toBe(true);
    expect(Number(res.headers.get("x-rows-read"))).toBeGreaterThan(0);
  });
});
