// Saved views beside the contact list: save what the list shows under a name (shared or not),
// come back to it from "All contacts", update it after changing the list, delete it.
import assert from "node:assert/strict";
import { api, expectAccessible, newOrganization, screenshot, visibleText } from "./lib/flows.mjs";

const count = (page, text) => page.getByText(text, { exact: true }).first().waitFor();

export async function aMemberSavesAViewOfTheListAndComesBackToIt(t) {
  const { page } = await newOrganization(t, { width: 1280, organization: "Harbor Clinic" });
  const vip = await api(page, "POST", "/api/tags", { name: "VIP", color: "#f59e0b" });
  await api(page, "POST", "/api/contacts", { first_name: "Vera", last_name: "Ito", tag_ids: [vip.id] });
  await api(page, "POST", "/api/contacts", { first_name: "Aldo", last_name: "Ruiz", tag_ids: [vip.id] });
  await api(page, "POST", "/api/contacts", { first_name: "Nina", last_name: "Park" });

  await page.goto(`/contacts?tag_ids=${vip.id}&sort=name_asc`);
  await count(page, "2 matches");
  const views = page.getByRole("navigation", { name: "Saved views" });
  await page.getByRole("button", { name: "Save view" }).click();
  const dialog = page.getByRole("dialog", { name: "Save view" });
  await dialog.getByRole("button", { name: "Save view" }).click();
  await dialog.getByText("Give the view a name.").waitFor();
  await dialog.getByLabel("Name").fill("VIP patients");
  await dialog.getByLabel(/Share with everyone/).check();
  await screenshot(t, page, "views-save-1280");
  await expectAccessible(page, "save view dialog");
  await dialog.getByRole("button", { name: "Save view" }).click();
  await dialog.waitFor({ state: "hidden" });
  const saved = views.getByRole("link", { name: /VIP patients/ });
  await saved.waitFor();
  assert.equal(await saved.getAttribute("aria-current"), "page");
  // Once the list has read again for the view's URL (it is dimmed while it loads).
  await page.locator('section[aria-label="Contacts"][aria-busy="false"]').waitFor();
  await screenshot(t, page, "views-list-1280");
  await expectAccessible(page, "contact list with a saved view");

  // All contacts, then back to the view: its tags and sort come with it.
  await views.getByRole("link", { name: "All contacts" }).click();
  await count(page, "3 contacts");
  await saved.click();
  await count(page, "2 matches");
  const names = await page.locator("table tbody tr").allInnerTexts();
  assert.match(names[0], /Aldo Ruiz/);
  assert.match(names[1], /Vera Ito/);

  // Changed list: the view can take the change.
  await page.getByLabel("Search contacts").fill("vera");
  await count(page, "1 match");
  await page.getByRole("button", { name: "Update “VIP patients”" }).click();
  await page.getByText("“VIP patients” now shows this list.").waitFor();
  const [stored] = await api(page, "GET", "/api/views");
  assert.deepEqual(stored.query, { search: "vera", tag_ids: [vip.id], sort: "name_asc" });
  assert.equal(stored.shared, true);

  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "views-list-375");
  await expectAccessible(page, "contact list with a saved view");
  await page.getByRole("button", { name: "Delete view" }).click();
  await page.getByRole("dialog", { name: "Delete “VIP patients”?" }).getByRole("button", { name: "Delete view" }).click();
  await page.getByText("“VIP patients” was deleted.").waitFor();
  await count(page, "3 contacts");
  assert.equal(await views.getByRole("link").count(), 1);
  await visibleText(page, "Nina Park").waitFor();
}
