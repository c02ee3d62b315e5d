// Live updates: two tabs of the app see each other's changes, and a call the pipeline reports
// appears on an open contact page, without a reload.
import assert from "node:assert/strict";
import { api, newOrganization, screenshot } from "./lib/flows.mjs";

export async function twoTabsSeeEachOthersChangesAndNewCallsLive(t) {
  const { page } = await newOrganization(t);
  const contact = await api(page, "POST", "/api/contacts", { first_name: "Livia", last_name: "Caller", phones: [{ phone_number: "+14155550199" }] });
  const other = await page.context().newPage();
  await other.setViewportSize({ width: 1280, height: 900 });
  await other.goto(`/contacts/${contact.id}`);
  await other.getByRole("heading", { name: "Livia Caller" }).waitFor();
  await page.goto(`/contacts/${contact.id}`);
  await page.getByRole("heading", { name: "Livia Caller" }).waitFor();

  // One tab edits the company; the other shows it.
  await page.getByRole("button", { name: "Edit company" }).click();
  await page.getByLabel("Company").fill("Switchboard Inc");
  await page.getByLabel("Company").press("Enter");
  await other.getByText("Switchboard Inc").first().waitFor({ timeout: 10_000 });

  // The other tab is editing the same field when it changes again: it says so, and keeps the draft.
  await other.getByRole("button", { name: "Edit job title" }).click();
  await other.getByLabel("Job title").fill("Receptionist");
  await api(page, "PUT", `/api/contacts/${contact.id}`, { job_title: "Office manager" });
  await other.getByText("Someone else changed it meanwhile to “Office manager”").waitFor({ timeout: 10_000 });
  assert.equal(await other.getByLabel("Job title").inputValue(), "Receptionist");
  await other.getByRole("button", { name: "Cancel" }).click();
  await other.getByText("Office manager").first().waitFor();

  // A call the pipeline reports (with its transcript) appears on the open page.
  const { key } = await api(page, "POST", "/api/api-keys", { name: "pipeline" });
  const res = await fetch(`${t.baseURL}/api/calls`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ caller_phone: "+14155550199" }),
  });
  assert.equal(res.status, 201, await res.text());
  await other.getByRole("heading", { name: "Inbound call" }).waitFor({ timeout: 10_000 });
  await screenshot(t, other, "live-contact-call-1280");

  // The contact list in one tab shows a contact added in the other.
  const sockets = [];
  await other.routeWebSocket(/\/api\/live$/, (ws) => sockets.push({ ws, server: ws.connectToServer() }));
  await other.goto("/contacts");
  await other.getByRole("link", { name: "Livia Caller" }).waitFor();
  await api(page, "POST", "/api/contacts", { first_name: "Newly", last_name: "Added" });
  await other.getByRole("link", { name: "Newly Added" }).waitFor({ timeout: 10_000 });

  // A dropped connection: the tab says so, reconnects with backoff and catches up on what changed meanwhile.
  const { ws, server } = sockets.at(-1);
  await server.close();
  await ws.close({ code: 4000, reason: "network drop" });
  await other.getByText("Reconnecting…").waitFor();
  await api(page, "POST", "/api/contacts", { first_name: "While", last_name: "Away" });
  await other.getByRole("link", { name: "While Away" }).waitFor({ timeout: 10_000 });
  assert.equal(sockets.length, 2, "one reconnection");
  await other.getByText("Reconnecting…").waitFor({ state: "detached" });
}
