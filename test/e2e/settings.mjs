// Settings: tags, API keys, phone lines, the default phone region and backups, as an admin manages them.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { api, createTagInSettings, elementScreenshot, expectAlert, focused, navigateTo, newOrganization, screenshot, until, visibleText } from "./lib/flows.mjs";

export async function tagsAreCreatedRenamedRecoloredAndDeleted(t) {
  const { page } = await newOrganization(t, { width: 375 });
  await navigateTo(page, "Settings");
  await createTagInSettings(page, "Follow up", "Red");
  await createTagInSettings(page, "VIP", "Amber");
  const tags = page.getByRole("list", { name: "Tags" });

  await tags.getByRole("button", { name: "Edit tag Follow up" }).click();
  const edit = page.getByRole("form", { name: "Edit tag Follow up" });
  assert.equal(await focused(page), "Tag name");
  await edit.getByLabel("Tag name").fill("Call back");
  await edit.getByRole("radio", { name: "Purple" }).check();
  await edit.getByRole("button", { name: "Save" }).click();
  await page.getByText('Tag "Call back" saved.').waitFor();
  await tags.getByText("Call back", { exact: true }).waitFor();
  const dot = tags.locator("li", { hasText: "Call back" }).locator("span[aria-hidden=true]").first();
  assert.equal(await dot.evaluate((el) => getComputedStyle(el).backgroundColor), "rgb(168, 85, 247)");

  // A duplicate name is refused in words.
  await page.getByRole("form", { name: "New tag" }).getByLabel("Tag name").fill("vip");
  await page.getByRole("button", { name: "Add tag" }).click();
  await page.getByRole("form", { name: "New tag" }).getByRole("alert").getByText('A tag named "vip" already exists.').waitFor();

  await tags.getByRole("button", { name: "Delete tag VIP" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete the tag “VIP”?" });
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await confirm.waitFor({ state: "hidden" });
  await tags.getByRole("button", { name: "Delete tag VIP" }).click();
  await confirm.getByRole("button", { name: "Delete tag" }).click();
  await confirm.waitFor({ state: "hidden" });
  await tags.getByText("VIP", { exact: true }).waitFor({ state: "detached" });

  // The list's tag filter offers what Settings made.
  await navigateTo(page, "Contacts");
  await page.getByRole("button", { name: "Filter by tags" }).click();
  await page.getByRole("checkbox", { name: "Call back" }).waitFor();
  assert.equal(await page.getByRole("checkbox", { name: "VIP" }).count(), 0);
}

export async function apiKeysAreShownOnceUsedAndRevoked(t) {
  const { page } = await newOrganization(t);
  await navigateTo(page, "Settings");
  await page.getByLabel("Key name").fill("Carrier webhook");
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByText("This is the only time it is shown.").waitFor();
  const secret = await page.getByLabel("API key secret").inputValue();
  assert.match(secret, /^ck_/);
  const keys = page.getByRole("list", { name: "API keys" });
  await keys.getByText("never used").waitFor();
  await keys.getByText(`${secret.slice(0, 10)}…`).waitFor();

  // The pipeline uses the key; the list then says when.
  const res = await page.request.post("/api/calls", {
    headers: { authorization: `Bearer ${secret}` },
    data: { caller_phone: "(415) 555-0101" },
  });
  assert.equal(res.status(), 201, await res.text());
  await page.getByRole("button", { name: "I have saved it" }).click();
  await page.getByLabel("API key secret").waitFor({ state: "detached" });
  await page.reload();
  await keys.getByText(/last used/).waitFor();
  assert.equal(await page.getByLabel("API key secret").count(), 0, "the secret is never shown again");

  await keys.getByRole("button", { name: "Revoke API key Carrier webhook" }).click();
  await page.getByRole("dialog", { name: "Revoke “Carrier webhook”?" }).getByRole("button", { name: "Revoke key" }).click();
  await page.getByText("No API keys yet.").waitFor();
  const refused = await page.request.post("/api/contacts/resolve", { headers: { authorization: `Bearer ${secret}` }, data: { phone: "(415) 555-0101" } });
  assert.equal(refused.status(), 401);

  // The caller the pipeline reported is a stub contact in the list.
  await navigateTo(page, "Contacts");
  await visibleText(page, "Unknown caller").waitFor();
  await visibleText(page, "(415) 555-0101").waitFor();
}

export async function defaultRegionChangesHowNumbersAreRead(t) {
  const { page } = await newOrganization(t);
  await navigateTo(page, "Settings");
  const region = page.getByLabel("Region", { exact: true });
  assert.equal(await region.inputValue(), "US");
  await region.selectOption("GB");
  await page.getByRole("button", { name: "Save region" }).click();
  await page.getByText("Default phone region saved.").waitFor();
  await page.reload();
  assert.equal(await page.getByLabel("Region", { exact: true }).inputValue(), "GB");

  await navigateTo(page, "Contacts");
  await page.getByRole("button", { name: "New contact" }).click();
  const dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("First name").fill("Harriet");
  await dialog.getByLabel("Phone").fill("020 7946 0958");
  await dialog.getByRole("button", { name: "Create contact" }).click();
  await dialog.waitFor({ state: "hidden" });
  await visibleText(page, "020 7946 0958").waitFor();
}

export async function phoneLinesAreAddedCheckedAndRemoved(t) {
  const { page } = await newOrganization(t, { width: 375 });
  await navigateTo(page, "Settings");
  const empty = page.getByText("No phone lines yet: add the number your organization calls and texts from.");
  await empty.waitFor();

  const form = page.getByRole("form", { name: "New phone line" });
  await form.getByLabel("Line name").fill("Front desk");
  await form.getByLabel("Phone number").fill("4155550100");
  await form.getByRole("button", { name: "Add line" }).click();
  await page.getByText('Phone line "Front desk" added.').waitFor();
  const lines = page.getByRole("list", { name: "Phone lines" });
  await lines.getByText("Front desk", { exact: true }).waitFor();
  await lines.getByText("(415) 555-0100", { exact: true }).waitFor();
  assert.equal(await form.getByLabel("Line name").inputValue(), "", "the form is cleared for the next line");

  // An impossible number is refused under its field, in words, and nothing is added.
  await form.getByLabel("Line name").fill("Typo");
  await form.getByLabel("Phone number").fill("12");
  await form.getByRole("button", { name: "Add line" }).click();
  const phone = form.getByLabel("Phone number");
  await form.getByText(/^This is not a possible phone number/).waitFor();
  assert.equal(await phone.getAttribute("aria-invalid"), "true");
  assert.equal(await focused(page), "Phone number");
  assert.equal(await lines.locator("li").count(), 1);

  await screenshot(t, page, "settings-phone-lines-375");
  await page.setViewportSize({ width: 1280, height: 800 });
  await screenshot(t, page, "settings-phone-lines-1280");

  await lines.getByRole("button", { name: "Remove phone line Front desk" }).click();
  const confirm = page.getByRole("dialog", { name: "Remove the line “Front desk”?" });
  await confirm.getByText("Texts are no longer sent from (415) 555-0100.", { exact: false }).waitFor();
  await confirm.getByRole("button", { name: "Remove line" }).click();
  await confirm.waitFor({ state: "hidden" });
  await page.getByText('Phone line "Front desk" removed.').waitFor();
  await empty.waitFor();
}

export async function backupIsDownloadedAndRestoredIntoANewOrganization(t) {
  const { page } = await newOrganization(t, { organization: "Old Practice" });
  await api(page, "POST", "/api/contacts", { first_name: "Moved", last_name: "Along", phones: [{ phone_number: "(415) 555-0199" }] });
  await navigateTo(page, "Settings");
  const section = page.getByRole("region", { name: "Backup" });
  const [download] = await Promise.all([page.waitForEvent("download"), section.getByRole("link", { name: "Download backup" }).click()]);
  assert.match(download.suggestedFilename(), /\.ndjson$/);
  const file = join(mkdtempSync(join(tmpdir(), "backup-")), download.suggestedFilename());
  await download.saveAs(file);
  const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines[0].type, "header");
  assert.equal(lines.at(-1).type, "end");
  assert.equal(lines.filter((l) => l.type === "contact").length, 1);

  // Another person's new, empty organization takes the backup in.
  const other = await newOrganization(t, { width: 375, organization: "New Practice" });
  await navigateTo(other.page, "Settings");
  const restore = other.page.getByRole("region", { name: "Backup" });
  await restore.getByLabel("Backup file").setInputFiles(file);
  await restore.getByRole("button", { name: "Restore" }).click();
  await restore.getByRole("status").getByText("Restored 1 contact, 0 calls").waitFor();
  await elementScreenshot(restore, "settings-backup-375");
  await navigateTo(other.page, "Contacts");
  await visibleText(other.page, "Moved Along").waitFor();

  // An organization with data refuses, in words, and keeps what it has.
  await navigateTo(other.page, "Settings");
  await restore.getByLabel("Backup file").setInputFiles(file);
  await restore.getByRole("button", { name: "Restore" }).click();
  await expectAlert(other.page, "A backup can only be restored into an organization without data");
  await elementScreenshot(restore, "settings-backup-refused-375");
  await elementScreenshot(section, "settings-backup-1280");
}

export async function voiceAgentsAreConnectedShowTheirLastEventAndDisconnect(t) {
  const { sign } = await import("retell-sdk/lib/webhook_auth");
  const { page } = await newOrganization(t);
  await navigateTo(page, "Settings");
  const section = page.locator("section#voice-agents");
  await section.getByText("No voice agent connected yet").waitFor();

  // Vapi's secret is checked by the server: the problem is shown under its field.
  const form = page.getByRole("form", { name: "Connect a voice agent" });
  await form.getByLabel("Platform").selectOption("vapi");
  await form.getByLabel("Server URL secret").fill("short");
  await form.getByLabel("Assistant ID").fill("asst_front_desk");
  await form.getByRole("button", { name: "Connect Vapi" }).click();
  await form.getByText("Looks too short to be a real key").waitFor();

  // Retell: connected, then its webhook URL is shown to paste into Retell.
  const retellKey = "key_e2e_retell_0123456789";
  await form.getByLabel("Platform").selectOption("retell");
  await form.getByLabel("Name (optional)").fill("Front desk agent");
  await form.getByLabel("Retell API key").fill(retellKey);
  await form.getByRole("button", { name: "Connect Retell AI" }).click();
  await section.getByText("Now paste this URL into Retell AI").waitFor();
  const url = await section.getByRole("status").getByRole("textbox", { name: "Webhook URL of Front desk agent" }).inputValue();
  assert.match(url, /\/api\/integrations\/retell\/[0-9a-f-]{36}$/);
  await elementScreenshot(section, "settings-voice-agents-connected-1280");
  await section.getByRole("button", { name: "Done" }).click();
  const list = page.getByRole("list", { name: "Voice agents" });
  await list.getByText(/No events yet/).waitFor();

  // Retell rings (signed as Retell signs): the row shows the event after a reload.
  const raw = JSON.stringify({ event: "call_inbound", event_timestamp: Date.now(), call_inbound: { agent_id: "agent_e2e", from_number: "+14155550188", to_number: "+12125550100" } });
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-retell-signature": await sign(raw, retellKey) }, body: raw });
  assert.equal(res.status, 200, await res.text());
  await page.reload();
  await list.getByText(/Last event .*: call inbound/).waitFor();
  await screenshot(t, page, "settings-voice-agents-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await section.scrollIntoViewIfNeeded();
  await t.screenshot(page, "settings-voice-agents-375");
  await elementScreenshot(section, "settings-voice-agents-section-375");

  // Disconnecting asks first; then the URL is refused.
  await list.getByRole("button", { name: "Disconnect Front desk agent" }).click();
  const confirm = page.getByRole("dialog", { name: "Disconnect “Front desk agent”?" });
  await confirm.getByRole("button", { name: "Disconnect" }).click();
  await section.getByText("No voice agent connected yet").waitFor();
  const after = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-retell-signature": await sign(raw, retellKey) }, body: raw });
  assert.equal(after.status, 404);
}

export async function twilioIsConnectedReceivesSignedTextsAndShowsDeliveryReceipts(t) {
  // Twilio's own package signs the requests: our check must agree with it.
  const { getExpectedTwilioSignature, validateRequest } = await import("twilio/lib/webhooks/webhooks.js");
  const { page } = await newOrganization(t);
  await api(page, "POST", "/api/phone-lines", { name: "Front desk", phone_number: "+12125550100" });
  await api(page, "PUT", "/api/settings", { quiet_hours: { start: "00:00", end: "00:00" } });
  await navigateTo(page, "Settings");
  const section = page.locator("section#twilio");
  await section.getByText("No Twilio account connected").waitFor();

  const form = page.getByRole("form", { name: "Connect Twilio" });
  const authToken = `e2e_${randomBytes(16).toString("hex")}`;
  await form.getByLabel("Account SID").fill("SK0123");
  await form.getByLabel("Auth Token").fill(authToken);
  await form.getByRole("button", { name: "Connect Twilio" }).click();
  await form.getByText(/is a Twilio Account SID/i).waitFor();
  const sid = `AC${randomBytes(16).toString("hex")}`;
  await form.getByLabel("Account SID").fill(sid);
  await form.getByLabel(/Answer STOP, START and HELP/).check();
  await form.getByRole("button", { name: "Connect Twilio" }).click();
  const account = page.getByRole("list", { name: "Twilio account" });
  await account.getByText(sid).waitFor();
  await form.waitFor({ state: "detached" }); // one account per organization
  const smsUrl = await account.getByRole("textbox", { name: "Incoming messages URL" }).inputValue();
  const statusUrl = await account.getByRole("textbox", { name: "Status callback URL" }).inputValue();
  assert.match(smsUrl, /\/api\/integrations\/twilio\/[0-9a-f-]{36}\/sms$/);

  const post = (url, params, token = authToken) => {
    const signature = getExpectedTwilioSignature(token, url, params);
    assert.equal(validateRequest(token, signature, url, params), true);
    return fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature }, body: new URLSearchParams(params) });
  };
  const text = { AccountSid: sid, From: "+14155550177", To: "+12125550100", NumMedia: "0", ApiVersion: "2010-04-01" };
  assert.equal((await post(smsUrl, { ...text, MessageSid: `SM${randomBytes(16).toString("hex")}`, Body: "Hi" }, "not-the-token")).status, 403);
  const help = await post(smsUrl, { ...text, MessageSid: `SM${randomBytes(16).toString("hex")}`, Body: "HELP" });
  assert.equal(help.status, 200);
  assert.match(await help.text(), /<Response><Message>Northwind Dental: reply STOP to unsubscribe\. Msg &#38; data rates may apply\.<\/Message><\/Response>/);
  await page.reload();
  await account.getByText(/Last event .*: message received/).waitFor();
  await screenshot(t, page, "settings-twilio-1280");
  await elementScreenshot(section, "settings-twilio-section-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await section.scrollIntoViewIfNeeded();
  await t.screenshot(page, "settings-twilio-375");
  await elementScreenshot(section, "settings-twilio-section-375");

  // A text sent from here goes through this account; its delivery receipt shows on it.
  const contact = await api(page, "POST", "/api/contacts", { first_name: "Rosa", last_name: "Diaz", phones: [{ phone_number: "+14155550178" }] });
  const queued = await api(page, "POST", `/api/contacts/${contact.id}/messages`, { body: "Your crown is ready." });
  const sent = await until("the text to be sent", async () => {
    const [message] = await api(page, "GET", `/api/contacts/${contact.id}/messages`);
    return message.status === "sent" && message;
  });
  const requests = await (await fetch(`${t.fakes.twilio}/__requests/${sid}`)).json();
  assert.equal(requests.filter((r) => r.Body === "Your crown is ready.").length, 1, "sent once, through the organization's own account");
  const receipt = await post(`${statusUrl}?message_id=${queued.id}`, { AccountSid: sid, MessageSid: sent.provider_message_id, MessageStatus: "undelivered", ErrorCode: "30003" });
  assert.equal(receipt.status, 204);
  await page.goto(`/contacts/${contact.id}`);
  await page.getByRole("heading", { level: 1, name: "Rosa Diaz" }).waitFor();
  await page.getByText("Not delivered: Twilio 30003: the handset is unreachable (off or out of coverage)").waitFor();
  await t.screenshot(page, "messages-undelivered-375");

  // Disconnecting asks first; then Twilio's requests are refused.
  await navigateTo(page, "Settings");
  await account.getByRole("button", { name: `Disconnect Twilio account ${sid}` }).click();
  await page.getByRole("dialog", { name: "Disconnect Twilio?" }).getByRole("button", { name: "Disconnect" }).click();
  await section.getByText("No Twilio account connected").waitFor();
  assert.equal((await post(smsUrl, { ...text, MessageSid: `SM${randomBytes(16).toString("hex")}`, Body: "Hello?" })).status, 404);
}

export async function webhookEndpointsReceiveSignedEventsAndShowTheirDeliveries(t) {
  const { Webhook } = await import("standardwebhooks");
  const { page } = await newOrganization(t);
  await navigateTo(page, "Settings");
  const section = page.locator("section#webhooks");
  await section.getByText("No endpoints yet").waitFor();

  // A non-public URL is refused under its field; a local receiver is allowed (WEBHOOK_ALLOW_LOOPBACK in tests).
  const form = page.getByRole("form", { name: "Add a webhook endpoint" });
  await form.getByLabel("Endpoint URL").fill("https://10.0.0.8/hooks");
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await form.getByText(/private or reserved address/i).waitFor();
  const name = `e2e-${Date.now().toString(36)}`;
  await form.getByLabel("Endpoint URL").fill(`${t.fakes.receiver}/hooks/${name}`);
  await form.getByLabel("Description (optional)").fill("CRM sync");
  await form.getByLabel("note.created").check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await section.getByText("Copy the signing secret now").waitFor();
  const secret = await section.getByRole("textbox", { name: "Signing secret" }).inputValue();
  assert.match(secret, /^whsec_/);
  await elementScreenshot(section, "settings-webhooks-secret-1280");
  await section.getByRole("button", { name: "I have saved it" }).click();

  // A change in the app arrives at the receiver, signed with that secret.
  await api(page, "POST", "/api/contacts", { first_name: "Hook", last_name: "Receiver" });
  const received = async () => (await (await fetch(`${t.fakes.receiver}/__received/${name}`)).json());
  let got = [];
  for (let i = 0; i < 100 && got.length === 0; i++) {
    got = await received();
    if (got.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(got.length, 1, "one delivery within 10 s");
  const event = new Webhook(secret).verify(got[0].body, got[0].headers);
  assert.equal(event.type, "contact.created");
  assert.equal(event.data.first_name, "Hook");

  // The delivery log shows it; a test event joins it.
  const endpoints = page.getByRole("list", { name: "Webhook endpoints" });
  await endpoints.getByRole("button", { name: "Deliveries" }).click();
  const log = endpoints.getByRole("region", { name: "Deliveries" });
  await log.getByText("contact.created").waitFor();
  await log.getByText("Delivered").waitFor();
  await endpoints.getByRole("button", { name: "Send test event" }).click();
  await page.getByText("Test event queued").waitFor();
  for (let i = 0; i < 50 && (await received()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  await log.getByRole("button", { name: "Refresh" }).click();
  await log.getByText("webhook.test").waitFor();
  await screenshot(t, page, "settings-webhooks-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await section.scrollIntoViewIfNeeded();
  await elementScreenshot(section, "settings-webhooks-375");

  // Disabling is one click; removing asks first.
  await endpoints.getByRole("button", { name: "Disable" }).click();
  await endpoints.getByText("Disabled").waitFor();
  await endpoints.getByRole("button", { name: /Remove endpoint/ }).click();
  await page.getByRole("dialog", { name: "Remove this endpoint?" }).getByRole("button", { name: "Remove endpoint" }).click();
  await section.getByText("No endpoints yet").waitFor();
}
