import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type Org, addMember, call, createApiKey, createContact, createOrg, expectProblem, runQueue, storeExec, storeRows } from "./helpers";

// A person's privacy requests: everything held about them in one document, and erasure for good
// (the store, R2 and the webhook outbox), leaving only an anonymous record.

const twilio = inject("twilioUrl");
const receiver = inject("receiverUrl");
const SID = `AC${crypto.randomUUID().replace(/-/g, "")}`;
const mediaEnv = { ...env, TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "token", TWILIO_BASE_URL: twilio };

let org: Org;
let key: string;

/** A contact with one of everything: numbers, email, address, tag, member, consent, memory, a transcribed call, an MMS, a note, a todo. */
async function person(phone: string) {
  const contact = await createContact(org, {
    first_name: "Pia",
    last_name: "Private",
    company: "Privacy Co",
    phones: [{ phone_number: phone }],
    emails: [{ email: `pia.${phone.slice(-4)}@example.com` }],
  });
  const ok = (res: { status: number; body: any }) => {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  ok(await call("POST", `/api/contacts/${contact.id}/addresses`, { cookie: org.owner.cookie, body: { street: "1 Main St", city: "Springfield", country: "US" } }));
  const tag = ok(await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: `VIP ${phone.slice(-4)}`, color: "#b91c1c" } }));
  ok(await call("POST", `/api/contacts/${contact.id}/tags/${tag.id}`, { cookie: org.owner.cookie }));
  const member = await addMember(org, "member", "Max Member");
  await call("POST", "/api/contacts/bulk", { cookie: org.owner.cookie, body: { action: { type: "assign", member_id: member.memberId }, contact_ids: [contact.id] } });
  const recorded = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: phone } });
  expect((await call("PUT", `/api/calls/${recorded.body.call_id}/transcription`, { bearer: key, body: { transcription: `Hi, this is Pia, my number is ${phone}.` } })).status).toBe(202);
  const mediaUrl = `${twilio}/2010-04-01/Accounts/${SID}/Messages/MM${phone.slice(-4)}/Media/ME1`;
  const text = await call("POST", "/api/messages", { bearer: key, body: { from: phone, to: "+12125550100", body: "Here is my card", media_urls: [mediaUrl] } });
  await runQueue("media-fetch", { type: "fetch_media", organization_id: org.id, message_id: text.body.message_id }, mediaEnv);
  await call("POST", `/api/contacts/${contact.id}/notes`, { cookie: org.owner.cookie, body: { body: "Prefers mornings" } });
  await call("POST", `/api/contacts/${contact.id}/todos`, { cookie: org.owner.cookie, body: { title: "Send the forms" } });
  await call("POST", `/api/contacts/${contact.id}/consent`, { cookie: org.owner.cookie, body: { channel: "email", status: "opted_out" } });
  await storeExec(org.id, [["INSERT INTO contact_memory (contact_id, content, sources, updated_at) VALUES (?, '- Likes mornings', '[]', ?)", contact.id, new Date().toISOString()]]);
  return { contact, callId: recorded.body.call_id as string, messageId: text.body.message_id as string };
}

const blobKeys = async (contactId: string) =>
  (
    await storeRows<{ key: string }>(
      org.id,
      `SELECT transcript_key AS key FROM calls WHERE contact_id = ? AND transcript_key IS NOT NULL
       UNION ALL SELECT mm.r2_key FROM message_media mm JOIN messages m ON m.id = mm.message_id WHERE m.contact_id = ? AND mm.r2_key IS NOT NULL`,
      contactId,
      contactId,
    )
  ).map((r) => r.key);

beforeAll(async () => {
  org = await createOrg();
  key = await createApiKey(org);
  await call("POST", "/api/phone-lines", { cookie: org.owner.cookie, body: { name: "Front desk", phone_number: "+12125550100" } });
  // An endpoint, so the outbox holds events that carry the person's data.
  expect((await call("POST", "/api/webhooks", { cookie: org.owner.cookie, body: { url: `${receiver}/hooks/privacy`, event_types: ["contact.created", "contact.updated", "contact.deleted", "note.created", "message.received"] } })).status).toBe(201);
});

describe("a person's data", () => {
  it("is one JSON document with everything held about them, transcripts included; for admins only", async () => {
    const { contact, callId, messageId } = await person("+16465550401");
    const res = await call("GET", `/api/contacts/${contact.id}/export`, { cookie: org.owner.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="contact-${contact.id}.json"`);
    const d = res.body;
    expect(d).toMatchObject({
      organization_id: org.id,
      contact: { id: contact.id, first_name: "Pia", last_name: "Private", company: "Privacy Co" },
      phones: [{ phone_number: "+16465550401" }],
      emails: [{ email: "pia.0401@example.com" }],
      addresses: [{ street: "1 Main St", city: "Springfield" }],
      tags: [{ name: "VIP 0401" }],
      assigned_members: [{ name: "Max Member" }],
      consent: [{ channel: "email", action: "opted_out", source: "user" }],
      memory: { content: "- Likes mornings" },
      calls: [{ id: callId, transcript: "Hi, this is Pia, my number is +16465550401." }],
      messages: [{ id: messageId, body: "Here is my card", media: [{ position: 0, content_type: "image/png", url: `/api/messages/${messageId}/media/0` }] }],
      notes: [{ body: "Prefers mornings" }],
      todos: [{ title: "Send the forms" }],
    });
    expect(d.calls[0]).not.toHaveProperty("transcript_key");

    const member = await addMember(org);
    expectProblem(await call("GET", `/api/contacts/${contact.id}/export`, { cookie: member.cookie }), 403);
    const other = await createOrg();
    expectProblem(await call("GET", `/api/contacts/${contact.id}/export`, { cookie: other.owner.cookie }), 404);
  });
});

describe("erasure", () => {
  it("removes the person from the store, R2 and the webhook outbox at once, and keeps only an anonymous record", async () => {
    const { contact } = await person("+16465550402");
    const bystander = await person("+16465550403");
    const keys = await blobKeys(contact.id);
    expect(keys).toHaveLength(2); // the transcript and the MMS copy
    for (const k of keys) expect(await env.BLOBS.head(k)).not.toBeNull();
    const eventsAbout = (id: string) => storeRows(org.id, "SELECT type FROM webhook_events WHERE json_extract(payload, '$.data.contact_id') = ?", id);
    expect((await eventsAbout(contact.id)).length).toBeGreaterThan(0);
    const indexed = (digits: string) => storeRows(org.id, "SELECT rowid FROM contact_search WHERE contact_search MATCH ?", `"${digits}"`);
    expect(await indexed("6465550402")).toHaveLength(1);

    const member = await addMember(org, "member", "Mo Member");
    expectProblem(await call("POST", `/api/contacts/${contact.id}/erase`, { cookie: member.cookie }), 403);
    expectProblem(await call("POST", `/api/contacts/${contact.id}/erase`, { cookie: (await createOrg()).owner.cookie }), 404);

    const erased = await call("POST", `/api/contacts/${contact.id}/erase`, { cookie: org.owner.cookie });
    expect(erased.status).toBe(200);
    expect(erased.body.counts).toMatchObject({ phones: 1, emails: 1, addresses: 1, calls: 1, messages: 1, notes: 1, todos: 1, consent_entries: 1, stored_files: 2 });
    expect(erased.body.counts.webhook_events).toBeGreaterThan(0);

    expectProblem(await call("GET", `/api/contacts/${contact.id}`, { cookie: org.owner.cookie }), 404);
    expectProblem(await call("POST", `/api/contacts/${contact.id}/erase`, { cookie: org.owner.cookie }), 404);
    // Nothing that names the contact is left, in any table but the outbox's contact.deleted.
    const tables = (await storeRows<{ name: string }>(org.id, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%contact_id%'")).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(["contact_phones", "calls", "messages", "notes", "todos", "consent_events", "contact_memory", "contact_tags", "contact_user"]));
    for (const table of tables) {
      expect(await storeRows(org.id, `SELECT * FROM "${table}" WHERE contact_id = ?`, contact.id), table).toEqual([]);
    }
    expect((await eventsAbout(contact.id)).map((e) => e.type)).toEqual(["contact.deleted"]);
    // Out of the search index too (the bystander's number still is).
    expect(await indexed("6465550402")).toHaveLength(0);
    expect(await indexed("6465550403")).toHaveLength(1);
    for (const k of keys) expect(await env.BLOBS.head(k), k).toBeNull();

    // The bystander is untouched.
    expect((await call("GET", `/api/contacts/${bystander.contact.id}`, { cookie: org.owner.cookie })).status).toBe(200);
    for (const k of await blobKeys(bystander.contact.id)) expect(await env.BLOBS.head(k)).not.toBeNull();

    // The record: when, by whom, how much — not who.
    const log = await call("GET", "/api/erasures", { cookie: org.owner.cookie });
    expect(log.body).toEqual([{ id: erased.body.erasure_id, erased_at: expect.any(String), erased_by: "Olivia Owner", counts: erased.body.counts }]);
    const raw = JSON.stringify(await storeRows(org.id, "SELECT * FROM erasures"));
    for (const trace of [contact.id, "Pia", "0402", "Privacy Co"]) expect(raw).not.toContain(trace);
    expectProblem(await call("GET", "/api/erasures", { cookie: member.cookie }), 403);
  });
});
