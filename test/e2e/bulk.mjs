// Changing many contacts at once from the list: tick a few and tag them; select everything the
// search matches and change it in the background, watching the progress.
import assert from "node:assert/strict";
import { api, expectAccessible, newOrganization, screenshot, until, viewportScreenshot } from "./lib/flows.mjs";

const count = (page, text) => page.getByText(text, { exact: true }).first().waitFor();
/** The visible checkbox (the table from 768 px, the cards below). */
const box = (page, name) => page.getByLabel(name, { exact: true }).filter({ visible: true });

export async function anAdminTagsTheSelectionAndChangesEverythingMatching(t) {
  const { page } = await newOrganization(t, { width: 1280, organization: "Bay Dental" });
  const vip = await api(page, "POST", "/api/tags", { name: "VIP", color: "#10b981" });
  // 240 patients through the CSV import (the queue of the running app writes them).
  const csv = ["First name,Last name,Phone", ...Array.from({ length: 240 }, (_, i) => `Patient,P${String(i).padStart(3, "0")},+1646555${String(1000 + i)}`)].join("\n");
  const origin = new URL(page.url()).origin;
  const upload = await page.request.fetch("/api/imports?filename=patients.csv", { method: "POST", data: csv, headers: { origin, "content-type": "text/csv" } });
  assert.equal(upload.status(), 201);
  const draft = await upload.json();
  await api(page, "POST", `/api/imports/${draft.id}/start`, {});
  await until("the import to finish", async () => (await api(page, "GET", `/api/imports/${draft.id}`)).status === "done");
  await api(page, "POST", "/api/contacts", { first_name: "Zed", last_name: "Other" });

  await page.goto("/contacts?sort=name_asc");
  await count(page, "241 contacts");
  await box(page, "Select Patient P000").check();
  await box(page, "Select Patient P001").check();
  const bar = page.getByRole("region", { name: "Change the selected contacts" });
  await bar.getByText("2 selected").waitFor();
  await bar.getByRole("combobox", { name: "Change", exact: true }).selectOption("add_tag");
  await bar.getByRole("combobox", { name: "Tag", exact: true }).selectOption(vip.id);
  await screenshot(t, page, "bulk-selection-1280");
  await expectAccessible(page, "contact list with a selection");
  await bar.getByRole("button", { name: "Apply" }).click();
  const confirm = page.getByRole("dialog", { name: "Add the tag VIP to 2 contacts?" });
  await confirm.getByRole("button", { name: "Apply" }).click();
  await page.getByText("Done: add the tag VIP to 2 contacts.").waitFor();
  assert.equal((await api(page, "GET", `/api/contacts/list?tag_ids=${vip.id}`)).total_count, 2);
  assert.equal(await bar.count(), 0, "the selection is cleared once done");

  // Everything the search matches (more than a page, more than is changed at once).
  await page.getByLabel("Search contacts").fill("patient");
  await count(page, "240 matches");
  await page.getByLabel("Select all contacts on this page").check();
  await bar.getByText("25 selected").waitFor();
  await bar.getByRole("button", { name: "Select all 240 matching" }).click();
  await bar.getByText("All 240 matching contacts").waitFor();
  await bar.getByRole("combobox", { name: "Change", exact: true }).selectOption("set_status");
  await bar.getByRole("combobox", { name: "Status", exact: true }).selectOption("inactive");
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "bulk-selection-375");
  await expectAccessible(page, "contact list with a selection");
  await bar.getByRole("button", { name: "Apply" }).click();
  const ask = page.getByRole("dialog", { name: "Set the status of 240 contacts to Inactive?" });
  await ask.getByText("It runs in the background; you can keep working.").waitFor();
  await viewportScreenshot(page, "bulk-confirm-375");
  await ask.getByRole("button", { name: "Apply" }).click();
  await page.getByText("Done: set the status of 240 contacts to Inactive.").waitFor({ timeout: 30_000 });
  const inactive = (await api(page, "GET", "/api/contacts/list?search=patient&page_size=50")).contacts;
  assert.ok(inactive.every((c) => c.status === "inactive"));
  const zed = (await api(page, "GET", "/api/contacts/list?search=zed")).contacts[0];
  assert.equal(zed.status, "active", "a contact the search does not match is left alone");
}
