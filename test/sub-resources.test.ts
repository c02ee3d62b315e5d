import { beforeAll, describe, expect, it } from "vitest";
import { type Json, type Org, call, createContact, createOrg, expectInvalid, expectProblem, orgSnapshot } from "./helpers";

let org: Org;
beforeAll(async () => {
  org = await createOrg();
});

const as = (method: string, path: string, body?: unknown) => call(method, path, { cookie: org.owner.cookie, body });
const getContact = async (id: string): Promise<Json> => (await as("GET", `/api/contacts/${id}`)).body;
/** The ids of the entries that carry the preferred (or primary) flag. */
const flagged = (entries: Json[], flag = "is_preferred") => entries.filter((e) => e[flag]).map((e) => e.id as string);
const sortedIds = (entries: Json[]) => entries.map((e) => e.id as string).sort();

describe("phones", () => {
  it("adds, normalizes, labels and edits a phone; the first one is preferred", async () => {
    const contact = await createContact(org, { first_name: "Phone", last_name: "Owner" });
    const first = await as("POST", `/api/contacts/${contact.id}/phones`, { phone_number: "(303) 555-0100", label: "Work" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ phone_number: "+13035550100", formatted: "(303) 555-0100", label: "Work", is_preferred: true });
    expect(typeof first.body.id).toBe("string");

    const second = await as("POST", `/api/contacts/${contact.id}/phones`, { phone_number: "+1 303 555 0101" });
    expect(second.body).toMatchObject({ phone_number: "+13035550101", label: null, is_preferred: false });

    const edited = await as("PUT", `/api/contacts/${contact.id}/phones/${second.body.id}`, { phone_number: "303.555.0109", label: "Mobile" });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: second.body.id, phone_number: "+13035550109", label: "Mobile", is_preferred: false });
    const labelOnly = await as("PUT", `/api/contacts/${contact.id}/phones/${second.body.id}`, { label: null });
    expect(labelOnly.body).toMatchObject({ phone_number: "+13035550109", label: null });

    const got = await getContact(contact.id);
    expect(got.phones.map((p: Json) => p.phone_number).sort()).toEqual(["+13035550100", "+13035550109"]);
    // The search index follows the edit.
    const found = await as("GET", "/api/contacts/list?search=555-0109");
    expect(found.body.contacts.map((c: Json) => c.id)).toEqual([contact.id]);
    expect((await as("GET", "/api/contacts/list?search=3035550101")).body.total_count).toBe(0);
  });

  it("keeps exactly one preferred phone: setting one unsets the others, deleting it promotes another", async () => {
    const contact = await createContact(org, {
      first_name: "Pref",
      phones: [{ phone_number: "303 555 0110" }, { phone_number: "303 555 0111" }],
    });
    const [a, b] = contact.phones as Json[];
    expect(flagged(contact.phones)).toEqual([a!.id]);

    const c = await as("POST", `/api/contacts/${contact.id}/phones`, { phone_number: "303 555 0112", is_preferred: true });
    expect(c.body.is_preferred).toBe(true);
    expect(flagged((await getContact(contact.id)).phones)).toEqual([c.body.id]);

    await as("PUT", `/api/contacts/${contact.id}/phones/${b!.id}`, { is_preferred: true });
    expect(flagged((await getContact(contact.id)).phones)).toEqual([b!.id]);

    // Un-preferring the only preferred phone leaves the contact with one preferred phone still.
    await as("PUT", `/api/contacts/${contact.id}/phones/${b!.id}`, { is_preferred: false });
    expect(flagged((await getContact(contact.id)).phones)).toHaveLength(1);

    await as("PUT", `/api/contacts/${contact.id}/phones/${c.body.id}`, { is_preferred: true });
    expect((await as("DELETE", `/api/contacts/${contact.id}/phones/${c.body.id}`)).status).toBe(204);
    const left = (await getContact(contact.id)).phones as Json[];
    expect(sortedIds(left)).toEqual([a!.id, b!.id].sort());
    expect(flagged(left)).toEqual([a!.id]);

    await as("DELETE", `/api/contacts/${contact.id}/phones/${a!.id}`);
    expect((await getContact(contact.id)).phones).toMatchObject([{ id: b!.id, is_preferred: true }]);
    expectProblem(await as("DELETE", `/api/contacts/${contact.id}/phones/${a!.id}`), 404);
  });

  it("answers 409 with the owning contact when a number is taken, by add or by edit", async () => {
    const owner = await createContact(org, { first_name: "Owner", phones: [{ phone_number: "+1 303 555 0120" }] });
    const other = await createContact(org, { first_name: "Other", phones: [{ phone_number: "+1 303 555 0121" }] });
    const before = await orgSnapshot(org.id);

    const add = await as("POST", `/api/contacts/${other.id}/phones`, { phone_number: "(303) 555-0120" });
    expectProblem(add, 409);
    expect(add.body.contact_id).toBe(owner.id);

    const edit = await as("PUT", `/api/contacts/${other.id}/phones/${other.phones[0].id}`, { phone_number: "3035550120", label: "Taken" });
    expectProblem(edit, 409);
    expect(edit.body.contact_id).toBe(owner.id);

    const own = await as("POST", `/api/contacts/${owner.id}/phones`, { phone_number: "303-555-0120" });
    expectProblem(own, 409);
    expect(own.body.contact_id).toBe(owner.id);
    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  it("rejects invalid input with a 400 naming the field and changes nothing", async () => {
    const contact = await createContact(org, { first_name: "Invalid", phones: [{ phone_number: "303 555 0130", label: "Home" }] });
    const phoneId = contact.phones[0].id;
    const before = await orgSnapshot(org.id);
    for (const phone_number of ["12", "abc", "anonymous", "", "+999 1234"]) {
      expectInvalid(await as("POST", `/api/contacts/${contact.id}/phones`, { phone_number }), "phone_number");
      expectInvalid(await as("PUT", `/api/contacts/${contact.id}/phones/${phoneId}`, { phone_number }), "phone_number");
    }
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/phones`, {}), "phone_number");
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/phones`, { phone_number: "1".repeat(41) }), "phone_number");
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/phones`, { phone_number: "303 555 0131", label: "L".repeat(51) }), "label");
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/phones`, { phone_number: "303 555 0131", is_preferred: "yes" }), "is_preferred");
    expectInvalid(await as("PUT", `/api/contacts/${contact.id}/phones/${phoneId}`, { label: "Tab\u0000" }), "label");
    expectInvalid(await as("PUT", `/api/contacts/${contact.id}/phones/nope`, { label: "x" }), "phone_id");
    expectInvalid(await as("DELETE", `/api/contacts/nope/phones/${phoneId}`), "contact_id");
    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  it("answers 404 for a phone of another contact or an unknown contact", async () => {
    const a = await createContact(org, { first_name: "A", phones: [{ phone_number: "303 555 0140" }] });
    const b = await createContact(org, { first_name: "B", phones: [{ phone_number: "303 555 0141" }] });
    const before = await orgSnapshot(org.id);
    expectProblem(await as("PUT", `/api/contacts/${a.id}/phones/${b.phones[0].id}`, { label: "Stolen" }), 404);
    expectProblem(await as("DELETE", `/api/contacts/${a.id}/phones/${b.phones[0].id}`), 404);
    expectProblem(await as("POST", `/api/contacts/${crypto.randomUUID()}/phones`, { phone_number: "303 555 0142" }), 404);
    expect(await orgSnapshot(org.id)).toEqual(before);
  });
});

describe("emails", () => {
  it("adds and edits emails; the first one is preferred", async () => {
    const contact = await createContact(org, { first_name: "Mail" });
    const first = await as("POST", `/api/contacts/${contact.id}/emails`, { email: "  mail@example.com ", label: "Work" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ email: "mail@example.com", label: "Work", is_preferred: true });
    const second = await as("POST", `/api/contacts/${contact.id}/emails`, { email: "Mail.Home@Example.com" });
    expect(second.body).toMatchObject({ email: "Mail.Home@Example.com", label: null, is_preferred: false });

    const edited = await as("PUT", `/api/contacts/${contact.id}/emails/${second.body.id}`, { label: "Home" });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ email: "Mail.Home@Example.com", label: "Home", is_preferred: false });
    const renamed = await as("PUT", `/api/contacts/${contact.id}/emails/${second.body.id}`, { email: "home@example.org" });
    expect(renamed.body).toMatchObject({ email: "home@example.org", label: "Home" });

    expect((await getContact(contact.id)).emails.map((e: Json) => e.email).sort()).toEqual(["home@example.org", "mail@example.com"]);
    const found = await as("GET", "/api/contacts/list?search=home@example.org");
    expect(found.body.contacts.map((c: Json) => c.id)).toEqual([contact.id]);
  });

  it("keeps exactly one preferred email: setting one unsets the others, deleting it promotes another", async () => {
    const contact = await createContact(org, { first_name: "Prefmail", emails: [{ email: "p1@example.com" }, { email: "p2@example.com" }] });
    const [a, b] = contact.emails as Json[];
    const c = await as("POST", `/api/contacts/${contact.id}/emails`, { email: "p3@example.com", is_preferred: true });
    expect(flagged((await getContact(contact.id)).emails)).toEqual([c.body.id]);
    await as("PUT", `/api/contacts/${contact.id}/emails/${b!.id}`, { is_preferred: true });
    expect(flagged((await getContact(contact.id)).emails)).toEqual([b!.id]);

    expect((await as("DELETE", `/api/contacts/${contact.id}/emails/${b!.id}`)).status).toBe(204);
    const left = (await getContact(contact.id)).emails as Json[];
    expect(sortedIds(left)).toEqual([a!.id, c.body.id].sort());
    expect(flagged(left)).toEqual([a!.id]);
  });

  it("refuses a second copy of an address on the same contact, whatever its case, with 409", async () => {
    const contact = await createContact(org, { first_name: "Dupe", emails: [{ email: "dupe@example.com" }, { email: "other@example.com" }] });
    const before = await orgSnapshot(org.id);
    expectProblem(await as("POST", `/api/contacts/${contact.id}/emails`, { email: "DUPE@example.com" }), 409);
    expectProblem(await as("POST", `/api/contacts/${contact.id}/emails`, { email: "dupe@example.com" }), 409);
    expectProblem(await as("PUT", `/api/contacts/${contact.id}/emails/${contact.emails[1].id}`, { email: "Dupe@Example.Com" }), 409);
    expect(await orgSnapshot(org.id)).toEqual(before);

    // Another contact may have the same address.
    const twin = await createContact(org, { first_name: "Twin" });
    expect((await as("POST", `/api/contacts/${twin.id}/emails`, { email: "dupe@example.com" })).status).toBe(201);
    // Changing only the case of an address is not a conflict with itself.
    const recased = await as("PUT", `/api/contacts/${contact.id}/emails/${contact.emails[0].id}`, { email: "Dupe@example.com" });
    expect(recased.status).toBe(200);
    expect(recased.body.email).toBe("Dupe@example.com");
  });

  it("validates addresses and changes nothing on a 400", async () => {
    const contact = await createContact(org, { first_name: "Valid", emails: [{ email: "valid@example.com" }] });
    const emailId = contact.emails[0].id;
    const before = await orgSnapshot(org.id);
    for (const email of ["not-an-email", "a@", "@example.com", "a b@example.com", "", `${"a".repeat(250)}@example.com`]) {
      expectInvalid(await as("POST", `/api/contacts/${contact.id}/emails`, { email }), "email");
      expectInvalid(await as("PUT", `/api/contacts/${contact.id}/emails/${emailId}`, { email }), "email");
    }
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/emails`, {}), "email");
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/emails`, { email: "ok@example.com", label: "\u0007" }), "label");
    expectInvalid(await as("PUT", `/api/contacts/${contact.id}/emails/${emailId}`, { is_preferred: 1 }), "is_preferred");
    expectInvalid(await as("PUT", `/api/contacts/${contact.id}/emails/123`, { label: "x" }), "email_id");
    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  it("answers 404 for an email of another contact or an unknown contact", async () => {
    const a = await createContact(org, { first_name: "A", emails: [{ email: "a@example.net" }] });
    const b = await createContact(org, { first_name: "B", emails: [{ email: "b@example.net" }] });
    const before = await orgSnapshot(org.id);
    expectProblem(await as("PUT", `/api/contacts/${a.id}/emails/${b.emails[0].id}`, { label: "Stolen" }), 404);
    expectProblem(await as("DELETE", `/api/contacts/${a.id}/emails/${b.emails[0].id}`), 404);
    expectProblem(await as("POST", `/api/contacts/${crypto.randomUUID()}/emails`, { email: "x@example.net" }), 404);
    expect(await orgSnapshot(org.id)).toEqual(before);
  });
});

describe("addresses", () => {
  it("adds an address, edits only the fields given, and null clears one", async () => {
    const contact = await createContact(org, { first_name: "Home" });
    const added = await as("POST", `/api/contacts/${contact.id}/addresses`, {
      label: "Home",
      street: "1 Main St",
      city: "Springfield",
      state: "IL",
      zip: "62701",
      country: "US",
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ label: "Home", street: "1 Main St", city: "Springfield", state: "IL", zip: "62701", country: "US", is_primary: true });

    const edited = await as("PUT", `/api/contacts/${contact.id}/addresses/${added.body.id}`, { city: "Shelbyville", street: null });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ label: "Home", street: null, city: "Shelbyville", state: "IL", zip: "62701", country: "US", is_primary: true });
    expect((await getContact(contact.id)).addresses).toEqual([edited.body]);
  });

  it("keeps exactly one primary address: setting one unsets the others, deleting it promotes another", async () => {
    const contact = await createContact(org, { first_name: "Prim" });
    const a = await as("POST", `/api/contacts/${contact.id}/addresses`, { city: "A-town" });
    const b = await as("POST", `/api/contacts/${contact.id}/addresses`, { city: "B-town" });
    expect([a.body.is_primary, b.body.is_primary]).toEqual([true, false]);
    const c = await as("POST", `/api/contacts/${contact.id}/addresses`, { city: "C-town", is_primary: true });
    expect(flagged((await getContact(contact.id)).addresses, "is_primary")).toEqual([c.body.id]);

    await as("PUT", `/api/contacts/${contact.id}/addresses/${b.body.id}`, { is_primary: true });
    expect(flagged((await getContact(contact.id)).addresses, "is_primary")).toEqual([b.body.id]);

    expect((await as("DELETE", `/api/contacts/${contact.id}/addresses/${b.body.id}`)).status).toBe(204);
    const left = (await getContact(contact.id)).addresses as Json[];
    expect(sortedIds(left)).toEqual([a.body.id, c.body.id].sort());
    expect(flagged(left, "is_primary")).toEqual([a.body.id]);
  });

  it("validates addresses and changes nothing on a 400", async () => {
    const contact = await createContact(org, { first_name: "Addr" });
    const added = await as("POST", `/api/contacts/${contact.id}/addresses`, { city: "Keep" });
    const before = await orgSnapshot(org.id);
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/addresses`, {}), "(body)");
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/addresses`, { label: "Only a label" }), "(body)");
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/addresses`, { city: "C".repeat(101) }), "city");
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/addresses`, { zip: "1".repeat(21) }), "zip");
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/addresses`, { street: "Bad\u0000Street" }), "street");
    expectInvalid(await as("POST", `/api/contacts/${contact.id}/addresses`, { city: "X", is_primary: "true" }), "is_primary");
    expectInvalid(await as("PUT", `/api/contacts/${contact.id}/addresses/${added.body.id}`, { country: "C".repeat(101) }), "country");
    expectInvalid(await as("PUT", `/api/contacts/${contact.id}/addresses/zzz`, { city: "X" }), "address_id");
    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  it("answers 404 for an address of another contact or an unknown contact", async () => {
    const a = await createContact(org, { first_name: "A" });
    const b = await createContact(org, { first_name: "B" });
    const bAddress = await as("POST", `/api/contacts/${b.id}/addresses`, { city: "Theirs" });
    const before = await orgSnapshot(org.id);
    expectProblem(await as("PUT", `/api/contacts/${a.id}/addresses/${bAddress.body.id}`, { city: "Stolen" }), 404);
    expectProblem(await as("DELETE", `/api/contacts/${a.id}/addresses/${bAddress.body.id}`), 404);
    expectProblem(await as("POST", `/api/contacts/${crypto.randomUUID()}/addresses`, { city: "Nowhere" }), 404);
    expect(await orgSnapshot(org.id)).toEqual(before);
  });
});
