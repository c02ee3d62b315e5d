import assert from "node:assert/strict";
import { createOrganization, expectAlert, expectHeader, newUser, signInWithKeyboard, signUp } from "./lib/flows.mjs";

export async function signUpCreateOrganizationSignOutAndSignInAgain(t) {
  const page = await t.newPage();
  const user = newUser();
  await page.goto("/sign-up");
  await signUp(page, user);
  await createOrganization(page, "Harbor View Clinic");
  await expectHeader(page, { organization: "Harbor View Clinic", user: user.name, role: "owner" });
  await page.getByText("No contacts yet").waitFor();

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/sign-in");
  await page.goto("/contacts");
  await page.waitForURL("**/sign-in");

  await signInWithKeyboard(page, user);
  await page.waitForURL("**/contacts");
  await expectHeader(page, { organization: "Harbor View Clinic", user: user.name, role: "owner" });
}

export async function signedOutVisitorIsSentToSignIn(t) {
  const page = await t.newPage();
  await page.goto("/");
  await page.waitForURL("**/sign-in");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.waitForURL("**/sign-up");
  await page.getByRole("heading", { name: "Create your account" }).waitFor();
}

export async function wrongPasswordIsExplainedInWords(t) {
  const page = await t.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expectAlert(page, "Invalid email or password");
  assert.ok(page.url().endsWith("/sign-in"));
}
