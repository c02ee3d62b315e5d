// The contact list's filters: the panel with counts, chips that say what is on, the URL as the
// list's state, a saved view that keeps the filters, and "all matching" that acts on the slice.
import assert from "node:assert/strict";
import { api, expectAccessible, newOrganization, screenshot } from "./lib/flows.mjs";

const count = (page, text) => page.getByText(text, { exact: true }).first().waitFor();
const settled = (page) => page.locator('section[aria-label="Contacts"][aria-busy="false"]').waitFor();

export async function aPersonFindsASliceWithFiltersSavesItAndActsOnIt(t) {
  const { page } = await newOrganization(t, { width: 1280, organization: "Lakeside Dental" });
  await api(page, "POST", "/api/contacts", { first_name: "Rosa", last_name: "Diaz", status: "inactive", pipeline_stage: "customer", source: "import" });
  await api(page, "POST", "/api/contacts", { first_name: "Omar", last_name: "Haddad", status: "inactive", pipeline_stage: "lead", source: "import" });
  await api(page, "POST", "/api/contacts", { first_name: "Lena", last_name: "Berg", status: "active", pipeline_stage: "customer", source: "referral" });
  await api(page, "POST", "/api/contacts", { phones: [{ phone_number: "+14155550142" }], source: "call" });

  await page.goto("/contacts");
  await count(page, "4 contacts");
  const toggle = page.getByRole("button", { name: /^Filters/ });
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  const panel = page.getByRole("region", { name: "More filters" });
  // Counts beside each choice, from the organization's counters.
  await panel.getByRole("checkbox", { name: /Inactive\s*2/ }).check();
  await count(page, "2 matches");
  await panel.getByRole("checkbox", { name: /import\s*2/ }).waitFor();
  await panel.getByRole("checkbox", { name: /Customer/ }).check();
  await count(page, "1 match");
  assert.match(page.url(), /status=inactive/);
  assert.match(page.url(), /pipeline_stage=customer/);
  await page.getByText("Status: Inactive", { exact: true }).waitFor();
  await page.getByText("Stage: Customer", { exact: true }).waitFor();
  await panel.getByLabel("Created").selectOption({ label: "Last 30 days" });
  await page.getByText("Created last 30 days", { exact: true }).waitFor();
  await settled(page);
  await screenshot(t, page, "filters-panel-1280");
  await expectAccessible(page, "contact list with the filter panel open");
  // Escape closes the panel and goes back to its button; the filters stay.
  await panel.getByRole("checkbox", { name: /Active/ }).focus();
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "hidden" });
  assert.equal(await toggle.evaluate((el) => el === document.activeElement), true);
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");

  // A chip takes its filter off; the URL is the state (reload keeps it).
  await page.getByRole("button", { name: "Remove filter Stage: Customer" }).click();
  await count(page, "2 matches");
  await page.reload();
  await count(page, "2 matches");
  await page.getByText("Status: Inactive", { exact: true }).waitFor();

  // Saved as a view, the filters come back with it.
  await page.getByRole("button", { name: "Save view" }).click();
  const dialog = page.getByRole("dialog", { name: "Save view" });
  await dialog.getByLabel("Name").fill("Lapsed patients");
  await dialog.getByRole("button", { name: "Save view" }).click();
  await dialog.waitFor({ state: "hidden" });
  const [view] = await api(page, "GET", "/api/views");
  assert.deepEqual(view.query, { status: ["inactive"], created_from: "-30d" });
  await page.getByRole("navigation", { name: "Saved views" }).getByRole("link", { name: "All contacts" }).click();
  await count(page, "4 contacts");
  await page.getByRole("navigation", { name: "Saved views" }).getByRole("link", { name: /Lapsed patients/ }).click();
  await count(page, "2 matches");

  // Act on everything the filters match: both inactive contacts become archived, no one else.
  await page.getByRole("checkbox", { name: /Select Rosa Diaz/ }).check();
  await page.getByRole("button", { name: "Select all 2 matching" }).click();
  const bar = page.getByRole("region", { name: "Change the selected contacts" });
  await bar.getByText("All 2 matching contacts").waitFor();
  await bar.getByLabel("Change").selectOption("set_status");
  await bar.getByLabel("Status").selectOption("archived");
  await bar.getByRole("button", { name: "Apply" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Apply" }).click();
  await page.getByText(/^Done: set the status of 2 contacts to Archived/).waitFor();
  const statuses = (await api(page, "GET", "/api/contacts/list?sort=name_asc")).contacts.map((c) => `${c.first_name || "?"}:${c.status}`);
  assert.deepEqual(statuses, ["Lena:active", "Omar:archived", "Rosa:archived", "?:active"]);

  // The stub of a caller: "No name".
  await page.goto("/contacts?no_name=true");
  await count(page, "1 match");
  await page.getByText("No name", { exact: true }).waitFor();
  await page.setViewportSize({ width: 375, height: 800 });
  await page.getByRole("button", { name: /^Filters/ }).click();
  await settled(page);
  await screenshot(t, page, "filters-panel-375");
  await expectAccessible(page, "contact list with the filter panel open at phone width");
  await page.getByRole("region", { name: "More filters" }).getByLabel("Last contacted").selectOption({ label: "Never" });
  await page.getByText("Never contacted", { exact: true }).waitFor();
  assert.match(page.url(), /never_contacted=true/);
  await count(page, "1 match");
  await page.getByRole("button", { name: "Clear filters" }).click();
  await count(page, "4 contacts");
}
