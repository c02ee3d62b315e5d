import { createOrganization, expectAlert, expectHeader, newUser, signUp } from "./lib/flows.mjs";

const CONTACTS = [
  { first_name: "Maya", last_name: "Okafor", company: "Okafor & Partners Architecture", phones: [{ phone_number: "(415) 555-0132" }] },
  {
    first_name: "Jonathan",
    last_name: "Castellanos-Whitmore",
    company: "Pacific Northwest Orthodontics Group of Greater Seattle",
    phones: [{ phone_number: "+44 20 7946 0958" }],
  },
  { source: "call", phones: [{ phone_number: "(212) 555-0199" }] },
  { first_name: "Lee", emails: [{ email: "lee@example.com" }] },
];

async function addContacts(page) {
  for (const data of CONTACTS) {
    const res = await page.request.post("/api/contacts", { data });
    if (res.status() !== 201) throw new Error(`POST /api/contacts ${res.status()}: ${await res.text()}`);
  }
}

async function everyPageAt(t, width) {
  const page = await t.newPage({ width });
  await page.goto("/sign-in");
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await t.screenshot(page, `sign-in-${width}`);

  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByRole("heading", { name: "Create your account" }).waitFor();
  await t.screenshot(page, `sign-up-${width}`);

  const user = newUser("Alexandra Montgomery-Reyes");
  await signUp(page, user);
  await page.getByRole("heading", { name: "Create your organization" }).waitFor();
  await t.screenshot(page, `onboarding-${width}`);

  await createOrganization(page, "Brightline Family Dental & Orthodontics");
  await page.getByText("No contacts yet").waitFor();
  await t.screenshot(page, `contacts-empty-${width}`);

  await addContacts(page);
  await page.reload();
  await expectHeader(page, { organization: "Brightline Family Dental & Orthodontics", user: user.name, role: "owner" });
  for (const text of ["Maya Okafor", "(415) 555-0132", "Unknown caller", "(212) 555-0199", "4 contacts"]) {
    // Narrow screens fold phone and company into the name cell: look for whichever is shown.
    await page.getByText(text).filter({ visible: true }).first().waitFor();
  }
  await t.screenshot(page, `contacts-${width}`);
}

export const everyPageAtPhoneWidth = (t) => everyPageAt(t, 375);
export const everyPageAtDesktopWidth = (t) => everyPageAt(t, 1280);

export async function contactListShowsLoadingThenAProblemInWords(t) {
  const page = await t.newPage();
  await page.goto("/sign-up");
  await signUp(page, newUser());
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route("**/api/contacts/list*", async (route) => {
    await held;
    await route.fulfill({
      status: 503,
      contentType: "application/problem+json",
      body: JSON.stringify({ type: "about:blank", title: "Unavailable", status: 503, detail: "The database is busy. Try again in a moment." }),
    });
  });
  await createOrganization(page, "Loading State Co");
  await page.locator("section[aria-busy=true]").waitFor();
  await t.screenshot(page, "contacts-loading-1280");
  release();
  await expectAlert(page, "The database is busy. Try again in a moment.");
  await t.screenshot(page, "contacts-error-1280");

  await page.unroute("**/api/contacts/list*");
  await page.getByRole("button", { name: "Try again" }).click();
  await page.getByText("No contacts yet").waitFor();
}
