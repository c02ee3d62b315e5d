import { env, exports } from "cloudflare:workers";
import type { Vapi } from "@vapi-ai/server-sdk";
import { sign as retellSign, symmetric as retellSymmetric, verify as retellVerify } from "retell-sdk/lib/webhook_auth";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyRetellSignature } from "../worker/integrations/retell";
import { type Json, type Org, ORIGIN, addMember, call, countRows, createContact, createOrg, expectProblem, orgSnapshot, storeExec, storeRows } from "./helpers";

const RETELL_KEY = "key_retell_0123456789abcdef";
const VAPI_SECRET = "vapi-secret-0123456789";
const ASSISTANT = "5b0a7e1c-2d2f-4d5e-9a8b-1c2d3e4f5a6b";

/** A POST as the platform sends it: the raw JSON body and the given headers, no cookie. */
async function deliver(url: string, body: unknown, headers: Record<string, string>) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const res = await exports.default.fetch(new Request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: raw }));
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** A Retell webhook signed as Retell signs it (retell-sdk's own sign). */
const retell = async (url: string, body: unknown, key = RETELL_KEY) => {
  const raw = JSON.stringify(body);
  return deliver(url, raw, { "x-retell-signature": await retellSign(raw, key) });
};

const callRow = async (org: Org, externalId: string) =>
  (await storeRows<Json>(org.id, "SELECT * FROM calls WHERE external_id = ?", externalId))[0];

let org: Org;
let retellUrl: string;
let vapiUrl: string;

beforeAll(async () => {
  org = await createOrg();
  await call("POST", "/api/phone-lines", { cookie: org.owner.cookie, body: { name: "Front desk", phone_number: "+1 212 555 0100" } });
  const r = await call("POST", "/api/integrations", { cookie: org.owner.cookie, body: { provider: "retell", api_key: RETELL_KEY } });
  expect(r.status).toBe(201);
  retellUrl = r.body.webhook_url;
  const v = await call("POST", "/api/integrations", { cookie: org.owner.cookie, body: { provider: "vapi", name: "Vapi front desk", secret: VAPI_SECRET, assistant_id: ASSISTANT } });
  expect(v.status).toBe(201);
  vapiUrl = v.body.webhook_url;
});

describe("integrations", () => {
  it("are managed by admins; the secret is stored encrypted and never shown again", async () => {
    expect(retellUrl).toMatch(new RegExp(`^${ORIGIN}/api/integrations/retell/[0-9a-f-]{36}$`));
    const list = await call("GET", "/api/integrations", { cookie: org.owner.cookie });
    expect(list.body).toHaveLength(2);
    expect(JSON.stringify(list.body)).not.toContain(RETELL_KEY);
    expect(JSON.stringify(list.body)).not.toContain(VAPI_SECRET);
    const rows = (await env.DB.prepare("SELECT secret_ciphertext FROM integrations WHERE organization_id = ?").bind(org.id).all<Json>()).results;
    expect(rows.map((r) => r.secret_ciphertext).join()).not.toMatch(/key_retell|vapi-secret/);
    const member = await addMember(org, "member");
    expectProblem(await call("GET", "/api/integrations", { cookie: member.cookie }), 403);
    expectProblem(await call("POST", "/api/integrations", { cookie: member.cookie, body: { provider: "retell", api_key: RETELL_KEY } }), 403);
    expectProblem(await call("POST", "/api/integrations", { cookie: org.owner.cookie, body: { provider: "vapi", secret: VAPI_SECRET } }), 400);
    expectProblem(await call("POST", "/api/integrations", { cookie: org.owner.cookie, body: { provider: "twilio", api_key: "x".repeat(20) } }), 400);
  });

  it("a deleted integration's URL stops working", async () => {
    const made = await call("POST", "/api/integrations", { cookie: org.owner.cookie, body: { provider: "retell", api_key: "key_other_0123456789" } });
    expect((await call("DELETE", `/api/integrations/${made.body.id}`, { cookie: org.owner.cookie })).status).toBe(204);
    expectProblem(await call("DELETE", `/api/integrations/${made.body.id}`, { cookie: org.owner.cookie }), 404);
    expect((await retell(made.body.webhook_url, { event: "call_started", call: { call_id: "c0" } }, "key_other_0123456789")).status).toBe(404);
  });
});

describe("Retell", () => {
  it("our signature check agrees with retell-sdk, both ways, on its own test vector too", async () => {
    const raw = JSON.stringify({ event: "call_ended", call: { call_id: "x" } });
    const header = await retellSign(raw, RETELL_KEY);
    expect(await verifyRetellSignature(raw, RETELL_KEY, header)).toBe(true);
    expect(await retellVerify(raw, RETELL_KEY, header)).toBe(true);
    expect(await verifyRetellSignature(`${raw} `, RETELL_KEY, header)).toBe(false);
    expect(await verifyRetellSignature(raw, "key_someone_else", header)).toBe(false);
    const vector = "v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e";
    expect(await verifyRetellSignature('{"event":"call_ended"}', "test-api-key", vector, 1700000000000)).toBe(true);
    expect(await retellSymmetric.verify('{"event":"call_ended"}', "test-api-key", vector, { timestamp: 1700000000000 })).toBe(true);
    const old = await retellSymmetric.sign(raw, RETELL_KEY, Date.now() - 6 * 60_000);
    expect(await verifyRetellSignature(raw, RETELL_KEY, old)).toBe(false);
    expect(await retellVerify(raw, RETELL_KEY, old)).toBe(false);
  });

  it("call_inbound answers a returning caller's dynamic variables, and a new number's stub", async () => {
    const ana = await createContact(org, { first_name: "Ana", last_name: "Souza", preferred_language: "pt-BR", status: "do_not_contact", phones: [{ phone_number: "+14155550701" }] });
    await storeExec(org.id, [["INSERT INTO contact_memory (contact_id, content, sources, updated_at) VALUES (?, '- Prefers Portuguese', '[]', '2026-11-21T00:00:00Z')", ana.id]]);
    const inbound = { event: "call_inbound", event_timestamp: Date.now(), call_inbound: { agent_id: "agent_1", agent_version: 1, from_number: "+14155550701", to_number: "+12125550100" } };
    const res = await retell(retellUrl, inbound);
    expect(res.status).toBe(200);
    expect(res.body.call_inbound.metadata).toEqual({ contact_id: ana.id, from_number: "+14155550701", to_number: "+12125550100" });
    expect(res.body.call_inbound.dynamic_variables).toMatchObject({ full_name: "Ana Souza", preferred_language: "pt-BR", memory: "- Prefers Portuguese", may_contact: "false", known_contact: "true", line: "Front desk" });
    expect(Object.values(res.body.call_inbound.dynamic_variables).every((v) => typeof v === "string")).toBe(true);

    const fresh = await retell(retellUrl, { ...inbound, call_inbound: { ...inbound.call_inbound, from_number: "+14155550702" } });
    expect(fresh.body.call_inbound.dynamic_variables).toMatchObject({ known_contact: "false", full_name: "", caller_phone: "+14155550702" });
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_phones WHERE phone_number = '+14155550702'")).toBe(1);
    const list = await call("GET", "/api/integrations", { cookie: org.owner.cookie });
    expect(list.body.find((i: Json) => i.provider === "retell")).toMatchObject({ last_event: "call_inbound", last_error: null });
  });

  it("a burst of call_inbound for new numbers: one contact per number, told 'new' once", async () => {
    const numbers = ["+14155550711", "+14155550712", "+14155550713"];
    const sent = numbers.flatMap((n) => Array.from({ length: 4 }, () => ({ n, res: retell(retellUrl, { event: "call_inbound", call_inbound: { from_number: n, to_number: "+12125550100" } }) })));
    const answers = await Promise.all(sent.map(async (a) => ({ n: a.n, res: await a.res })));
    expect(answers.every((a) => a.res.status === 200 && typeof a.res.body.call_inbound.metadata.contact_id === "string")).toBe(true);
    for (const n of numbers) {
      const mine = answers.filter((a) => a.n === n);
      expect(new Set(mine.map((a) => a.res.body.call_inbound.metadata.contact_id)).size).toBe(1);
      expect(mine.filter((a) => a.res.body.call_inbound.dynamic_variables.known_contact === "false")).toHaveLength(1);
      expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_phones WHERE phone_number = ?", n)).toBe(1);
    }
  });

  it("call_started, call_ended, call_analyzed and a retry make one call with transcript and analysis; enrichment is queued once", async () => {
    const base = { call_id: "call_retell_1", agent_id: "agent_1", agent_version: 1, call_type: "phone_call", direction: "inbound", from_number: "+14155550703", to_number: "+12125550100" };
    const transcript = "Agent: Thanks for calling.\nUser: Hi, this is Zoe Park, I'd like to book a cleaning.\n";
    const events = [
      { event: "call_started", call: { ...base, call_status: "ongoing", start_timestamp: 1764600000000 } },
      { event: "call_ended", call: { ...base, call_status: "ended", start_timestamp: 1764600000000, end_timestamp: 1764600095000, duration_ms: 95000, transcript, recording_url: "https://retell.example/rec.wav", disconnection_reason: "user_hangup" } },
      {
        event: "call_analyzed",
        call: { ...base, call_status: "ended", start_timestamp: 1764600000000, end_timestamp: 1764600095000, transcript, call_analysis: { call_summary: "Zoe booked a cleaning.", user_sentiment: "Positive", call_successful: true } },
      },
    ];
    for (const e of events) expect((await retell(retellUrl, e)).status).toBe(204);
    const first = await callRow(org, "retell:call_retell_1");
    expect(first).toMatchObject({ source: "retell", direction: "inbound", started_at: "2025-12-01T14:40:00.000Z", ended_at: "2025-12-01T14:41:35.000Z", duration_seconds: 95, recording_url: "https://retell.example/rec.wav" });
    // The transcript went to R2 once; enrichment was queued with it and runs (no AI here: skipped)
    // once the queue delivers its batch (within max_batch_timeout).
    let status = first?.enrichment_status;
    for (let i = 0; i < 60 && status !== "skipped"; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await callRow(org, "retell:call_retell_1"))?.enrichment_status;
    }
    expect(status).toBe("skipped");
    // Retell retries a delivery it did not see answered: nothing doubles, nothing is queued again.
    expect((await retell(retellUrl, events[2])).status).toBe(204);
    expect((await retell(retellUrl, events[1])).status).toBe(204);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM calls WHERE external_id = 'retell:call_retell_1'")).toBe(1);
    expect((await callRow(org, "retell:call_retell_1"))?.enrichment_status).toBe("skipped");
    const contactId = first?.contact_id as string;
    const calls = (await call("GET", `/api/contacts/${contactId}/calls`, { cookie: org.owner.cookie })).body;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ source: "retell", transcription: transcript, received_on: "Front desk ((212) 555-0100)" });
    expect(calls[0].analyses).toEqual([{ analyzer: "retell", runs: [expect.objectContaining({ results: expect.objectContaining({ call_summary: "Zoe booked a cleaning." }) })] }]);
  });

  it("a recording link that is not https is not kept (the app shows it as a link)", async () => {
    const base = { call_id: "call_retell_js", direction: "inbound", from_number: "+14155550709", to_number: "+12125550100", start_timestamp: 1764600000000 };
    const ended = { ...base, call_status: "ended", end_timestamp: 1764600010000, recording_url: "javascript:alert(document.cookie)" };
    expect((await retell(retellUrl, { event: "call_ended", call: ended })).status).toBe(204);
    expect(await callRow(org, "retell:call_retell_js")).toMatchObject({ recording_url: null, duration_seconds: 10 });
  });

  it("a bad or stale signature, or another organization's key, is 401 and records nothing; an unknown event is acknowledged", async () => {
    const before = await orgSnapshot(org.id);
    const event = { event: "call_started", call: { call_id: "call_forged", direction: "inbound", from_number: "+14155550704", to_number: "+12125550100", start_timestamp: Date.now() } };
    const raw = JSON.stringify(event);
    expectProblem(await deliver(retellUrl, raw, {}), 401);
    expectProblem(await deliver(retellUrl, raw, { "x-retell-signature": await retellSign(raw, "key_someone_else_0000") }), 401);
    expectProblem(await deliver(retellUrl, raw, { "x-retell-signature": await retellSymmetric.sign(raw, RETELL_KEY, Date.now() - 10 * 60_000) }), 401);
    expectProblem(await deliver(retellUrl, `${raw}\n`, { "x-retell-signature": await retellSign(raw, RETELL_KEY) }), 401);
    // Another organization's integration, signed with its own key, cannot reach this one's URL.
    const other = await createOrg();
    const theirs = await call("POST", "/api/integrations", { cookie: other.owner.cookie, body: { provider: "retell", api_key: "key_their_retell_000" } });
    expectProblem(await deliver(retellUrl, raw, { "x-retell-signature": await retellSign(raw, "key_their_retell_000") }), 401);
    expect((await retell(theirs.body.webhook_url, event, "key_their_retell_000")).status).toBe(204);
    expect(await orgSnapshot(org.id)).toEqual(before);
    // Events this app does not use are acknowledged and ignored.
    expect((await retell(retellUrl, { event: "transcript_updated", call: { call_id: "c1" } })).status).toBe(204);
    expect((await retell(retellUrl, { event: "transfer_started", call: { call_id: "c1" } })).status).toBe(204);
  });

  it("a chat (SMS) is answered with context at chat_inbound and its turns recorded once at chat_ended", async () => {
    const inbound = await retell(retellUrl, { event: "chat_inbound", chat_inbound: { agent_id: "agent_1", from_number: "+14155550705", to_number: "+12125550100" } });
    expect(inbound.status).toBe(200);
    const metadata = inbound.body.chat_inbound.metadata;
    expect(metadata.contact_id).toBeTruthy();
    const ended = { event: "chat_ended", chat: { chat_id: "chat_1", chat_status: "ended", start_timestamp: 1764600000000, metadata, transcript: "User: Can I move my appointment?\nAgent: Sure, Friday works.\nUser: Thanks!" } };
    expect((await retell(retellUrl, ended)).status).toBe(204);
    expect((await retell(retellUrl, { ...ended, event: "chat_analyzed" })).status).toBe(204);
    const messages = (await call("GET", `/api/contacts/${metadata.contact_id}/messages`, { cookie: org.owner.cookie })).body;
    expect(messages.map((m: Json) => [m.direction, m.body])).toEqual([
      ["inbound", "Thanks!"],
      ["outbound", "Sure, Friday works."],
      ["inbound", "Can I move my appointment?"],
    ]);
  });

  it("if the store fails at ring time, the caller is still answered with their number and the error is noted", async () => {
    await storeExec(org.id, [["CREATE TRIGGER fail_stub BEFORE INSERT ON contacts BEGIN SELECT RAISE(ABORT, 'injected failure'); END"]]);
    try {
      const res = await retell(retellUrl, { event: "call_inbound", call_inbound: { from_number: "+14155550706", to_number: "+12125550100" } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ call_inbound: { dynamic_variables: { caller_phone: "+14155550706" }, metadata: { contact_id: null, from_number: "+14155550706", to_number: "+12125550100" } } });
    } finally {
      await storeExec(org.id, [["DROP TRIGGER fail_stub"]]);
    }
    let noted: Json | undefined;
    for (let i = 0; i < 20 && !noted?.last_error; i++) {
      noted = (await call("GET", "/api/integrations", { cookie: org.owner.cookie })).body.find((i: Json) => i.provider === "retell");
      if (!noted?.last_error) await new Promise((r) => setTimeout(r, 50));
    }
    expect(noted?.last_error).toMatch(/^answered without caller context/);
  });
});

describe("Vapi", () => {
  const vapiCall = (id: string, number: string): Vapi.Call => ({ id, orgId: "org_vapi", createdAt: "2026-12-01T10:00:00.000Z", updatedAt: "2026-12-01T10:00:00.000Z", type: "inboundPhoneCall", customer: { number } });

  it("assistant-request is answered with the integration's assistant and the caller's variable values, with either way of sending the secret", async () => {
    await createContact(org, { first_name: "Vera", last_name: "Lind", phones: [{ phone_number: "+14155550801" }] });
    const request: Vapi.ServerMessageAssistantRequest = { type: "assistant-request", call: vapiCall("vapi_call_0", "+14155550801"), customer: { number: "+14155550801" }, timestamp: Date.now() };
    for (const headers of [{ "x-vapi-secret": VAPI_SECRET }, { authorization: `Bearer ${VAPI_SECRET}` }] as Record<string, string>[]) {
      const res = await deliver(vapiUrl, { message: request }, headers);
      expect(res.status).toBe(200);
      expect(res.body.assistantId).toBe(ASSISTANT);
      expect(res.body.assistantOverrides.variableValues).toMatchObject({ full_name: "Vera Lind", known_contact: "true" });
    }
    const before = await orgSnapshot(org.id);
    expectProblem(await deliver(vapiUrl, { message: request }, { "x-vapi-secret": "wrong-secret-0000" }), 401);
    expectProblem(await deliver(vapiUrl, { message: request }, {}), 401);
    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  it("status-update and end-of-call-report (twice) make one call with transcript, summary, recording and one enrichment", async () => {
    const base = vapiCall("vapi_call_1", "+14155550802");
    const started: Vapi.ServerMessageStatusUpdate = { type: "status-update", status: "in-progress", call: { ...base, startedAt: "2026-12-01T10:00:00.000Z" }, customer: { number: "+14155550802" } };
    const report: Vapi.ServerMessageEndOfCallReport = {
      type: "end-of-call-report",
      endedReason: "customer-ended-call",
      call: base,
      customer: { number: "+14155550802" },
      startedAt: "2026-12-01T10:00:00.000Z",
      endedAt: "2026-12-01T10:02:30.000Z",
      artifact: { transcript: "AI: Hello!\nUser: Hi, this is Omar, I need a refill.", recordingUrl: "https://vapi.example/recording.mp3" },
      analysis: { summary: "Omar asked for a refill.", successEvaluation: "true" },
    };
    const headers = { "x-vapi-secret": VAPI_SECRET };
    expect((await deliver(vapiUrl, { message: started }, headers)).body).toEqual({});
    expect((await deliver(vapiUrl, { message: report }, headers)).status).toBe(200);
    expect((await deliver(vapiUrl, { message: report }, headers)).status).toBe(200);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM calls WHERE external_id = 'vapi:vapi_call_1'")).toBe(1);
    const row = await callRow(org, "vapi:vapi_call_1");
    expect(row).toMatchObject({ source: "vapi", started_at: "2026-12-01T10:00:00.000Z", ended_at: "2026-12-01T10:02:30.000Z", duration_seconds: 150, recording_url: "https://vapi.example/recording.mp3" });
    const calls = (await call("GET", `/api/contacts/${row?.contact_id}/calls`, { cookie: org.owner.cookie })).body;
    expect(calls[0]).toMatchObject({ source: "vapi", transcription: "AI: Hello!\nUser: Hi, this is Omar, I need a refill." });
    expect(calls[0].analyses[0]).toMatchObject({ analyzer: "vapi", runs: [expect.objectContaining({ results: expect.objectContaining({ summary: "Omar asked for a refill." }) })] });
    expect(await countRows(org.id, "SELECT count(*) AS n FROM call_analyses WHERE call_id = ?", row?.id)).toBe(1);
    // Other server messages are acknowledged.
    expect((await deliver(vapiUrl, { message: { type: "speech-update", status: "started", role: "user" } }, headers)).body).toEqual({});
    expectProblem(await deliver(vapiUrl, { type: "not-wrapped" }, headers), 400);
  });
});
