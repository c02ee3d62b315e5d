// The API reference at /api/docs, as someone behind a strict network (or offline) opens it.
import assert from "node:assert/strict";

export async function apiReferenceNeedsNothingFromOutside(t) {
  const page = await t.newPage();
  const origin = new URL(t.baseURL).origin;
  const outside = [];
  await page.context().route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    outside.push(url);
    return route.abort("internetdisconnected");
  });
  await page.goto("/api/docs");
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  // The first operation of the document, rendered with its parameters.
  await page.getByRole("heading", { name: "Contacts with their assignees, filterable by search, tags and member (admin)" }).first().waitFor({ timeout: 20_000 });
  await page.getByText("Contacts API").first().waitFor();
  await t.screenshot(page, "api-docs-1280");
  assert.deepEqual(outside, [], "the reference page asked for something outside this app");
}
