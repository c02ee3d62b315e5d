import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "../worker/lib/contacts-csv";
import { ListSelectionSchema } from "../worker/schemas/contacts";
import { type Org, ORIGIN, addMember, call, createContact, createOrg, expectProblem } from "./helpers";
import { env, exports } from "cloudflare:workers";
import { csvStream } from "../worker/routes/contacts";
import { orgStore } from "../worker/store/client";

// GET /api/contacts/export.csv: every contact the list's filters select, streamed as CSV that a
// spreadsheet cannot run and a CSV parser reads back exactly.

let org: Org;

async function exportCsv(query = "", cookie = org.owner.cookie) {
  const res = await exports.default.fetch(new Request(`${ORIGIN}/api/contacts/export.csv${query}`, { headers: { cookie } }));
  return { res, text: await res.text() };
}
const parse = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });

beforeAll(async () => {
  org = await createOrg();
});

describe("contacts export", () => {
  it("writes one row a contact with its numbers, emails, tags and members, read back exactly; formulas are defused", async () => {
    const tag = (await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: "VIP", color: "#b91c1c" } })).body;
    const member = await addMember(org, "member", "Sam Member");
    const tricky = await createContact(org, {
      first_name: "Zoë",
      last_name: "O'Brien, Jr.",
      company: '=HYPERLINK("https://evil.example","click")',
      job_title: 'Head of "Ops", East',
      phones: [{ phone_number: "+12125550101" }, { phone_number: "+12125550102" }],
      emails: [{ email: "zoe@example.com" }],
    });
    expect((await call("POST", `/api/contacts/${tricky.id}/tags/${tag.id}`, { cookie: org.owner.cookie })).status).toBeLessThan(300);
    await call("POST", "/api/contacts/bulk", { cookie: org.owner.cookie, body: { action: { type: "assign", member_id: member.memberId }, contact_ids: [tricky.id] } });
    await createContact(org, { first_name: "Plain", company: "@SUM(A1)", job_title: "-1+2", phones: [{ phone_number: "+12125550103" }] });

    const { res, text } = await exportCsv();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    const parsed = parse(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...CSV_COLUMNS]);
    expect(parsed.data).toHaveLength(2);
    const zoe = parsed.data.find((r) => r.id === tricky.id)!;
    expect(zoe).toMatchObject({
      first_name: "Zoë",
      last_name: "O'Brien, Jr.",
      company: `'=HYPERLINK("https://evil.example","click")`,
      job_title: 'Head of "Ops", East',
      phones: "+12125550101; +12125550102",
      emails: "zoe@example.com",
      tags: "VIP",
      assigned_members: "Sam Member",
      status: "active",
    });
    const plain = parsed.data.find((r) => r.first_name === "Plain")!;
    expect(plain).toMatchObject({ company: "'@SUM(A1)", job_title: "'-1+2", phones: "+12125550103" });
    expect(text.split("\r\n")[0]).toBe(CSV_COLUMNS.join(","));
  });

  it("takes the list's search, tag filter and sort, and is for admins", async () => {
    const tag = (await call("GET", "/api/tags", { cookie: org.owner.cookie })).body.find((t: { name: string }) => t.name === "VIP");
    expect(parse((await exportCsv(`?tag_ids=${tag.id}`)).text).data.map((r) => r.first_name)).toEqual(["Zoë"]);
    expect(parse((await exportCsv("?search=plain")).text).data.map((r) => r.first_name)).toEqual(["Plain"]);
    expect(parse((await exportCsv("?sort=name_asc")).text).data.map((r) => r.first_name)).toEqual(["Plain", "Zoë"]);
    const member = await addMember(org);
    const refused = await exportCsv("", member.cookie);
    expect(refused.res.status).toBe(403);
    expectProblem({ status: refused.res.status, body: JSON.parse(refused.text), headers: refused.res.headers }, 403);
  });

  it("streams a list larger than one chunk whole, each contact once, in the list's order", async () => {
    const big = await createOrg();
    for (let i = 0; i < 12; i++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          call("POST", "/api/contacts", { cookie: big.owner.cookie, body: { first_name: `P${String(i * 50 + j).padStart(4, "0")}`, phones: [{ phone_number: `+1646555${String(i * 50 + j).padStart(4, "0")}` }] } }),
        ),
      );
    }
    const { res, text } = await exportCsv("?sort=name_asc", big.owner.cookie);
    expect(res.headers.get("x-total-count")).toBe("600");
    const names = parse(text).data.map((r) => r.first_name);
    expect(names).toHaveLength(600);
    expect(new Set(names).size).toBe(600);
    expect(names).toEqual([...names].sort());
    // The same stream read 250 contacts at a time (the route reads 5,000): the chunks join up exactly.
    const store = orgStore(env, big.id);
    const ids = await store.matchingIds(ListSelectionSchema.parse({ sort: "name_asc" }), null);
    const pending: Promise<unknown>[] = [];
    const chunked = await new Response(csvStream(store, ids, (p) => pending.push(p), 250)).text();
    await Promise.all(pending);
    expect(chunked).toBe(text);
  });
});
