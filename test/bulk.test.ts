import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BULK_CHUNK, SYNC_LIMIT } from "../worker/store/bulk";
import { MEMBER_LIMIT } from "../worker/routes/bulk";
import { type Json, type Org, addMember, call, createContact, createOrg, expectInvalid, expectProblem, orgSnapshot, storeExec, storeRows } from "./helpers";

// Bulk changes: on the selected contacts or on everything the list matches; small ones at once,
// large ones by the store's alarm a chunk at a time; who may do what.

async function tag(o: Org, name: string): Promise<Json> {
  return (await call("POST", "/api/tags", { cookie: o.owner.cookie, body: { name, color: "#3b82f6" } })).body;
}

/** `n` contacts named "Bulk i", written straight into the store (the search index's triggers run). */
async function manyContacts(o: Org, n: number, prefix = "Bulk"): Promise<void> {
  const now = new Date().toISOString();
  const rows: [string, ...unknown[]][] = [];
  for (let i = 0; i < n; i++) rows.push(["INSERT INTO contacts (id, first_name, last_name, status, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?)", crypto.randomUUID(), prefix, String(i), now, now]);
  await storeExec(o.id, rows);
}

const bulk = (o: Org, body: Json, cookie = o.owner.cookie) => call("POST", "/api/contacts/bulk", { cookie, body });
const alarm = (o: Org) => runDurableObjectAlarm(env.ORG_STORE.get(env.ORG_STORE.idFromName(o.id)));

describe("bulk changes", () => {
  it("tags, untags, sets the status of and deletes the selected contacts at once", async () => {
    const o = await createOrg();
    const vip = await tag(o, "VIP");
    const a = await createContact(o, { first_name: "Ann" });
    const b = await createContact(o, { first_name: "Ben" });
    const c = await createContact(o, { first_name: "Cy" });
    const tagged = await bulk(o, { action: { type: "add_tag", tag_id: vip.id }, contact_ids: [a.id, b.id, a.id] });
    expect(tagged.status).toBe(200);
    expect(tagged.body).toMatchObject({ status: "done", total: 2, done: 2, affected: 2, percent: 100 });
    expect((await bulk(o, { action: { type: "add_tag", tag_id: vip.id }, contact_ids: [a.id, c.id] })).body.affected).toBe(1);
    expect((await bulk(o, { action: { type: "remove_tag", tag_id: vip.id }, contact_ids: [c.id] })).body.affected).toBe(1);
    const dnc = await bulk(o, { action: { type: "set_status", status: "do_not_contact" }, contact_ids: [a.id, b.id] });
    expect(dnc.body.affected).toBe(2);
    expect((await call("GET", `/api/contacts/${a.id}`, { cookie: o.owner.cookie })).body).toMatchObject({ status: "do_not_contact", tags: [{ name: "VIP" }] });
    expect((await bulk(o, { action: { type: "delete" }, contact_ids: [b.id, c.id] })).body.affected).toBe(2);
    expect(await storeRows(o.id, "SELECT first_name FROM contacts")).toEqual([{ first_name: "Ann" }]);
    expect(await storeRows(o.id, "SELECT contact_count FROM contact_stats")).toEqual([{ contact_count: 1 }]);
  });

  it("changes nothing when a selected contact or the tag does not exist, or the input is bad", async () => {
    const o = await createOrg();
    const vip = await tag(o, "VIP");
    const a = await createContact(o, { first_name: "Ann" });
    const other = await createOrg();
    const theirs = await createContact(other, { first_name: "Theirs" });
    const before = await orgSnapshot(o.id);
    expectProblem(await bulk(o, { action: { type: "add_tag", tag_id: vip.id }, contact_ids: [a.id, theirs.id] }), 404);
    expectProblem(await bulk(o, { action: { type: "add_tag", tag_id: crypto.randomUUID() }, contact_ids: [a.id] }), 404);
    expectProblem(await bulk(o, { action: { type: "assign", member_id: "nobody" }, contact_ids: [a.id] }), 404);
    expectInvalid(await bulk(o, { action: { type: "set_status", status: "gone" }, contact_ids: [a.id] }), "action.status");
    expectInvalid(await bulk(o, { action: { type: "delete" } }), "contact_ids");
    expectInvalid(await bulk(o, { action: { type: "delete" }, contact_ids: [a.id], matching: {} }), "contact_ids");
    expect(await orgSnapshot(o.id)).toEqual(before);
  });

  it("lets members tag, set the status of or delete a selection of theirs; assigning and 'all matching' are for admins", async () => {
    const o = await createOrg();
    const member = await addMember(o, "member", "Mo Member");
    const vip = await tag(o, "VIP");
    const a = await createContact(o, { first_name: "Ann" });
    expect((await bulk(o, { action: { type: "add_tag", tag_id: vip.id }, contact_ids: [a.id] }, member.cookie)).status).toBe(200);
    expect((await bulk(o, { action: { type: "set_status", status: "inactive" }, contact_ids: [a.id] }, member.cookie)).status).toBe(200);
    expectProblem(await bulk(o, { action: { type: "assign", member_id: member.memberId }, contact_ids: [a.id] }, member.cookie), 403);
    expectProblem(await bulk(o, { action: { type: "add_tag", tag_id: vip.id }, matching: { search: "ann" } }, member.cookie), 403);
    const many = Array.from({ length: MEMBER_LIMIT + 1 }, () => crypto.randomUUID());
    expectProblem(await bulk(o, { action: { type: "delete" }, contact_ids: many }, member.cookie), 403);
    const assigned = await bulk(o, { action: { type: "assign", member_id: member.memberId }, contact_ids: [a.id] });
    expect(assigned.body.affected).toBe(1);
    expect((await call("GET", `/api/contacts/${a.id}`, { cookie: o.owner.cookie })).body.assigned_users).toMatchObject([{ member_id: member.memberId, name: "Mo Member" }]);
    expect((await bulk(o, { action: { type: "unassign", member_id: member.memberId }, contact_ids: [a.id] })).body.affected).toBe(1);
  });

  it("changes every contact the list matches — in the background, a chunk a transaction — and only those", async () => {
    const o = await createOrg();
    const vip = await tag(o, "VIP");
    const count = SYNC_LIMIT + BULK_CHUNK + 20;
    await manyContacts(o, count);
    await manyContacts(o, 5, "Other");
    const started = await bulk(o, { action: { type: "add_tag", tag_id: vip.id }, matching: { search: "bulk" } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: "running", total: count, done: 0 });
    // Chunk by chunk (the alarm would also run on its own; running it here makes the steps visible).
    await alarm(o);
    const halfway = (await call("GET", `/api/bulk-jobs/${started.body.id}`, { cookie: o.owner.cookie })).body;
    expect(halfway.done === BULK_CHUNK || halfway.done === count).toBe(true);
    for (let i = 0; i < 5 && (await call("GET", `/api/bulk-jobs/${started.body.id}`, { cookie: o.owner.cookie })).body.status === "running"; i++) await alarm(o);
    const done = (await call("GET", `/api/bulk-jobs/${started.body.id}`, { cookie: o.owner.cookie })).body;
    expect(done).toMatchObject({ status: "done", total: count, done: count, affected: count, percent: 100 });
    expect(await storeRows(o.id, "SELECT count(*) AS n FROM contact_tags")).toEqual([{ n: count }]);
    expect(await storeRows(o.id, "SELECT count(*) AS n FROM bulk_job_items")).toEqual([{ n: 0 }]);
    // The list's tag filter: delete everything tagged, and nothing else.
    const deleted = await bulk(o, { action: { type: "delete" }, matching: { tag_ids: [vip.id] } });
    for (let i = 0; i < 5 && (await call("GET", `/api/bulk-jobs/${deleted.body.id}`, { cookie: o.owner.cookie })).body.status === "running"; i++) await alarm(o);
    expect((await call("GET", `/api/bulk-jobs/${deleted.body.id}`, { cookie: o.owner.cookie })).body).toMatchObject({ status: "done", affected: count });
    expect(await storeRows(o.id, "SELECT first_name FROM contacts GROUP BY first_name")).toEqual([{ first_name: "Other" }]);
    const other = await createOrg();
    expectProblem(await call("GET", `/api/bulk-jobs/${deleted.body.id}`, { cookie: other.owner.cookie }), 404);
  });
});
