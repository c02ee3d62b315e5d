// The communication feed on the contact page: calls and texts in one timeline, filters, reply
// suggestions, sending through the queue to the fake Twilio, do-not-contact, MMS lightbox,
// Contact Memory; screenshots at phone and desktop widths.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { newUser, until } from "./lib/flows.mjs";

const SCREENSHOTS = join(import.meta.dirname, "../../test-results/screenshots");
const LINE = "+12125550100";

const minutesAgo = (m) => new Date(Date.now() - m * 60_000).toISOString();

/**
 * An admin with an organization, a phone line and an API key for the pipeline, all through the
 * HTTP API; the page's browser context keeps the session for the pages the test then opens.
 */
async function setUp(t, { width = 1280, height = 800 } = {}) {
  const page = await t.newPage({ width, height });
  const api = async (method, path, body, headers = {}) => {
    const res = await page.request.fetch(`${t.baseURL}${path}`, {
      method,
      headers: { origin: t.baseURL, ...(body ? { "content-type": "application/json" } : {}), ...headers },
      data: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status(), body: text ? JSON.parse(text) : null };
  };
  const ok = async (method, path, body, headers) => {
    const res = await api(method, path, body, headers);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await ok("POST", "/api/auth/sign-up/email", newUser("Alex Rivera"));
  const org = await ok("POST", "/api/auth/organization/create", { name: "Brightline Dental", slug: `messages-${randomBytes(5).toString("hex")}` });
  await ok("POST", "/api/auth/organization/set-active", { organizationId: org.id });
  await ok("POST", "/api/phone-lines", { name: "Front desk", phone_number: LINE });
  // No quiet hours: these tests send texts whatever the hour they run at (test/e2e/consent.mjs covers them).
  await ok("PUT", "/api/settings", { quiet_hours: { start: "00:00", end: "00:00" } });
  const key = (await ok("POST", "/api/api-keys", { name: "pipeline" })).key;
  const pipeline = (method, path, body) => ok(method, path, body, { authorization: `Bearer ${key}` });
  /** An inbound SMS/MMS as the carrier's webhook would post it. */
  const inbound = (from, body, { at, media = [] } = {}) =>
    pipeline("POST", "/api/messages", { from, to: LINE, body, media_urls: media, ...(at && { received_at: at }) });
  return { page, api, ok, pipeline, inbound };
}

const feed = (page) => page.getByRole("region", { name: "Calls and messages" });
const panel = (page) => page.getByRole("region", { name: "Notes, todos and activity" });
const filters = (page) => feed(page).getByRole("group", { name: "Filter conversations" });

/** Is the element fully inside the viewport (or the feed column, which scrolls on its own)? */
const onScreen = (locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight;
  });

export async function textAContactFromSuggestedRepliesAndSeeItSent(t) {
  const { page, ok, pipeline, inbound } = await setUp(t);
  const contact = await ok("POST", "/api/contacts", { first_name: "Maya", last_name: "Okafor", phones: [{ phone_number: "(415) 555-0132", label: "Mobile" }] });
  await inbound("+14155550132", "Is parking available at the clinic?", { at: minutesAgo(26 * 60) });
  const call = await pipeline("POST", "/api/calls", { caller_phone: "+1 415 555 0132", started_at: minutesAgo(25 * 60) });
  await inbound("+14155550132", "Hi! Can I move my cleaning to Thursday afternoon?", { at: minutesAgo(60) });
  // A transcription refreshes the contact's memory from the call and the texts (the fake model answers).
  await pipeline("PUT", `/api/calls/${call.call_id}/transcription`, {
    transcription: "Agent: Brightline Dental.\nCaller: Hi, this is Maya Okafor, I texted about parking.",
    duration_seconds: 75,
  });
  const memory = await until("the contact memory", async () => (await ok("GET", `/api/contacts/${contact.id}/memory`)) ?? null);

  await page.goto(`/contacts/${contact.id}`);
  await page.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  const question = feed(page).getByRole("button", { name: /Can I move my cleaning to Thursday afternoon\?/ });
  await question.waitFor();
  await feed(page).getByRole("heading", { name: "Inbound call" }).waitFor();
  // Date dividers: the texts of an hour ago and of yesterday fall on different days.
  const dividers = feed(page).getByRole("list", { name: "Calls and messages, oldest first" }).getByRole("heading", { level: 3 });
  assert.ok((await dividers.count()) >= 2, "entries are grouped by day");
  assert.equal(await dividers.last().innerText(), new Date().getHours() >= 1 ? "Today" : "Yesterday");
  // Oldest first, the newest entry at the bottom and scrolled into view.
  const texts = await feed(page).locator("[data-entry]").allInnerTexts();
  assert.match(texts[0], /parking/);
  assert.match(texts[1], /Inbound call/);
  assert.match(texts.at(-1), /Thursday afternoon/);
  await page.waitForFunction(() => {
    const box = document.querySelector("section[aria-label='Calls and messages']");
    return box && box.scrollHeight - box.scrollTop - box.clientHeight < 2;
  });
  assert.ok(await onScreen(question), "the latest message is in view");

  // Contact Memory in the Notes tab: what, when, from how many calls and messages.
  const memorySection = panel(page).getByRole("region", { name: "Contact Memory" });
  await memorySection.getByText("Prefers text messages").waitFor();
  await memorySection.getByText(`from ${memory.sources.length} calls/messages`).waitFor();
  await memorySection.getByText(/Updated (just now|\d+ (second|minute)s? ago)/).waitFor();

  // Filters are asked of the server.
  await filters(page).getByRole("button", { name: "Messages", exact: true }).click();
  await feed(page).getByRole("heading", { name: "Inbound call" }).waitFor({ state: "detached" });
  await question.waitFor();
  assert.equal(await filters(page).getByRole("button", { name: "Messages", exact: true }).getAttribute("aria-pressed"), "true");
  await filters(page).getByRole("button", { name: "Calls", exact: true }).click();
  await question.waitFor({ state: "detached" });
  await feed(page).getByRole("heading", { name: "Inbound call" }).waitFor();
  await filters(page).getByRole("button", { name: "All", exact: true }).click();
  await question.waitFor();
  await feed(page).getByRole("heading", { name: "Inbound call" }).waitFor();
  await t.screenshot(page, "messages-feed-1280");

  // An inbound message offers reply suggestions; one goes to the compose bar to be edited.
  await question.click();
  assert.equal(await question.getAttribute("aria-expanded"), "true");
  const suggestions = feed(page).getByRole("region", { name: "Suggested replies" });
  const reply = suggestions.getByRole("button", { name: "Happy to help. What time works best for you?" });
  await reply.waitFor();
  assert.equal(await suggestions.getByRole("list", { name: "Suggestions" }).getByRole("button").count(), 3);
  await t.screenshot(page, "messages-suggestions-1280");
  await reply.click();
  await suggestions.waitFor({ state: "detached" });
  const composer = feed(page).getByRole("textbox", { name: "Message" });
  assert.equal(await composer.inputValue(), "Happy to help. What time works best for you?");
  assert.ok(await composer.evaluate((el) => el === document.activeElement), "the compose bar has focus");

  // Shift+Enter is a new line, Enter sends.
  const token = randomBytes(3).toString("hex");
  await page.keyboard.press("End");
  await page.keyboard.press("Shift+Enter");
  assert.match(await composer.inputValue(), /\n$/);
  await page.keyboard.press("Backspace");
  await page.keyboard.type(` Thursday at 3 pm is open (ref ${token}).`);
  const body = `Happy to help. What time works best for you? Thursday at 3 pm is open (ref ${token}).`;
  assert.equal(await composer.inputValue(), body);
  await feed(page).getByText(`${body.length} / 1600`).waitFor();
  await page.keyboard.press("Enter");

  // At once: the message, queued; then the status Twilio's answer gives it.
  const sentEntry = feed(page).locator("[data-entry]").filter({ hasText: `(ref ${token})` });
  await sentEntry.getByText("Queued", { exact: true }).waitFor({ timeout: 1_500 });
  assert.equal(await composer.inputValue(), "");
  await feed(page).getByText("0 / 1600").waitFor();
  await sentEntry.getByText("Sent", { exact: true }).waitFor({ timeout: 30_000 });
  assert.ok(await onScreen(sentEntry), "the sent message is in view");
  await sentEntry.getByText("Text sent by Alex Rivera").waitFor();

  const requests = await (await fetch(`${t.fakes.twilio}/__requests/${t.fakes.twilioSid}`)).json();
  const ours = requests.filter((r) => r.Body === body);
  assert.equal(ours.length, 1, "Twilio got the message exactly once");
  assert.equal(ours[0].To, "+14155550132");
  assert.equal(ours[0].From, LINE);
  await t.screenshot(page, "messages-sent-1280");
}

export async function doNotContactAndNoPhoneExplainWhyTextsAreOff(t) {
  const { page, ok, api } = await setUp(t, { width: 375 });
  const dnc = await ok("POST", "/api/contacts", { first_name: "Jonah", last_name: "Park", status: "do_not_contact", phones: [{ phone_number: "(212) 555-0199" }] });
  await page.goto(`/contacts/${dnc.id}`);
  await page.getByRole("heading", { level: 1, name: "Jonah Park" }).waitFor();
  const composer = feed(page).getByRole("textbox", { name: "Message" });
  await feed(page).getByText("This contact is marked Do not contact: messages are not sent.").waitFor();
  assert.equal(await composer.isDisabled(), true);
  assert.equal(await feed(page).getByRole("button", { name: "Send" }).isDisabled(), true);
  await feed(page).getByText("No calls or messages yet").waitFor();
  await feed(page).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, "messages-dnc-375.png") });

  // Made active here, the bar opens; made do-not-contact elsewhere meanwhile, the server's 409 is
  // said in words and the text is kept.
  await page.getByRole("region", { name: "Contact details" }).getByLabel("Status").selectOption("active");
  await until("the status to be saved", async () => (await ok("GET", `/api/contacts/${dnc.id}`)).status === "active");
  // The page shows the saved status a moment after the server has it.
  await until("the compose bar to open", async () => !(await composer.isDisabled()));
  await api("PUT", `/api/contacts/${dnc.id}`, { status: "do_not_contact" });
  await composer.fill("Are you still interested?");
  await feed(page).getByRole("button", { name: "Send" }).click();
  const alert = feed(page).getByRole("alert").filter({ hasText: "Do not contact" });
  await alert.waitFor();
  assert.match(await alert.innerText(), /^Not sent\. Jonah Park is marked Do not contact: no texts\.$/);
  assert.equal(await composer.inputValue(), "Are you still interested?");
  assert.equal(await feed(page).locator("[data-entry]").count(), 0, "the refused message is gone from the feed");

  // A contact who opts out after a text was queued is not texted: the consumer says why.
  const optedOut = await ok("POST", "/api/contacts", { first_name: "Priya", last_name: "Shah", phones: [{ phone_number: "(646) 555-0177" }] });
  await ok("POST", `/api/contacts/${optedOut.id}/messages`, { body: "Your whitening quote is ready." });
  await ok("PUT", `/api/contacts/${optedOut.id}`, { status: "do_not_contact" });
  await page.goto(`/contacts/${optedOut.id}`);
  const quote = feed(page).locator("[data-entry]").filter({ hasText: "Your whitening quote is ready." });
  await quote.getByText("Not sent: Priya Shah is marked Do not contact: no texts.", { exact: true }).waitFor({ timeout: 30_000 });
  await feed(page).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, "messages-not-sent-375.png") });

  // Without a phone number: said so, with a way to add one.
  const noPhone = await ok("POST", "/api/contacts", { first_name: "Rosa", last_name: "Díaz", emails: [{ email: "rosa@example.com" }] });
  await page.goto(`/contacts/${noPhone.id}`);
  await page.getByRole("heading", { level: 1, name: "Rosa Díaz" }).waitFor();
  await feed(page).getByText("No phone number: add one to text Rosa Díaz.").waitFor();
  assert.equal(await feed(page).getByRole("textbox", { name: "Message" }).count(), 0);
  await feed(page).getByRole("button", { name: "Add phone number" }).click();
  const number = page.getByRole("region", { name: "Contact details" }).getByRole("textbox", { name: "Phone number", exact: true });
  await page.waitForFunction(() => document.activeElement?.getAttribute("type") === "tel");
  await number.fill("(646) 555-0123");
  await page.keyboard.press("Enter");
  await feed(page).getByRole("textbox", { name: "Message" }).waitFor();
  await feed(page).getByText("To (646) 555-0123 from Front desk").waitFor();
}

export async function mmsLightboxAndSuggestionStatesAtPhoneWidth(t) {
  const { page, ok, inbound } = await setUp(t, { width: 375, height: 760 });
  const contact = await ok("POST", "/api/contacts", { first_name: "Maya", last_name: "Okafor", phones: [{ phone_number: "(415) 555-0132" }] });
  await inbound("+14155550132", "Front and back of my new insurance card", { at: minutesAgo(30), media: [`${t.baseURL}/demo-media/photo-3.svg`, `${t.baseURL}/demo-media/photo-1.svg`] });
  await ok("POST", `/api/contacts/${contact.id}/messages`, { body: "Thank you, we've updated your file." });
  await inbound("+14155550132", "Great, see you Friday", { at: new Date().toISOString() });

  await page.goto(`/contacts/${contact.id}`);
  await page.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  const thumbnail = feed(page).getByRole("button", { name: "Open image 1 of 2 from Maya Okafor" });
  await thumbnail.waitFor();
  await feed(page).locator("[data-entry]").filter({ hasText: "updated your file" }).getByText("Sent", { exact: true }).waitFor({ timeout: 30_000 });
  assert.ok(await thumbnail.locator("img").evaluate((img) => img.complete && img.naturalWidth > 0), "the thumbnail loads");
  await feed(page).scrollIntoViewIfNeeded();
  await feed(page).screenshot({ path: join(SCREENSHOTS, "messages-feed-375.png") });

  // The lightbox: a dialog, arrows step through the images, Escape closes, focus goes back.
  await thumbnail.click();
  const dialog = page.getByRole("dialog", { name: /Image 1 of 2/ });
  await dialog.waitFor();
  assert.ok(await dialog.getByRole("button", { name: "Close image" }).evaluate((el) => el === document.activeElement));
  await page.keyboard.press("ArrowRight");
  await page.getByRole("dialog", { name: /Image 2 of 2/ }).waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, "messages-lightbox-375.png") });
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.ok(await thumbnail.evaluate((el) => el === document.activeElement), "focus is back on the thumbnail");

  // Suggestions when AI is off, when the server fails, then real ones; Escape closes the panel.
  const latest = feed(page).getByRole("button", { name: /^Great, see you Friday/ });
  const suggestions = feed(page).getByRole("region", { name: "Suggested replies" });
  await page.route("**/api/messages/*/suggestions", (route) => route.fulfill({ json: { configured: false, suggestions: [] } }));
  await latest.click();
  await suggestions.getByText("AI suggestions are off", { exact: true }).waitFor();
  await latest.click();
  await suggestions.waitFor({ state: "detached" });
  await page.unroute("**/api/messages/*/suggestions");
  await page.route("**/api/messages/*/suggestions", (route) =>
    route.fulfill({ status: 503, contentType: "application/problem+json", body: JSON.stringify({ type: "about:blank", title: "Unavailable", status: 503, detail: "The AI provider is busy. Try again in a moment." }) }),
  );
  const first = feed(page).getByRole("button", { name: /^Front and back of my new insurance card/ });
  await first.click();
  await suggestions.getByRole("alert").filter({ hasText: "Suggestions could not be loaded: The AI provider is busy. Try again in a moment." }).waitFor();
  await page.unroute("**/api/messages/*/suggestions");
  await suggestions.getByRole("button", { name: "Try again" }).click();
  await suggestions.getByRole("button", { name: "Got it, thank you!" }).waitFor();
  // The panel scrolls itself into view.
  await page.waitForFunction(() => {
    const r = document.querySelector("section[aria-labelledby$='-title'][id*='-suggest-']")?.getBoundingClientRect();
    return r && r.top >= 0 && r.bottom <= innerHeight;
  });
  await page.screenshot({ path: join(SCREENSHOTS, "messages-suggestions-375.png") });
  await suggestions.getByRole("button", { name: "Got it, thank you!" }).focus();
  await page.keyboard.press("Escape");
  await suggestions.waitFor({ state: "detached" });
  assert.ok(await first.evaluate((el) => el === document.activeElement), "focus is back on the message");
}

export async function longThreadsLoadEarlierEntries(t) {
  const { page, ok, inbound } = await setUp(t);
  const contact = await ok("POST", "/api/contacts", { first_name: "Wei", last_name: "Chen", phones: [{ phone_number: "(917) 555-0142" }] });
  for (let i = 1; i <= 32; i++) await inbound("+19175550142", `Message number ${i}`, { at: minutesAgo(200 - i) });

  await page.goto(`/contacts/${contact.id}`);
  await feed(page).getByText("Message number 32", { exact: true }).waitFor();
  const entries = feed(page).locator("[data-entry]");
  assert.equal(await entries.count(), 30);
  assert.equal(await feed(page).getByText("Message number 2", { exact: true }).count(), 0);
  await feed(page).getByRole("button", { name: "Load earlier" }).click();
  await feed(page).getByText("Message number 1", { exact: true }).waitFor();
  assert.equal(await entries.count(), 32);
  assert.match(await entries.first().innerText(), /Message number 1\b/);
  await feed(page).getByRole("button", { name: "Load earlier" }).waitFor({ state: "detached" });
}
