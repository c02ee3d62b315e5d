import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import { startOfDay } from "../worker/lib/timezone";
import { type Json, type Org, addMember, call, countersInStep, createContact, createOrg, expectInvalid, orgSnapshot, storeExec, storeRows } from "./helpers";

// The contact list's filters: each one and combinations, through every sort and page, against the
// same selection made here in plain code; the counters behind them; estimates; and the places that
// take the same filters (export, bulk change, saved views).

type Sort = "recently_added" | "name_asc" | "last_contacted_at";

interface Spec {
  id: string;
  first: string;
  last: string;
  status: string;
  stage: string | null;
  source: string;
  tags: string[];
  members: string[];
  created: string;
  lastContacted: string | null;
  optedOut: boolean;
}

let org: Org;
let m1: Awaited<ReturnType<typeof addMember>>;
let m2: Awaited<ReturnType<typeof addMember>>;
let tagA: Json;
let tagB: Json;
const specs: Spec[] = [];

const STATUSES = ["active", "active", "inactive", "do_not_contact", "archived"];
const STAGES = [null, "lead", "customer", "qualified"];
const SOURCES = ["manual", "import", "call"];
const pad = (n: number) => String(n).padStart(2, "0");

beforeAll(async () => {
  org = await createOrg();
  m1 = await addMember(org, "member", "Mia One");
  m2 = await addMember(org, "admin", "Max Two");
  tagA = (await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: "Alpha", color: "#3b82f6" } })).body;
  tagB = (await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: "Beta", color: "#b91c1c" } })).body;
  const fixes: [string, ...unknown[]][] = [];
  for (let i = 0; i < 36; i++) {
    const stub = i % 9 === 0;
    const tags = [...(i % 2 === 0 ? [tagA.id] : []), ...(i % 3 === 0 ? [tagB.id] : [])];
    const body = {
      first_name: stub ? "" : `Pat${i}`,
      last_name: stub ? "" : "Filter",
      status: STATUSES[i % 5],
      pipeline_stage: STAGES[i % 4],
      source: SOURCES[i % 3],
      tag_ids: tags,
      phones: [{ phone_number: `+1415555${String(1000 + i)}` }],
    };
    const c = await createContact(org, body);
    const members = [...(i % 4 === 1 || i % 7 === 0 ? [m1.memberId] : []), ...(i % 5 === 2 ? [m2.memberId] : [])];
    for (const m of members) expect((await call("POST", `/api/contacts/${c.id}/members/${m}`, { cookie: org.owner.cookie })).status).toBe(204);
    let optedOut = false;
    if (i % 8 === 3) {
      await call("POST", `/api/contacts/${c.id}/consent`, { cookie: org.owner.cookie, body: { channel: "sms", status: "opted_out" } });
      optedOut = true;
      if (i % 16 === 3) {
        await call("POST", `/api/contacts/${c.id}/consent`, { cookie: org.owner.cookie, body: { channel: "sms", status: "opted_in", note: "Asked to be texted again" } });
        optedOut = false;
      }
    }
    const created = `2026-${pad(1 + (i % 9))}-15T12:00:${pad(i)}.000Z`;
    const lastContacted = i % 3 === 0 ? null : `2026-10-${pad(10 + (i % 20))}T10:00:00.000Z`;
    fixes.push(["UPDATE contacts SET created_at = ?, last_contacted_at = ? WHERE id = ?", created, lastContacted, c.id]);
    specs.push({ id: c.id, first: body.first_name, last: body.last_name, status: body.status!, stage: body.pipeline_stage ?? null, source: body.source!, tags, members, created, lastContacted, optedOut });
  }
  await storeExec(org.id, fixes);
});

const sortName = (s: Spec) => (`${s.first}${s.last}`.trim() === "" ? "\u{10FFFF}" : `${s.first} ${s.last}`.trim().toLowerCase());
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function ordered(list: Spec[], sort: Sort): string[] {
  const byId = (a: Spec, b: Spec) => cmp(a.id, b.id);
  const sorted = [...list].sort((a, b) => {
    if (sort === "name_asc") return cmp(sortName(a), sortName(b)) || byId(a, b);
    if (sort === "recently_added") return cmp(b.created, a.created) || -byId(a, b);
    // NULLs are the smallest values to SQLite: last when descending.
    const la = a.lastContacted ?? "";
    const lb = b.lastContacted ?? "";
    return cmp(lb, la) || -byId(a, b);
  });
  return sorted.map((s) => s.id);
}

/** Every page of the list for this query, concatenated, and the first page's answer. */
async function allPages(query: Record<string, string>, cookie: string | undefined, pageSize: number) {
  const ids: string[] = [];
  let first: Json | undefined;
  for (let page = 0; page < 50; page++) {
    const res = await call("GET", `/api/contacts/list?${new URLSearchParams({ ...query, page: String(page), page_size: String(pageSize) })}`, { cookie: cookie ?? org.owner.cookie });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    first ??= res.body;
    ids.push(...res.body.contacts.map((c: Json) => c.id));
    if (res.body.contacts.length < pageSize) break;
  }
  return { ids, first: first! };
}

const day = (iso: string) => iso.slice(0, 10);

describe("contact list filters", () => {
  it("select exactly what each filter and each combination says, in every sort and across pages", async () => {
    const A = tagA.id as string;
    const B = tagB.id as string;
    const dnc = (s: Spec) => s.status === "do_not_contact" || s.optedOut;
    const cases: [Record<string, string>, (s: Spec) => boolean, string?][] = [
      [{ status: "inactive" }, (s) => s.status === "inactive"],
      [{ status: "active,archived" }, (s) => s.status === "active" || s.status === "archived"],
      [{ pipeline_stage: "none" }, (s) => s.stage === null],
      [{ pipeline_stage: "lead,none" }, (s) => s.stage === null || s.stage === "lead"],
      [{ source: "call" }, (s) => s.source === "call"],
      [{ assigned_to: m1.memberId }, (s) => s.members.includes(m1.memberId)],
      [{ assigned_to: "unassigned" }, (s) => s.members.length === 0],
      [{ assigned_to: "me" }, (s) => s.members.includes(m1.memberId), m1.cookie],
      [{ tag_ids: A }, (s) => s.tags.includes(A)],
      [{ tag_ids: `${A},${B}` }, (s) => s.tags.includes(A) || s.tags.includes(B)],
      [{ tag_ids: `${A},${B}`, tag_match: "all" }, (s) => s.tags.includes(A) && s.tags.includes(B)],
      [{ created_from: "2026-03-01", created_to: "2026-05-15" }, (s) => day(s.created) >= "2026-03-01" && day(s.created) <= "2026-05-15"],
      [{ last_contacted_from: "2026-10-15" }, (s) => s.lastContacted !== null && day(s.lastContacted) >= "2026-10-15"],
      [{ last_contacted_to: "2026-10-20" }, (s) => s.lastContacted !== null && day(s.lastContacted) <= "2026-10-20"],
      [{ created_to: "2026-02-15T12:00:10.000Z" }, (s) => s.created <= "2026-02-15T12:00:10.000Z"],
      [{ never_contacted: "true" }, (s) => s.lastContacted === null],
      [{ never_contacted: "false", status: "active" }, (s) => s.lastContacted !== null && s.status === "active"],
      [{ never_contacted: "true", tag_ids: tagA.id }, (s) => s.lastContacted === null && s.tags.includes(tagA.id)],
      [{ no_name: "true" }, (s) => sortName(s) === "\u{10FFFF}"],
      [{ no_name: "false" }, (s) => sortName(s) !== "\u{10FFFF}"],
      [{ do_not_contact: "true" }, dnc],
      [{ do_not_contact: "false" }, (s) => !dnc(s)],
      [{ status: "active", tag_ids: A, no_name: "false" }, (s) => s.status === "active" && s.tags.includes(A) && sortName(s) !== "\u{10FFFF}"],
      [{ source: "import", assigned_to: "unassigned", do_not_contact: "false" }, (s) => s.source === "import" && s.members.length === 0 && !dnc(s)],
      [
        { pipeline_stage: "customer,qualified", created_from: "2026-02-01", tag_ids: `${A},${B}`, tag_match: "all" },
        (s) => (s.stage === "customer" || s.stage === "qualified") && day(s.created) >= "2026-02-01" && s.tags.includes(A) && s.tags.includes(B),
      ],
      [{ search: "pat1", status: "active,inactive", last_contacted_from: "2026-10-11" }, (s) => /^Pat1/.test(s.first) && ["active", "inactive"].includes(s.status) && s.lastContacted !== null && day(s.lastContacted) >= "2026-10-11"],
      [{ search: "p", no_name: "false", assigned_to: m2.memberId }, (s) => s.first.toLowerCase().startsWith("p") && s.members.includes(m2.memberId)],
      [{ search: "filter", tag_ids: B, do_not_contact: "true" }, (s) => s.last === "Filter" && s.tags.includes(B) && dnc(s)],
    ];
    for (const [query, match, cookie] of cases) {
      const expected = specs.filter(match);
      expect(expected.length, `a case that selects nothing or everything proves little: ${JSON.stringify(query)}`).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(specs.length);
      for (const sort of ["recently_added", "name_asc", "last_contacted_at"] as const) {
        // One page of up to 50 in each sort, and pages of 7 in one sort (the organization's
        // search rate limit allows 200 requests in 10 seconds).
        const { ids, first } = await allPages({ ...query, sort }, cookie, sort === "name_asc" ? 7 : 50);
        expect(ids, `${JSON.stringify(query)} ${sort}`).toEqual(ordered(expected, sort));
        // 36 contacts: an estimate samples every one of them, so it is right too.
        expect(first.total_count, `${JSON.stringify(query)} ${sort}`).toBe(expected.length);
        expect(first.total_pages).toBe(Math.ceil(expected.length / (sort === "name_asc" ? 7 : 50)));
      }
    }
  });

  it("refuse values they do not know, naming the parameter", async () => {
    const list = (q: string, opts: { cookie?: string; bearer?: string } = { cookie: org.owner.cookie }) => call("GET", `/api/contacts/list?${q}`, opts);
    expectInvalid(await list("status=gone"), "status.0");
    expectInvalid(await list("pipeline_stage=lead,won"), "pipeline_stage.1");
    expectInvalid(await list("tag_match=some"), "tag_match");
    expectInvalid(await list("created_from=2026-02-30"), "created_from");
    expectInvalid(await list("last_contacted_to=yesterday"), "last_contacted_to");
    expectInvalid(await list("no_name=yes"), "no_name");
    expectInvalid(await list("never_contacted=1"), "never_contacted");
    expectInvalid(await list(`source=${"x".repeat(51)}`), "source.0");
    // A date is a whole day where the organization is (its quiet-hours time zone), DST included.
    expect(startOfDay("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfDay("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(startOfDay("2026-07-01", "Asia/Kolkata").toISOString()).toBe("2026-06-30T18:30:00.000Z");
    // An unknown member id (or another organization's) is nobody here: no contacts.
    expect((await list("assigned_to=someone-else")).body).toMatchObject({ contacts: [], total_count: 0, total_exact: true });
  });

  it("are counted by counters that follow every change, and listed with their counts", async () => {
    const o = await createOrg();
    const sam = await addMember(o, "admin", "Sam");
    const vip = (await call("POST", "/api/tags", { cookie: o.owner.cookie, body: { name: "VIP", color: "#3b82f6" } })).body;
    const a = await createContact(o, { first_name: "Ann", status: "active", pipeline_stage: "lead", source: "referral", tag_ids: [vip.id] });
    const b = await createContact(o, { phones: [{ phone_number: "+14155550101" }], source: "call" });
    const c = await createContact(o, { first_name: "Cy", status: "inactive" });
    await call("POST", `/api/contacts/${a.id}/members/${sam.memberId}`, { cookie: o.owner.cookie });
    await call("POST", `/api/contacts/${b.id}/members/${sam.memberId}`, { cookie: o.owner.cookie });
    await call("PUT", `/api/contacts/${b.id}`, { cookie: o.owner.cookie, body: { first_name: "Bea", pipeline_stage: "customer", status: "do_not_contact" } });
    await call("PUT", `/api/contacts/${c.id}`, { cookie: o.owner.cookie, body: { first_name: "", source: null } });
    await call("DELETE", `/api/contacts/${b.id}/members/${sam.memberId}`, { cookie: o.owner.cookie });
    await call("POST", `/api/contacts/${c.id}/tags/${vip.id}`, { cookie: o.owner.cookie });
    await call("POST", `/api/contacts/${c.id}/consent`, { cookie: o.owner.cookie, body: { channel: "voice", status: "opted_out" } });
    // Cy is contacted; Bea is, and then her date is cleared again: the never-contacted count follows.
    await storeExec(o.id, [
      ["UPDATE contacts SET last_contacted_at = ? WHERE id = ?", new Date().toISOString(), c.id],
      ["UPDATE contacts SET last_contacted_at = ? WHERE id = ?", new Date().toISOString(), b.id],
      ["UPDATE contacts SET last_contacted_at = NULL WHERE id = ?", b.id],
    ]);
    await call("DELETE", `/api/contacts/${a.id}`, { cookie: o.owner.cookie });
    // Dan, not to be contacted twice over (his status and an opt-out), counts once; losing one
    // reason keeps him counted, losing both does not; deleted with an opt-out, he no longer counts.
    const dncCount = async () => (await countersInStep(o.id)).find((r) => r.facet === "do_not_contact")?.n ?? 0;
    const consent = async (id: string, channel: string, status: string) =>
      expect((await call("POST", `/api/contacts/${id}/consent`, { cookie: o.owner.cookie, body: { channel, status, note: "Said so on a call" } })).status).toBeLessThan(300);
    const d = await createContact(o, { first_name: "Dan", status: "do_not_contact" });
    expect(await dncCount()).toBe(3);
    await consent(d.id, "sms", "opted_out");
    await consent(d.id, "voice", "opted_out");
    expect(await dncCount()).toBe(3);
    await call("PUT", `/api/contacts/${d.id}`, { cookie: o.owner.cookie, body: { status: "active" } });
    await consent(d.id, "sms", "opted_in");
    expect(await dncCount()).toBe(3);
    await consent(d.id, "voice", "opted_in");
    expect(await dncCount()).toBe(2);
    await consent(d.id, "voice", "opted_out");
    expect(await dncCount()).toBe(3);
    await call("DELETE", `/api/contacts/${d.id}`, { cookie: o.owner.cookie });
    expect(await dncCount()).toBe(2);
    // The counters equal a count of the rows themselves.
    const kept = await countersInStep(o.id);
    expect(kept).toContainEqual({ facet: "no_name", value: "", n: 1 });
    expect(kept).toContainEqual({ facet: "never_contacted", value: "", n: 1 });
    // Bea (status) and Cy (an opt-out) are not to be contacted.
    expect(kept).toContainEqual({ facet: "do_not_contact", value: "", n: 2 });
    expect(await storeRows(o.id, "SELECT contact_id, channel FROM contact_opt_outs")).toEqual([{ contact_id: c.id, channel: "voice" }]);

    const facets = await call("GET", "/api/contacts/facets", { cookie: sam.cookie });
    expect(facets.status).toBe(200);
    expect(facets.body).toEqual({
      total: 2,
      status: [
        { value: "inactive", count: 1 },
        { value: "do_not_contact", count: 1 },
      ],
      pipeline_stage: [
        { value: "customer", count: 1 },
        { value: "none", count: 1 },
      ],
      source: [{ value: "call", count: 1 }],
      no_name: 1,
    });
    const dnc = await call("GET", "/api/contacts/list?do_not_contact=true&sort=name_asc", { cookie: o.owner.cookie });
    expect(dnc.body.contacts.map((x: Json) => x.id)).toEqual([b.id, c.id]);
  });

  it("give an estimate, said to be one, when no index can count the matches; exact_count counts them", async () => {
    const o = await createOrg();
    const now = new Date().toISOString();
    // 3,000 contacts, every third one marked Do not contact; a few without a name.
    await storeExec(o.id, [
      [
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO contacts (id, first_name, last_name, status, created_at, updated_at)
         SELECT printf('00000000-0000-4000-8000-%012d', i), CASE WHEN i % 100 = 0 THEN '' ELSE 'Many' END, CASE WHEN i % 100 = 0 THEN '' ELSE i END,
           CASE WHEN i % 3 = 0 THEN 'do_not_contact' ELSE 'active' END, ?, ? FROM n`,
        now,
        now,
      ],
    ]);
    const exact = await storeRows<{ n: number }>(o.id, "SELECT count(*) AS n FROM contacts WHERE status != 'do_not_contact' AND sort_name != char(1114111)");
    const q = "do_not_contact=false&no_name=false&page_size=7";
    const rough = await call("GET", `/api/contacts/list?${q}`, { cookie: o.owner.cookie });
    expect(rough.body.total_exact).toBe(false);
    expect(Math.abs(rough.body.total_count - exact[0]!.n)).toBeLessThan(exact[0]!.n * 0.05);
    expect(rough.body.contacts).toHaveLength(7);
    expect(exact[0]!.n % 7, "the last page must not be full for this test").not.toBe(0);
    const counted = await call("GET", `/api/contacts/list?${q}&exact_count=true`, { cookie: o.owner.cookie });
    expect(counted.body).toMatchObject({ total_count: exact[0]!.n, total_exact: true });
    // One filter with a counter is exact; so is a page that is not full.
    expect((await call("GET", "/api/contacts/list?status=active", { cookie: o.owner.cookie })).body).toMatchObject({ total_count: 2000, total_exact: true });
    const last = await call("GET", `/api/contacts/list?${q}&page=${Math.floor((exact[0]!.n - 1) / 7)}`, { cookie: o.owner.cookie });
    expect(last.body).toMatchObject({ total_count: exact[0]!.n, total_exact: true });
  });

  it("select what export, bulk changes and saved views act on", async () => {
    const o = await createOrg();
    const made = [];
    for (const [i, status] of ["active", "inactive", "inactive", "archived"].entries()) {
      made.push(await createContact(o, { first_name: `Row${i}`, status, source: i < 2 ? "import" : "manual" }));
    }
    const res = await call("GET", "/api/contacts/export.csv?status=inactive&sort=name_asc", { cookie: o.owner.cookie });
    expect(res.status).toBe(200);
    const rows = Papa.parse<Record<string, string>>(res.body as string, { header: true, skipEmptyLines: true }).data;
    expect(rows.map((r) => r.first_name)).toEqual(["Row1", "Row2"]);

    const before = await orgSnapshot(o.id);
    expectInvalid(await call("POST", "/api/contacts/bulk", { cookie: o.owner.cookie, body: { action: { type: "delete" }, matching: { status: ["gone"] } } }), "matching.status.0");
    expect(await orgSnapshot(o.id)).toEqual(before);
    const job = await call("POST", "/api/contacts/bulk", {
      cookie: o.owner.cookie,
      body: { action: { type: "set_status", status: "archived" }, matching: { status: ["inactive"], source: ["import"] } },
    });
    expect(job.body).toMatchObject({ status: "done", total: 1, affected: 1 });
    expect(await storeRows(o.id, "SELECT first_name, status FROM contacts ORDER BY first_name")).toEqual([
      { first_name: "Row0", status: "active" },
      { first_name: "Row1", status: "archived" },
      { first_name: "Row2", status: "inactive" },
      { first_name: "Row3", status: "archived" },
    ]);

    const view = await call("POST", "/api/views", {
      cookie: o.owner.cookie,
      body: { name: "Quiet imports", query: { status: ["archived", "archived"], source: ["import"], tag_match: "any", pipeline_stage: [], last_contacted_to: "-90d", no_name: false } },
    });
    expect(view.status).toBe(201);
    expect(view.body.query).toEqual({ status: ["archived"], source: ["import"], last_contacted_to: "-90d", no_name: false });
    expectInvalid(await call("POST", "/api/views", { cookie: o.owner.cookie, body: { name: "Bad", query: { created_from: "soon" } } }), "query.created_from");
  });
});
