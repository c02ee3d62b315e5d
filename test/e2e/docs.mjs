// The API reference at /api/docs, as someone behind a strict network (or offline) opens it, and
// the OpenAPI document as an integrator's lint tools read it.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function apiReferenceOfflineAt(t, width) {
  const page = await t.newPage({ width });
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
  // An operation of the document (better-auth's email routes come first), rendered.
  await page.getByRole("heading", { name: /with email and password/ }).first().waitFor({ timeout: 20_000 });
  await page.getByText("Contacts API").first().waitFor();
  await t.screenshot(page, `api-docs-${width}`);
  assert.deepEqual(outside, [], "the reference page asked for something outside this app");
}

export const apiReferenceNeedsNothingFromOutside = (t) => apiReferenceOfflineAt(t, 1280);
export const apiReferenceNeedsNothingFromOutsideAtPhoneWidth = (t) => apiReferenceOfflineAt(t, 375);

export async function apiDocumentPassesRedoclyRecommendedLint(t) {
  const { createConfig, lint } = await import("@redocly/openapi-core");
  const res = await fetch(`${t.baseURL}/api/openapi.json`);
  assert.equal(res.status, 200);
  const file = join(mkdtempSync(join(tmpdir(), "openapi-")), "openapi.json");
  writeFileSync(file, await res.text());
  const problems = await lint({ ref: file, config: await createConfig({ extends: ["recommended"] }) });
  const listed = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location?.[0]?.pointer ?? ""})`);
  assert.deepEqual(listed, [], `Redocly's recommended ruleset found ${problems.length} problems`);
}
