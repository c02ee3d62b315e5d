import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { deliverWebhooks } from "../worker/jobs/deliver-webhook";
import { checkWebhookUrl } from "../worker/lib/public-url";
import { EVENT_TYPES } from "../worker/schemas/webhooks";
import { orgStore } from "../worker/store/client";
import { type Org, addMember, call, createApiKey, createContact, createOrg, expectProblem, runQueue, storeExec, storeRows, until, openAllDay } from "./helpers";

// Outgoing webhooks end to end: a change writes its event in the store's transaction, the store's
// alarm queues the delivery, the webhook queue's consumer signs and POSTs it to a local receiver,
// which the standardwebhooks package verifies. (vitest.config.ts allows loopback URLs and retries
// after 1 s.)

const receiver = inject("receiverUrl");
const openai = `${inject("openaiUrl")}/ns/outgoing-webhooks`;
const SID = `AC${crypto.randomUUID().replace(/-/g, "")}`;
const twilio = inject("twilioUrl");
let org: Org;
let key: string;

interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}
interface Event {
  type: string;
  timestamp: string;
  data: Record<string, any>;
}

const received = async (name: string): Promise<Received[]> => (await (await fetch(`${receiver}/__received/${name}`)).json()) as Received[];
const script = (name: string, ...answers: object[]) => fetch(`${receiver}/__script/${name}`, { method: "POST", body: JSON.stringify(answers) });
const deliveries = (endpointId: string) =>
  storeRows<{ id: string; status: string; attempts: number; last_status_code: number | null }>(org.id, "SELECT id, status, attempts, last_status_code FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY seq", endpointId);

/** Waits (the store's alarm, the queue, the consumer) until `name` got `count` requests. */
async function waitFor(name: string, count: number, timeoutMs = 20_000): Promise<Received[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await received(name);
    if (got.length >= count) return got;
    if (Date.now() > until) throw new Error(`${name}: ${got.length} of ${count} deliveries after ${timeoutMs} ms: ${got.map((r) => JSON.parse(r.body).type).join(", ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function endpoint(name: string, eventTypes: readonly string[], o: Org = org) {
  const res = await call("POST", "/api/webhooks", { cookie: o.owner.cookie, body: { url: `${receiver}/hooks/${name}`, event_types: eventTypes } });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

/** Verified with the standardwebhooks package, as an integrator would. */
const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers) as Event;

/** An endpoint and one of its deliveries, already queued (and leased, so the store's alarm leaves it to the test). */
async function queuedDelivery(url: string) {
  const endpointId = crypto.randomUUID();
  const deliveryId = crypto.randomUUID();
  const eventId = `msg_${crypto.randomUUID().replace(/-/g, "")}`;
  const now = new Date().toISOString();
  const lease = new Date(Date.now() + 3_600_000).toISOString();
  await storeExec(org.id, [
    [`INSERT INTO webhook_endpoints (id, url, description, event_types, enabled, secret_ciphertext, created_at, updated_at) VALUES (?, ?, '', '["webhook.never"]', 1, 'v1.unused.unused', ?, ?)`, endpointId, url, now, now],
    ["INSERT INTO webhook_events (id, type, payload, created_at) VALUES (?, 'note.created', '{}', ?)", eventId, now],
    [`INSERT INTO webhook_deliveries (id, seq, endpoint_id, event_id, order_key, status, attempts, next_attempt_at, lease_until, created_at, updated_at)
      VALUES (?, (SELECT seq FROM webhook_events WHERE id = ?), ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`, deliveryId, eventId, endpointId, eventId, eventId, now, lease, now, now],
  ]);
  return { endpointId, deliveryId };
}

beforeAll(async () => {
  org = await createOrg();
  key = await createApiKey(org);
  await openAllDay(org);
});

describe("deliveries", () => {
  it("are signed Standard Webhooks requests carrying the changed fields", async () => {
    const hook = await endpoint("basic", ["contact.created", "contact.updated"]);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const contact = await createContact(org, { first_name: "Ada", last_name: "Hook", phones: [{ phone_number: "+12125550111" }] });
    expect((await call("PUT", `/api/contacts/${contact.id}`, { cookie: org.owner.cookie, body: { company: "Analytical Engines" } })).status).toBe(200);
    const [created, updated] = await waitFor("basic", 2);
    expect(verify(hook.secret, created!)).toMatchObject({ type: "contact.created", data: { contact_id: contact.id, first_name: "Ada", phones: ["+12125550111"] } });
    const b = verify(hook.secret, updated!);
    expect(b).toMatchObject({ type: "contact.updated", data: { contact_id: contact.id, changes: { company: "Analytical Engines" }, previous: { company: null } } });
    expect(Object.keys(b.data.changes)).toEqual(["company"]);
    expect(created!.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(created!.headers["content-type"]).toBe("application/json");
    // The receiver's check is what stops forgeries: another secret fails it.
    expect(() => new Webhook(`whsec_${btoa("another secret, thirty-two bytes")}`).verify(created!.body, created!.headers)).toThrow();
  });

  it("cover every listed event type, each once, in the order of the changes", async () => {
    const hook = await endpoint("every", EVENT_TYPES);
    // Contacts, notes, todos
    const contact = await createContact(org, { first_name: "Eve", last_name: "Ry", phones: [{ phone_number: "+12125550122" }] });
    expect((await call("PUT", `/api/contacts/${contact.id}`, { cookie: org.owner.cookie, body: { pipeline_stage: "customer" } })).status).toBe(200);
    await call("POST", `/api/contacts/${contact.id}/notes`, { cookie: org.owner.cookie, body: { body: "Prefers mornings" } });
    const todo = (await call("POST", `/api/contacts/${contact.id}/todos`, { cookie: org.owner.cookie, body: { title: "Call back" } })).body;
    await call("PUT", `/api/todos/${todo.id}`, { cookie: org.owner.cookie, body: { status: "done" } });
    // A call from a new number (a stub: contact.created), its transcript, its enrichment
    const rec = (await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+13125550123" } })).body;
    expect((await call("PUT", `/api/calls/${rec.call_id}/transcription`, { bearer: key, body: { transcription: "Hi, this is Grace from Acme." } })).status).toBe(202);
    await fetch(`${openai}/__script`, { method: "POST", body: JSON.stringify([{ kind: "details", details: { first_name: "Grace", last_name: "Hopper", company: "Acme" } }]) });
    const aiEnv = { ...env, OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${openai}/v1`, OPENAI_TIMEOUT_MS: "2000" };
    await until("the call's enrichment", async () => {
      await runQueue("contact-enrichment", { type: "enrich_contact", organization_id: org.id, call_id: rec.call_id }, aiEnv);
      const [row] = await storeRows<{ status: string }>(org.id, "SELECT enrichment_status AS status FROM calls WHERE id = ?", rec.call_id);
      return row?.status === "filled" || row?.status === "skipped";
    });
    // Texts: one in, one sent through (fake) Twilio, one that cannot be sent
    await call("POST", "/api/phone-lines", { cookie: org.owner.cookie, body: { name: "Main", phone_number: "+12125550100" } });
    await call("POST", "/api/messages", { bearer: key, body: { from: "+12125550122", to: "+12125550100", body: "Running late" } });
    // A STOP and a START: the opt-out and the opt-in (each also a message received).
    await call("POST", "/api/messages", { bearer: key, body: { from: "+12125550122", to: "+12125550100", body: "STOP" } });
    await call("POST", "/api/messages", { bearer: key, body: { from: "+12125550122", to: "+12125550100", body: "START" } });
    const sent = (await call("POST", `/api/contacts/${contact.id}/messages`, { cookie: org.owner.cookie, body: { body: "No problem" } })).body;
    await runQueue("sms-outbound", { type: "send_sms", organization_id: org.id, message_id: sent.id }, { ...env, TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "t", TWILIO_BASE_URL: twilio });
    // Its delivery receipt (the signed route is tested in twilio.test.ts).
    const [sentRow] = await storeRows<{ provider_message_id: string }>(org.id, "SELECT provider_message_id FROM messages WHERE id = ?", sent.id);
    await orgStore(env, org.id).recordTwilioReceipt(null, { messageId: sent.id, sid: sentRow!.provider_message_id, twilioStatus: "delivered", errorCode: null });
    const unsent = (await call("POST", `/api/contacts/${contact.id}/messages`, { cookie: org.owner.cookie, body: { body: "Hello?" } })).body;
    await runQueue("sms-outbound", { type: "send_sms", organization_id: org.id, message_id: unsent.id }, { ...env, TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "" });
    expect((await call("DELETE", `/api/contacts/${contact.id}`, { cookie: org.owner.cookie })).status).toBe(204);

    const [enrichment] = await storeRows<{ status: string }>(org.id, "SELECT enrichment_status AS status FROM calls WHERE id = ?", rec.call_id);
    const expected = enrichment?.status === "filled" ? EVENT_TYPES.length : EVENT_TYPES.length - 1;
    const got = (await waitFor("every", expected + 4)).map((r) => verify(hook.secret, r));
    await new Promise((r) => setTimeout(r, 1500));
    const all = (await received("every")).map((r) => verify(hook.secret, r));
    expect(all).toHaveLength(got.length);
    expect(enrichment?.status).toBe("filled");
    expect(new Set(all.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    const count = (type: string) => all.filter((e) => e.type === type).length;
    expect(count("contact.created")).toBe(2); // Eve, and the caller's stub
    expect(count("contact.updated")).toBe(2); // Eve's stage, the stub filled by enrichment
    expect(count("message.received")).toBe(3); // "Running late", STOP, START
    for (const type of EVENT_TYPES.filter((t) => !["contact.created", "contact.updated", "message.received"].includes(t))) expect(count(type), type).toBe(1);
    // One contact's events arrive in the order they happened.
    const eve = all.filter((e) => e.data.contact_id === contact.id).map((e) => e.type);
    expect(eve[0]).toBe("contact.created");
    expect(eve.at(-1)).toBe("contact.deleted");
    expect(eve.indexOf("todo.created")).toBeLessThan(eve.indexOf("todo.completed"));
    // What each carries: ids and the changed fields, never a transcript.
    const byType = (type: string) => all.find((e) => e.type === type)!.data;
    expect(byType("contact.opted_out")).toMatchObject({ contact_id: contact.id, channel: "sms", source: "keyword", evidence: "STOP" });
    expect(byType("call.transcribed")).toEqual({ call_id: rec.call_id, contact_id: rec.contact_id, transcript_chars: 28 });
    expect(byType("call.enriched")).toMatchObject({ call_id: rec.call_id, contact_id: rec.contact_id, fields_filled: expect.arrayContaining(["first_name", "last_name", "company"]) });
    expect(all.find((e) => e.type === "contact.updated" && e.data.contact_id === rec.contact_id)!.data).toMatchObject({
      changes: { first_name: "Grace", last_name: "Hopper", company: "Acme" },
      by: { kind: "enrichment", call_id: rec.call_id },
    });
    expect(byType("message.sent")).toMatchObject({ message_id: sent.id, status: "sent", body: "No problem" });
    expect(byType("message.failed")).toMatchObject({ message_id: unsent.id, status: "not_sent" });
    expect(byType("message.received")).toMatchObject({ contact_id: contact.id, from_phone: "+12125550122", body: "Running late" });
    expect(JSON.stringify(all)).not.toContain("this is Grace");
  });

  it("retry a failing endpoint with backoff: two failures, then exactly one success", async () => {
    const hook = await endpoint("flaky", ["note.created"]);
    await script("flaky", { status: 503, body: "busy" }, { status: 429, headers: { "retry-after": "1" } });
    const contact = await createContact(org, { first_name: "Flaky" });
    await call("POST", `/api/contacts/${contact.id}/notes`, { cookie: org.owner.cookie, body: { body: "Once" } });
    const got = await waitFor("flaky", 3);
    const ids = got.map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(1); // the same event each time
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(700); // 1 s ± 20%
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received("flaky")).toHaveLength(3);
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ status: "succeeded", attempts: 3, last_status_code: 200 });
    const log = await call("GET", `/api/webhooks/${hook.id}/deliveries`, { cookie: org.owner.cookie });
    expect(log.status).toBe(200);
    expect(log.body.data[0]).toMatchObject({
      event_type: "note.created",
      status: "succeeded",
      attempts: [
        { attempt: 1, status_code: 503, response_excerpt: "busy", error: "HTTP 503" },
        { attempt: 2, status_code: 429, error: "HTTP 429" },
        { attempt: 3, status_code: 200, response_excerpt: "ok", error: null },
      ],
    });
  });

  it("disable an endpoint that answers 410 Gone, or that fails for the whole schedule; an admin sees why", async () => {
    const gone = await endpoint("gone", ["note.created"]);
    const failing = await endpoint("failing", ["note.created"]);
    await script("gone", { status: 410, body: "unsubscribed" });
    await script("failing", { status: 500 }, { status: 502 }, { status: 504 });
    const contact = await createContact(org, { first_name: "Gone" });
    await call("POST", `/api/contacts/${contact.id}/notes`, { cookie: org.owner.cookie, body: { body: "First" } });
    const list = async () => (await call("GET", "/api/webhooks", { cookie: org.owner.cookie })).body as { id: string; enabled: boolean; disabled_reason: string | null }[];
    const disabled = await until("both endpoints disabled", async () => {
      const all = await list();
      const both = all.filter((e) => e.id === gone.id || e.id === failing.id);
      return both.every((e) => !e.enabled) && both;
    });
    expect(disabled.find((e) => e.id === gone.id)!.disabled_reason).toMatch(/410 Gone/);
    expect(disabled.find((e) => e.id === failing.id)!.disabled_reason).toMatch(/every attempt .* failed \(3 attempts; last: 504\)/);
    expect(await received("failing")).toHaveLength(3); // 1 + the schedule's 2 retries
    // A disabled endpoint receives nothing; re-enabled, it gets the events from then on.
    await call("POST", `/api/contacts/${contact.id}/notes`, { cookie: org.owner.cookie, body: { body: "While disabled" } });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received("gone")).toHaveLength(1);
    const reenabled = await call("PUT", `/api/webhooks/${gone.id}`, { cookie: org.owner.cookie, body: { enabled: true } });
    expect(reenabled.body).toMatchObject({ enabled: true, disabled_reason: null });
    await call("POST", `/api/contacts/${contact.id}/notes`, { cookie: org.owner.cookie, body: { body: "Back" } });
    const [, back] = await waitFor("gone", 2);
    expect(JSON.parse(back!.body).data.body).toBe("Back");
  });

  it("can be replayed: redeliver sends the same event id again; a test event reaches only its endpoint", async () => {
    const hook = await endpoint("replay", ["note.created"]);
    const other = await endpoint("bystander", ["note.created"]);
    const contact = await createContact(org, { first_name: "Replay" });
    await call("POST", `/api/contacts/${contact.id}/notes`, { cookie: org.owner.cookie, body: { body: "Again" } });
    const [first] = await waitFor("replay", 1);
    const [delivery] = (await call("GET", `/api/webhooks/${hook.id}/deliveries`, { cookie: org.owner.cookie })).body.data;
    const again = await call("POST", `/api/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, { cookie: org.owner.cookie });
    expect(again.status).toBe(202);
    const [, second] = await waitFor("replay", 2);
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    const test = await call("POST", `/api/webhooks/${hook.id}/test`, { cookie: org.owner.cookie });
    expect(test.status).toBe(202);
    const [, , third] = await waitFor("replay", 3);
    expect(verify(hook.secret, third!)).toMatchObject({ type: "webhook.test", data: { endpoint_id: hook.id } });
    expect((await received("bystander")).map((r) => verify(other.secret, r).type)).toEqual(["note.created"]);
    expectProblem(await call("POST", `/api/webhooks/${other.id}/deliveries/${delivery.id}/redeliver`, { cookie: org.owner.cookie }), 404);
  });

  it("describe only changes that happened: a refused write records no event", async () => {
    await endpoint("atomic", ["contact.created"]);
    await createContact(org, { first_name: "Owner", phones: [{ phone_number: "+12125550177" }] });
    const refused = await call("POST", "/api/contacts", { cookie: org.owner.cookie, body: { first_name: "Twin", phones: [{ phone_number: "+12125550178" }, { phone_number: "212-555-0177" }] } });
    expectProblem(refused, 409);
    await createContact(org, { first_name: "After" });
    const got = await waitFor("atomic", 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await received("atomic")).map((r) => JSON.parse(r.body).data.first_name)).toEqual(["Owner", "After"]);
    expect(got).toHaveLength(2);
  });

  it("never reach another organization's endpoints", async () => {
    const other = await createOrg();
    await endpoint("theirs", ["contact.created", "note.created"], other);
    const mine = await endpoint("mine", ["contact.created"]);
    await createContact(org, { first_name: "Private" });
    await waitFor("mine", 1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await received("theirs")).toHaveLength(0);
    // Their endpoint is invisible here.
    const theirs = (await call("GET", "/api/webhooks", { cookie: other.owner.cookie })).body[0];
    expectProblem(await call("GET", `/api/webhooks/${theirs.id}/deliveries`, { cookie: org.owner.cookie }), 404);
    expectProblem(await call("PUT", `/api/webhooks/${theirs.id}`, { cookie: org.owner.cookie, body: { enabled: false } }), 404);
    expectProblem(await call("DELETE", `/api/webhooks/${theirs.id}`, { cookie: org.owner.cookie }), 404);
    expect((await call("GET", "/api/webhooks", { cookie: org.owner.cookie })).body.map((e: { id: string }) => e.id)).toContain(mine.id);
  });
});

describe("safety", () => {
  it("refuses URLs that are not public https when set up", async () => {
    for (const url of ["http://example.com/hook", "https://10.1.2.3/hook", "https://169.254.169.254/latest/meta-data", "https://[fd00::1]/x", "https://[::ffff:10.0.0.1]/x", "https://printer.local/x", "https://intranet/x", "https://user:pw@example.com/x", "ftp://example.com/x"]) {
      const res = await call("POST", "/api/webhooks", { cookie: org.owner.cookie, body: { url, event_types: ["contact.created"] } });
      expectProblem(res, 400);
      expect(res.body.errors[0].field, url).toBe("url");
    }
    expect((await call("POST", "/api/webhooks", { cookie: org.owner.cookie, body: { url: "https://hooks.example.com/x", event_types: [] } })).status).toBe(400);
    expect((await call("POST", "/api/webhooks", { cookie: org.owner.cookie, body: { url: "https://hooks.example.com/x", event_types: ["contact.exploded"] } })).status).toBe(400);
  });

  it("refuses loopback in every spelling unless local development allows it", () => {
    for (const url of ["http://127.0.0.1:8787/x", "https://127.1.2.3/x", "http://localhost/x", "https://api.localhost/x", "https://[::1]/x", "https://[::ffff:127.0.0.1]/x", "https://2130706433/x", "https://0x7f.0.0.1/x"]) {
      const strict = checkWebhookUrl(url, false);
      expect(strict.ok, url).toBe(false);
      expect(checkWebhookUrl(url, true).ok, url).toBe(true);
    }
    expect(checkWebhookUrl("http://10.0.0.1/x", true)).toMatchObject({ ok: false, reason: "must be an https URL" });
    expect(checkWebhookUrl("https://hooks.example.com/x", false)).toMatchObject({ ok: true, local: false });
    expect(checkWebhookUrl("https://93.184.216.34/x", false)).toMatchObject({ ok: true, local: true });
  });

  it("refuses, at delivery, loopback when the allowance is off and hosts that resolve to private addresses", async () => {
    const strict = { ...env, WEBHOOK_ALLOW_LOOPBACK: "", WEBHOOK_DNS_RESOLVER: `${receiver}/dns-query` };
    const store = orgStore(env, org.id);
    const attempt = async (url: string) => {
      const { endpointId, deliveryId } = await queuedDelivery(url);
      await deliverWebhooks(strict, store, [{ type: "deliver_webhook", organization_id: org.id, delivery_id: deliveryId }]);
      const [row] = await storeRows<{ status: string; error: string; enabled: number; reason: string | null }>(
        org.id,
        `SELECT d.status, a.error, e.enabled, e.disabled_reason AS reason FROM webhook_deliveries d JOIN webhook_attempts a ON a.delivery_id = d.id
         JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ?`,
        deliveryId,
      );
      return { ...row!, endpointId };
    };
    const loopback = await attempt(`${receiver}/hooks/strict`);
    expect(loopback).toMatchObject({ status: "failed", enabled: 0, error: expect.stringMatching(/loopback/), reason: expect.stringMatching(/loopback/) });
    const hidden = await attempt("https://hooks.private.test/x");
    expect(hidden).toMatchObject({ status: "failed", error: expect.stringMatching(/resolves to a private or reserved address \(10\.0\.0\.7\)/) });
    expect(await received("strict")).toHaveLength(0);
  });

  it("is admin-only", async () => {
    const member = await addMember(org);
    expectProblem(await call("GET", "/api/webhooks", { cookie: member.cookie }), 403);
    expectProblem(await call("POST", "/api/webhooks", { cookie: member.cookie, body: { url: "https://hooks.example.com/x", event_types: ["contact.created"] } }), 403);
    expectProblem(await call("GET", "/api/webhooks", { bearer: key }), 403);
  });
});
