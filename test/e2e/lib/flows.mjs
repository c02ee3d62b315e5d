// Steps a person takes, shared by the browser tests.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";

const SCREENSHOTS = join(import.meta.dirname, "../../../test-results/screenshots");

export const PASSWORD = "correct horse battery";

/** Polls `probe` until it answers something truthy (answered), or fails after `timeoutMs`. */
export async function until(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export function newUser(name = "Dana Whitfield") {
  return { name, email: `e2e-${randomBytes(6).toString("hex")}@example.com`, password: PASSWORD };
}

/** Fills in the sign-up form; `landing` is where the app should go next. */
export async function signUp(page, user, landing = "**/onboarding") {
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(landing);
}

export async function createOrganization(page, name) {
  await page.getByLabel("Organization name").fill(name);
  await page.getByRole("button", { name: "Create organization" }).click();
  await page.waitForURL("**/contacts");
}

/** Signs in using only the keyboard: the form must be reachable and submittable without a mouse. */
export async function signInWithKeyboard(page, user) {
  await page.getByLabel("Email").focus();
  await page.keyboard.type(user.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(user.password);
  await page.keyboard.press("Enter");
}

export async function expectHeader(page, { organization, user, role }) {
  const header = page.getByRole("banner");
  await header.getByText(organization, { exact: true }).waitFor();
  await header.getByText(user, { exact: true }).waitFor();
  if (role) await header.getByText(role, { exact: true }).waitFor();
}

/** An alert with this text is shown, and it is words, not a JSON body. */
export async function expectAlert(page, text) {
  const alert = page.getByRole("alert").filter({ hasText: text });
  await alert.waitFor();
  const shown = await alert.innerText();
  assert.ok(!/[{}]/.test(shown), `alert shows raw JSON: ${shown}`);
}

/** A new account with its own organization, signed in at /contacts, in a fresh browser context. */
export async function newOrganization(t, { width = 1280, organization = "Northwind Dental", name } = {}) {
  const page = await t.newPage({ width });
  const user = newUser(name);
  await page.goto("/sign-up");
  await signUp(page, user);
  await createOrganization(page, organization);
  return { page, user };
}

/** Calls the API with the page's session (setting up data a test is not about). */
export async function api(page, method, path, data) {
  // Writes with the session cookie must name this app's origin, as the browser's own fetches do.
  const headers = { origin: new URL(page.url()).origin, ...(data ? {} : { "content-length": "0" }) };
  const res = await page.request.fetch(path, { method, data, headers });
  if (!res.ok()) throw new Error(`${method} ${path} ${res.status()}: ${await res.text()}`);
  return res.status() === 204 ? null : res.json();
}

/** The visible element with this text (narrow screens render cards, wide ones a table). */
export const visibleText = (page, text, options) => page.getByText(text, options).filter({ visible: true }).first();

/** Creates a tag in Settings the way an admin does. */
export async function createTagInSettings(page, name, colorName = "Emerald") {
  await page.getByRole("form", { name: "New tag" }).getByLabel("Tag name").fill(name);
  await page.getByRole("radio", { name: colorName }).check();
  await page.getByRole("button", { name: "Add tag" }).click();
  await page.getByRole("list", { name: "Tags" }).getByText(name, { exact: true }).waitFor();
}

/** Invites someone in Settings and returns the invitation link shown to copy. */
export async function inviteInSettings(page, email, role = "member") {
  const form = page.getByRole("form", { name: "Invite a member" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption(role);
  await form.getByRole("button", { name: "Invite" }).click();
  const link = page.getByLabel("Invitation link", { exact: true });
  await link.waitFor();
  return link.inputValue();
}

/** Follows a link of the app's main navigation (tabs on phones, header links on desktops). */
export async function navigateTo(page, label) {
  await page.getByRole("navigation", { name: "Main" }).filter({ visible: true }).getByRole("link", { name: label }).click();
  await page.getByRole("heading", { level: 1, name: label, exact: true }).waitFor();
}

/** A full-page screenshot taken from the top, so the sticky header is drawn where it belongs. */
export async function screenshot(t, page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await t.screenshot(page, name);
}

/** Only what the viewport shows: a modal dialog over the page as a person sees it (axe-checked too). */
export async function viewportScreenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  await expectAccessible(page, name);
}

/** Only one part of the page (a settings section, say), to look at it closely. */
export const elementScreenshot = (locator, name) => locator.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

/** The element that has keyboard focus, described by its accessible-ish name. */
export const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return "";
    const label = el.getAttribute("aria-label") ?? el.labels?.[0]?.textContent ?? el.getAttribute("name") ?? el.textContent;
    return (label ?? "").replace(/\s+/g, " ").trim();
  });

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
/** The WCAG 2.1 A and AA rules axe-core checks; a serious or critical finding fails the test. */
const WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Runs axe-core inside the page as it is now; throws listing each serious or critical violation. */
export async function expectAccessible(page, where) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join(" ")}`),
    }));
  }, WCAG21_AA);
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    blocking.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join("\n    ")}`),
    [],
    `axe-core on ${where} (${page.viewportSize()?.width} px)`,
  );
}
