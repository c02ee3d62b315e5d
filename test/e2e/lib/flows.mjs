// Steps a person takes, shared by the browser tests.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";

export const PASSWORD = "correct horse battery";

export function newUser(name = "Dana Whitfield") {
  return { name, email: `e2e-${randomBytes(6).toString("hex")}@example.com`, password: PASSWORD };
}

export async function signUp(page, user) {
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/onboarding");
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
