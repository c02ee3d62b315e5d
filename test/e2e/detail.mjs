// The contact detail page (/contacts/{id}): editing, tags, numbers, calls, notes, todos, activity,
// what a member may do, deleting; screenshots of every tab at phone and desktop widths.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createOrganization, expectAlert, newUser, signUp } from "./lib/flows.mjs";

/** A JSON API call made by the page itself (same origin, the page's session cookie). */
async function api(page, method, path, body) {
  const { status, json } = await page.evaluate(
    async ([method, path, body]) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    [method, path, body],
  );
  return { status, json };
}

async function apiOk(page, method, path, body, expected = [200, 201, 202, 204]) {
  const res = await api(page, method, path, body);
  if (!expected.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json;
}

/** The page shows changes before the server has them: poll the API until it agrees. */
async function eventually(read, check, what) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    try {
      return check(value);
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${what}: ${e.message}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const contactOf = (page, id) => () => apiOk(page, "GET", `/api/contacts/${id}`);

async function newOrganization(t, { width = 1280, name = "Alexandra Montgomery-Reyes" } = {}) {
  const page = await t.newPage({ width });
  const user = newUser(name);
  await page.goto("/sign-up");
  await signUp(page, user);
  await createOrganization(page, "Harborview Family Dental");
  return { page, user };
}

/** A contact with a number, a call (transcribed, analyzed twice) and a tag to add later. */
async function seedContact(page) {
  const contact = await apiOk(page, "POST", "/api/contacts", {
    first_name: "Maya",
    last_name: "Okafor",
    company: "Okafor & Partners Architecture",
    job_title: "Principal",
    phones: [{ phone_number: "(415) 555-0132", label: "Mobile" }],
    emails: [{ email: "maya@okafor.example" }],
  });
  const tag = await apiOk(page, "POST", "/api/tags", { name: "VIP", color: "#8b5cf6" });
  // Yesterday at noon in the browser's time zone: the feed labels it "Yesterday" at any hour the
  // test runs (26 hours ago was the day before yesterday from midnight to 2 am).
  const yesterdayNoon = await page.evaluate(() => {
    const d = new Date();
    d.setDate(d.getDate() - 1);
    d.setHours(12, 0, 0, 0);
    return d.toISOString();
  });
  // The pipeline routes take an admin session as well as an API key.
  const call = await apiOk(page, "POST", "/api/calls", { caller_phone: "+1 415 555 0132", started_at: yesterdayNoon });
  assert.equal(call.contact_id, contact.id, "the call resolves to the contact with that number");
  await apiOk(page, "PUT", `/api/calls/${call.call_id}/transcription`, {
    transcription: "Agent: Brightline Dental, how can I help?\nCaller: Hi, this is Maya Okafor. I'd like to move my cleaning to a Thursday afternoon.",
    duration_seconds: 192,
  });
  await apiOk(page, "POST", `/api/calls/${call.call_id}/analyses`, { analyzer: "sentiment", results: { label: "neutral", score: 0.1 } });
  await apiOk(page, "POST", `/api/calls/${call.call_id}/analyses`, { analyzer: "sentiment", results: { label: "positive", score: 0.7 } });
  await apiOk(page, "POST", `/api/calls/${call.call_id}/analyses`, { analyzer: "intent", results: { intent: "reschedule", urgent: false } });
  return { contact, tag, call };
}

const sidebar = (page) => page.getByRole("region", { name: "Contact details" });
const feed = (page) => page.getByRole("region", { name: "Calls and messages" });
const panel = (page) => page.getByRole("region", { name: "Notes, todos and activity" });

/** A full-page screenshot from the top, so sticky headers are where a person sees them. */
async function screenshotFromTop(t, page, name) {
  await page.evaluate(() => scrollTo(0, 0));
  await t.screenshot(page, name);
}

export async function contactDetailFromEditToDelete(t) {
  const { page } = await newOrganization(t);
  const { contact } = await seedContact(page);
  const other = await apiOk(page, "POST", "/api/contacts", { first_name: "Jonah", phones: [{ phone_number: "(212) 555-0199" }] });

  await page.goto(`/contacts/${contact.id}`);
  await page.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  assert.equal(await page.title(), "Maya Okafor · Contacts");
  const number = sidebar(page).getByText("(415) 555-0132", { exact: true });
  assert.equal(await number.getAttribute("title"), "+14155550132", "the E.164 number shows on hover");

  // Escape leaves the name as it was; Save name changes it at once and for good.
  await page.getByRole("button", { name: "Edit name" }).click();
  await page.getByLabel("First name").fill("Nobody");
  await page.keyboard.press("Escape");
  await page.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  await page.getByRole("button", { name: "Edit name" }).click();
  await page.getByLabel("First name").fill("Maya-Lin");
  await page.getByRole("button", { name: "Save name" }).click();
  await page.getByRole("heading", { level: 1, name: "Maya-Lin Okafor" }).waitFor();
  await eventually(contactOf(page, contact.id), (c) => assert.equal(c.first_name, "Maya-Lin"), "the new name is saved");

  // A refused edit is rolled back and explained.
  await page.getByRole("button", { name: "Edit timezone" }).click();
  await page.getByLabel("Timezone").fill("Mars/Olympus");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expectAlert(page, "must be an IANA time zone");
  await page.getByLabel("Timezone").fill("America/Los_Angeles");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await sidebar(page).getByText(/America\/Los Angeles ·/).waitFor();

  await sidebar(page).getByLabel("Status").selectOption("do_not_contact");
  await sidebar(page).getByText("calls, texts and emails are turned off").waitFor();
  await eventually(contactOf(page, contact.id), (c) => assert.equal(c.status, "do_not_contact"), "the status is saved");
  await sidebar(page).getByLabel("Status").selectOption("active");
  await sidebar(page).getByRole("link", { name: "Call" }).waitFor();
  assert.equal(await sidebar(page).getByRole("link", { name: "Call" }).getAttribute("href"), "tel:+14155550132");

  // Tags: the org's tags are offered in a list the keyboard can use.
  await page.getByRole("button", { name: "Add tag" }).click();
  const search = page.getByRole("combobox", { name: "Find or create a tag" });
  await search.fill("vi");
  await page.getByRole("option", { name: "VIP" }).waitFor();
  await search.press("Enter");
  await page.getByRole("button", { name: "Remove tag VIP" }).waitFor();
  await search.press("Escape");
  await eventually(contactOf(page, contact.id), (c) => assert.deepEqual(c.tags.map((t) => t.name), ["VIP"]), "the tag is saved");

  // A number another contact has: said in words, with a link to that contact.
  await sidebar(page).getByRole("button", { name: "Add phone number" }).click();
  await sidebar(page).getByRole("textbox", { name: "Phone number", exact: true }).fill("(212) 555-0199");
  await sidebar(page).getByRole("button", { name: "Add phone number" }).last().click();
  await expectAlert(page, "Another contact already has this number.");
  assert.equal(await sidebar(page).getByRole("link", { name: "Open that contact" }).getAttribute("href"), `/contacts/${other.id}`);
  await sidebar(page).getByRole("textbox", { name: "Phone number", exact: true }).fill("415 555 0177");
  await sidebar(page).getByRole("textbox", { name: "Label", exact: true }).fill("Work");
  await page.keyboard.press("Enter");
  await sidebar(page).getByText("(415) 555-0177").waitFor();
  await sidebar(page).getByRole("button", { name: "Make (415) 555-0177 preferred" }).click();
  await sidebar(page).getByRole("button", { name: "Make (415) 555-0132 preferred" }).waitFor();
  await eventually(
    contactOf(page, contact.id),
    (c) => assert.equal(c.phones.find((p) => p.is_preferred)?.phone_number, "+14155550177"),
    "the preferred number is saved",
  );

  // The call: direction, length, transcription on demand, analyses by analyzer (latest first).
  const call = feed(page).getByRole("article").first();
  await call.getByRole("heading", { name: "Inbound call" }).waitFor();
  await call.getByText("3 min 12 s").waitFor();
  await feed(page).getByText("Yesterday", { exact: true }).waitFor();
  await call.getByRole("button", { name: "Show transcription" }).click();
  await call.getByText("move my cleaning to a Thursday afternoon").waitFor();
  const sentiment = call.getByRole("region", { name: "Analysis: sentiment" });
  await sentiment.getByText("positive").waitFor();
  await sentiment.getByRole("button", { name: "1 earlier run" }).waitFor();
  await call.getByRole("region", { name: "Analysis: intent" }).getByText("reschedule").waitFor();
  // The Messages filter: no texts yet, and a compose bar to send the first one.
  await feed(page).getByRole("button", { name: "Messages", exact: true }).click();
  await feed(page).getByText("No messages yet").waitFor();
  await feed(page).getByText("Send the first text below.").waitFor();
  await feed(page).getByRole("textbox", { name: "Message" }).waitFor();
  await feed(page).getByRole("button", { name: "All", exact: true }).click();
  await call.waitFor();

  // Notes: the quick action leads to the composer; a note shows at once, then can be edited.
  await sidebar(page).getByRole("button", { name: "Note" }).click();
  const composer = panel(page).getByLabel("New note");
  await page.waitForFunction(() => document.activeElement?.id === "note-composer");
  await panel(page).getByText("No AI memory yet").waitFor();
  await composer.fill("Prefers afternoon appointments.");
  await panel(page).getByRole("button", { name: "Add note" }).click();
  const note = panel(page).getByRole("listitem").filter({ hasText: "Prefers afternoon appointments." });
  await note.getByRole("button", { name: "Edit note" }).click();
  await panel(page).getByLabel("Edit note", { exact: true }).fill("Prefers Thursday afternoon appointments.");
  await panel(page).getByRole("button", { name: "Save note" }).click();
  const edited = panel(page).getByRole("listitem").filter({ hasText: "Prefers Thursday afternoon appointments." });
  await edited.getByText("edited", { exact: true }).waitFor();

  // A note the server refuses disappears again, with the reason, and the text is kept.
  await page.route(`**/api/contacts/${contact.id}/notes`, (route) =>
    route.request().method() === "POST"
      ? route.fulfill({ status: 503, contentType: "application/problem+json", body: JSON.stringify({ type: "about:blank", title: "Unavailable", status: 503, detail: "The database is busy. Try again in a moment." }) })
      : route.fallback(),
  );
  await composer.fill("This one will not stick.");
  await panel(page).getByRole("button", { name: "Add note" }).click();
  await expectAlert(page, "Your note was not saved: The database is busy. Try again in a moment.");
  assert.equal(await panel(page).getByRole("listitem").filter({ hasText: "This one will not stick." }).count(), 0);
  assert.equal(await composer.inputValue(), "This one will not stick.");
  await page.unroute(`**/api/contacts/${contact.id}/notes`);
  await composer.fill("");

  // Area filters are asked of the server.
  const areas = panel(page).getByRole("group", { name: "Filter notes by area" });
  await areas.getByRole("button", { name: "Call", exact: true }).click();
  await panel(page).getByText("No notes match").waitFor();
  await areas.getByRole("button", { name: "Manual", exact: true }).click();
  await panel(page).getByText("Prefers Thursday afternoon appointments.").waitFor();
  await areas.getByRole("button", { name: "All", exact: true }).click();
  await t.screenshot(page, "detail-notes-1280");

  // Tabs follow the arrow keys; the activity timeline has the note and the call.
  await panel(page).getByRole("tab", { name: "Notes" }).focus();
  await page.keyboard.press("ArrowRight");
  const todosTab = panel(page).getByRole("tab", { name: "Todos" });
  assert.equal(await todosTab.getAttribute("aria-selected"), "true");
  assert.ok(await todosTab.evaluate((el) => el === document.activeElement));
  // Todos are created by the call pipeline's agent tools, which have no API here: see the next test.
  await panel(page).getByText("No todos").waitFor();
  await t.screenshot(page, "detail-todos-1280");
  await page.keyboard.press("ArrowRight");
  const activity = panel(page).getByRole("tabpanel", { name: "Activity" });
  await activity.getByText("Prefers Thursday afternoon appointments.").waitFor();
  await activity.getByText("Inbound call").waitFor();
  await activity.getByRole("group", { name: "Filter activity" }).getByRole("button", { name: "Calls", exact: true }).click();
  await activity.getByText("Prefers Thursday afternoon appointments.").waitFor({ state: "detached" });
  await activity.getByText("Inbound call").waitFor();
  await activity.getByRole("group", { name: "Filter activity" }).getByRole("button", { name: "All", exact: true }).click();
  const today = activity.getByRole("button", { name: /^Today/ });
  await today.click();
  assert.equal(await today.getAttribute("aria-expanded"), "false");
  await activity.getByText("Prefers Thursday afternoon appointments.").waitFor({ state: "hidden" });
  await today.click();
  await t.screenshot(page, "detail-activity-1280");

  // Deleting takes two presses; then the list. The contact waits in the trash.
  await page.getByRole("button", { name: "Delete contact" }).click();
  await page.getByRole("button", { name: "Confirm delete" }).click();
  await page.waitForURL("**/contacts");
  assert.equal((await api(page, "GET", `/api/contacts/${contact.id}`)).status, 404);
  await page.goto(`/contacts/${contact.id}`);
  await page.getByRole("heading", { level: 1, name: "This contact is in the trash" }).waitFor();
}

export async function aMemberSeesAssignmentsAndOthersNotesReadOnly(t) {
  const { page: admin } = await newOrganization(t);
  const { contact } = await seedContact(admin);
  await admin.goto(`/contacts/${contact.id}`);
  await admin.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  await panel(admin).getByLabel("New note").fill("Admin's note: VIP, call back within the hour.");
  await panel(admin).getByRole("button", { name: "Add note" }).click();
  await panel(admin).getByRole("button", { name: "Edit note" }).waitFor();

  const memberUser = newUser("Maria Chen");
  const invitation = await apiOk(admin, "POST", "/api/auth/organization/invite-member", { email: memberUser.email, role: "member" });
  const member = await t.newPage({ width: 375 });
  await member.goto("/sign-up");
  await signUp(member, memberUser);
  await apiOk(member, "POST", "/api/auth/organization/accept-invitation", { invitationId: invitation.id });

  // The admin assigns the new member from the sidebar.
  await admin.reload();
  const assign = sidebar(admin).getByLabel("Assign member");
  await assign.selectOption({ label: `Maria Chen (${memberUser.email})` });
  await sidebar(admin).getByRole("button", { name: "Unassign Maria Chen" }).waitFor();
  await eventually(contactOf(admin, contact.id), (c) => assert.deepEqual(c.assigned_users.map((u) => u.name), ["Maria Chen"]), "the assignment is saved");

  await member.goto(`/contacts/${contact.id}`);
  await member.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  await sidebar(member).getByText("Maria Chen").waitFor();
  assert.equal(await sidebar(member).getByLabel("Assign member").count(), 0, "members cannot assign");
  assert.equal(await sidebar(member).getByRole("button", { name: "Unassign Maria Chen" }).count(), 0);
  const adminsNote = panel(member).getByRole("listitem").filter({ hasText: "Admin's note" });
  await adminsNote.waitFor();
  assert.equal(await adminsNote.getByRole("button", { name: "Edit note" }).count(), 0, "no edit button on someone else's note");
  assert.equal(await adminsNote.getByRole("button", { name: "Delete note" }).count(), 0);
  // Their own note they may edit.
  await panel(member).getByLabel("New note").fill("Member's note.");
  await panel(member).getByRole("button", { name: "Add note" }).click();
  await panel(member).getByRole("listitem").filter({ hasText: "Member's note." }).getByRole("button", { name: "Edit note" }).waitFor();
  await panel(member).getByRole("list", { name: "Notes" }).scrollIntoViewIfNeeded();
  // What the member sees where the notes are (the viewport, not the whole stacked page).
  await member.screenshot({ path: fileURLToPath(new URL("../../test-results/screenshots/detail-member-notes-375.png", import.meta.url)) });
}

/** Todos come from the real API: marking done shows at once, and a refusal by the server is undone. */
export async function todosAreCheckedOffOptimistically(t) {
  const { page } = await newOrganization(t);
  const { contact } = await seedContact(page);
  const me = await apiOk(page, "GET", "/api/me");
  const todo = await apiOk(page, "POST", `/api/contacts/${contact.id}/todos`, {
    title: "Call back about the Thursday slot",
    description: "She asked for after 2 pm.",
    due_at: new Date(Date.now() - 86400_000).toISOString(),
    assignee_member_id: me.member_id,
  });

  await page.goto(`/contacts/${contact.id}`);
  await panel(page).getByRole("tab", { name: "Todos" }).click();
  const box = panel(page).getByRole("checkbox", { name: "Call back about the Thursday slot" });
  await panel(page).getByText(/^Overdue since/).waitFor();
  await panel(page).getByText(`Assigned to ${me.user.name}`).waitFor();
  await box.check();
  assert.equal(await box.isChecked(), true);
  await panel(page).getByText("0 open · 1 done").waitFor();
  await t.screenshot(page, "detail-todos-done-1280");
  const stored = await apiOk(page, "GET", `/api/contacts/${contact.id}/todos`);
  assert.equal(stored.find((x) => x.id === todo.id)?.status, "done");

  // Someone else deletes the contact (and its todos): the server refuses, the page undoes it.
  await apiOk(page, "DELETE", `/api/contacts/${contact.id}`);
  await box.click();
  await expectAlert(page, "Todo not found");
  assert.equal(await box.isChecked(), true, "the refused change is undone");
}

export async function stubsAndUnknownIdsAtPhoneWidth(t) {
  const { page } = await newOrganization(t, { width: 375 });
  const { contact } = await seedContact(page);
  const stub = await apiOk(page, "POST", "/api/calls", { caller_phone: "(628) 555-0148" });
  assert.equal(stub.contact_created, true);

  await page.goto(`/contacts/${stub.contact_id}`);
  await page.getByRole("heading", { level: 1, name: "Unknown caller" }).waitFor();
  await sidebar(page).getByText("No tags yet.").waitFor();

  // Enrichment runs from the queue after the transcription is saved; its outcome is on the call.
  await page.goto(`/contacts/${contact.id}`);
  await page.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  // The queue batches for up to 5 s and a loaded 2-core CI machine is slow: give the model a minute.
  const deadline = Date.now() + 60_000;
  for (;;) {
    await feed(page).getByRole("heading", { name: "Inbound call" }).waitFor();
    if (await feed(page).getByText("checked: no request not to be contacted", { exact: true }).count()) break;
    assert.ok(Date.now() < deadline, "the enrichment outcome never showed on the call");
    await page.waitForTimeout(1_000);
    await page.reload();
  }
  await panel(page).getByText("No notes yet").waitFor();
  await screenshotFromTop(t, page, "detail-notes-375");
  await panel(page).getByRole("tab", { name: "Todos" }).click();
  await panel(page).getByText("No todos").waitFor();
  await screenshotFromTop(t, page, "detail-todos-375");
  await panel(page).getByRole("tab", { name: "Activity" }).click();
  await panel(page).getByRole("tabpanel", { name: "Activity" }).getByText("Inbound call").waitFor();
  await screenshotFromTop(t, page, "detail-activity-375");

  await page.goto("/contacts/0190f0a0-0000-7000-8000-00000000dead");
  await page.getByRole("heading", { level: 1, name: "Contact not found" }).waitFor();
  await screenshotFromTop(t, page, "detail-not-found-375");
}

export async function detailShowsLoadingThenProblemsInWords(t) {
  const { page } = await newOrganization(t);
  const { contact } = await seedContact(page);
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(`**/api/contacts/${contact.id}`, async (route) => {
    await held;
    await route.fallback();
  });
  const feedUrl = (url) => url.pathname === `/api/contacts/${contact.id}/feed`;
  await page.route(feedUrl, (route) =>
    route.fulfill({ status: 503, contentType: "application/problem+json", body: JSON.stringify({ type: "about:blank", title: "Unavailable", status: 503, detail: "Calls are being moved. Try again in a moment." }) }),
  );
  await page.goto(`/contacts/${contact.id}`);
  await page.locator("section[aria-busy=true]").first().waitFor();
  await t.screenshot(page, "detail-loading-1280");
  release();
  await page.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  await expectAlert(page, "Calls are being moved. Try again in a moment.");
  await feed(page).getByText("Calls and messages could not be loaded").waitFor();
  await page.unroute(feedUrl);
  await feed(page).getByRole("button", { name: "Try again" }).click();
  await feed(page).getByRole("heading", { name: "Inbound call" }).waitFor();
}

export async function longHistoriesLoadMore(t) {
  const { page } = await newOrganization(t);
  const { contact } = await seedContact(page);
  for (let i = 1; i <= 30; i++) await apiOk(page, "POST", `/api/contacts/${contact.id}/notes`, { body: `Follow-up note ${i}` });

  await page.goto(`/contacts/${contact.id}`);
  const notes = panel(page).getByRole("list", { name: "Notes" }).getByRole("listitem");
  await panel(page).getByText("30 notes").waitFor();
  assert.equal(await notes.count(), 25);
  await panel(page).getByRole("button", { name: "Load more notes" }).click();
  await panel(page).getByText("Follow-up note 1", { exact: true }).waitFor();
  assert.equal(await notes.count(), 30);
  await panel(page).getByRole("button", { name: "Load more notes" }).waitFor({ state: "detached" });

  // Sorting and searching are the server's: the oldest note first, then only the matching ones.
  await panel(page).getByLabel("Sort notes").selectOption("oldest");
  await page.waitForFunction(() => document.querySelector("[aria-label=Notes] li")?.textContent?.includes("Follow-up note 1"));
  await panel(page).getByLabel("Search notes").fill("note 2");
  await panel(page).getByText("11 notes").waitFor();

  await panel(page).getByRole("tab", { name: "Activity" }).click();
  // Day groups hold the entries: count the entries.
  const items = panel(page).getByRole("tabpanel", { name: "Activity" }).locator("ol ol > li");
  await panel(page).getByRole("button", { name: "Load more" }).waitFor();
  assert.equal(await items.count(), 30);
  await panel(page).getByRole("button", { name: "Load more" }).click();
  await items.nth(30).waitFor();
  assert.equal(await items.count(), 31, "30 notes and the call");
  assert.equal(await panel(page).getByRole("button", { name: /^Load/ }).count(), 0, "nothing more to load");
}
