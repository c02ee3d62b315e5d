// Importing a spreadsheet of contacts the way an admin does: upload, check how the columns are
// read, change one, preview, start, watch it finish (the running app's queue does the work),
// download the rows that failed, and find the new contacts in the list.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { api, elementScreenshot, expectAccessible, newOrganization, screenshot, visibleText } from "./lib/flows.mjs";

const CSV = [
  "Full Name,Mobile,E-mail,Organisation,Member No,Tags,Favourite colour",
  "Harriet Quimby,(646) 555-0601,harriet@example.com,Aero Club,M-1,Pilots; VIP,red",
  "Bessie Coleman,646-555-0602,,,M-2,Pilots,blue",
  "Existing Caller,+16465550600,existing@example.com,Known Co,M-3,,green",
  "Broken Number,555,,,M-4,,",
  "Amelia Earhart,+1 646 555 0604,amelia@example.com,,M-5,Pilots,gold",
].join("\r\n");

export async function anAdminImportsASpreadsheetAndDownloadsTheRowsThatFailed(t) {
  const { page } = await newOrganization(t, { width: 1280 });
  await api(page, "POST", "/api/contacts", { first_name: "Existing", phones: [{ phone_number: "+16465550600" }] });
  await page.goto("/contacts");
  await page.getByRole("link", { name: "Import", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Import contacts" }).waitFor();
  await screenshot(t, page, "import-upload-1280");
  await expectAccessible(page, "import upload");
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "import-upload-375");
  await expectAccessible(page, "import upload");
  await page.setViewportSize({ width: 1280, height: 900 });

  // A file with a broken row is refused whole, naming the line; a draft can be discarded.
  await page.getByLabel("CSV file").setInputFiles({ name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from("Name,Phone\nAda,6465550690\nBob,6465550691,extra\n") });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.getByRole("alert").getByText(/^Line 3 has 3 fields but the header has 2/).waitFor();
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "import-refused-375");
  await expectAccessible(page, "import upload refused");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByLabel("CSV file").setInputFiles({ name: "one.csv", mimeType: "text/csv", buffer: Buffer.from("Name,Phone\nAda,6465550690\n") });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.getByRole("region", { name: "Columns of one.csv" }).waitFor();
  await page.getByRole("button", { name: "Discard" }).click();
  await page.getByText("The upload was discarded.").waitFor();
  await page.getByRole("button", { name: "Upload and check" }).waitFor();
  assert.equal((await api(page, "GET", "/api/contacts/list?search=ada")).total_count, 0, "a discarded upload writes nothing");

  await page.getByLabel("CSV file").setInputFiles({ name: "pilots.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.waitForURL(/\/contacts\/import\?id=/);
  const columns = page.getByRole("region", { name: "Columns of pilots.csv" });
  await columns.waitFor();
  // Read from the headers; "Member No" is not a header we know: the admin says what it is.
  assert.equal(await columns.getByLabel("Import “Full Name” as").inputValue(), "full_name");
  assert.equal(await columns.getByLabel("Import “Mobile” as").inputValue(), "phone");
  assert.equal(await columns.getByLabel("Import “Favourite colour” as").inputValue(), "");
  assert.equal(await columns.getByLabel("Import “Member No” as").inputValue(), "");
  await columns.getByLabel("Import “Member No” as").selectOption("external_id");
  await page.getByText("Overwrite", { exact: true }).click();

  const preview = page.getByRole("region", { name: "Preview" });
  await preview.getByText(/"555" is not a possible phone number/).waitFor();
  // Read again with the changed mapping: the existing caller's row now also fills its external id.
  await preview.getByText(/matches an existing contact by phone \+16465550600: .*external id/).waitFor();
  assert.equal(await preview.getByText("New", { exact: true }).count(), 3);
  await screenshot(t, page, "import-mapping-1280");
  await expectAccessible(page, "import mapping and preview");
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(t, page, "import-mapping-375");
  await expectAccessible(page, "import mapping and preview");

  await page.getByRole("button", { name: "Import 5 rows" }).click();
  const progress = page.getByRole("region", { name: "pilots.csv" });
  await progress.getByText("Done", { exact: true }).waitFor({ timeout: 30_000 });
  await progress.getByText("5 of 5 rows read (100%).").waitFor();
  const count = async (label) => Number(await progress.locator("dt", { hasText: label }).locator("xpath=following-sibling::dd").innerText());
  assert.deepEqual([await count("Created"), await count("Updated"), await count("Skipped"), await count("Failed")], [3, 1, 0, 1]);
  await screenshot(t, page, "import-done-375");
  await expectAccessible(page, "import done");
  await page.setViewportSize({ width: 1280, height: 900 });
  await elementScreenshot(page.locator("main"), "import-done-1280");

  // The failed rows, with why, ready to fix and upload again.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download 1 failed row (CSV)" }).click()]);
  assert.equal(download.suggestedFilename(), "pilots-errors.csv");
  const failed = Papa.parse(readFileSync(await download.path(), "utf8").trim()).data;
  assert.deepEqual(failed[0], ["Full Name", "Mobile", "E-mail", "Organisation", "Member No", "Tags", "Favourite colour", "import_error"]);
  assert.equal(failed[1][0], "Broken Number");
  assert.match(failed[1][7], /^line 5: Mobile: "555" is not a possible phone number/);

  await page.getByRole("link", { name: "View contacts" }).click();
  await page.getByRole("heading", { level: 1, name: "Contacts" }).waitFor();
  await visibleText(page, "Harriet Quimby").waitFor();
  // Overwrite: the existing caller took the file's name, company and email.
  await visibleText(page, "Existing Caller").waitFor();
  const [existing] = (await api(page, "GET", "/api/contacts/list?search=existing")).contacts;
  assert.equal(existing.company, "Known Co");
  assert.equal(existing.external_id, "M-3");

  // The import is listed on the upload step.
  await page.goto("/contacts/import");
  const history = page.getByRole("region", { name: "Recent imports" });
  await history.getByRole("link", { name: "pilots.csv" }).waitFor();
  await history.getByText("3 created · 1 updated · 0 skipped").waitFor();

  await history.scrollIntoViewIfNeeded();
  await elementScreenshot(history, "import-history-1280");
  await page.setViewportSize({ width: 375, height: 800 });
  await elementScreenshot(history, "import-history-375");
  await expectAccessible(page, "recent imports at phone width");
  // Deleted with its failed rows; the contacts it wrote stay.
  const before = (await api(page, "GET", "/api/contacts/list")).total_count;
  await history.getByRole("button", { name: "Delete the import pilots.csv" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete the import “pilots.csv”?" });
  await confirm.getByText(/failed rows go with it/).waitFor();
  await confirm.getByRole("button", { name: "Delete import" }).click();
  await page.getByText("The import “pilots.csv” was deleted.").waitFor();
  await history.getByRole("link", { name: "pilots.csv" }).waitFor({ state: "detached" });
  assert.equal((await api(page, "GET", "/api/imports")).some((i) => i.filename === "pilots.csv"), false);
  assert.equal((await api(page, "GET", "/api/contacts/list")).total_count, before);
}
