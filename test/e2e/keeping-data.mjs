// Keeping data right: a delete goes to the trash and Undo brings it back; the trash restores and
// says where a number went meanwhile; contacts that are one person are compared and merged (and
// the merge undone); duplicate suggestions are reviewed; a merged contact's link opens the survivor.
import assert from "node:assert/strict";
import { api, expectAccessible, newOrganization, newUser, screenshot, signUp, until, viewportScreenshot } from "./lib/flows.mjs";

/** The notice (bottom of the screen) that says `text`. */
const notice = (page, text) => page.getByRole("status").filter({ hasText: text }).last();
const status = async (page, path) => (await page.request.get(path)).status();

export async function deletingMovesToTheTrashAndUndoBringsItBack(t) {
  const { page } = await newOrganization(t, { organization: "Harbor Clinic" });
  const maya = await api(page, "POST", "/api/contacts", { first_name: "Maya", last_name: "Okafor", phones: [{ phone_number: "+14155550132" }] });
  await api(page, "POST", `/api/contacts/${maya.id}/notes`, { body: "Prefers mornings" });

  // From the contact's page: the delete says where it goes, and the notice offers Undo.
  await page.goto(`/contacts/${maya.id}`);
  await page.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  await page.getByText("to the trash for 30 days").waitFor();
  await page.getByRole("button", { name: "Delete contact" }).click();
  await page.getByRole("button", { name: "Confirm delete" }).click();
  await page.waitForURL("**/contacts");
  const moved = notice(page, "Maya Okafor was moved to the trash.");
  await moved.waitFor();
  assert.equal(await status(page, `/api/contacts/${maya.id}`), 404);
  await moved.getByRole("button", { name: "Undo" }).click();
  await page.waitForURL(`**/contacts/${maya.id}`);
  await page.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  await notice(page, "Maya Okafor was restored.").waitFor();
  assert.equal((await api(page, "GET", `/api/contacts/${maya.id}/notes`)).notes[0].body, "Prefers mornings", "the note came back with it");

  // A trashed contact's link says where it is, and restores from there.
  await api(page, "DELETE", `/api/contacts/${maya.id}`);
  await page.goto(`/contacts/${maya.id}`);
  await page.getByRole("heading", { level: 1, name: "This contact is in the trash" }).waitFor();
  await screenshot(t, page, "contact-in-trash-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "contact-in-trash-375");
  await page.getByRole("button", { name: "Restore contact" }).click();
  await page.getByRole("heading", { level: 1, name: "Maya Okafor" }).waitFor();
  assert.equal(await status(page, `/api/contacts/${maya.id}`), 200);

  // Several at once from the list: Undo restores all of them.
  await page.setViewportSize({ width: 1280, height: 800 });
  const jonah = await api(page, "POST", "/api/contacts", { first_name: "Jonah", last_name: "Reed" });
  await page.goto("/contacts?sort=name_asc");
  const box = (name) => page.getByLabel(name, { exact: true }).filter({ visible: true });
  await box("Select Jonah Reed").check();
  await box("Select Maya Okafor").check();
  const bar = page.getByRole("region", { name: "Change the selected contacts" });
  await bar.getByRole("combobox", { name: "Change", exact: true }).selectOption("delete");
  await bar.getByRole("button", { name: "Apply" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete 2 contacts?" });
  await confirm.getByText("can be restored from there for 30 days").waitFor();
  await confirm.getByRole("button", { name: "Move to trash" }).click();
  const bulk = notice(page, "2 contacts were moved to the trash.");
  await bulk.waitFor();
  assert.equal(await status(page, `/api/contacts/${jonah.id}`), 404);
  await bulk.getByRole("button", { name: "Undo" }).click();
  await notice(page, "2 contacts restored.").waitFor();
  assert.equal(await status(page, `/api/contacts/${jonah.id}`), 200);
  assert.equal(await status(page, `/api/contacts/${maya.id}`), 200);
  assert.equal((await api(page, "GET", "/api/trash")).total, 0);
}

export async function theTrashRestoresAndSaysWhereATakenNumberWent(t) {
  const { page } = await newOrganization(t, { organization: "Harbor Clinic" });
  const priya = await api(page, "POST", "/api/contacts", {
    first_name: "Priya",
    last_name: "Shah",
    phones: [{ phone_number: "+16465550123" }, { phone_number: "+16465550124" }],
  });
  await api(page, "DELETE", `/api/contacts/${priya.id}`);
  // She calls again while in the trash: the number becomes a new contact.
  const call = await api(page, "POST", "/api/calls", { caller_phone: "+16465550123" });
  assert.equal(call.contact_created, true);

  await page.goto("/contacts");
  await page.getByRole("navigation", { name: "More contact lists" }).getByRole("link", { name: "Trash" }).click();
  await page.getByRole("heading", { level: 1, name: "Trash" }).waitFor();
  const list = page.getByRole("region", { name: "Deleted contacts" });
  const row = list.getByRole("listitem").filter({ hasText: "Priya Shah" });
  await row.getByText(/^Deleted for good on/).waitFor();
  await row.getByText("now belongs to").getByRole("link", { name: "a new contact" }).waitFor();
  await list.getByText("1 contact in the trash").waitFor();
  await screenshot(t, page, "trash-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "trash-375");

  await row.getByRole("button", { name: "Restore Priya Shah" }).click();
  const taken = page.getByRole("status").filter({ hasText: "is back, but" }).first();
  await taken.getByText("+16465550123").waitFor();
  await taken.getByRole("link", { name: "a new contact" }).waitFor();
  await list.getByText("The trash is empty").waitFor();
  await screenshot(t, page, "trash-restored-375");
  const restored = await api(page, "GET", `/api/contacts/${priya.id}`);
  assert.deepEqual(restored.phones.map((p) => p.phone_number), ["+16465550124"], "the taken number stayed with the new contact");

  // They are one person: compare and merge the new contact into her.
  await taken.getByRole("button", { name: "Compare & merge" }).click();
  const dialog = page.getByRole("dialog", { name: "Compare and merge" });
  await dialog.getByRole("button", { name: "Merge into Priya Shah" }).waitFor();
  await viewportScreenshot(page, "trash-merge-375");
  await page.setViewportSize({ width: 1280, height: 800 });
  await dialog.getByText(/will move to Priya Shah/).waitFor();
  await viewportScreenshot(page, "trash-merge-1280");
  await dialog.getByRole("button", { name: "Merge into Priya Shah" }).click();
  await notice(page, /Merged .* into Priya Shah\./).waitFor();
  const merged = await api(page, "GET", `/api/contacts/${priya.id}`);
  assert.deepEqual(merged.phones.map((p) => p.phone_number).sort(), ["+16465550123", "+16465550124"]);
  await screenshot(t, page, "trash-empty-1280");
}

export async function anAdminMergesTwoContactsChoosingAFieldFromTheOtherThenUndoes(t) {
  const { page } = await newOrganization(t, { organization: "Harbor Clinic" });
  const ana = await api(page, "POST", "/api/contacts", {
    first_name: "Ana",
    last_name: "Lima",
    company: "Lima Bakery",
    job_title: "Owner",
    phones: [{ phone_number: "+14155550142" }],
  });
  const other = await api(page, "POST", "/api/contacts", {
    first_name: "Ana",
    last_name: "L.",
    company: "Lima Bakery & Cafe",
    emails: [{ email: "ana@lima.example" }],
    phones: [{ phone_number: "+14155550143" }],
  });
  await api(page, "POST", `/api/contacts/${other.id}/notes`, { body: "Orders on Fridays" });
  await api(page, "POST", "/api/calls", { caller_phone: "+14155550143" });

  await page.goto(`/contacts/${ana.id}`);
  await page.getByRole("heading", { level: 1, name: "Ana Lima" }).waitFor();
  await page.getByRole("button", { name: "Merge…" }).click();
  const picker = page.getByRole("dialog", { name: "Merge contacts" });
  await picker.getByLabel("Find contacts to merge").fill("Lima");
  await picker.getByRole("checkbox", { name: /Ana L\./ }).check();
  assert.equal(await picker.getByRole("checkbox", { name: /^Ana Lima/ }).count(), 0, "the contact itself is not offered");
  await picker.getByRole("list", { name: "Chosen to merge" }).getByText("Ana L.").waitFor();
  await viewportScreenshot(page, "merge-pick-1280");
  await picker.getByRole("button", { name: "Compare 2 contacts" }).click();

  const dialog = page.getByRole("dialog", { name: "Compare and merge" });
  const company = dialog.getByRole("radiogroup", { name: /Company/ });
  // Each choice is named by the contact it comes from.
  assert.equal(await company.getByRole("radio", { name: "Ana Lima: Lima Bakery", exact: true }).isChecked(), true, "this contact's value by default");
  await company.getByRole("radio", { name: "Ana L.: Lima Bakery & Cafe", exact: true }).check();
  await dialog.getByText(/1 call, 1 note, 1 phone number and 1 email will move to Ana Lima/).waitFor();
  await viewportScreenshot(page, "merge-compare-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await viewportScreenshot(page, "merge-compare-375");
  await page.setViewportSize({ width: 1280, height: 800 });
  await dialog.getByRole("button", { name: "Merge into Ana Lima" }).click();
  await notice(page, "Merged Ana L. into Ana Lima.").waitFor();

  const survivor = await api(page, "GET", `/api/contacts/${ana.id}`);
  assert.equal(survivor.company, "Lima Bakery & Cafe", "the value picked from the other contact");
  assert.equal(survivor.job_title, "Owner");
  assert.deepEqual(survivor.emails.map((e) => e.email), ["ana@lima.example"]);
  const gone = await page.request.get(`/api/contacts/${other.id}`);
  assert.equal(gone.status(), 404);
  assert.equal((await gone.json()).merged_into, ana.id);
  await page.getByRole("region", { name: "Notes, todos and activity" }).getByText("Orders on Fridays").waitFor();

  // The merged contact's old link opens the survivor, which says what was merged into it.
  await page.goto(`/contacts/${other.id}`);
  await page.waitForURL(`**/contacts/${ana.id}`);
  await notice(page, "This contact was merged into Ana Lima.").waitFor();
  const banner = page.getByText(/Merged Ana L\. into this contact on/);
  await banner.waitFor();
  // The field history: the merge and what it changed, under Changes in the activity tab.
  const side = page.getByRole("region", { name: "Notes, todos and activity" });
  await side.getByRole("tab", { name: "Activity" }).click();
  const activity = side.getByRole("tabpanel", { name: "Activity" });
  await activity.getByRole("group", { name: "Filter activity" }).getByRole("button", { name: "Changes", exact: true }).click();
  await activity.getByText("Dana Whitfield merged Ana L. into this contact").waitFor();
  await activity.getByText("Dana Whitfield changed company by merging").waitFor();
  await activity.getByText("Lima Bakery → Lima Bakery & Cafe").waitFor();
  await expectAccessible(page, "the activity tab's changes");
  await screenshot(t, page, "activity-changes-1280");
  await screenshot(t, page, "merge-banner-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "merge-banner-375");
  await expectAccessible(page, "contact page after a merge");
  await page.getByRole("button", { name: "Undo merge" }).click();
  await notice(page, "Merge undone: Ana L. is back as a separate contact.").waitFor();
  await banner.waitFor({ state: "detached" });
  assert.equal(await status(page, `/api/contacts/${other.id}`), 200);
  assert.equal((await api(page, "GET", `/api/contacts/${ana.id}`)).company, "Lima Bakery");
  assert.equal((await api(page, "GET", `/api/contacts/${other.id}/notes`)).notes[0].body, "Orders on Fridays");
}

export async function duplicatesAreReviewedDismissedAndMerged(t) {
  const { page } = await newOrganization(t, { organization: "Harbor Clinic" });
  const sam = await api(page, "POST", "/api/contacts", { first_name: "Sam", last_name: "Rivera", emails: [{ email: "sam@rivera.example" }] });
  const samuel = await api(page, "POST", "/api/contacts", { first_name: "Samuel", last_name: "Rivera", emails: [{ email: "SAM@rivera.example" }] });
  const lee = await api(page, "POST", "/api/contacts", { first_name: "Lee", last_name: "Park", job_title: "Dentist", emails: [{ email: "lee@park.example" }] });
  await api(page, "POST", "/api/contacts", { first_name: "Leo", last_name: "Park", emails: [{ email: "lee@park.example" }] });
  await until("the suggestions", async () => (await api(page, "GET", "/api/duplicates")).total === 2);

  // The contact's page hints at it.
  await page.goto(`/contacts/${sam.id}`);
  await page.getByText("Possible duplicate of").getByRole("link", { name: "Samuel Rivera" }).waitFor();

  await page.goto("/contacts");
  const lists = page.getByRole("navigation", { name: "More contact lists" });
  await lists.getByRole("link", { name: "Duplicates 2" }).waitFor();
  await screenshot(t, page, "contacts-lists-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "contacts-lists-375");
  await page.setViewportSize({ width: 1280, height: 800 });
  await lists.getByRole("link", { name: "Duplicates 2" }).click();
  await page.getByRole("heading", { level: 1, name: "Possible duplicates" }).waitFor();
  const pairs = page.getByRole("region", { name: "Suggested duplicates" });
  const riveras = pairs.getByRole("listitem", { name: /Sam Rivera and Samuel Rivera|Samuel Rivera and Sam Rivera/ });
  await riveras.getByText(/Same email address/).first().waitFor();
  await screenshot(t, page, "duplicates-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "duplicates-375");

  // Not the same person: gone, and not suggested again.
  await riveras.getByRole("button", { name: "Not the same person" }).click();
  await riveras.waitFor({ state: "detached" });
  await pairs.getByText("1 pair to review").waitFor();
  assert.equal((await api(page, "GET", "/api/duplicates")).total, 1);
  assert.deepEqual(await api(page, "GET", `/api/contacts/${samuel.id}/duplicates`), []);

  // The Parks: compare and merge, then Undo from the notice brings the pair back.
  const parks = pairs.getByRole("listitem", { name: /Park and/ });
  await parks.getByRole("button", { name: "Compare & merge" }).click();
  const dialog = page.getByRole("dialog", { name: "Compare and merge" });
  await dialog.getByRole("radiogroup", { name: "Contact that stays" }).getByRole("radio", { name: /^Lee Park/ }).check();
  await dialog.getByRole("button", { name: "Merge into Lee Park" }).click();
  const merged = notice(page, "Merged Leo Park into Lee Park.");
  await merged.waitFor();
  await pairs.getByText("No possible duplicates").waitFor();
  await screenshot(t, page, "duplicates-empty-375");
  assert.equal((await api(page, "GET", `/api/contacts/${lee.id}`)).job_title, "Dentist");
  await merged.getByRole("button", { name: "Undo" }).click();
  await notice(page, "Merge undone: Leo Park is back as a separate contact.").waitFor();
  await parks.waitFor();
  await expectAccessible(page, "duplicates after an undo");
}

export async function aMemberSeesTheTrashAndDuplicatesButCannotMerge(t) {
  const { page: admin } = await newOrganization(t, { organization: "Harbor Clinic" });
  const a = await api(admin, "POST", "/api/contacts", { first_name: "Kim", last_name: "Ode", emails: [{ email: "kim@ode.example" }] });
  await api(admin, "POST", "/api/contacts", { first_name: "Kimberly", last_name: "Ode", emails: [{ email: "kim@ode.example" }] });
  const user = newUser("Maria Chen");
  const invitation = await api(admin, "POST", "/api/auth/organization/invite-member", { email: user.email, role: "member" });

  const member = await t.newPage({ width: 375 });
  await member.goto("/sign-up");
  await signUp(member, user);
  await api(member, "POST", "/api/auth/organization/accept-invitation", { invitationId: invitation.id });

  await member.goto(`/contacts/${a.id}`);
  await member.getByRole("heading", { level: 1, name: "Kim Ode" }).waitFor();
  await member.getByText("Possible duplicate of").waitFor();
  assert.equal(await member.getByRole("button", { name: "Merge…" }).count(), 0, "members do not merge");
  assert.equal(await member.getByRole("button", { name: "Compare & merge" }).count(), 0);

  await member.goto("/contacts/duplicates");
  await member.getByRole("heading", { level: 1, name: "Possible duplicates" }).waitFor();
  await member.getByRole("button", { name: "Not the same person" }).waitFor();
  assert.equal(await member.getByRole("button", { name: "Compare & merge" }).count(), 0);

  await api(member, "DELETE", `/api/contacts/${a.id}`);
  await member.goto("/contacts/trash");
  const row = member.getByRole("listitem").filter({ hasText: "Kim Ode" });
  await row.getByText(/by Maria Chen/).waitFor();
  await row.getByRole("button", { name: "Restore Kim Ode" }).click();
  await notice(member, "Kim Ode was restored.").waitFor();
  await member.getByText("The trash is empty").waitFor();
  await screenshot(t, member, "trash-empty-member-375");
}
