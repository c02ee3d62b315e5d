// Consent where a person sees it: a STOP texted in shows on the contact and closes the compose bar
// in words; a team member records consent by hand; quiet hours say when texting opens again.
import assert from "node:assert/strict";
import { api, elementScreenshot, navigateTo, newOrganization, screenshot } from "./lib/flows.mjs";

export async function consentIsRecordedAndExplainedWhereTextsAreSent(t) {
  const { page } = await newOrganization(t);
  await api(page, "POST", "/api/phone-lines", { name: "Front desk", phone_number: "+12125550100" });
  const contact = await api(page, "POST", "/api/contacts", { first_name: "Stella", last_name: "Stop", phones: [{ phone_number: "+16465550201" }] });
  const { key } = await api(page, "POST", "/api/api-keys", { name: "pipeline" });
  const inbound = async (body) => {
    const res = await fetch(`${t.baseURL}/api/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ from: "+16465550201", to: "+12125550100", body }),
    });
    assert.equal(res.status, 201, await res.text());
  };

  // Settings: no quiet hours for now (the same start and end).
  await navigateTo(page, "Settings");
  const hours = page.locator("section#quiet-hours");
  await hours.getByLabel("From").fill("00:00");
  await hours.getByLabel("Until").fill("00:00");
  await hours.getByLabel("Organization time zone").selectOption("America/New_York");
  await hours.getByRole("button", { name: "Save quiet hours" }).click();
  await page.getByText("Saved: texts and calls may go out at any hour.").waitFor();
  await elementScreenshot(hours, "settings-quiet-hours-1280");

  // The contact texts STOP: the consent section and the compose bar say so without a reload.
  await page.goto(`/contacts/${contact.id}`);
  const consent = page.getByRole("region", { name: "Consent" });
  await consent.getByText("Not recorded").first().waitFor();
  const composer = page.getByRole("form", { name: "Send a text message" });
  assert.equal(await composer.getByLabel("Message").isDisabled(), false);
  await inbound("STOP");
  await consent.getByText("Opted out", { exact: true }).waitFor({ timeout: 10_000 });
  await composer.getByText(/Stella Stop opted out of texts \(replied “STOP” on /).waitFor({ timeout: 10_000 });
  assert.equal(await composer.getByLabel("Message").isDisabled(), true);
  await screenshot(t, page, "contact-consent-opted-out-1280");

  // A team member records that she asked not to be called; opting in needs a note.
  await consent.getByRole("button", { name: "Record" }).click();
  const form = consent.getByRole("form", { name: "Record consent" });
  await form.getByLabel("Channel").selectOption("voice");
  await form.getByLabel("Consent").selectOption("opted_out");
  await form.getByLabel(/How it was given or withdrawn/).fill("Asked at the front desk");
  await form.getByRole("button", { name: "Save" }).click();
  await consent.getByRole("button", { name: "History (2)" }).click();
  await consent.getByText("Opted out (calls): recorded by Dana Whitfield").waitFor();
  await consent.getByText("Opted out (texts): texted “STOP”").waitFor();
  await page.setViewportSize({ width: 375, height: 800 });
  await consent.scrollIntoViewIfNeeded();
  await elementScreenshot(consent, "contact-consent-375");
  await page.setViewportSize({ width: 1280, height: 900 });

  // START opts her back in; quiet hours that are closed in New York right now say when they open.
  const nyHour = Number(new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "2-digit", hourCycle: "h23" }).format(new Date()));
  const at = (h) => `${String(h % 24).padStart(2, "0")}:00`;
  await api(page, "PUT", "/api/settings", { quiet_hours: { start: at(nyHour + 2), end: at(nyHour + 3) } });
  await inbound("START");
  await consent.getByText("Opted in", { exact: true }).waitFor({ timeout: 10_000 });
  await page.reload();
  await composer.getByText(/for Stella Stop \(America\/New_York, the time zone of their phone number\); texts go out between/).waitFor();
  await composer.getByText(/Texting opens again at .* your time\./).waitFor();
  assert.equal(await composer.getByLabel("Message").isDisabled(), true);
  await screenshot(t, page, "contact-quiet-hours-1280");
}

export async function blockedNumbersCreateNothingAndAttestationShowsOnCalls(t) {
  const { page } = await newOrganization(t);
  const { key } = await api(page, "POST", "/api/api-keys", { name: "pipeline" });
  const pipeline = async (path, body) => {
    const res = await fetch(`${t.baseURL}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  await navigateTo(page, "Settings");
  const section = page.locator("section#blocked-numbers");
  await section.getByText("No number is blocked.").waitFor();
  const form = page.getByRole("form", { name: "Block a number" });
  await form.getByLabel("Phone number").fill("(415) 555-0199");
  await form.getByLabel("Reason (optional)").fill("Repeated spam calls");
  await form.getByRole("button", { name: "Block" }).click();
  const list = page.getByRole("list", { name: "Blocked numbers" });
  await list.getByText("+14155550199").waitFor();
  await list.getByText(/Repeated spam calls · blocked .* by Dana Whitfield/).waitFor();
  await form.getByLabel("Phone number").fill("415 555 0199");
  await form.getByRole("button", { name: "Block" }).click();
  await form.getByText("This number is already blocked.").waitFor();
  await elementScreenshot(section, "settings-blocked-numbers-1280");

  const blocked = await pipeline("/api/calls", { caller_phone: "+14155550199" });
  assert.deepEqual([blocked.status, blocked.body.contact_id, blocked.body.blocked], [201, null, true]);
  const caller = await pipeline("/api/calls", { caller_phone: "+14155550111", attestation: "A" });
  assert.equal(caller.body.contact_created, true);
  await page.goto(`/contacts/${caller.body.contact_id}`);
  await page.getByText("Caller ID verified (A)").waitFor();

  // Unblocking asks first.
  await navigateTo(page, "Settings");
  await list.getByRole("button", { name: "Unblock +14155550199" }).click();
  await page.getByRole("dialog", { name: "Unblock +14155550199?" }).getByRole("button", { name: "Unblock" }).click();
  await section.getByText("No number is blocked.").waitFor();
}

export async function aCallerWhoSaysStopCallingMeIsOptedOutFromTheTranscript(t) {
  const { page } = await newOrganization(t, { width: 375 });
  const contact = await api(page, "POST", "/api/contacts", { first_name: "Omar", last_name: "Quiet", phones: [{ phone_number: "+16465550611" }] });
  const { key } = await api(page, "POST", "/api/api-keys", { name: "pipeline" });
  const pipeline = async (method, path, body) => {
    const res = await fetch(`${t.baseURL}${path}`, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path} ${res.status}: ${text}`);
    return JSON.parse(text);
  };
  // A known caller's call: its transcript goes through the queue to the (fake) model, which reads the request.
  const recorded = await pipeline("POST", "/api/calls", { caller_phone: "+16465550611" });
  await pipeline("PUT", `/api/calls/${recorded.call_id}/transcription`, {
    transcription: "Agent: Hi, this is Northwind Dental about your cleaning.\nUser: Please stop calling me, I have a new dentist.\nAgent: Understood, sorry to bother you.",
  });
  await page.goto(`/contacts/${contact.id}`);
  const consent = page.getByRole("region", { name: "Consent" });
  // The queue batches for up to 5 s and a loaded 2-core CI machine is slow: give the model a minute.
  const deadline = Date.now() + 60_000;
  for (;;) {
    await consent.getByText(/^(Not recorded|Opted out)$/).first().waitFor();
    // The opt-out and the call's "checked" are one transaction, but the page reads consent and
    // calls separately: a reload between the two reads can show one without the other (and a
    // change made before the live socket opens is not pushed). Reload until both show.
    const checked = page.getByText("checked: asked not to be contacted: opted out of calls and texts");
    const shown = (await consent.getByText("Opted out", { exact: true }).count()) > 0 && (await checked.waitFor({ timeout: 3_000 }).then(() => true, () => false));
    if (shown) break;
    assert.ok(Date.now() < deadline, "the spoken opt-out never showed on the contact");
    await page.waitForTimeout(1_000);
    await page.reload();
  }
  await consent.getByRole("button", { name: /^History/ }).click();
  await consent.getByText("Opted out (calls): said on a call: “Please stop calling me, I have a new dentist.”").waitFor();
  await page.getByText("checked: asked not to be contacted: opted out of calls and texts").waitFor();
  await consent.scrollIntoViewIfNeeded();
  await elementScreenshot(consent, "contact-consent-spoken-375");
  await t.screenshot(page, "contact-consent-spoken-page-375");
}
