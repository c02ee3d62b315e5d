import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import migrations from "../migrations/store/migrations.js";
import { type Json, type Org, ORIGIN, addMember, call, createApiKey, createContact, createOrg, expectProblem, orgSnapshot, storeExec } from "./helpers";

async function exportOf(org: Org): Promise<Json[]> {
  const res = await exports.default.fetch(new Request(`${ORIGIN}/api/export`, { headers: { cookie: org.owner.cookie } }));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/x-ndjson");
  expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="org-.*\.ndjson"$/);
  return (await res.text())
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
}

const restore = (org: Org, body: string, contentType = "application/x-ndjson") =>
  call("POST", "/api/restore", { cookie: org.owner.cookie, body, headers: { "content-type": contentType } });

const ndjson = (records: Json[]) => `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;

/** What a person sees of an organization through the API, to compare two of them. */
async function seen(org: Org) {
  const list = (await call("GET", "/api/contacts/list?page_size=50&sort=name_asc", { cookie: org.owner.cookie })).body;
  const details = [];
  for (const c of list.contacts) {
    const get = async (path: string) => (await call("GET", `/api/contacts/${c.id}${path}`, { cookie: org.owner.cookie })).body;
    details.push({
      contact: { ...c, assigned_users: undefined },
      calls: await get("/calls"),
      messages: (await get("/messages")).map((m: Json) => ({ ...m, media: m.media.map((x: Json) => ({ ...x, stored: undefined })) })),
      notes: (await get("/notes")).notes,
      todos: (await get("/todos")).map((t: Json) => ({ ...t, assignee: undefined })),
      memory: await get("/memory"),
      consent: await get("/consent"),
    });
  }
  return {
    total: list.total_count,
    details,
    tags: (await call("GET", "/api/tags", { cookie: org.owner.cookie })).body,
    lines: (await call("GET", "/api/phone-lines", { cookie: org.owner.cookie })).body,
    settings: (await call("GET", "/api/settings", { cookie: org.owner.cookie })).body,
    blocked: (await call("GET", "/api/blocked-numbers", { cookie: org.owner.cookie })).body,
  };
}

describe("export and restore", () => {
  let source: Org;
  let records: Json[];

  beforeAll(async () => {
    source = await createOrg();
    const key = await createApiKey(source);
    const maria = await addMember(source, "member", "Maria Chen");
    await call("PUT", "/api/settings", { cookie: source.owner.cookie, body: { default_region: "GB", timezone: "Europe/London", quiet_hours: { start: "09:00", end: "20:00" } } });
    await call("POST", "/api/phone-lines", { cookie: source.owner.cookie, body: { name: "Front desk", phone_number: "+44 20 7946 0000" } });
    const tag = (await call("POST", "/api/tags", { cookie: source.owner.cookie, body: { name: "VIP", color: "#f59e0b" } })).body;
    const ada = await createContact(source, {
      first_name: "Ada",
      last_name: "Lovelace",
      company: "Analytical Engines",
      phones: [{ phone_number: "020 7946 0958", label: "Work" }, { phone_number: "+1 415 555 0101" }],
      emails: [{ email: "ada@example.com" }],
      tag_ids: [tag.id],
    });
    await call("POST", `/api/contacts/${ada.id}/addresses`, { cookie: source.owner.cookie, body: { street: "12 St James's Square", city: "London", country: "GB" } });
    await call("POST", `/api/contacts/${ada.id}/members/${maria.memberId}`, { cookie: source.owner.cookie });
    const c1 = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "02079460958", to_phone: "+442079460000", started_at: "2026-10-01T10:00:00Z" } });
    await call("PUT", `/api/calls/${c1.body.call_id}/transcription`, { bearer: key, body: { transcription: "Agent: Hello\nCaller: It's Ada — about the engine.", duration_seconds: 61 } });
    await call("POST", `/api/calls/${c1.body.call_id}/analyses`, { bearer: key, body: { analyzer: "intent", results: { intent: "quote", confidence: 0.9 } } });
    await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+447700900123", started_at: "2026-10-02T10:00:00Z" } });
    await call("POST", "/api/messages", { bearer: key, body: { from: "+14155550101", to: "+442079460000", body: "See attached", media_urls: ["https://example.com/plan.png"], received_at: "2026-10-03T10:00:00Z" } });
    await call("POST", `/api/contacts/${ada.id}/notes`, { cookie: maria.cookie, body: { body: "Prefers mornings." } });
    await call("POST", "/api/messages", { bearer: key, body: { from: "+14155550101", to: "+442079460000", body: "STOP", received_at: "2026-10-03T11:00:00Z" } });
    await call("POST", `/api/contacts/${ada.id}/consent`, { cookie: maria.cookie, body: { channel: "email", status: "opted_in", note: "Newsletter form" } });
    await call("POST", "/api/blocked-numbers", { cookie: source.owner.cookie, body: { phone_number: "+44 7700 900999", reason: "Spam" } });
    await call("POST", `/api/contacts/${ada.id}/todos`, { cookie: source.owner.cookie, body: { title: "Send the quote", call_id: c1.body.call_id, assignee_member_id: maria.memberId } });
    await storeExec(source.id, [["INSERT INTO contact_memory (contact_id, content, sources, model, updated_at) VALUES (?, '- Likes engines', '[]', 'gpt-test', '2026-10-04T00:00:00.000Z')", ada.id]]);
    records = await exportOf(source);
  });

  it("exports every record, one a line, between a header and an end record that counts them", () => {
    expect(records[0]).toMatchObject({ type: "header", format: "contacts-export", version: 1, schema_version: migrations.journal.entries.length, organization_id: source.id });
    const end = records.at(-1)!;
    expect(end.type).toBe("end");
    const counts: Record<string, number> = {};
    for (const r of records.slice(1, -1)) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(end.counts).toEqual(counts);
    expect(counts).toMatchObject({ settings: 1, member: 2, tag: 1, phone_line: 1, blocked_number: 1, contact: 2, call: 2, message: 2, note: 1, todo: 1 });
    const ada = records.find((r) => r.type === "contact" && r.data.first_name === "Ada")!;
    expect(ada.phones).toHaveLength(2);
    expect(ada.emails).toHaveLength(1);
    expect(ada.addresses).toHaveLength(1);
    expect(ada.tags).toHaveLength(1);
    expect(ada.assignments).toHaveLength(1);
    expect(ada.memory).toMatchObject({ content: "- Likes engines" });
    const transcribed = records.find((r) => r.type === "call" && r.transcription)!;
    expect(transcribed.transcription).toContain("It's Ada");
    expect(transcribed.data.transcript_key).toBeUndefined();
    expect(transcribed.analyses).toHaveLength(1);
    expect(records.find((r) => r.type === "message")!.media).toEqual([expect.objectContaining({ position: 0, source_url: "https://example.com/plan.png" })]);
  });

  it("is for admins only", async () => {
    const member = await addMember(source, "member", "Mo Member");
    expectProblem(await call("GET", "/api/export", { cookie: member.cookie }), 403);
    expectProblem(await call("POST", "/api/restore", { cookie: member.cookie, body: "x", headers: { "content-type": "application/x-ndjson" } }), 403);
  });

  it("restores into an empty organization exactly what the API showed, transcripts included", async () => {
    const target = await createOrg();
    const res = await restore(target, ndjson(records));
    expect(res.status).toBe(200);
    expect(res.body.restored).toMatchObject({ contact: 2, call: 2, message: 2, note: 1, todo: 1, tag: 1 });
    const [a, b] = [await seen(source), await seen(target)];
    expect(b).toEqual(a);
    // Maria is no member of the target: her assignment is left out, her name stays on her note.
    const ada = (await call("GET", "/api/contacts/list?search=ada", { cookie: target.owner.cookie })).body.contacts[0];
    expect(ada.assigned_users).toEqual([]);
    expect((await call("GET", `/api/contacts/${ada.id}/notes`, { cookie: target.owner.cookie })).body.notes[0].author.name).toBe("Maria Chen");
    // The restored organization works: search, resolve by its restored region, a new export.
    const key = await createApiKey(target);
    expect((await call("POST", "/api/contacts/resolve", { bearer: key, body: { phone: "020 7946 0958" } })).body).toEqual({ contact_id: ada.id, created: false });
    const again = await exportOf(target);
    expect(again.filter((r) => r.type === "contact")).toEqual(records.filter((r) => r.type === "contact").map((r) => ({ ...r, assignments: r.data.first_name === "Ada" ? [] : r.assignments })));
  });

  it("refuses an organization that has data, a cut-short file and bad lines, and writes nothing", async () => {
    const busy = await createOrg();
    await createContact(busy, { first_name: "Already", last_name: "Here" });
    const busyBefore = await orgSnapshot(busy.id);
    expectProblem(await restore(busy, ndjson(records)), 409);
    expect(await orgSnapshot(busy.id)).toEqual(busyBefore);

    const empty = await createOrg();
    const emptyBefore = await orgSnapshot(empty.id);
    const cut = await restore(empty, ndjson(records.slice(0, -1)));
    expectProblem(cut, 400);
    expect(cut.body.detail).toMatch(/cut short/);
    const broken = [...records];
    broken.splice(5, 0, { type: "contact", data: { id: crypto.randomUUID(), first_name: "X", created_at: "2026-01-01", updated_at: "2026-01-01", evil: 1 } });
    const badField = await restore(empty, ndjson(broken));
    expectProblem(badField, 400);
    expect(badField.body.detail).toBe('line 6: contacts has no field "evil"');
    const notJson = await restore(empty, `${JSON.stringify(records[0])}\n{nope\n`);
    expect(notJson.body.detail).toBe("line 2: is not JSON");
    expectProblem(await restore(empty, ndjson([{ ...records[0], schema_version: 999 }, ...records.slice(1)])), 400);
    expectProblem(await restore(empty, ndjson(records.slice(1))), 400);
    expectProblem(await restore(empty, ndjson(records), "application/json"), 415);
    expect(await orgSnapshot(empty.id)).toEqual(emptyBefore);
    // Transcripts a failed restore had written to R2 go again.
    await runDurableObjectAlarm(env.ORG_STORE.get(env.ORG_STORE.idFromName(empty.id)));
    expect((await env.BLOBS.list({ prefix: `${empty.id}/` })).objects).toEqual([]);
  });
});
