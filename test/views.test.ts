import { beforeAll, describe, expect, it } from "vitest";
import { type Json, type Org, addMember, call, createOrg, expectInvalid, expectProblem, orgSnapshot } from "./helpers";

// Saved views of the contact list: private to their owner or shared; the owner (or an admin, for
// a shared view) changes them; another member's private view is invisible.

let org: Org;
let tag: Json;

beforeAll(async () => {
  org = await createOrg();
  tag = (await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: "VIP", color: "#b91c1c" } })).body;
});

const names = async (cookie: string) => ((await call("GET", "/api/views", { cookie })).body as Json[]).map((v) => v.name);

describe("saved views", () => {
  it("saves the list's query, normalized; private views are their owner's alone, shared ones everyone's", async () => {
    const sam = await addMember(org, "member", "Sam Member");
    const mine = await call("POST", "/api/views", {
      cookie: sam.cookie,
      body: { name: "  My VIPs ", query: { search: " smith ", tag_ids: [tag.id, tag.id], sort: "name_asc" } },
    });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ name: "My VIPs", shared: false, query: { search: "smith", tag_ids: [tag.id], sort: "name_asc" }, owner: { user_id: sam.userId, name: "Sam Member" }, can_edit: true });
    const team = await call("POST", "/api/views", { cookie: sam.cookie, body: { name: "Team VIPs", query: { tag_ids: [tag.id], search: "" }, shared: true } });
    expect(team.body.query).toEqual({ tag_ids: [tag.id] });

    expect(await names(sam.cookie)).toEqual(["My VIPs", "Team VIPs"]);
    const alex = await addMember(org, "member", "Alex Other");
    expect(await names(alex.cookie)).toEqual(["Team VIPs"]);
    expect(await names(org.owner.cookie)).toEqual(["Team VIPs"]);
    // Another member's private view does not exist for them, even for an admin.
    expectProblem(await call("PUT", `/api/views/${mine.body.id}`, { cookie: org.owner.cookie, body: { name: "Mine now" } }), 404);
    expectProblem(await call("DELETE", `/api/views/${mine.body.id}`, { cookie: alex.cookie }), 404);
    // A shared view: another member may use it, not change it; an admin may.
    const listed = ((await call("GET", "/api/views", { cookie: alex.cookie })).body as Json[])[0]!;
    expect(listed.can_edit).toBe(false);
    expectProblem(await call("PUT", `/api/views/${team.body.id}`, { cookie: alex.cookie, body: { name: "Mine" } }), 403);
    const renamed = await call("PUT", `/api/views/${team.body.id}`, { cookie: org.owner.cookie, body: { name: "Our VIPs", query: { sort: "last_contacted_at" } } });
    expect(renamed.body).toMatchObject({ name: "Our VIPs", query: { sort: "last_contacted_at" }, shared: true, can_edit: true });
    // Unsharing makes it private again: gone for the others.
    await call("PUT", `/api/views/${team.body.id}`, { cookie: sam.cookie, body: { shared: false } });
    expect(await names(alex.cookie)).toEqual([]);
    expect((await call("DELETE", `/api/views/${mine.body.id}`, { cookie: sam.cookie })).status).toBe(204);
    expect(await names(sam.cookie)).toEqual(["Our VIPs"]);
  });

  it("refuses a bad name or query and changes nothing; other organizations see nothing", async () => {
    const before = await orgSnapshot(org.id);
    const count = (await names(org.owner.cookie)).length;
    expectInvalid(await call("POST", "/api/views", { cookie: org.owner.cookie, body: { name: " ", query: {} } }), "name");
    expectInvalid(await call("POST", "/api/views", { cookie: org.owner.cookie, body: { name: "x".repeat(61), query: {} } }), "name");
    expectInvalid(await call("POST", "/api/views", { cookie: org.owner.cookie, body: { name: "Bad", query: { sort: "random" } } }), "query.sort");
    expectInvalid(await call("POST", "/api/views", { cookie: org.owner.cookie, body: { name: "Bad", query: { tag_ids: ["nope"] } } }), "query.tag_ids.0");
    expectProblem(await call("POST", "/api/views", { cookie: org.owner.cookie, body: { name: "Bad", query: { page: 3 } } }), 400);
    expect(await orgSnapshot(org.id)).toEqual(before);
    expect(await names(org.owner.cookie)).toHaveLength(count);

    const shared = await call("POST", "/api/views", { cookie: org.owner.cookie, body: { name: "Shared", query: {}, shared: true } });
    const other = await createOrg();
    expect(await names(other.owner.cookie)).toEqual([]);
    expectProblem(await call("DELETE", `/api/views/${shared.body.id}`, { cookie: other.owner.cookie }), 404);
  });
});
