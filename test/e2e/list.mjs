// The contact list: create, search, tag filter, sort, pages, and the URL as the list's state.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { api, createTagInSettings, focused, navigateTo, newOrganization, screenshot, visibleText } from "./lib/flows.mjs";

const tagButton = (page) => page.getByRole("button", { name: /^Filter by tags/ });
const count = (page, text) => page.getByText(text, { exact: true }).first().waitFor();

export async function createAContactFindItByPhoneAndFilterByTag(t) {
  const { page } = await newOrganization(t, { organization: "Lima Family Dental" });
  await navigateTo(page, "Settings");
  await createTagInSettings(page, "VIP", "Amber");
  await navigateTo(page, "Contacts");
  await api(page, "POST", "/api/contacts", { first_name: "Bruno", last_name: "Costa", phones: [{ phone_number: "(415) 555-0177" }] });
  await api(page, "POST", "/api/contacts", { first_name: "Carla", last_name: "Diaz", company: "Diaz Dental Lab" });

  // The New contact dialog, tagging the contact as it is created.
  await page.getByRole("button", { name: "New contact" }).click();
  const dialog = page.getByRole("dialog", { name: "New contact" });
  assert.equal(await focused(page), "First name");
  await dialog.getByLabel("First name").fill("Ana");
  await dialog.getByLabel("Last name").fill("Lima");
  await dialog.getByLabel("Phone").fill("(415) 555-0142");
  await dialog.getByRole("checkbox", { name: "VIP" }).check();
  await dialog.getByRole("button", { name: "Create contact" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("status").getByText("Ana Lima was added.").waitFor();
  await count(page, "3 contacts");

  // Server-side search by a phone fragment, kept in the URL.
  await page.getByLabel("Search contacts").fill("0142");
  await page.waitForURL((url) => url.searchParams.get("search") === "0142");
  await count(page, "1 match");
  await visibleText(page, "Ana Lima").waitFor();
  await visibleText(page, "(415) 555-0142").waitFor();
  assert.equal(await page.getByText("Bruno Costa").count(), 0);
  await page.reload();
  await count(page, "1 match");
  assert.equal(await page.getByLabel("Search contacts").inputValue(), "0142");
  await page.getByRole("button", { name: "Clear search" }).click();
  await page.waitForURL((url) => !url.searchParams.has("search"));
  await count(page, "3 contacts");

  // The tag filter by keyboard alone: open, tick, close; the count badge shows it is on.
  await tagButton(page).focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await focused(page), "VIP");
  await page.keyboard.press("Space");
  await page.waitForURL((url) => url.searchParams.has("tag_ids"));
  await page.keyboard.press("Escape");
  assert.equal(await focused(page), "Filter by tags: VIP 1 selected");
  await count(page, "1 match");
  await visibleText(page, "Ana Lima").waitFor();
  assert.equal(await page.getByText("Carla Diaz").count(), 0);

  await page.getByLabel("Sort by").selectOption("name_asc");
  await page.waitForURL((url) => url.searchParams.get("sort") === "name_asc");

  // Back and forward walk through the list's states.
  await page.goBack();
  await page.waitForURL((url) => !url.searchParams.has("sort") && url.searchParams.has("tag_ids"));
  assert.equal(await page.getByLabel("Sort by").inputValue(), "recently_added");
  await page.getByRole("button", { name: "Filter by tags: VIP 1 selected", exact: true }).waitFor();
  await page.goBack();
  await page.waitForURL((url) => url.pathname === "/contacts" && url.search === "");
  await count(page, "3 contacts");
  await page.goForward();
  await page.waitForURL((url) => url.searchParams.has("tag_ids"));
  await count(page, "1 match");
  await page.reload();
  await count(page, "1 match");
  await page.getByText("Tagged").waitFor();

  await page.getByLabel("Search contacts").fill("nobody by this name");
  await page.getByText("No contacts match").waitFor();
  await page.getByRole("button", { name: "Clear search and filters" }).click();
  await count(page, "3 contacts");
}

export async function newContactDialogExplainsProblemsAndKeepsFocusInside(t) {
  const { page } = await newOrganization(t);
  const owner = await api(page, "POST", "/api/contacts", { first_name: "Ana", phones: [{ phone_number: "(415) 555-0142" }] });
  await page.reload();
  const opener = page.getByRole("button", { name: "New contact" });
  await opener.click();
  const dialog = page.getByRole("dialog", { name: "New contact" });

  // Focus stays in the dialog: Shift+Tab from the first control wraps to the last.
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(page), "Close");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focused(page), "Create contact");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "Close");

  await dialog.getByRole("button", { name: "Create contact" }).click();
  await dialog.getByRole("alert").getByText("Add at least a name, a company, a phone number or an email.").waitFor();

  await dialog.getByLabel("First name").fill("Ana");
  await dialog.getByLabel("Email").fill("not an email");
  await dialog.getByRole("button", { name: "Create contact" }).click();
  await dialog.getByText("Must be a valid email address").waitFor();
  assert.equal(await dialog.getByLabel("Email").getAttribute("aria-invalid"), "true");

  await dialog.getByLabel("Email").fill("ana@example.com");
  await dialog.getByLabel("Phone").fill("12");
  await dialog.getByRole("button", { name: "Create contact" }).click();
  await dialog.getByText(/Is not a possible phone number/).waitFor();

  await dialog.getByLabel("Phone").fill("415.555.0142");
  await dialog.getByRole("button", { name: "Create contact" }).click();
  await dialog.getByText("This number already belongs to another contact.").waitFor();
  assert.equal(await focused(page), "Phone");

  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await focused(page), "New contact");

  await opener.click();
  assert.equal(await dialog.getByLabel("Phone").inputValue(), "", "a reopened dialog starts empty");
  await dialog.getByLabel("Phone").fill("(415) 555-0142");
  await dialog.getByRole("button", { name: "Create contact" }).click();
  await dialog.getByRole("link", { name: "Open that contact" }).click();
  await page.waitForURL(`**/contacts/${owner.id}`);
}

export async function pagesThroughManyContactsAtPhoneWidth(t) {
  const { page } = await newOrganization(t, { width: 375 });
  for (let i = 1; i <= 30; i++) {
    await api(page, "POST", "/api/contacts", { first_name: `Person ${String(i).padStart(2, "0")}`, phones: [{ phone_number: `(415) 555-01${String(i).padStart(2, "0")}` }] });
  }
  await page.reload();
  await count(page, "Showing 1–25 of 30 contacts");
  await visibleText(page, "Person 30").waitFor();
  await page.getByRole("button", { name: "Page 2" }).click();
  await page.waitForURL((url) => url.searchParams.get("page") === "2");
  await count(page, "Showing 26–30 of 30 contacts");
  await visibleText(page, "Person 05").waitFor();
  assert.equal(await page.getByRole("button", { name: "Page 2" }).getAttribute("aria-current"), "page");
  await page.reload();
  await count(page, "Showing 26–30 of 30 contacts");
  await page.goBack();
  await count(page, "Showing 1–25 of 30 contacts");

  // A new search starts again at the first page.
  await page.goForward();
  await count(page, "Showing 26–30 of 30 contacts");
  await page.getByLabel("Search contacts").fill("Person 2");
  await page.waitForURL((url) => url.searchParams.get("search") === "Person 2" && !url.searchParams.has("page"));
  await screenshot(t, page, "contacts-search-375");
}

export async function theListExportsWhatItShowsAsCsv(t) {
  const { page } = await newOrganization(t, { width: 375 });
  for (const [first, phone] of [["Ada", "+12125550161"], ["Adam", "+12125550162"], ["Bea", "+12125550163"]]) {
    await api(page, "POST", "/api/contacts", { first_name: first, last_name: "Export", phones: [{ phone_number: phone }] });
  }
  await page.goto("/contacts?search=ada&sort=name_asc");
  await page.getByText("2 matches").waitFor();
  await t.screenshot(page, "list-export-375");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  assert.match(download.suggestedFilename(), /^contacts-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync(await download.path(), "utf8").trim().split("\r\n");
  assert.equal(lines.length, 3, "the header and the two contacts the list shows");
  assert.match(lines[1], /,Ada,Export,/);
  assert.match(lines[2], /,Adam,Export,/);
  await page.setViewportSize({ width: 1280, height: 800 });
  await t.screenshot(page, "list-export-1280");
}
