import Papa from "papaparse";
import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CHUNK_ROWS } from "../worker/lib/import-csv";
import { orgStore } from "../worker/store/client";
import { type Json, type Org, ORIGIN, addMember, call, createContact, createOrg, expectProblem, orgSnapshot, runQueue, storeExec, storeRows, until } from "./helpers";

// CSV import: upload, automatic mapping, preview (nothing written), the queue's consumer writing
// chunks in order, the three match policies, duplicates inside one file, redelivery, cancel,
// malformed files refused whole, errors.csv, and an export read back by an import.

let org: Org;

async function upload(o: Org, body: string | Uint8Array, opts: { filename?: string; contentType?: string; cookie?: string } = {}) {
  const res = await exports.default.fetch(
    new Request(`${ORIGIN}/api/imports${opts.filename ? `?filename=${encodeURIComponent(opts.filename)}` : ""}`, {
      method: "POST",
      headers: { origin: ORIGIN, cookie: opts.cookie ?? o.owner.cookie, "content-type": opts.contentType ?? "text/csv" },
      body,
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Uploads, starts with `patch`, runs the import queue's consumer; answers the finished import. */
async function importCsv(o: Org, csv: string, patch: Json = {}): Promise<Json> {
  const draft = await upload(o, csv, { filename: "people.csv" });
  expect(draft.status).toBe(201);
  const started = await call("POST", `/api/imports/${draft.body.id}/start`, { cookie: o.owner.cookie, body: patch });
  expect(started.status).toBe(202);
  await runQueue("contact-imports", { type: "import_contacts", organization_id: o.id, import_id: draft.body.id });
  return until("the import to finish", async () => {
    const current = (await call("GET", `/api/imports/${draft.body.id}`, { cookie: o.owner.cookie })).body;
    return current.status !== "running" && current;
  });
}

const contactsOf = async (o: Org) => (await call("GET", "/api/contacts/list?page_size=50&sort=name_asc", { cookie: o.owner.cookie })).body.contacts as Json[];
const importFiles = async (o: Org) => (await env.BLOBS.list({ prefix: `${o.id}/imports/` })).objects.map((x) => x.key);

beforeAll(async () => {
  org = await createOrg();
});

describe("uploading and previewing", () => {
  it("maps columns from common headers, previews how rows read and what they would do, and writes nothing", async () => {
    await createContact(org, { first_name: "Existing", phones: [{ phone_number: "+12125550100" }] });
    const csv = [
      "Full Name,Mobile,E-mail,Organisation,Title,Tags,City,Patient ID,Notes,Favourite colour",
      "Ada Lovelace,(212) 555-0101,ada@example.com,Analytical Engines,Countess,VIP; Math,London,P-1,Met at the fair,blue",
      "Existing Person,212-555-0100,,,,,,,,",
      "Bad Phone,12,,,,,,,,",
      "=HYPERLINK(\"x\"),,formula@example.com,@SUM(A1),-1,,,,,",
    ].join("\r\n");
    const draft = await upload(org, csv, { filename: "patients.csv" });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ filename: "patients.csv", status: "draft", policy: "fill_empty", row_count: 4 });
    expect(draft.body.mapping).toEqual(["full_name", "phone", "email", "company", "job_title", "tags", "city", "external_id", "notes", null]);
    expect(await importFiles(org)).toEqual([`${org.id}/imports/${draft.body.id}.csv`]);
    // From here on nothing is written: the draft is all there is.
    const before = await orgSnapshot(org.id);

    const preview = await call("GET", `/api/imports/${draft.body.id}/preview`, { cookie: org.owner.cookie });
    expect(preview.status).toBe(200);
    const [ada, existing, bad, formula] = preview.body.rows;
    expect(ada).toMatchObject({
      line: 2,
      outcome: "created",
      read: {
        fields: { first_name: "Ada", last_name: "Lovelace", company: "Analytical Engines", job_title: "Countess", external_id: "P-1" },
        phones: ["+12125550101"],
        emails: ["ada@example.com"],
        tags: ["VIP", "Math"],
        address: { city: "London" },
        note: "Met at the fair",
      },
    });
    expect(existing).toMatchObject({ line: 3, outcome: "updated", reason: expect.stringMatching(/phone \+12125550100.*first name|last name/) });
    expect(bad).toMatchObject({ line: 4, outcome: "failed", read: null, reason: expect.stringContaining('"12" is not a possible phone number') });
    // Formulas are kept as the text they are.
    expect(formula.read.fields).toMatchObject({ first_name: '=HYPERLINK("x")', company: "@SUM(A1)", job_title: "-1" });
    // With skip, the existing contact's row would be skipped.
    const skipping = await call("GET", `/api/imports/${draft.body.id}/preview?policy=skip`, { cookie: org.owner.cookie });
    expect(skipping.body.rows[1]).toMatchObject({ outcome: "skipped", reason: expect.stringContaining("policy: skip") });

    expect(await orgSnapshot(org.id)).toEqual(before);
  });

  it("lets an admin change the mapping (checked against the header) and is for admins only", async () => {
    const draft = await upload(org, "Name,Phone,Company\nJo,2125550102,Acme\n");
    const put = (body: Json) => call("PUT", `/api/imports/${draft.body.id}`, { cookie: org.owner.cookie, body });
    expectProblem(await put({ mapping: ["full_name"] }), 400);
    expectProblem(await put({ mapping: ["company", "phone", "company"] }), 400);
    expectProblem(await put({ mapping: [null, null, null] }), 400);
    expectProblem(await put({ mapping: ["full_name", "first_name", null] }), 400);
    expectProblem(await put({ mapping: ["nickname", null, null] }), 400);
    const changed = await put({ mapping: ["full_name", "phone", null], policy: "overwrite" });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ mapping: ["full_name", "phone", null], policy: "overwrite" });
    const preview = await call("GET", `/api/imports/${draft.body.id}/preview`, { cookie: org.owner.cookie });
    expect(preview.body.rows[0].read.fields).toEqual({ first_name: "Jo" });

    const member = await addMember(org);
    expect((await upload(org, "Name\nJo\n", { cookie: member.cookie })).status).toBe(403);
    expect((await call("GET", `/api/imports/${draft.body.id}`, { cookie: member.cookie })).status).toBe(403);
    const other = await createOrg();
    expectProblem(await call("GET", `/api/imports/${draft.body.id}`, { cookie: other.owner.cookie }), 404);
  });
});

describe("refusing malformed files before anything is written", () => {
  const cases: [string, string | Uint8Array, number, RegExp][] = [
    ["a binary file", new Uint8Array([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0x41, 0x00, 0x42, 0x0a]), 415, /Line 2 has a NUL byte/],
    ["an Excel workbook", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), 415, /not CSV/],
    ["text that is not UTF-8", new Uint8Array([...new TextEncoder().encode("Name\nJosé\n"), 0xe9, 0x0a]), 400, /Line 3 is not UTF-8/],
    ["a row with more fields than the header", "Name,Phone\nAda,2125550101\nBob,2125550102,extra\n", 400, /Line 3 has 3 fields but the header has 2/],
    ["a row with fewer fields than the header", "Name,Phone,Email\nAda,2125550101,a@example.com\nBob\n", 400, /Line 3 has 1 field but the header has 3/],
    ["an unclosed quote", 'Name,Company\nAda,"Acme\nBob,Beta\n', 400, /Line 2: a quoted field is never closed/],
    ["an empty file", "", 400, /empty/],
    ["a header without rows", "Name,Phone\n", 400, /no rows/],
  ];
  for (const [what, body, status, detail] of cases) {
    it(`refuses ${what}`, async () => {
      const o = await createOrg();
      const before = await orgSnapshot(o.id);
      const res = await upload(o, body);
      expectProblem(res, status);
      expect(res.body.detail).toMatch(detail);
      expect(await orgSnapshot(o.id)).toEqual(before);
      expect(await storeRows(o.id, "SELECT id FROM imports")).toEqual([]);
      expect(await importFiles(o)).toEqual([]);
    });
  }

  it("refuses a file over 20 MB and a body that is not text/csv", async () => {
    const o = await createOrg();
    const named = await upload(o, "Name\nAda\n", { filename: "evil\u0007.csv" });
    expectProblem(named, 400);
    expect(named.body.errors).toEqual([{ field: "filename", message: "must not contain control characters" }]);
    const big = `Name\n${"x".repeat(1000)}\n`.repeat(21 * 1024);
    const res = await upload(o, big);
    expectProblem(res, 413);
    expect(res.body.detail).toMatch(/at most 20 MB/);
    expectProblem(await upload(o, "Name\nAda\n", { contentType: "application/json" }), 415);
    expect(await importFiles(o)).toEqual([]);
  });

  it("reads semicolon-separated files with a byte order mark (Excel in many locales)", async () => {
    const o = await createOrg();
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("Vorname;Nachname;Telefon;Firma\r\nJürgen;Müller;+49 30 1234567;Müller GmbH\r\n")]);
    const draft = await upload(o, bom);
    expect(draft.status).toBe(201);
    expect(draft.body.header).toEqual(["Vorname", "Nachname", "Telefon", "Firma"]);
    const preview = await call("GET", `/api/imports/${draft.body.id}/preview`, { cookie: o.owner.cookie });
    expect(preview.body.rows[0].cells).toEqual(["Jürgen", "Müller", "+49 30 1234567", "Müller GmbH"]);
  });
});

describe("importing", () => {
  it("creates contacts with their numbers, emails, tags, members, address and note; the file goes once it is done", async () => {
    const o = await createOrg();
    const member = await addMember(o, "member", "Sam Member");
    const done = await importCsv(
      o,
      [
        "first_name,last_name,phones,emails,company,status,pipeline_stage,tags,assigned_members,street,city,zip,country,notes,timezone,preferred_language",
        "Grace,Hopper,+12125550111; +12125550112,grace@example.com,Navy,Active,Customer,Admirals; VIP,Sam Member,1 Main St,Arlington,22201,US,Invented COBOL,America/New_York,en-US",
        "Alan,Turing,+441632960001,,,do not contact,,VIP,,,,,,,,",
        "Nobody,,,,,,,,Someone Else,,,,,,,",
      ].join("\n"),
    );
    expect(done).toMatchObject({ status: "done", counts: { created: 2, updated: 0, skipped: 0, failed: 1, tags_created: 2 }, progress: { rows_done: 3, percent: 100 } });
    const [alan, grace] = (await contactsOf(o)) as [Json, Json];
    expect(grace).toMatchObject({
      first_name: "Grace",
      company: "Navy",
      status: "active",
      pipeline_stage: "customer",
      source: "import",
      timezone: "America/New_York",
      preferred_language: "en-US",
      phones: [{ phone_number: "+12125550111", is_preferred: true }, { phone_number: "+12125550112", is_preferred: false }],
      emails: [{ email: "grace@example.com" }],
      addresses: [{ street: "1 Main St", city: "Arlington", zip: "22201", country: "US", is_primary: true }],
      assigned_users: [{ member_id: member.memberId, name: "Sam Member" }],
    });
    expect(grace.tags.map((t: Json) => t.name)).toEqual(["Admirals", "VIP"]);
    expect(alan).toMatchObject({ first_name: "Alan", status: "do_not_contact", phones: [{ phone_number: "+441632960001" }] });
    const notes = await call("GET", `/api/contacts/${grace.id}/notes`, { cookie: o.owner.cookie });
    expect(notes.body.notes).toMatchObject([{ body: "Invented COBOL", author: { user_id: o.owner.userId } }]);
    // The list search finds imported contacts (the search index's triggers ran).
    for (const search of ["hopper", "5550112", "grace@example", "navy"]) {
      expect((await call("GET", `/api/contacts/list?search=${search}`, { cookie: o.owner.cookie })).body.contacts.map((c: Json) => c.id)).toEqual([grace.id]);
    }
    expect(await storeRows(o.id, "SELECT contact_count FROM contact_stats")).toEqual([{ contact_count: 2 }]);
    await until("the uploaded file to be deleted", async () => (await importFiles(o)).length === 0);

    const errors = await exports.default.fetch(new Request(`${ORIGIN}/api/imports/${done.id}/errors.csv`, { headers: { cookie: o.owner.cookie } }));
    expect(errors.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const parsed = Papa.parse<string[]>((await errors.text()).trim());
    expect(parsed.data[0]!.at(-1)).toBe("import_error");
    expect(parsed.data.slice(1)).toEqual([["Nobody", "", "", "", "", "", "", "", "Someone Else", "", "", "", "", "", "", "", expect.stringMatching(/^line 4: assigned_members: no member .*"Someone Else"/)]]);
  });

  it("applies the match policies: skip leaves the contact, fill_empty fills only what is empty, overwrite replaces", async () => {
    const seed = async (o: Org) =>
      createContact(o, { first_name: "Kim", company: "Old Co", phones: [{ phone_number: "+12125550120" }], emails: [{ email: "kim@example.com" }] });
    const csv = "Phone,First name,Last name,Company,Email,Tags\n+12125550120,Kimberly,Lee,New Co,kim.lee@example.com,Returning\n";
    const runs: Record<string, Json> = {};
    for (const policy of ["skip", "fill_empty", "overwrite"]) {
      const o = await createOrg();
      const kim = await seed(o);
      const done = await importCsv(o, csv, { policy });
      const [after] = (await contactsOf(o)) as [Json];
      expect(after.id).toBe(kim.id);
      runs[policy] = { counts: done.counts, contact: after };
    }
    expect(runs.skip!.counts).toMatchObject({ created: 0, updated: 0, skipped: 1 });
    expect(runs.skip!.contact).toMatchObject({ first_name: "Kim", last_name: "", company: "Old Co", tags: [] });
    expect(runs.fill_empty!.counts).toMatchObject({ created: 0, updated: 1 });
    expect(runs.fill_empty!.contact).toMatchObject({ first_name: "Kim", last_name: "Lee", company: "Old Co", tags: [{ name: "Returning" }] });
    expect(runs.fill_empty!.contact.emails.map((e: Json) => e.email)).toEqual(["kim@example.com", "kim.lee@example.com"]);
    expect(runs.overwrite!.counts).toMatchObject({ created: 0, updated: 1 });
    expect(runs.overwrite!.contact).toMatchObject({ first_name: "Kimberly", last_name: "Lee", company: "New Co" });
  });

  it("merges rows of one file that match each other into one contact (whatever the policy), and fails a row matching two contacts", async () => {
    const o = await createOrg();
    await createContact(o, { first_name: "Phone Owner", phones: [{ phone_number: "+12125550130" }] });
    await createContact(o, { first_name: "Email Owner", emails: [{ email: "shared@example.com" }] });
    const done = await importCsv(
      o,
      [
        "Name,Phone,Email,Company",
        "Pat Doe,2125550140,pat@example.com,",
        "Pat Doe,,PAT@example.com,Doe Inc",
        "P. Doe,+1 212 555 0141,pat@example.com,",
        "Conflict,2125550130,shared@example.com,",
      ].join("\n"),
      { policy: "skip" },
    );
    expect(done.counts).toMatchObject({ created: 1, updated: 2, skipped: 0, failed: 1 });
    const pats = (await contactsOf(o)).filter((c) => c.last_name === "Doe");
    expect(pats).toHaveLength(1);
    expect(pats[0]).toMatchObject({ first_name: "Pat", company: "Doe Inc" });
    expect(pats[0]!.phones.map((p: Json) => p.phone_number)).toEqual(["+12125550140", "+12125550141"]);
    const errors = await storeRows<{ line: number; reason: string }>(o.id, "SELECT line, reason FROM import_errors");
    expect(errors).toEqual([{ line: 5, reason: expect.stringMatching(/matches 2 different contacts/) }]);
  });

  it("goes through a file of several chunks in order; a redelivered chunk or message writes nothing twice", async () => {
    const o = await createOrg();
    const rows = Array.from({ length: CHUNK_ROWS * 2 + 10 }, (_, i) => `Person ${i},+1212555${String(1000 + i).padStart(4, "0")},p${i}@example.com`);
    const csv = ["Name,Phone,Email", ...rows, "Person 0 again,+12125551000,second@example.com"].join("\n");
    const draft = await upload(o, csv);
    expect(draft.body.progress.chunk_count).toBe(3);
    const store = orgStore(env, o.id);
    await store.startImport(draft.body.id, {});
    const job = { type: "import_contacts", organization_id: o.id, import_id: draft.body.id };
    // Two deliveries of the same message at once, then a third afterwards.
    await Promise.all([runQueue("contact-imports", job), runQueue("contact-imports", job)]);
    await runQueue("contact-imports", job);
    const done = await store.getImport(draft.body.id);
    expect(done).toMatchObject({ status: "done", row_count: rows.length + 1, counts: { created: rows.length, updated: 1, failed: 0 } });
    expect(await storeRows(o.id, "SELECT count(*) AS n FROM contacts")).toEqual([{ n: rows.length }]);
    // A chunk already written, handed over again, writes nothing.
    const again = await store.applyImportChunk(draft.body.id, 0, []);
    expect(again).toEqual({ written: false, next: null });
  });

  it("cancels: no further row is read, and the file goes", async () => {
    const o = await createOrg();
    const draft = await upload(o, "Name,Phone\nAda,2125550150\n");
    await orgStore(env, o.id).startImport(draft.body.id, {});
    const cancelled = await call("POST", `/api/imports/${draft.body.id}/cancel`, { cookie: o.owner.cookie });
    expect(cancelled.body).toMatchObject({ status: "cancelled", progress: { rows_done: 0 } });
    await runQueue("contact-imports", { type: "import_contacts", organization_id: o.id, import_id: draft.body.id });
    expect(await storeRows(o.id, "SELECT id FROM contacts")).toEqual([]);
    expectProblem(await call("POST", `/api/imports/${draft.body.id}/cancel`, { cookie: o.owner.cookie }), 409);
    expectProblem(await call("POST", `/api/imports/${draft.body.id}/start`, { cookie: o.owner.cookie, body: {} }), 409);
    await until("the uploaded file to be deleted", async () => (await importFiles(o)).length === 0);
  });

  it("discards a draft nobody started within a day, with its uploaded file", async () => {
    const o = await createOrg();
    const fresh = await upload(o, "Name,Phone\nAda,2125550170\n");
    const stale = await upload(o, "Name,Phone\nBob,2125550171\n");
    await storeExec(o.id, [["UPDATE imports SET created_at = ? WHERE id = ?", new Date(Date.now() - 25 * 3600_000).toISOString(), stale.body.id]]);
    const store = env.ORG_STORE.get(env.ORG_STORE.idFromName(o.id));
    await until("the stale draft's file to be deleted", async () => {
      await runDurableObjectAlarm(store);
      return (await importFiles(o)).length === 1;
    });
    expect(await importFiles(o)).toEqual([`${o.id}/imports/${fresh.body.id}.csv`]);
    expect((await call("GET", `/api/imports/${stale.body.id}`, { cookie: o.owner.cookie })).body).toMatchObject({ status: "cancelled", detail: expect.stringMatching(/^Not started within a day/) });
    expect((await call("GET", `/api/imports/${fresh.body.id}`, { cookie: o.owner.cookie })).body.status).toBe("draft");
  });

  it("deletes a finished import with its failed rows (by hand, or 30 days after it ended), never a running one", async () => {
    const o = await createOrg();
    const done = await importCsv(o, "Name,Phone\nAda,2125550180\nBad,12\n");
    const kept = await importCsv(o, "Name,Phone\nBob,2125550181\nWorse,13\n");
    expect(await storeRows(o.id, "SELECT count(*) AS n FROM import_errors")).toEqual([{ n: 2 }]);
    expect((await call("DELETE", `/api/imports/${done.id}`, { cookie: o.owner.cookie })).status).toBe(204);
    expectProblem(await call("GET", `/api/imports/${done.id}`, { cookie: o.owner.cookie }), 404);
    expect(await storeRows(o.id, "SELECT count(*) AS n FROM import_errors")).toEqual([{ n: 1 }]);
    // The contacts it wrote stay.
    expect((await contactsOf(o)).map((c) => c.first_name)).toEqual(["Ada", "Bob"]);
    const running = await upload(o, "Name\nCy\n");
    await orgStore(env, o.id).startImport(running.body.id, {});
    expectProblem(await call("DELETE", `/api/imports/${running.body.id}`, { cookie: o.owner.cookie }), 409);
    // Thirty days after it ended, the alarm deletes it.
    await storeExec(o.id, [["UPDATE imports SET finished_at = ? WHERE id = ?", new Date(Date.now() - 31 * 86_400_000).toISOString(), kept.id]]);
    await runDurableObjectAlarm(env.ORG_STORE.get(env.ORG_STORE.idFromName(o.id)));
    expect(await storeRows(o.id, "SELECT id FROM imports ORDER BY created_at")).toEqual([{ id: running.body.id }]);
    expect(await storeRows(o.id, "SELECT count(*) AS n FROM import_errors")).toEqual([{ n: 0 }]);
  });

  it("reads back its own export: the same contacts in another organization", async () => {
    const a = await createOrg();
    await addMember(a, "member", "Sam Member");
    const tag = (await call("POST", "/api/tags", { cookie: a.owner.cookie, body: { name: "VIP", color: "#b91c1c" } })).body;
    const zoe = await createContact(a, {
      first_name: "Zoë",
      last_name: "O'Brien, Jr.",
      company: '=HYPERLINK("https://evil.example","click")',
      job_title: "-1+2",
      pipeline_stage: "lead",
      external_id: "crm-7",
      preferred_language: "fr",
      timezone: "Europe/Paris",
      phones: [{ phone_number: "+12125550161" }, { phone_number: "+33142685300" }],
      emails: [{ email: "zoe@example.com" }, { email: "zoe@work.example" }],
    });
    await call("POST", `/api/contacts/${zoe.id}/tags/${tag.id}`, { cookie: a.owner.cookie });
    await call("POST", `/api/contacts/${zoe.id}/addresses`, { cookie: a.owner.cookie, body: { street: "1 Rue de Rivoli", city: "Paris", zip: "75001", country: "FR" } });
    const members = (await call("GET", "/api/members", { cookie: a.owner.cookie })).body as Json[];
    const sam = members.find((m) => m.name === "Sam Member")!;
    await call("POST", "/api/contacts/bulk", { cookie: a.owner.cookie, body: { action: { type: "assign", member_id: sam.id ?? sam.member_id }, contact_ids: [zoe.id] } });
    await createContact(a, { company: "Only A Company", status: "inactive" });
    const exported = await (await exports.default.fetch(new Request(`${ORIGIN}/api/contacts/export.csv`, { headers: { cookie: a.owner.cookie } }))).text();

    const b = await createOrg();
    await addMember(b, "member", "Sam Member");
    const done = await importCsv(b, exported);
    expect(done.counts).toMatchObject({ created: 2, failed: 0 });
    const comparable = (c: Json) => ({
      ...Object.fromEntries(["first_name", "last_name", "company", "job_title", "status", "pipeline_stage", "external_id", "preferred_language", "timezone"].map((k) => [k, c[k]])),
      phones: c.phones.map((p: Json) => p.phone_number),
      emails: c.emails.map((e: Json) => e.email),
      tags: c.tags.map((t: Json) => t.name),
      assigned: c.assigned_users.map((u: Json) => u.name),
      addresses: c.addresses.map(({ id: _id, ...rest }: Json) => rest),
    });
    expect((await contactsOf(b)).map(comparable)).toEqual((await contactsOf(a)).map(comparable));
  });
});
