// Every view at phone and desktop width, screenshotted into test-results/screenshots/.
import {
  api,
  createOrganization,
  expectAlert,
  expectHeader,
  navigateTo,
  newUser,
  screenshot,
  signUp,
  viewportScreenshot,
  visibleText,
} from "./lib/flows.mjs";

const CONTACTS = [
  { first_name: "Maya", last_name: "Okafor", company: "Okafor & Partners Architecture", phones: [{ phone_number: "(415) 555-0132" }] },
  {
    first_name: "Jonathan",
    last_name: "Castellanos-Whitmore",
    company: "Pacific Northwest Orthodontics Group of Greater Seattle",
    phones: [{ phone_number: "+44 20 7946 0958" }],
    emails: [{ email: "jonathan.castellanos-whitmore@pnw-orthodontics.example.com" }],
  },
  { source: "call", phones: [{ phone_number: "(212) 555-0199" }] },
  { first_name: "Lee", emails: [{ email: "lee@example.com" }] },
  { first_name: "Ana", last_name: "Lima", company: "Lima Bakery", phones: [{ phone_number: "(415) 555-0142" }] },
  { first_name: "Ólafur", last_name: "Arnalds", phones: [{ phone_number: "(646) 555-0175" }] },
];

const TAGS = [
  ["VIP", "#f59e0b"],
  ["New patient", "#10b981"],
  ["Insurance pending", "#6366f1"],
];

async function addData(page) {
  const tags = [];
  for (const [name, color] of TAGS) tags.push(await api(page, "POST", "/api/tags", { name, color }));
  for (const [i, data] of CONTACTS.entries()) {
    const tag_ids = i % 2 === 0 ? tags.slice(0, (i % 3) + 1).map((t) => t.id) : [];
    await api(page, "POST", "/api/contacts", { ...data, tag_ids });
  }
  return tags;
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

  await addData(page);
  await page.reload();
  await expectHeader(page, { organization: "Brightline Family Dental & Orthodontics", user: user.name, role: "owner" });
  for (const text of ["Maya Okafor", "(415) 555-0132", "Unknown caller", "(212) 555-0199", "6 contacts"]) {
    await visibleText(page, text).waitFor();
  }
  await t.screenshot(page, `contacts-${width}`);

  await page.getByRole("button", { name: "New contact" }).click();
  const dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("Phone").fill("(415) 555-0132");
  await dialog.getByRole("button", { name: "Create contact" }).click();
  await dialog.getByText("This number already belongs to another contact.").waitFor();
  await viewportScreenshot(page, `new-contact-${width}`);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });

  await navigateTo(page, "Assignments");
  await visibleText(page, "Maya Okafor").waitFor();
  await page.getByText("contacts assigned").waitFor();
  await screenshot(t, page, `assignments-${width}`);

  await navigateTo(page, "Settings");
  await page.getByRole("list", { name: "Tags" }).getByText("VIP").waitFor();
  const invitee = newUser("Jordan Blake");
  const form = page.getByRole("form", { name: "Invite a member" });
  await form.getByLabel("Email").fill(invitee.email);
  await form.getByRole("button", { name: "Invite" }).click();
  const link = await page.getByLabel("Invitation link", { exact: true }).inputValue();
  await page.getByLabel("Key name").fill("Production call pipeline");
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByText("This is the only time it is shown.").waitFor();
  await page.getByRole("list", { name: "Pending invitations" }).getByText(invitee.email).waitFor();
  await screenshot(t, page, `settings-${width}`);

  const guest = await t.newPage({ width });
  await guest.goto(link);
  await guest.getByRole("heading", { name: "You're invited" }).waitFor();
  await t.screenshot(guest, `invite-${width}`);
  await guest.getByRole("link", { name: "Create an account" }).click();
  await signUp(guest, invitee, "**/invite/**");
  await guest.getByRole("heading", { name: "Join Brightline Family Dental & Orthodontics" }).waitFor();
  await t.screenshot(guest, `invite-accept-${width}`);
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
