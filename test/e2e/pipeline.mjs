// The call pipeline and the queues end to end under `wrangler dev`: real D1, Durable Object and
// Queues, with the fake OpenAI and Twilio servers standing in for the outside world.
import assert from "node:assert/strict";
import { newUser, until } from "./lib/flows.mjs";

/** An admin session and an API key, through the HTTP API (cookies kept by the page's context). */
async function setUp(t) {
  const page = await t.newPage();
  const api = async (method, path, body, headers = {}) => {
    const res = await page.request.fetch(`${t.baseURL}${path}`, {
      method,
      headers: { origin: t.baseURL, ...(body ? { "content-type": "application/json" } : {}), ...headers },
      data: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status(), body: text ? JSON.parse(text) : null };
  };
  const user = newUser("Pipeline Admin");
  assert.equal((await api("POST", "/api/auth/sign-up/email", user)).status, 200);
  const org = await api("POST", "/api/auth/organization/create", { name: "Pipeline Co", slug: `pipeline-${Date.now()}` });
  assert.equal(org.status, 200);
  await api("POST", "/api/auth/organization/set-active", { organizationId: org.body.id });
  // No quiet hours: the tests send texts whatever the hour they run at.
  await api("PUT", "/api/settings", { quiet_hours: { start: "00:00", end: "00:00" } });
  const key = (await api("POST", "/api/api-keys", { name: "pipeline" })).body.key;
  const pipeline = (method, path, body) => api(method, path, body, { authorization: `Bearer ${key}` });
  return { api, pipeline };
}

export async function transcriptionFillsTheStubThroughTheQueue(t) {
  const { api, pipeline } = await setUp(t);
  const created = await pipeline("POST", "/api/calls", { caller_phone: "(415) 555-0177", external_id: "e2e-call-1" });
  assert.equal(created.status, 201);
  assert.equal(created.body.contact_created, true);
  const saved = await pipeline("PUT", `/api/calls/${created.body.call_id}/transcription`, {
    transcription: "Agent: Hello!\nCaller: Hi, this is Jane Doe, my email is jane.doe@acme.com. I'd like a quote.",
  });
  assert.equal(saved.status, 202);
  const contact = await until("the stub to be filled", async () => {
    const c = await api("GET", `/api/contacts/${created.body.contact_id}`);
    return c.body.first_name === "Jane" ? c.body : null;
  });
  assert.equal(contact.last_name, "Doe");
  assert.deepEqual(contact.emails.map((e) => e.email), ["jane.doe@acme.com"]);
  const [call] = (await api("GET", `/api/contacts/${created.body.contact_id}/calls`)).body;
  assert.equal(call.enrichment.status, "filled");
  assert.equal(call.enrichment.model, "gpt-e2e");
  assert.match(call.enrichment.detail, /^filled: first_name, last_name, email/);
}

export async function outboundSmsIsSentOnceThroughTheQueueAndDncIsRefused(t) {
  const { api } = await setUp(t);
  assert.equal((await api("POST", "/api/phone-lines", { name: "Front desk", phone_number: "+12125550100" })).status, 201);
  const contact = (await api("POST", "/api/contacts", { first_name: "Sam", phones: [{ phone_number: "+14155550188" }] })).body;
  const queued = await api("POST", `/api/contacts/${contact.id}/messages`, { body: "Your appointment is confirmed." });
  assert.equal(queued.status, 202);
  assert.equal(queued.body.status, "queued");
  const sent = await until("the message to be sent", async () => {
    const [m] = (await api("GET", `/api/contacts/${contact.id}/messages`)).body;
    return m.status === "sent" ? m : null;
  });
  assert.match(sent.provider_message_id, /^SM/);
  const requests = await (await fetch(`${t.fakes.twilio}/__requests/${t.fakes.twilioSid}`)).json();
  assert.equal(requests.filter((r) => r.Body === "Your appointment is confirmed.").length, 1);

  await api("PUT", `/api/contacts/${contact.id}`, { status: "do_not_contact" });
  const refused = await api("POST", `/api/contacts/${contact.id}/messages`, { body: "Promo!" });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.detail, "Sam is marked Do not contact: no texts.");
  assert.equal(refused.body.code, "do_not_contact");
}
