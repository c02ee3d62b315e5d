import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { keywordOf } from "../worker/store/consent";
import { zoneOfNumber } from "../worker/lib/number-zones";
import { type Org, addMember, call, countRows, createApiKey, createContact, createOrg, expectProblem, openAllDay, runQueue } from "./helpers";

// Consent: keywords in inbound texts, the ledger, carrier opt-outs, and the one outbound gate
// with quiet hours in the contact's time zone.

const SID = `AC${crypto.randomUUID().replace(/-/g, "")}`;
const twilio = inject("twilioUrl");
const smsEnv = { ...env, TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: "token", TWILIO_BASE_URL: twilio };
const scriptTwilio = (...answers: object[]) => fetch(`${twilio}/__script/${SID}`, { method: "POST", body: JSON.stringify(answers) });

let org: Org;
let key: string;

const consent = async (contactId: string) => (await call("GET", `/api/contacts/${contactId}/consent`, { cookie: org.owner.cookie })).body;
const inbound = (from: string, body: string) => call("POST", "/api/messages", { bearer: key, body: { from, to: "+12125550100", body } });
const send = (contactId: string, body = "Your table is ready") => call("POST", `/api/contacts/${contactId}/messages`, { cookie: org.owner.cookie, body: { body } });
const check = (body: object) => call("POST", "/api/outbound/check", { cookie: org.owner.cookie, body });
const outboundCount = (contactId: string) => countRows(org.id, "SELECT count(*) AS n FROM messages WHERE contact_id = ? AND direction = 'outbound'", contactId);

beforeAll(async () => {
  org = await createOrg();
  key = await createApiKey(org);
  await openAllDay(org);
  expect((await call("POST", "/api/phone-lines", { cookie: org.owner.cookie, body: { name: "Front desk", phone_number: "+12125550100" } })).status).toBe(201);
});

describe("keywords", () => {
  it("are the whole text, any case, punctuation and spaces around ignored", () => {
    for (const text of ["STOP", " stop ", "Stop.", "STOP!", "unsubscribe", "Cancel", "end", "QUIT", "revoke", "OptOut", "stopall"]) expect(keywordOf(text), text).toBe("opted_out");
    for (const text of ["START", "unstop", "Yes!"]) expect(keywordOf(text), text).toBe("opted_in");
    for (const text of ["HELP", "info?"]) expect(keywordOf(text), text).toBe("help");
    for (const text of ["Please stop texting me", "stop it", "yes please", "stopp", ""]) expect(keywordOf(text), text).toBeNull();
  });

  it("STOP opts the sender out of texts: a send is refused in words and nothing is queued; START opts back in", async () => {
    const contact = await createContact(org, { first_name: "Stella", last_name: "Stop", phones: [{ phone_number: "+16465550201" }] });
    expect((await inbound("+16465550201", " Stop. ")).status).toBe(201);
    const after = await consent(contact.id);
    expect(after.channels.sms).toMatchObject({ status: "opted_out", source: "keyword" });
    expect(after.history[0]).toMatchObject({ channel: "sms", action: "opted_out", source: "keyword", evidence: "Stop.", message_id: expect.any(String) });

    const refused = await send(contact.id);
    expectProblem(refused, 409);
    expect(refused.body).toMatchObject({ code: "opted_out", reasons: [{ code: "opted_out" }], next_allowed_at: null });
    expect(refused.body.detail).toMatch(/^Stella Stop opted out of texts \(replied “Stop\.” on /);
    expect(await outboundCount(contact.id)).toBe(0);

    // The voice agent hears it too, with the time zone of the caller's number.
    const context = (await call("POST", "/api/caller-context", { bearer: key, body: { phone: "+16465550201" } })).body;
    expect(context).toMatchObject({ opted_out_of: ["sms"], timezone: "America/New_York", dynamic_variables: { opted_out_of: "sms", timezone: "America/New_York" } });

    await inbound("+16465550201", "HELP");
    expect((await consent(contact.id)).history[0]).toMatchObject({ action: "help", source: "keyword" });
    expect((await consent(contact.id)).channels.sms.status).toBe("opted_out");

    await inbound("+16465550201", "start");
    expect((await consent(contact.id)).channels.sms).toMatchObject({ status: "opted_in", source: "keyword" });
    expect((await send(contact.id)).status).toBe(202);
    expect(await outboundCount(contact.id)).toBe(1);
  });

  it("a new number texting STOP is a stub that is opted out from its first message", async () => {
    const res = await inbound("+16465550202", "UNSUBSCRIBE");
    expect(res.body.contact_created).toBe(true);
    expect((await consent(res.body.contact_id)).channels.sms.status).toBe("opted_out");
  });
});

describe("the carrier", () => {
  it("Twilio's 21610 on a send records the opt-out, and the next send is refused", async () => {
    const contact = await createContact(org, { first_name: "Carrie", phones: [{ phone_number: "+16465550203" }] });
    const queued = await send(contact.id, "Reminder");
    expect(queued.status).toBe(202);
    await scriptTwilio({ kind: "status", status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" });
    await runQueue("sms-outbound", { type: "send_sms", organization_id: org.id, message_id: queued.body.id }, smsEnv);
    const c = await consent(contact.id);
    expect(c.channels.sms).toMatchObject({ status: "opted_out", source: "carrier" });
    expect(c.history[0]).toMatchObject({ message_id: queued.body.id, evidence: "Twilio error 21610: Attempt to send to unsubscribed recipient" });
    expect((await send(contact.id)).body.code).toBe("opted_out");
  });

  it("a text queued before an opt-out is not sent by the consumer", async () => {
    const contact = await createContact(org, { first_name: "Late", phones: [{ phone_number: "+16465550204" }] });
    const queued = await send(contact.id, "Offer");
    await inbound("+16465550204", "STOP");
    await runQueue("sms-outbound", { type: "send_sms", organization_id: org.id, message_id: queued.body.id }, smsEnv);
    const [row] = (await call("GET", `/api/contacts/${contact.id}/messages`, { cookie: org.owner.cookie })).body.filter((m: { id: string }) => m.id === queued.body.id);
    expect(row).toMatchObject({ status: "not_sent", status_detail: expect.stringMatching(/^not sent: Late opted out of texts/) });
  });
});

describe("the ledger", () => {
  it("records people's changes with who and why; opting in needs a note; history is newest first", async () => {
    const contact = await createContact(org, { first_name: "Vera", phones: [{ phone_number: "+16465550205" }] });
    const member = await addMember(org, "member", "Mia Member");
    expect((await consent(contact.id)).channels).toEqual({
      sms: { status: "unknown", since: null, source: null },
      voice: { status: "unknown", since: null, source: null },
      email: { status: "unknown", since: null, source: null },
    });
    const out = await call("POST", `/api/contacts/${contact.id}/consent`, { cookie: member.cookie, body: { channel: "voice", status: "opted_out", note: "Asked at the front desk" } });
    expect(out.status).toBe(201);
    expect(out.body.history[0]).toMatchObject({ channel: "voice", action: "opted_out", source: "user", note: "Asked at the front desk", recorded_by: { name: "Mia Member" } });
    const noNote = await call("POST", `/api/contacts/${contact.id}/consent`, { cookie: member.cookie, body: { channel: "voice", status: "opted_in" } });
    expectProblem(noNote, 400);
    expect(noNote.body.errors[0].field).toBe("note");
    const viaApi = await call("POST", `/api/contacts/${contact.id}/consent`, { bearer: key, body: { channel: "email", status: "opted_in", note: "Signed the intake form" } });
    expect(viaApi.body.history[0]).toMatchObject({ channel: "email", action: "opted_in", source: "api", recorded_by: null });
    expect(viaApi.body.history.map((e: { channel: string }) => e.channel)).toEqual(["email", "voice"]);
    const voice = await check({ contact_id: contact.id, channel: "voice" });
    expect(voice.body).toMatchObject({ allowed: false, reasons: [{ code: "opted_out", message: expect.stringMatching(/opted out of calls \(recorded by Mia Member on /) }] });

    const other = await createOrg();
    expectProblem(await call("GET", `/api/contacts/${contact.id}/consent`, { cookie: other.owner.cookie }), 404);
    expectProblem(await call("POST", `/api/contacts/${contact.id}/consent`, { cookie: other.owner.cookie, body: { channel: "sms", status: "opted_out" } }), 404);
  });
});

describe("blocked numbers", () => {
  it("create nothing: calls and texts are recorded as blocked, the caller context and the gate say so", async () => {
    const member = await addMember(org, "member", "Bo Member");
    expectProblem(await call("POST", "/api/blocked-numbers", { cookie: member.cookie, body: { phone_number: "+14155550199" } }), 403);
    const added = await call("POST", "/api/blocked-numbers", { cookie: org.owner.cookie, body: { phone_number: "(415) 555-0199", reason: "Spam" } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ phone_number: "+14155550199", reason: "Spam", created_by: { name: "Olivia Owner" } });
    expectProblem(await call("POST", "/api/blocked-numbers", { cookie: org.owner.cookie, body: { phone_number: "+1 415 555 0199" } }), 409);
    const contactsBefore = await countRows(org.id, "SELECT count(*) AS n FROM contacts");

    const rang = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550199", attestation: "C" } });
    expect(rang.body).toMatchObject({ contact_id: null, contact_created: false, blocked: true });
    expect((await call("POST", "/api/contacts/resolve", { bearer: key, body: { phone: "4155550199" } })).body).toEqual({ contact_id: null, created: false, reason: "blocked" });
    const texted = await inbound("+14155550199", "WIN A PRIZE");
    expect(texted.body).toMatchObject({ contact_id: null, contact_created: false });
    const context = (await call("POST", "/api/caller-context", { bearer: key, body: { phone: "+14155550199" } })).body;
    expect(context).toMatchObject({ contact_id: null, blocked: true, reason: "blocked", dynamic_variables: { blocked: "true" } });
    const gate = (await call("POST", "/api/outbound/check", { bearer: key, body: { phone: "+14155550199", channel: "voice" } })).body;
    expect(gate).toMatchObject({ allowed: false, reasons: [{ code: "blocked" }] });
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contacts")).toBe(contactsBefore);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM calls WHERE blocked = 1 AND contact_id IS NULL AND attestation = 'C'")).toBe(1);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM messages WHERE status = 'blocked' AND contact_id IS NULL")).toBe(1);

    // A contact's own number, blocked: its calls are not put on the contact either; texting it is refused.
    const known = await createContact(org, { first_name: "Known", phones: [{ phone_number: "+14155550198" }] });
    await call("POST", "/api/blocked-numbers", { cookie: org.owner.cookie, body: { phone_number: "+14155550198" } });
    expect((await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550198" } })).body).toMatchObject({ contact_id: null, blocked: true });
    expect((await send(known.id)).body).toMatchObject({ code: "blocked" });

    // Unblocked, the number is a caller like any other again.
    const list = (await call("GET", "/api/blocked-numbers", { cookie: org.owner.cookie })).body as { id: string; phone_number: string }[];
    expect(list.map((b) => b.phone_number)).toEqual(["+14155550198", "+14155550199"]);
    expect((await call("DELETE", `/api/blocked-numbers/${list[1]!.id}`, { cookie: org.owner.cookie })).status).toBe(204);
    expect((await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550199", attestation: "A" } })).body).toMatchObject({ contact_created: true });
    const stub = (await call("POST", "/api/contacts/resolve", { bearer: key, body: { phone: "+14155550199" } })).body;
    const [callRow] = (await call("GET", `/api/contacts/${stub.contact_id}/calls`, { cookie: org.owner.cookie })).body;
    expect(callRow.attestation).toBe("A");
    expectProblem(await call("DELETE", `/api/blocked-numbers/${list[1]!.id}`, { cookie: org.owner.cookie }), 404);
  });
});

describe("the outbound gate", () => {
  it("applies quiet hours in the contact's time zone, else their number's, else the organization's", async () => {
    const hours = await createOrg();
    expect((await call("GET", "/api/settings", { cookie: hours.owner.cookie })).body).toMatchObject({ timezone: null, quiet_hours: { start: "08:00", end: "21:00" } });
    const la = await createContact(hours, { first_name: "Lea", timezone: "America/Los_Angeles", phones: [{ phone_number: "+16465550206" }] });
    const london = await createContact(hours, { first_name: "Lon", phones: [{ phone_number: "+44 20 7946 0958" }] });
    const sydney = await createContact(hours, { first_name: "Syd", phones: [{ phone_number: "+61 2 9374 4000" }] });
    const nowhere = await createContact(hours, { first_name: "Nemo" });
    const gate = async (contactId: string, at: string, channel = "sms") =>
      (await call("POST", "/api/outbound/check", { cookie: hours.owner.cookie, body: { contact_id: contactId, channel, at } })).body;

    // Los Angeles (UTC-8 in December), from the contact's own time zone.
    expect(await gate(la.id, "2026-12-01T04:30:00Z")).toMatchObject({ allowed: true, reasons: [], time_zone: "America/Los_Angeles", time_zone_source: "contact", local_time: "2026-11-30T20:30:00-08:00", next_allowed_at: null });
    const late = await gate(la.id, "2026-12-01T05:30:00Z");
    expect(late).toMatchObject({ allowed: false, reasons: [{ code: "quiet_hours" }], local_time: "2026-11-30T21:30:00-08:00", next_allowed_at: "2026-12-01T16:00:00.000Z" });
    expect(late.reasons[0].message).toBe("It is 9:30 PM for Lea (America/Los_Angeles, their time zone); texts go out between 8:00 AM and 9:00 PM — next at 8:00 AM their time.");
    // London, from the number (UTC+0 in December).
    expect(await gate(london.id, "2026-12-01T07:59:00Z")).toMatchObject({ allowed: false, time_zone: "Europe/London", time_zone_source: "number", next_allowed_at: "2026-12-01T08:00:00.000Z" });
    expect(await gate(london.id, "2026-12-01T08:00:00Z")).toMatchObject({ allowed: true });
    // Sydney, from the number (UTC+11 in December): 21:30 there, next morning's 08:00 is 21:00 UTC.
    expect(await gate(sydney.id, "2026-12-01T10:30:00Z", "voice")).toMatchObject({ allowed: false, time_zone: "Australia/Sydney", local_time: "2026-12-01T21:30:00+11:00", next_allowed_at: "2026-12-01T21:00:00.000Z" });
    // No time zone of their own nor a number: the organization's, else UTC.
    expect(await gate(nowhere.id, "2026-12-01T12:00:00Z")).toMatchObject({ time_zone: "UTC", time_zone_source: "utc", allowed: true });
    const set = await call("PUT", "/api/settings", { cookie: hours.owner.cookie, body: { timezone: "America/Chicago", quiet_hours: { start: "09:00", end: "17:30" } } });
    expect(set.body).toMatchObject({ default_region: "US", timezone: "America/Chicago", quiet_hours: { start: "09:00", end: "17:30" } });
    expect(await gate(nowhere.id, "2026-12-01T12:00:00Z")).toMatchObject({ time_zone: "America/Chicago", time_zone_source: "organization", allowed: false, next_allowed_at: "2026-12-01T15:00:00.000Z" });
    expect(await gate(nowhere.id, "2026-12-01T23:29:00Z")).toMatchObject({ allowed: true });
    expectProblem(await call("PUT", "/api/settings", { cookie: hours.owner.cookie, body: { timezone: "Mars/Olympus" } }), 400);
    expectProblem(await call("PUT", "/api/settings", { cookie: hours.owner.cookie, body: { quiet_hours: { start: "8am", end: "21:00" } } }), 400);
  });

  it("answers for a number too, refuses do-not-contact whatever the hour, and no one can override it", async () => {
    const dnc = await createContact(org, { first_name: "Dee", status: "do_not_contact", phones: [{ phone_number: "+13125550207" }] });
    const byPhone = await call("POST", "/api/outbound/check", { bearer: key, body: { phone: "(312) 555-0207", channel: "voice", at: "2026-12-01T18:00:00Z" } });
    expect(byPhone.body).toMatchObject({ allowed: false, contact_id: dnc.id, reasons: [{ code: "do_not_contact" }], next_allowed_at: null });
    const unknown = await call("POST", "/api/outbound/check", { bearer: key, body: { phone: "+1 312 555 0299", channel: "sms", at: "2026-12-01T18:00:00Z" } });
    expect(unknown.body).toMatchObject({ allowed: true, contact_id: null, time_zone: "America/Chicago", time_zone_source: "number" });
    expectProblem(await call("POST", "/api/outbound/check", { bearer: key, body: { channel: "sms" } }), 400);
    expectProblem(await call("POST", "/api/outbound/check", { bearer: key, body: { contact_id: crypto.randomUUID(), channel: "sms" } }), 404);
    expectProblem(await call("POST", "/api/outbound/check", { bearer: key, body: { contact_id: dnc.id, channel: "sms", override: true } }), 400);
  });

  it("infers time zones from libphonenumber's own map", () => {
    expect(zoneOfNumber("+13125550100")).toBe("America/Chicago");
    expect(zoneOfNumber("+12125550100")).toBe("America/New_York");
    expect(zoneOfNumber("+4915112345678")).toBe("Europe/Berlin");
    expect(zoneOfNumber("+16505550100")).toBe("America/Los_Angeles");
  });
});
