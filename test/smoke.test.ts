import { describe, expect, it } from "vitest";
import { call, createContact, createOrg } from "./helpers";

describe("smoke", () => {
  it("signs up, creates an org and a contact", async () => {
    const org = await createOrg();
    const me = await call("GET", "/api/me", { cookie: org.owner.cookie });
    expect(me.status).toBe(200);
    const c = await createContact(org, { first_name: "Ada", last_name: "Lovelace", phones: [{ phone_number: "(555) 123-4567" }] });
    expect(c.phones[0].phone_number).toBe("+15551234567");
    const list = await call("GET", "/api/contacts/list?search=4567", { cookie: org.owner.cookie });
    expect(list.body.total_count).toBe(1);
  });
});
