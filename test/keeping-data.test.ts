import { createScheduledController, runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import worker from "../worker/index";
import { type Json, type Org, ORIGIN, addMember, call, countersInStep, createApiKey, createContact, createOrg, expectInvalid, expectProblem, runQueue, storeExec, storeRows, until } from "./helpers";

// Keeping the data right: the trash (restore, purge), field history, merge with undo and
// duplicate suggestions — through the API, with the store's rows and R2 checked directly.

const NS = "keeping-data";
const fake = `${inject("openaiUrl")}/ns/${NS}`;
const aiEnv = { ...env, OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${fake}/v1`, OPENAI_MODEL: "gpt-test", OPENAI_TIMEOUT_MS: "500" };

const OWNER = "Olivia Owner";
let org: Org;
let key: string;
let seq = 0;
const nextPhone = (area = "415") => `+1${area}555${String(1000 + seq++).padStart(4, "0")}`;

const ok = (res: { status: number; body: any }) => {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
};
const owner = () => ({ cookie: org.owner.cookie });
const alarm = () => runDurableObjectAlarm(env.ORG_STORE.get(env.ORG_STORE.idFromName(org.id)));

/** A contact with a transcribed call, a note, a todo, a tag, consent and an address. */
async function person(first: string, opts: { phone?: string; email?: string; company?: string } = {}) {
  const phone = opts.phone ?? nextPhone();
  const contact = await createContact(org, {
    first_name: first,
    last_name: "Lee",
    company: opts.company ?? null,
    phones: [{ phone_number: phone }],
    emails: opts.email ? [{ email: opts.email }] : [],
  });
  ok(await call("POST", `/api/contacts/${contact.id}/addresses`, { ...owner(), body: { street: `${seq} Main St`, city: "Springfield", country: "US" } }));
  const tag = ok(await call("POST", "/api/tags", { ...owner(), body: { name: `Tag ${first} ${seq}`, color: "#b91c1c" } }));
  ok(await call("POST", `/api/contacts/${contact.id}/tags/${tag.id}`, owner()));
  const recorded = ok(await call("POST", "/api/calls", { bearer: key, body: { caller_phone: phone } }));
  expect((await call("PUT", `/api/calls/${recorded.call_id}/transcription`, { bearer: key, body: { transcription: `Hi, this is ${first}.` } })).status).toBe(202);
  ok(await call("POST", `/api/contacts/${contact.id}/notes`, { ...owner(), body: { body: `Note about ${first}` } }));
  ok(await call("POST", `/api/contacts/${contact.id}/todos`, { ...owner(), body: { title: `Call ${first} back` } }));
  ok(await call("POST", `/api/contacts/${contact.id}/consent`, { ...owner(), body: { channel: "sms", status: "opted_in", note: "Asked for texts at the desk" } }));
  return { id: contact.id as string, phone, callId: recorded.call_id as string };
}

/** Everything held about a contact (GET /api/contacts/{id}/export), without the moment of export. */
async function dataOf(id: string) {
  const res = await call("GET", `/api/contacts/${id}/export`, owner());
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const { exported_at: _e, ...rest } = res.body;
  return rest as Json;
}

/** The whole organization's backup (GET /api/export), line by line. */
async function orgExport(): Promise<Json[]> {
  const res = await exports.default.fetch(new Request(`${ORIGIN}/api/export`, { headers: { cookie: org.owner.cookie } }));
  expect(res.status).toBe(200);
  return (await res.text())
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line))
    .filter((r) => r.type !== "header");
}

const blobsOf = async (contactId: string) =>
  (await storeRows<{ key: string }>(org.id, "SELECT transcript_key AS key FROM calls WHERE contact_id = ? AND transcript_key IS NOT NULL", contactId)).map((r) => r.key);
const inR2 = async (keys: string[]) => (await Promise.all(keys.map((k) => env.BLOBS.head(k)))).filter(Boolean).length;
const history = async (id: string) => ok(await call("GET", `/api/contacts/${id}/history?limit=100`, owner())).items as Json[];

beforeAll(async () => {
  org = await createOrg();
  key = await createApiKey(org);
});

describe("the trash", () => {
  it("keeps a deleted contact with everything attached and restores it exactly; its transcripts stay in R2 meanwhile", async () => {
    const p = await person("Tara");
    const before = await dataOf(p.id);
    const keys = await blobsOf(p.id);
    expect(keys).toHaveLength(1);

    expect((await call("DELETE", `/api/contacts/${p.id}`, owner())).status).toBe(204);
    const gone = await call("GET", `/api/contacts/${p.id}`, owner());
    expectProblem(gone, 404);
    expect(gone.body.in_trash).toBe(true);
    const list = ok(await call("GET", "/api/contacts/list?search=Tara", owner()));
    expect(list.contacts).toHaveLength(0);
    expect(await storeRows(org.id, "SELECT id FROM calls WHERE contact_id = ?", p.id)).toHaveLength(0);
    expect(await inR2(keys)).toBe(1);

    const trash = ok(await call("GET", "/api/trash", owner()));
    const item = trash.items.find((i: Json) => i.contact_id === p.id);
    expect(item).toMatchObject({ name: "Tara Lee", phones: [{ phone_number: p.phone, now_held_by: null }], deleted_by: OWNER });
    expect(Date.parse(item.purge_after) - Date.parse(item.deleted_at)).toBe(30 * 86_400_000);

    const restored = ok(await call("POST", `/api/contacts/${p.id}/restore`, owner()));
    expect(restored.phones_taken).toEqual([]);
    expect(restored.contact).toMatchObject({ id: p.id, first_name: "Tara", phones: [{ phone_number: p.phone }] });
    const after = await dataOf(p.id);
    // Exactly as before, plus the history's note that it was restored.
    expect(after.history.at(-1)).toMatchObject({ field: "restored", by_kind: "member", by_name: OWNER });
    expect({ ...after, history: after.history.slice(0, -1) }).toEqual(before);
    expect(ok(await call("GET", "/api/trash", owner())).items.some((i: Json) => i.contact_id === p.id)).toBe(false);
    expect((await call("GET", `/api/contacts/list?search=${encodeURIComponent(p.phone)}`, owner())).body.contacts.map((c: Json) => c.id)).toEqual([p.id]);
    expectProblem(await call("POST", `/api/contacts/${p.id}/restore`, owner()), 409);
  });

  it("gives a trashed contact's number to a new contact when it calls again; restore leaves the number there and says so", async () => {
    const p = await person("Noor");
    expect((await call("DELETE", `/api/contacts/${p.id}`, owner())).status).toBe(204);
    const again = ok(await call("POST", "/api/calls", { bearer: key, body: { caller_phone: p.phone } }));
    expect(again.contact_id).not.toBe(p.id);
    const item = ok(await call("GET", "/api/trash", owner())).items.find((i: Json) => i.contact_id === p.id);
    expect(item.phones).toEqual([{ phone_number: p.phone, now_held_by: { contact_id: again.contact_id, name: null } }]);

    const restored = ok(await call("POST", `/api/contacts/${p.id}/restore`, owner()));
    expect(restored.phones_taken).toEqual([{ phone_number: p.phone, contact_id: again.contact_id }]);
    expect(restored.contact.phones).toEqual([]);
    // Its old call came back with it; the number is one live contact's.
    expect(await storeRows(org.id, "SELECT id FROM calls WHERE contact_id = ?", p.id)).toHaveLength(1);
    expect(await storeRows(org.id, "SELECT contact_id FROM contact_phones WHERE phone_number = ?", p.phone)).toEqual([{ contact_id: again.contact_id }]);
  });

  it("is purged for good by the daily cron after 30 days, R2 objects included (a fixed clock)", async () => {
    const p = await person("Pat");
    const keys = await blobsOf(p.id);
    expect((await call("DELETE", `/api/contacts/${p.id}`, owner())).status).toBe(204);
    const [x, y] = [await person("Pam"), await person("Pip")];
    const merged = ok(await call("POST", `/api/contacts/${x.id}/merge`, { ...owner(), body: { contact_ids: [y.id] } }));
    const run = async (at: number) => {
      const ctx = { waitUntil: (p: Promise<unknown>) => waits.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
      const waits: Promise<unknown>[] = [];
      await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: "17 3 * * *" }), env, ctx);
      await Promise.all(waits);
    };
    await run(Date.now() + 29 * 86_400_000);
    expect(await storeRows(org.id, "SELECT contact_id FROM trash WHERE contact_id = ?", p.id)).toHaveLength(1);
    expect(await storeRows(org.id, "SELECT 1 FROM snapshot_rows WHERE owner = ?", `merge:${merged.merge_id}`)).not.toHaveLength(0);
    await run(Date.now() + 31 * 86_400_000);
    expect(await storeRows(org.id, "SELECT contact_id FROM trash WHERE contact_id = ?", p.id)).toHaveLength(0);
    expect(await storeRows(org.id, "SELECT 1 FROM snapshot_rows WHERE owner IN (?, ?, ?)", `trash:${p.id}`, `merge:${merged.merge_id}`, `merged:${merged.merge_id}`)).toHaveLength(0);
    // The merge stays on record; its undo is over.
    expect(ok(await call("GET", `/api/merges?contact_id=${x.id}`, owner()))[0]).toMatchObject({ id: merged.merge_id, undone_at: null });
    expectProblem(await call("POST", `/api/merges/${merged.merge_id}/undo`, owner()), 409);
    await alarm();
    expect(await inR2(keys)).toBe(0);
    expectProblem(await call("POST", `/api/contacts/${p.id}/restore`, owner()), 404);
  });

  it("is where a bulk delete puts contacts (by whom); erasing a trashed contact leaves nothing there or in R2", async () => {
    const p = await person("Bo");
    const keys = await blobsOf(p.id);
    ok(await call("POST", "/api/contacts/bulk", { ...owner(), body: { action: { type: "delete" }, contact_ids: [p.id] } }));
    const item = ok(await call("GET", "/api/trash", owner())).items.find((i: Json) => i.contact_id === p.id);
    expect(item.deleted_by).toBe(OWNER);
    const erased = ok(await call("POST", `/api/contacts/${p.id}/erase`, owner()));
    expect(erased.counts).toMatchObject({ trashed_contact: 1, stored_files: 1 });
    expect(await storeRows(org.id, "SELECT contact_id FROM trash WHERE contact_id = ?", p.id)).toHaveLength(0);
    expect(await storeRows(org.id, "SELECT 1 FROM snapshot_rows WHERE contact_id = ?", p.id)).toHaveLength(0);
    expect(await inR2(keys)).toBe(0);
  });

  it("takes a contact larger than one stored row may be (a copy is a row per row)", async () => {
    const p = await person("Max");
    const note = "x".repeat(10_000);
    const now = new Date().toISOString();
    await storeExec(
      org.id,
      Array.from({ length: 300 }, (_, i) => [
        "INSERT INTO notes (id, contact_id, body, area, created_at, updated_at) VALUES (?, ?, ?, 'manual', ?, ?)",
        crypto.randomUUID(),
        p.id,
        `${i} ${note}`,
        now,
        now,
      ]),
    );
    const before = await dataOf(p.id);
    expect(JSON.stringify(before).length).toBeGreaterThan(3_000_000);
    expect((await call("DELETE", `/api/contacts/${p.id}`, owner())).status).toBe(204);
    ok(await call("POST", `/api/contacts/${p.id}/restore`, owner()));
    const after = await dataOf(p.id);
    expect({ ...after, history: after.history.slice(0, -1) }).toEqual(before);
  });

  it("is the organization's own: another organization's contact cannot be restored or seen", async () => {
    const p = await person("Ida");
    expect((await call("DELETE", `/api/contacts/${p.id}`, owner())).status).toBe(204);
    const other = await createOrg();
    expectProblem(await call("POST", `/api/contacts/${p.id}/restore`, { cookie: other.owner.cookie }), 404);
    expect(ok(await call("GET", "/api/trash", { cookie: other.owner.cookie })).items).toEqual([]);
  });
});

describe("field history", () => {
  it("records a person's edit, numbers, tags, assignments and consent with who and old -> new", async () => {
    const p = await person("Hal");
    const member = await addMember(org, "member", "Mia Member");
    ok(await call("PUT", `/api/contacts/${p.id}`, { cookie: member.cookie, body: { company: "Acme", status: "inactive" } }));
    ok(await call("POST", `/api/contacts/${p.id}/phones`, { cookie: member.cookie, body: { phone_number: nextPhone("646") } }));
    ok(await call("POST", `/api/contacts/${p.id}/members/${member.memberId}`, owner()));
    ok(await call("POST", `/api/contacts/${p.id}/consent`, { cookie: member.cookie, body: { channel: "sms", status: "opted_out" } }));
    const items = await history(p.id);
    const of = (field: string) => items.find((i) => i.field === field);
    expect(of("company")).toMatchObject({ old_value: null, new_value: "Acme", by: { kind: "member", id: member.memberId, name: "Mia Member" } });
    expect(of("status")).toMatchObject({ old_value: "active", new_value: "inactive", by: { name: "Mia Member" } });
    expect(of("phones")?.new_value).toHaveLength(2);
    expect(of("assigned_to")).toMatchObject({ old_value: [], new_value: ["Mia Member"], by: { name: OWNER } });
    expect(of("consent.sms")).toMatchObject({ old_value: "opted_in", new_value: "opted_out", by: { name: "Mia Member" } });
    expect(of("tags")).toMatchObject({ old_value: [], by: { kind: "member" } });
    // Newest first, and the activity tab's "changes" filter reads the same rows as lines.
    expect(items[0]!.field).toBe("consent.sms");
    const activity = ok(await call("GET", `/api/contacts/${p.id}/activity?kind=changes&limit=100`, owner())).items as Json[];
    expect(activity.map((a) => a.kind)).toEqual(items.map(() => "change"));
    expect(activity.find((a) => a.title === "Mia Member filled company")).toMatchObject({ detail: "— → Acme" });
    // The default timeline is still calls, notes and todos.
    expect(ok(await call("GET", `/api/contacts/${p.id}/activity`, owner())).items.some((a: Json) => a.kind === "change")).toBe(false);
    // Cursor pages.
    const first = ok(await call("GET", `/api/contacts/${p.id}/history?limit=2`, owner()));
    const second = ok(await call("GET", `/api/contacts/${p.id}/history?limit=2&cursor=${first.next_cursor}`, owner()));
    expect([...first.items, ...second.items].map((i: Json) => i.id)).toEqual(items.slice(0, 4).map((i) => i.id));
    expectProblem(await call("GET", `/api/contacts/${p.id}/history`, { cookie: (await createOrg()).owner.cookie }), 404);
  });

  it("names the AI enrichment and its call, and an import", async () => {
    await fetch(`${fake}/__reset`, { method: "POST" });
    const phone = nextPhone("312");
    const created = ok(await call("POST", "/api/calls", { bearer: key, body: { caller_phone: phone } }));
    const transcriptKey = `${org.id}/calls/${created.call_id}/transcript-test.txt`;
    await env.BLOBS.put(transcriptKey, "Hi, this is Jane Doe from Acme Corp.");
    await storeExec(org.id, [["UPDATE calls SET transcript_key = ?, enrichment_status = 'pending' WHERE id = ?", transcriptKey, created.call_id]]);
    await fetch(`${fake}/__script`, {
      method: "POST",
      body: JSON.stringify([{ kind: "details", details: { first_name: "Jane", last_name: "Doe", company: "Acme Corp" }, usage: { prompt_tokens: 10, completion_tokens: 5 } }]),
    });
    await runQueue("contact-enrichment", { type: "enrich_contact", organization_id: org.id, call_id: created.call_id }, aiEnv);
    const items = await history(created.contact_id);
    expect(items.find((i) => i.field === "company")).toMatchObject({ old_value: null, new_value: "Acme Corp", by: { kind: "enrichment" }, via_id: created.call_id });
    const line = ok(await call("GET", `/api/contacts/${created.contact_id}/activity?kind=changes`, owner())).items.find((a: Json) => a.title.includes("company"));
    expect(line.title).toBe("AI filled company from a call");

    // An import matching the contact by phone fills its job title (policy fill_empty).
    const csv = `phone,job_title\n${phone},Office Manager\n`;
    const draft = await exports.default.fetch(
      new Request(`${ORIGIN}/api/imports?filename=people.csv`, { method: "POST", headers: { origin: ORIGIN, cookie: org.owner.cookie, "content-type": "text/csv" }, body: csv }),
    );
    const importId = ((await draft.json()) as Json).id as string;
    expect((await call("POST", `/api/imports/${importId}/start`, { ...owner(), body: {} })).status).toBe(202);
    await runQueue("contact-imports", { type: "import_contacts", organization_id: org.id, import_id: importId });
    await until("the import to finish", async () => (await call("GET", `/api/imports/${importId}`, owner())).body.status === "done");
    expect((await history(created.contact_id)).find((i) => i.field === "job_title")).toMatchObject({
      new_value: "Office Manager",
      by: { kind: "import", name: OWNER },
      via_id: importId,
    });
  });
});

describe("merge", () => {
  it("moves every kind of row into the survivor, and undo restores the exact previous state", async () => {
    const member = await addMember(org, "member", "Ola Assignee");
    const a = await person("Mara", { company: "" });
    const b = await person("Marek", { email: "marek@example.com", company: "Globex" });
    ok(await call("POST", `/api/contacts/${b.id}/members/${member.memberId}`, owner()));
    await storeExec(org.id, [["INSERT INTO contact_memory (contact_id, content, sources, updated_at) VALUES (?, '- Likes tea', '[]', ?)", b.id, new Date().toISOString()]]);
    ok(await call("POST", `/api/contacts/${b.id}/consent`, { ...owner(), body: { channel: "voice", status: "opted_out" } }));
    const orgBefore = await orgExport();
    const countersBefore = await countersInStep(org.id);
    const before = { a: await dataOf(a.id), b: await dataOf(b.id) };

    const merged = ok(await call("POST", `/api/contacts/${a.id}/merge`, { ...owner(), body: { contact_ids: [b.id], fields: { first_name: b.id } } }));
    expect(merged.merged_ids).toEqual([b.id]);
    const c = merged.contact;
    expect(c).toMatchObject({ id: a.id, first_name: "Marek", last_name: "Lee", company: "Globex" });
    expect(c.phones.map((p: Json) => p.phone_number).sort()).toEqual([a.phone, b.phone].sort());
    expect(c.phones.filter((p: Json) => p.is_preferred)).toHaveLength(1);
    expect(c.emails.map((e: Json) => e.email)).toEqual(["marek@example.com"]);
    expect(c.addresses).toHaveLength(2);
    expect(c.tags).toHaveLength(2);
    expect(c.assigned_users.map((u: Json) => u.name)).toEqual(["Ola Assignee"]);
    const survivor = await dataOf(a.id);
    expect(survivor.calls).toHaveLength(2);
    expect(survivor.notes).toHaveLength(2);
    expect(survivor.todos).toHaveLength(2);
    expect(survivor.consent).toHaveLength(3);
    // The counters follow (the survivor now has Marek's voice opt-out).
    await countersInStep(org.id);
    expect(survivor.memory.content).toBe("- Likes tea");
    expect(survivor.history.find((h: Json) => h.field === "merged")).toMatchObject({ new_value: JSON.stringify(["Marek Lee"]), by_kind: "merge" });
    // The merged id answers 404 with a pointer; lists show one contact.
    const gone = await call("GET", `/api/contacts/${b.id}`, owner());
    expectProblem(gone, 404);
    expect(gone.body).toMatchObject({ merged_into: a.id, merge_id: merged.merge_id });
    expect(ok(await call("GET", "/api/contacts/list?search=Lee&page_size=100", owner())).contacts.some((x: Json) => x.id === b.id)).toBe(false);
    expect(ok(await call("GET", `/api/merges?contact_id=${a.id}`, owner()))[0]).toMatchObject({ id: merged.merge_id, merged_names: ["Marek Lee"], by: OWNER });

    const undone = ok(await call("POST", `/api/merges/${merged.merge_id}/undo`, owner()));
    expect(undone.contacts.map((x: Json) => x.id)).toEqual([a.id, b.id]);
    expect(await dataOf(a.id)).toEqual(before.a);
    expect(await dataOf(b.id)).toEqual(before.b);
    expect(await orgExport()).toEqual(orgBefore);
    expect(await countersInStep(org.id)).toEqual(countersBefore);
    expectProblem(await call("POST", `/api/merges/${merged.merge_id}/undo`, owner()), 409);
    expect(ok(await call("GET", `/api/contacts/${b.id}`, owner())).id).toBe(b.id);
  });

  it("blocks undo once the merged contact moved on, and says what changed", async () => {
    const a = await person("Ulla");
    const b = await person("Ulf");
    const merged = ok(await call("POST", `/api/contacts/${a.id}/merge`, { ...owner(), body: { contact_ids: [b.id] } }));
    ok(await call("PUT", `/api/contacts/${a.id}`, { ...owner(), body: { job_title: "Buyer" } }));
    ok(await call("POST", "/api/calls", { bearer: key, body: { caller_phone: b.phone } }));
    const blocked = await call("POST", `/api/merges/${merged.merge_id}/undo`, owner());
    expectProblem(blocked, 409);
    expect(blocked.body.blocked_by.join("; ")).toMatch(/job_title/);
    expect(blocked.body.blocked_by.join("; ")).toMatch(/calls: 1 added/);
    // Nothing changed by the refused undo.
    expectProblem(await call("GET", `/api/contacts/${b.id}`, owner()), 404);
  });

  it("is for admins, of this organization's contacts only, with clear errors", async () => {
    const a = await person("Vera");
    const b = await person("Vito");
    const member = await addMember(org, "member", "Not Admin");
    expectProblem(await call("POST", `/api/contacts/${a.id}/merge`, { cookie: member.cookie, body: { contact_ids: [b.id] } }), 403);
    const other = await createOrg();
    const stranger = await createContact(other, { first_name: "Stranger" });
    expectProblem(await call("POST", `/api/contacts/${a.id}/merge`, { ...owner(), body: { contact_ids: [stranger.id] } }), 404);
    expectProblem(await call("POST", `/api/contacts/${stranger.id}/merge`, { ...owner(), body: { contact_ids: [a.id] } }), 404);
    expectInvalid(await call("POST", `/api/contacts/${a.id}/merge`, { ...owner(), body: { contact_ids: [a.id] } }), "contact_ids");
    expectInvalid(await call("POST", `/api/contacts/${a.id}/merge`, { ...owner(), body: { contact_ids: [b.id], fields: { company: stranger.id } } }), "fields.company");
    expectInvalid(await call("POST", `/api/contacts/${a.id}/merge`, { ...owner(), body: { contact_ids: [] } }), "contact_ids");
    // Nothing merged.
    expect(ok(await call("GET", `/api/contacts/${b.id}`, owner())).id).toBe(b.id);
  });
});

describe("duplicate suggestions", () => {
  const pairsOf = async (id: string) => ok(await call("GET", `/api/contacts/${id}/duplicates`, owner())) as Json[];
  const reasonsBetween = async (x: string, y: string) => ((await pairsOf(x)).find((p) => p.contact.id === y)?.reasons ?? []).map((r: Json) => r.kind).sort();

  it("finds each reason as soon as the data changes, and dismissed pairs stay dismissed", async () => {
    const email1 = await createContact(org, { first_name: "Em", last_name: "One", emails: [{ email: "same@example.com" }] });
    const email2 = await createContact(org, { first_name: "Emma", last_name: "Two", emails: [{ email: "SAME@example.com" }] });
    expect(await reasonsBetween(email1.id, email2.id)).toEqual(["email"]);

    const ext1 = await createContact(org, { first_name: "Xa", external_id: "CRM-9" });
    const ext2 = await createContact(org, { first_name: "Xb" });
    expect(await reasonsBetween(ext1.id, ext2.id)).toEqual([]);
    ok(await call("PUT", `/api/contacts/${ext2.id}`, { ...owner(), body: { external_id: " crm-9 " } }));
    expect(await reasonsBetween(ext1.id, ext2.id)).toEqual(["external_id"]);

    const co1 = await createContact(org, { first_name: "Sam", last_name: "Stone", company: "Initech" });
    const co2 = await createContact(org, { first_name: "sam", last_name: "stone ", company: "INITECH" });
    expect(await reasonsBetween(co1.id, co2.id)).toEqual(["name_company"]);

    // The same national number under two country codes (typed without + in another region).
    const n1 = await createContact(org, { first_name: "Una", phones: [{ phone_number: "+12125550199" }] });
    const n2 = await createContact(org, { first_name: "Ubo", phones: [{ phone_number: "+442125550199" }] });
    expect(await reasonsBetween(n1.id, n2.id)).toEqual(["phone"]);

    const l1 = await createContact(org, { first_name: "Ann", last_name: "Lake", phones: [{ phone_number: "+13105550123" }] });
    const l2 = await createContact(org, { first_name: "Ann", last_name: "Lake", phones: [{ phone_number: "+17185550123" }] });
    expect(await reasonsBetween(l1.id, l2.id)).toEqual(["name_phone"]);

    // A stub that a call creates and an import or enrichment names: suggested right after.
    const stub = ok(await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+16175550123" } }));
    expect(await reasonsBetween(l1.id, stub.contact_id)).toEqual([]);
    ok(await call("PUT", `/api/contacts/${stub.contact_id}`, { ...owner(), body: { first_name: "Ann", last_name: "Lake" } }));
    expect(await reasonsBetween(l1.id, stub.contact_id)).toEqual(["name_phone"]);

    // An import's chunk writes numbers before their contacts: the keys are there all the same.
    const ivy = await createContact(org, { first_name: "Ivy", last_name: "Import", phones: [{ phone_number: "+12065550177" }] });
    const draft = await exports.default.fetch(
      new Request(`${ORIGIN}/api/imports?filename=ivy.csv`, {
        method: "POST",
        headers: { origin: ORIGIN, cookie: org.owner.cookie, "content-type": "text/csv" },
        body: "first_name,last_name,phone\nIvy,Import,+13125550177\n",
      }),
    );
    const importId = ((await draft.json()) as Json).id as string;
    expect((await call("POST", `/api/imports/${importId}/start`, { ...owner(), body: {} })).status).toBe(202);
    await runQueue("contact-imports", { type: "import_contacts", organization_id: org.id, import_id: importId });
    await until("the import to finish", async () => (await call("GET", `/api/imports/${importId}`, owner())).body.status === "done");
    const imported = (await pairsOf(ivy.id)).find((p) => p.contact.first_name === "Ivy");
    expect(imported?.reasons.map((r: Json) => r.kind)).toEqual(["name_phone"]);

    const list = ok(await call("GET", "/api/duplicates?limit=100", owner()));
    const keyOf = (p: Json) => p.contacts.map((c: Json) => c.id).sort().join("|");
    const shown = new Set(list.items.map(keyOf));
    for (const [x, y] of [[email1, email2], [ext1, ext2], [co1, co2], [n1, n2], [l1, l2]] as const) expect(shown.has([x.id, y.id].sort().join("|"))).toBe(true);
    // Strongest first: an external id outranks a name and four digits.
    const rank = (x: Json, y: Json) => list.items.findIndex((p: Json) => keyOf(p) === [x.id, y.id].sort().join("|"));
    expect(rank(ext1, ext2)).toBeLessThan(rank(l1, l2));

    expect((await call("POST", "/api/duplicates/dismiss", { ...owner(), body: { contact_ids: [l2.id, l1.id] } })).status).toBe(204);
    expect(await reasonsBetween(l1.id, l2.id)).toEqual([]);
    ok(await call("PUT", `/api/contacts/${l2.id}`, { ...owner(), body: { company: "Lake Inc" } }));
    const again = ok(await call("GET", "/api/duplicates?limit=100", owner()));
    expect(again.items.some((p: Json) => keyOf(p) === [l1.id, l2.id].sort().join("|"))).toBe(false);

    // Merging a pair ends the suggestion; a contact of another organization is invisible.
    ok(await call("POST", `/api/contacts/${email1.id}/merge`, { ...owner(), body: { contact_ids: [email2.id] } }));
    expect(await reasonsBetween(email1.id, email2.id)).toEqual([]);
    const other = await createOrg();
    const theirs = await createContact(other, { first_name: "Em", last_name: "One", emails: [{ email: "same@example.com" }] });
    expect((await pairsOf(email1.id)).some((p) => p.contact.id === theirs.id)).toBe(false);
    expectProblem(await call("POST", "/api/duplicates/dismiss", { ...owner(), body: { contact_ids: [email1.id, theirs.id] } }), 404);
  });

  it("are kept as pairs with scores: a page is an index walk from the strongest; a key shared by more than 10 contacts is no suggestion", async () => {
    const plan = await storeRows<{ detail: string }>(
      org.id,
      "EXPLAIN QUERY PLAN SELECT s.contact_a, s.contact_b, s.score FROM duplicate_pair_scores s ORDER BY s.score DESC, s.contact_a DESC, s.contact_b DESC LIMIT 26",
    );
    expect(plan.map((p) => p.detail).join(" ")).toMatch(/SCAN s USING (COVERING )?INDEX duplicate_pair_scores_idx/);
    expect(plan.map((p) => p.detail).join(" ")).not.toMatch(/TEMP B-TREE/);

    const crowd = [];
    for (let i = 0; i < 10; i++) crowd.push(await createContact(org, { first_name: `Front ${i}`, emails: [{ email: "front-desk@clinic.example" }] }));
    const pairsOfKey = () => storeRows(org.id, "SELECT 1 FROM duplicate_pairs WHERE kind = 'email' AND key = 'front-desk@clinic.example'");
    expect(await pairsOfKey()).toHaveLength(45);
    const eleventh = await createContact(org, { first_name: "Front 10", emails: [{ email: "front-desk@clinic.example" }] });
    expect(await pairsOfKey()).toHaveLength(0);
    expect(await pairsOf(crowd[0]!.id)).toEqual([]);
    // Back to 10: suggested again.
    expect((await call("DELETE", `/api/contacts/${eleventh.id}`, owner())).status).toBe(204);
    expect(await pairsOfKey()).toHaveLength(45);
    expect((await pairsOf(crowd[0]!.id)).map((p) => p.reasons[0].kind)).toEqual(Array(9).fill("email"));
    // Two reasons of one kind (two shared emails) count once in the score.
    const [d1, d2] = [
      await createContact(org, { first_name: "Dee", emails: [{ email: "dee@a.example" }, { email: "dee@b.example" }] }),
      await createContact(org, { first_name: "Dex", emails: [{ email: "dee@a.example" }, { email: "dee@b.example" }] }),
    ];
    const pair = ok(await call("GET", "/api/duplicates?limit=100", owner())).items.find((p: Json) => p.contacts.some((c: Json) => c.id === d1.id));
    expect(pair).toMatchObject({ score: 4 });
    expect(pair.reasons.map((r: Json) => r.value).sort()).toEqual(["dee@a.example", "dee@b.example"]);
    expect(pair.contacts.map((c: Json) => c.id).sort()).toEqual([d1.id, d2.id].sort());
    // Pages: every pair once, in score order.
    const all: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = ok(await call("GET", `/api/duplicates?limit=3${cursor ? `&cursor=${cursor}` : ""}`, owner()));
      all.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    const whole = ok(await call("GET", "/api/duplicates?limit=100", owner()));
    expect(all.map((p) => p.contacts.map((c: Json) => c.id).join("|"))).toEqual(whole.items.map((p: Json) => p.contacts.map((c: Json) => c.id).join("|")));
    expect(all.map((p) => p.score)).toEqual([...all.map((p) => p.score)].sort((x, y) => y - x));
    expect(whole.total).toBe(all.length);
  });
});
