// A person's privacy requests where an admin looks for them: the contact's page exports everything
// held about them as a file, and erases them for good after the name is typed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { api, elementScreenshot, newOrganization, viewportScreenshot } from "./lib/flows.mjs";

export async function anAdminExportsAPersonsDataAndErasesThemForGood(t) {
  const { page } = await newOrganization(t, { width: 375 });
  const contact = await api(page, "POST", "/api/contacts", { first_name: "Erin", last_name: "Erase", phones: [{ phone_number: "+16465550501" }] });
  await api(page, "POST", `/api/contacts/${contact.id}/notes`, { body: "Asked for her data" });
  await page.goto(`/contacts/${contact.id}`);
  await page.getByRole("heading", { level: 1, name: "Erin Erase" }).waitFor();

  // Export: a JSON file with everything, the note included.
  const section = page.getByRole("region", { name: "Delete contact" });
  await section.scrollIntoViewIfNeeded();
  await elementScreenshot(section, "privacy-section-375");
  await page.setViewportSize({ width: 1280, height: 900 });
  await section.scrollIntoViewIfNeeded();
  await elementScreenshot(section, "privacy-section-1280");
  const [download] = await Promise.all([page.waitForEvent("download"), section.getByRole("link", { name: "Export data" }).click()]);
  assert.equal(download.suggestedFilename(), `contact-${contact.id}.json`);
  const data = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(data.contact.first_name, "Erin");
  assert.equal(data.phones[0].phone_number, "+16465550501");
  assert.equal(data.notes[0].body, "Asked for her data");

  // Erase: only once the name is typed.
  await section.getByRole("button", { name: "Erase…" }).click();
  const dialog = page.getByRole("dialog", { name: "Erase Erin Erase for good?" });
  const confirm = dialog.getByRole("button", { name: "Erase for good" });
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel("Type “Erin Erase” to confirm").fill("Erin");
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel("Type “Erin Erase” to confirm").fill("erin erase");
  await viewportScreenshot(page, "privacy-erase-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await viewportScreenshot(page, "privacy-erase-375");
  await confirm.click();
  await page.getByText("Erin Erase was erased.").waitFor();
  await page.waitForURL("**/contacts");
  const gone = await page.request.get(`/api/contacts/${contact.id}`);
  assert.equal(gone.status(), 404);
  const [record] = await api(page, "GET", "/api/erasures");
  assert.equal(record.counts.notes, 1);
  assert.ok(!JSON.stringify(record).includes("Erin"), "the record says nothing about the person");
}
