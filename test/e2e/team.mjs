// An admin invites a teammate, who joins through the link; assignments stay the admin's business.
import assert from "node:assert/strict";
import { api, expectHeader, focused, inviteInSettings, navigateTo, newOrganization, newUser, signUp, visibleText } from "./lib/flows.mjs";

const PROBLEM = { status: 503, contentType: "application/problem+json", body: JSON.stringify({ type: "about:blank", title: "Unavailable", status: 503, detail: "The database is busy." }) };

export async function inviteAMemberAssignContactsAndKeepAssignmentsAdminOnly(t) {
  const { page: admin } = await newOrganization(t, { organization: "Harbor Dental" });
  await api(admin, "POST", "/api/contacts", { first_name: "Ana", last_name: "Lima", phones: [{ phone_number: "(415) 555-0142" }] });
  await api(admin, "POST", "/api/contacts", { first_name: "Bo", last_name: "Berg", company: "Berg Bikes" });
  await api(admin, "POST", "/api/contacts", { source: "call", phones: [{ phone_number: "(212) 555-0100" }] });

  // The admin invites Maria and copies the link: no email is sent.
  await navigateTo(admin, "Settings");
  await admin.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: t.baseURL });
  const maria = newUser("Maria Chen");
  const link = await inviteInSettings(admin, maria.email);
  assert.match(link, /\/invite\/[0-9a-f-]{36}$/);
  await admin.getByRole("button", { name: "Copy invitation link", exact: true }).click();
  await admin.getByText("Copied").first().waitFor();
  assert.equal(await admin.evaluate(() => navigator.clipboard.readText()), link);
  await admin.getByRole("list", { name: "Pending invitations" }).getByText(maria.email).waitFor();

  // Maria opens the link signed out, creates her account and joins.
  const member = await t.newPage();
  await member.goto(link);
  await member.getByRole("heading", { name: "You're invited" }).waitFor();
  await member.getByRole("link", { name: "Create an account" }).click();
  await signUp(member, maria, "**/invite/**");
  await member.getByRole("heading", { name: "Join Harbor Dental" }).waitFor();
  await member.getByRole("button", { name: "Accept invitation" }).click();
  await member.waitForURL("**/contacts");
  await member.getByText("Welcome to Harbor Dental.").waitFor();
  await expectHeader(member, { organization: "Harbor Dental", user: "Maria Chen", role: "member" });
  await visibleText(member, "Ana Lima").waitFor();
  assert.equal(await member.getByRole("link", { name: "Assignments" }).count(), 0, "members have no Assignments link");

  // Assignments and Settings are admin-only: a member is sent back with a reason.
  await member.goto("/contacts/assignments");
  await member.waitForURL((url) => url.pathname === "/contacts");
  await member.getByRole("status").getByText(/Assignments are managed by admins/).waitFor();
  await member.goto("/settings");
  await member.waitForURL((url) => url.pathname === "/contacts");
  await member.getByRole("status").getByText(/Settings are managed by admins/).waitFor();

  // The invitation is used up; Maria is on the team.
  await admin.reload();
  await admin.getByRole("list", { name: "Members" }).getByText("Maria Chen", { exact: true }).waitFor();
  await admin.getByText("No pending invitations.").waitFor();

  // Per-row assignment, shown at once.
  await navigateTo(admin, "Assignments");
  await admin.getByText("contacts assigned").waitFor();
  const stats = admin.getByText(/of 3\s+contacts assigned/);
  assert.match(await stats.innerText(), /^0 of 3/);
  for (const letter of ["A", "B", "#"]) await admin.getByRole("heading", { name: letter, exact: true }).waitFor();
  await admin.getByLabel("Assign a member to Ana Lima").selectOption({ label: "Maria Chen" });
  const remove = admin.getByRole("button", { name: "Remove Maria Chen from Ana Lima" });
  await remove.waitFor();
  await admin.getByText(/^1 of 3/).waitFor();

  // Only Maria's contacts; the filter lives in the URL.
  await admin.getByLabel("Filter by member").selectOption({ label: "Maria Chen" });
  await admin.waitForURL((url) => url.searchParams.has("member"));
  await admin.getByText("1 contact", { exact: true }).waitFor();
  assert.equal(await admin.getByText("Bo Berg").count(), 0);

  // A removal the server refuses is put back, with a message.
  await admin.route("**/api/contacts/*/members/*", (route) => (route.request().method() === "DELETE" ? route.fulfill(PROBLEM) : route.fallback()));
  await remove.click();
  await admin.getByRole("alert").getByText("Maria Chen is still assigned to Ana Lima: The database is busy.").waitFor();
  await remove.waitFor();
  await admin.unroute("**/api/contacts/*/members/*");
  await remove.click();
  await remove.waitFor({ state: "hidden" });
  await admin.getByText(/^0 of 3/).waitFor();

  // Bulk: select the whole page and assign it in one go.
  await admin.getByLabel("Filter by member").selectOption("all");
  await admin.getByText("3 contacts", { exact: true }).waitFor();
  await admin.getByLabel("Select all on this page").check();
  await admin.getByText("3 selected").waitFor();
  await admin.getByLabel("Member to assign the selected contacts to").selectOption({ label: "Maria Chen" });
  await admin.getByRole("button", { name: "Assign", exact: true }).click();
  await admin.getByText("Assigned 3 contacts to Maria Chen.").waitFor();
  await admin.getByText(/^3 of 3/).waitFor();
  await admin.getByRole("button", { name: "Remove Maria Chen from Bo Berg" }).waitFor();
  await admin.getByRole("button", { name: "Remove Maria Chen from Unknown caller (212) 555-0100" }).waitFor();

  // Maria still sees every contact in the list.
  await member.reload();
  await visibleText(member, "Bo Berg").waitFor();

  // Promoting Maria to admin gives her the admin pages.
  await navigateTo(admin, "Settings");
  await admin.getByLabel("Role of Maria Chen").selectOption("admin");
  await admin.getByText("Maria Chen is now an admin.").waitFor();
  await member.reload();
  await navigateTo(member, "Assignments");

  // Removing her takes confirmation.
  await admin.getByRole("button", { name: "Remove Maria Chen" }).click();
  const confirm = admin.getByRole("dialog", { name: "Remove Maria Chen?" });
  assert.equal(await focused(admin), "Cancel", "a destructive dialog starts on Cancel");
  await confirm.getByRole("button", { name: "Remove member" }).click();
  await confirm.waitFor({ state: "hidden" });
  await admin.getByText("Maria Chen was removed from the organization.").waitFor();
  await admin.getByRole("list", { name: "Members" }).getByText("Maria Chen", { exact: true }).waitFor({ state: "detached" });
}

export async function invitationLinksExplainWhatIsWrong(t) {
  const { page: admin } = await newOrganization(t, { organization: "Quayside Clinic" });
  const invited = newUser("Priya Patel");
  await navigateTo(admin, "Settings");
  const link = await inviteInSettings(admin, invited.email);

  // Someone signed in with another address is told so and can switch accounts.
  const other = await newOrganization(t, { organization: "Elsewhere Inc" });
  await other.page.goto(link);
  await other.page.getByRole("heading", { name: "This invitation is for someone else" }).waitFor();
  await other.page.getByRole("button", { name: "Sign in with another account" }).click();
  await other.page.waitForURL((url) => url.pathname === "/sign-in" && url.searchParams.get("next") === new URL(link).pathname);

  // A canceled invitation no longer works.
  await admin.getByRole("button", { name: `Cancel invitation for ${invited.email}` }).click();
  await admin.getByText("No pending invitations.").waitFor();
  const guest = await t.newPage({ width: 375 });
  await guest.goto(link);
  await guest.getByRole("link", { name: "Create an account" }).click();
  await signUp(guest, invited, "**/invite/**");
  await guest.getByRole("heading", { name: "This invitation can't be used" }).waitFor();
}
