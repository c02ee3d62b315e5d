import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { getExpectedTwilioSignature, validateRequest } from "twilio/lib/webhooks/webhooks";
import { beforeAll, describe, expect, inject, it } from "vitest";
import worker from "../worker/index";
import { twilioSignature, verifyTwilioSignature } from "../worker/integrations/twilio";
import { type Org, ORIGIN, addMember, call, countRows, createContact, createOrg, expectInvalid, expectProblem, openAllDay, orgSnapshot, runQueue, storeRows } from "./helpers";

// Twilio as an integration: its form-encoded, signed webhooks (inbound texts with MMS media, and
// delivery receipts of what we send), signed here with the official `twilio` package's own
// function, and sends through the organization's own Twilio account asking for those receipts.

const twilio = inject("twilioUrl");
const hex = () => crypto.randomUUID().replace(/-/g, "");
const TOKEN = `tok_${hex()}`;
const LINE = "+12125550100";

/** A Twilio webhook as Twilio sends it: form-encoded, X-Twilio-Signature over the URL and the sorted parameters. */
async function twilioPost(path: string, params: Record<string, string>, opts: { token?: string; signature?: string; contentType?: string; env?: Env } = {}) {
  const url = `${ORIGIN}${path}`;
  const signature = opts.signature ?? getExpectedTwilioSignature(opts.token ?? TOKEN, url, params);
  const request = new Request(url, {
    method: "POST",
    headers: { "content-type": opts.contentType ?? "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(params).toString(),
  });
  let res: Response;
  if (opts.env) {
    // The Worker with other settings (the platform's own Twilio account).
    const ctx = createExecutionContext();
    res = await worker.fetch(request, opts.env, ctx);
    await waitOnExecutionContext(ctx);
  } else res = await exports.default.fetch(request);
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body, text, headers: res.headers };
}

const sid = (prefix: string) => `${prefix}${hex()}`;
const inboundParams = (accountSid: string, from: string, body: string, extra: Record<string, string> = {}) => ({
  ToCountry: "US",
  SmsMessageSid: extra.MessageSid ?? sid("SM"),
  NumMedia: "0",
  From: from,
  To: LINE,
  Body: body,
  AccountSid: accountSid,
  ApiVersion: "2010-04-01",
  NumSegments: "1",
  ...extra,
  MessageSid: extra.MessageSid ?? sid("SM"),
});

async function connect(org: Org, extra: Record<string, unknown> = {}) {
  const accountSid = `AC${hex()}`;
  const res = await call("POST", "/api/integrations", { cookie: org.owner.cookie, body: { provider: "twilio", account_sid: accountSid, auth_token: TOKEN, ...extra } });
  expect(res.status).toBe(201);
  return { ...res.body, accountSid, path: new URL(res.body.webhook_url).pathname, statusPath: new URL(res.body.status_url).pathname };
}

let org: Org;
let integration: Awaited<ReturnType<typeof connect>>;
const smsEnv = () => ({ ...env, BETTER_AUTH_URL: ORIGIN, TWILIO_BASE_URL: twilio, TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "" });
const messagesOf = async (contactId: string) => (await call("GET", `/api/contacts/${contactId}/messages`, { cookie: org.owner.cookie })).body;
const consentOf = async (contactId: string) => (await call("GET", `/api/contacts/${contactId}/consent`, { cookie: org.owner.cookie })).body;

beforeAll(async () => {
  org = await createOrg();
  await openAllDay(org);
  expect((await call("POST", "/api/phone-lines", { cookie: org.owner.cookie, body: { name: "Front desk", phone_number: LINE } })).status).toBe(201);
  integration = await connect(org, { name: "Main account" });
});

describe("the signature", () => {
  it("ours is the twilio package's, and each accepts the other's (repeated names, unicode, ports)", async () => {
    const url = "https://contacts.example.com/api/integrations/twilio/abc/sms?x=1";
    const params = { Body: "Café ☕ & more", From: "+16465550100", MediaUrl: "b", To: "+12125550100", NumMedia: "0" };
    const ours = await twilioSignature(TOKEN, url, new URLSearchParams(params));
    expect(ours).toBe(getExpectedTwilioSignature(TOKEN, url, params));
    expect(validateRequest(TOKEN, ours, url, params)).toBe(true);
    expect(validateRequest(TOKEN, ours, url, { ...params, Body: "changed" })).toBe(false);
    // A repeated name: the package signs its distinct values sorted, as we do.
    const repeated = new URLSearchParams([["A", "2"], ["A", "1"], ["B", "x"]]);
    expect(await twilioSignature(TOKEN, url, repeated)).toBe(getExpectedTwilioSignature(TOKEN, url, { A: ["2", "1"], B: "x" }));
    const check = (signature: string, urls: string[], p = new URLSearchParams(params)) => verifyTwilioSignature(TOKEN, { signature, settings: undefined }, urls, p);
    expect(await check(getExpectedTwilioSignature(TOKEN, url, params), [url])).toBe(true);
    // Twilio may have signed the URL with the scheme's port.
    expect(await check(getExpectedTwilioSignature(TOKEN, "https://contacts.example.com:443/api/integrations/twilio/abc/sms?x=1", params), [url])).toBe(true);
    expect(await check(getExpectedTwilioSignature("another-token", url, params), [url])).toBe(false);
    expect(await check(getExpectedTwilioSignature(TOKEN, url, params), [url], new URLSearchParams({ ...params, Body: "changed" }))).toBe(false);
    expect(await check("not base64!", [url])).toBe(false);
    expect(await check("", [url])).toBe(false);
    // HMAC-SHA256, when the settings header says so.
    const sha256 = getExpectedTwilioSignature(TOKEN, url, params, "HMAC_SHA256");
    expect(await verifyTwilioSignature(TOKEN, { signature: sha256, settings: "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256" }, [url], new URLSearchParams(params))).toBe(true);
    expect(await verifyTwilioSignature(TOKEN, { signature: sha256, settings: "algorithm=HMAC_MD5" }, [url], new URLSearchParams(params))).toBe(false);
  });
});

describe("connecting Twilio", () => {
  it("gives the two URLs, is for admins, one account per organization, and checks the Account SID", async () => {
    expect(integration).toMatchObject({
      provider: "twilio",
      name: "Main account",
      account_sid: integration.accountSid,
      keyword_replies: false,
      webhook_url: `${ORIGIN}/api/integrations/twilio/${integration.id}/sms`,
      status_url: `${ORIGIN}/api/integrations/twilio/${integration.id}/status`,
    });
    expect(JSON.stringify(integration)).not.toContain(TOKEN);
    const second = await call("POST", "/api/integrations", { cookie: org.owner.cookie, body: { provider: "twilio", account_sid: `AC${hex()}`, auth_token: TOKEN } });
    expectProblem(second, 409);
    expect(second.body.detail).toMatch(/already has a Twilio account/);
    const member = await addMember(org);
    expectProblem(await call("POST", "/api/integrations", { cookie: member.cookie, body: { provider: "twilio", account_sid: `AC${hex()}`, auth_token: TOKEN } }), 403);
    const other = await createOrg();
    expectInvalid(await call("POST", "/api/integrations", { cookie: other.owner.cookie, body: { provider: "twilio", account_sid: "SK123", auth_token: TOKEN } }), "account_sid");
    expectInvalid(await call("POST", "/api/integrations", { cookie: other.owner.cookie, body: { provider: "twilio", account_sid: `AC${hex()}` } }), "auth_token");
  });
});

describe("inbound texts", () => {
  it("are recorded once per MessageSid, answered with an empty TwiML response, media copied with the account's credentials", async () => {
    const messageSid = sid("MM");
    const mediaUrl = `${twilio}/2010-04-01/Accounts/${integration.accountSid}/Messages/${messageSid}/Media/${sid("ME")}`;
    const params = inboundParams(integration.accountSid, "+16465550301", "Here is the photo", { MessageSid: messageSid, NumMedia: "1", MediaUrl0: mediaUrl, MediaContentType0: "image/png" });
    const res = await twilioPost(integration.path, params);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
    expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Response/>');
    const [message] = await storeRows<{ id: string; contact_id: string; provider: string; provider_message_id: string; body: string }>(
      org.id,
      "SELECT * FROM messages WHERE provider_message_id = ?",
      messageSid,
    );
    expect(message).toMatchObject({ provider: "twilio", body: "Here is the photo", contact_id: expect.any(String) });

    // Twilio retries a webhook it did not see answered: nothing doubles.
    expect((await twilioPost(integration.path, params)).status).toBe(200);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM messages WHERE provider_message_id = ?", messageSid)).toBe(1);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contacts")).toBe(1);

    // The media job copies the MMS with this integration's account (the fake demands its SID).
    await runQueue("media-fetch", { type: "fetch_media", organization_id: org.id, message_id: message!.id }, smsEnv());
    const [stored] = await storeRows<{ r2_key: string | null; content_type: string | null; error: string | null }>(org.id, "SELECT * FROM message_media WHERE message_id = ?", message!.id);
    expect(stored).toMatchObject({ content_type: "image/png", error: null, r2_key: expect.any(String) });

    const listed = (await call("GET", "/api/integrations", { cookie: org.owner.cookie })).body.find((i: { id: string }) => i.id === integration.id);
    expect(listed).toMatchObject({ last_event: "message (a retry)", last_event_at: expect.any(String), last_error: null });
  });

  it("a forged, missing or other account's signature is 403 and records nothing; a JSON body is 415", async () => {
    const before = await orgSnapshot(org.id);
    const params = inboundParams(integration.accountSid, "+16465550302", "Hello");
    expectProblem(await twilioPost(integration.path, params, { signature: "Zm9yZ2Vk" }), 403);
    expectProblem(await twilioPost(integration.path, params, { token: "someone-elses-token" }), 403);
    expectProblem(await twilioPost(integration.path, params, { signature: "" }), 403);
    expectProblem(await twilioPost(integration.statusPath, { MessageSid: sid("SM"), MessageStatus: "delivered" }, { token: "someone-elses-token" }), 403);
    // Signed for another URL (another integration's): refused.
    const elsewhere = getExpectedTwilioSignature(TOKEN, `${ORIGIN}/api/integrations/twilio/${crypto.randomUUID()}/sms`, params);
    expectProblem(await twilioPost(integration.path, params, { signature: elsewhere }), 403);
    expectProblem(await twilioPost(integration.path, params, { contentType: "application/json" }), 415);
    expect(await orgSnapshot(org.id)).toEqual(before);
    expectProblem(await twilioPost(`/api/integrations/twilio/${crypto.randomUUID()}/sms`, params), 404);
  });

  it("STOP through Twilio opts the sender out (a send is then refused); START opts back in", async () => {
    const contact = await createContact(org, { first_name: "Tess", phones: [{ phone_number: "+16465550303" }] });
    expect((await twilioPost(integration.path, inboundParams(integration.accountSid, "+16465550303", "stop"))).text).toContain("<Response/>");
    expect((await consentOf(contact.id)).channels.sms).toMatchObject({ status: "opted_out", source: "keyword" });
    const refused = await call("POST", `/api/contacts/${contact.id}/messages`, { cookie: org.owner.cookie, body: { body: "Hi" } });
    expect(refused.body.code).toBe("opted_out");
    await twilioPost(integration.path, inboundParams(integration.accountSid, "+16465550303", "START"));
    expect((await consentOf(contact.id)).channels.sms.status).toBe("opted_in");
  });

  it("an integration that answers keywords replies in TwiML, naming the organization; other texts get an empty answer", async () => {
    const own = await createOrg();
    const answering = await connect(own, { keyword_replies: true });
    expect(answering.keyword_replies).toBe(true);
    const stop = await twilioPost(answering.path, inboundParams(answering.accountSid, "+16465550304", "STOP"));
    expect(stop.text).toMatch(/<Response><Message>.+: you are unsubscribed and will get no more texts from this number\. Reply START to resubscribe\.<\/Message><\/Response>$/);
    const help = await twilioPost(answering.path, inboundParams(answering.accountSid, "+16465550304", "help"));
    expect(help.text).toContain("reply STOP to unsubscribe. Msg &#38; data rates may apply.");
    expect((await twilioPost(answering.path, inboundParams(answering.accountSid, "+16465550304", "What time do you open?"))).text).toContain("<Response/>");
  });
});

describe("sending and delivery receipts", () => {
  async function sent(phone: string) {
    const contact = await createContact(org, { first_name: "Dana", phones: [{ phone_number: phone }] });
    const queued = await call("POST", `/api/contacts/${contact.id}/messages`, { cookie: org.owner.cookie, body: { body: "Your order is ready" } });
    expect(queued.status).toBe(202);
    expect(await runQueue("sms-outbound", { type: "send_sms", organization_id: org.id, message_id: queued.body.id }, smsEnv())).toMatchObject({ explicitAcks: [expect.any(String)] });
    const [message] = (await messagesOf(contact.id)) as { id: string; status: string; provider_message_id: string }[];
    expect(message).toMatchObject({ id: queued.body.id, status: "sent", provider: "twilio", provider_message_id: expect.stringMatching(/^SM/) });
    return { contact, message: message! };
  }
  const receipt = (messageId: string, params: Record<string, string>) => twilioPost(`${integration.statusPath}?message_id=${messageId}`, { AccountSid: integration.accountSid, ApiVersion: "2010-04-01", ...params });

  it("go through the organization's account and ask for receipts; delivered shows on the message, a late 'sent' does not undo it", async () => {
    const { contact, message } = await sent("+16465550311");
    const requests = (await (await fetch(`${twilio}/__requests/${integration.accountSid}`)).json()) as { StatusCallback: string }[];
    expect(requests.at(-1)).toMatchObject({ To: "+16465550311", From: LINE, StatusCallback: `${ORIGIN}${integration.statusPath}?message_id=${message.id}` });

    expect((await receipt(message.id, { MessageSid: message.provider_message_id, MessageStatus: "delivered" })).status).toBe(204);
    expect((await receipt(message.id, { MessageSid: message.provider_message_id, MessageStatus: "sent" })).status).toBe(204);
    const [after] = await messagesOf(contact.id);
    expect(after).toMatchObject({ status: "delivered", status_detail: "delivered", error_code: null });
  });

  it("undelivered and failed show Twilio's error code in words; 21610 records the carrier's opt-out", async () => {
    const first = await sent("+16465550312");
    await receipt(first.message.id, { MessageSid: first.message.provider_message_id, MessageStatus: "undelivered", ErrorCode: "30003" });
    expect((await messagesOf(first.contact.id))[0]).toMatchObject({ status: "undelivered", error_code: 30003, status_detail: "undelivered: Twilio 30003: the handset is unreachable (off or out of coverage)" });

    const second = await sent("+16465550313");
    await receipt(second.message.id, { MessageSid: second.message.provider_message_id, MessageStatus: "failed", ErrorCode: "21610" });
    expect((await messagesOf(second.contact.id))[0]).toMatchObject({ status: "failed", error_code: 21610 });
    expect((await consentOf(second.contact.id)).channels.sms).toMatchObject({ status: "opted_out", source: "carrier" });
  });

  it("a receipt that comes before the send's own answer is kept; one for a message not sent from here changes nothing", async () => {
    const contact = await createContact(org, { first_name: "Early", phones: [{ phone_number: "+16465550314" }] });
    const queued = await call("POST", `/api/contacts/${contact.id}/messages`, { cookie: org.owner.cookie, body: { body: "Quick" } });
    const early = sid("SM");
    await receipt(queued.body.id, { MessageSid: early, MessageStatus: "delivered" });
    const [row] = await messagesOf(contact.id);
    expect(row).toMatchObject({ status: "delivered", provider_message_id: early });

    const before = await orgSnapshot(org.id);
    expect((await twilioPost(integration.statusPath, { MessageSid: sid("SM"), MessageStatus: "delivered" })).status).toBe(204);
    const after = await orgSnapshot(org.id);
    expect(after.messages).toEqual(before.messages);
    const listed = (await call("GET", "/api/integrations", { cookie: org.owner.cookie })).body.find((i: { id: string }) => i.id === integration.id);
    expect(listed.last_error).toMatch(/^a status callback for a message not sent from here/);
  });

  it("through the platform's own account, receipts come to the platform URL signed with its token", async () => {
    const platform = await createOrg();
    await openAllDay(platform);
    await call("POST", "/api/phone-lines", { cookie: platform.owner.cookie, body: { name: "Main", phone_number: LINE } });
    const platformSid = `AC${hex()}`;
    const platformEnv = { ...smsEnv(), TWILIO_ACCOUNT_SID: platformSid, TWILIO_AUTH_TOKEN: "platform-token" };
    const contact = await createContact(platform, { first_name: "Pat", phones: [{ phone_number: "+16465550315" }] });
    const queued = await call("POST", `/api/contacts/${contact.id}/messages`, { cookie: platform.owner.cookie, body: { body: "Hello" } });
    await runQueue("sms-outbound", { type: "send_sms", organization_id: platform.id, message_id: queued.body.id }, platformEnv);
    const [request] = (await (await fetch(`${twilio}/__requests/${platformSid}`)).json()) as { StatusCallback: string }[];
    const callback = new URL(request!.StatusCallback);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${ORIGIN}/api/integrations/twilio/platform/status`);
    expect(callback.searchParams.get("organization_id")).toBe(platform.id);
    const [message] = (await call("GET", `/api/contacts/${contact.id}/messages`, { cookie: platform.owner.cookie })).body;
    const params = { MessageSid: message.provider_message_id, MessageStatus: "delivered", AccountSid: platformSid };
    const path = `${callback.pathname}${callback.search}`;
    expectProblem(await twilioPost(path, params, { token: TOKEN, env: platformEnv }), 403);
    expectProblem(await twilioPost(path, params, { token: "platform-token" }), 403); // a Worker without a platform account
    expect((await twilioPost(path, params, { token: "platform-token", env: platformEnv })).status).toBe(204);
    const [after] = (await call("GET", `/api/contacts/${contact.id}/messages`, { cookie: platform.owner.cookie })).body;
    expect(after).toMatchObject({ id: message.id, status: "delivered" });
  });
});
