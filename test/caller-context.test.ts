import { beforeAll, describe, expect, it } from "vitest";
import { type Org, addMember, call, countRows, createApiKey, createContact, createOrg, expectProblem, storeExec } from "./helpers";

const context = (key: string, body: object) => call("POST", "/api/caller-context", { bearer: key, body });

describe("caller context", () => {
  let org: Org;
  let key: string;
  beforeAll(async () => {
    org = await createOrg();
    key = await createApiKey(org);
    await call("POST", "/api/phone-lines", { cookie: org.owner.cookie, body: { name: "Front desk", phone_number: "+1 212 555 0100" } });
  });

  it("a returning caller comes with name, language, local time, memory, todos, last calls, tags, assignees and may-contact", async () => {
    const maria = await addMember(org, "member", "Maria Chen");
    const tag = (await call("POST", "/api/tags", { cookie: org.owner.cookie, body: { name: "VIP", color: "#f59e0b" } })).body;
    const ana = await createContact(org, {
      first_name: "Ana",
      last_name: "Souza",
      company: "Bluebird Bakery",
      job_title: "Owner",
      preferred_language: "pt-BR",
      timezone: "America/Sao_Paulo",
      status: "do_not_contact",
      phones: [{ phone_number: "+1 415 555 0601" }],
      tag_ids: [tag.id],
    });
    await call("POST", `/api/contacts/${ana.id}/members/${maria.memberId}`, { cookie: org.owner.cookie });
    const past = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550601", started_at: "2026-11-20T15:00:00Z" } });
    await call("POST", `/api/calls/${past.body.call_id}/analyses`, { bearer: key, body: { analyzer: "retell", results: { call_summary: "Asked to move her order to Friday." } } });
    await call("POST", `/api/contacts/${ana.id}/todos`, { cookie: org.owner.cookie, body: { title: "Confirm Friday pickup", due_at: "2026-11-28T12:00:00Z" } });
    await storeExec(org.id, [["INSERT INTO contact_memory (contact_id, content, sources, updated_at) VALUES (?, '- Prefers Portuguese', '[]', '2026-11-21T00:00:00Z')", ana.id]]);

    const res = await context(key, { phone: "(415) 555-0601", to_phone: "+12125550100" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      contact_id: ana.id,
      known: true,
      reason: null,
      phone: "+14155550601",
      full_name: "Ana Souza",
      company: "Bluebird Bakery",
      status: "do_not_contact",
      may_contact: false,
      preferred_language: "pt-BR",
      timezone: "America/Sao_Paulo",
      memory: "- Prefers Portuguese",
      open_todos: [{ title: "Confirm Friday pickup", due_at: "2026-11-28T12:00:00.000Z" }],
      recent_calls: [{ id: past.body.call_id, started_at: "2026-11-20T15:00:00.000Z", direction: "inbound", summary: "Asked to move her order to Friday." }],
      call_count: 1,
      tags: ["VIP"],
      assigned_members: [{ member_id: maria.memberId, name: "Maria Chen" }],
      line: "Front desk",
    });
    expect(res.body.local_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-03:00$/);
    const vars = res.body.dynamic_variables as Record<string, string>;
    expect(vars).toMatchObject({
      contact_id: ana.id,
      known_contact: "true",
      full_name: "Ana Souza",
      preferred_language: "pt-BR",
      may_contact: "false",
      contact_status: "do_not_contact",
      memory: "- Prefers Portuguese",
      open_todos: "Confirm Friday pickup (due 2026-11-28)",
      last_call_summary: "Asked to move her order to Friday.",
      tags: "VIP",
      assigned_to: "Maria Chen",
      line: "Front desk",
      call_count: "1",
    });
    expect(vars.local_time).toMatch(/^[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}(,| at) \d{1,2}:\d{2}\s?[AP]M$/);
    expect(Object.values(vars).every((v) => typeof v === "string")).toBe(true);
  });

  it("a long history: the last 3 calls newest first with their latest summary, the 5 most due open todos, every call counted", async () => {
    const ben = await createContact(org, { first_name: "Ben", last_name: "Okoro", phones: [{ phone_number: "+1 415 555 0620" }] });
    const started = ["2026-11-01", "2026-11-05", "2026-11-03", "2026-11-09", "2026-11-07"];
    const ids: string[] = [];
    for (const day of started) ids.push((await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550620", started_at: `${day}T10:00:00Z` } })).body.call_id);
    const analyze = (i: number, analyzer: string, results: object) => call("POST", `/api/calls/${ids[i]}/analyses`, { bearer: key, body: { analyzer, results } });
    // The newest call (Nov 9): a summary, then a later Retell call_summary, then an analysis without one.
    await analyze(3, "vapi", { summary: "First take." });
    await analyze(3, "retell", { call_summary: "Booked a cleaning." });
    await analyze(3, "sentiment", { label: "positive" });
    // Nov 7: an empty summary is no summary. Nov 5: a summary that is not text is none either.
    await analyze(4, "vapi", { summary: "" });
    await analyze(1, "custom", { summary: 42 });
    const todo = (title: string, due_at?: string) => call("POST", `/api/contacts/${ben.id}/todos`, { cookie: org.owner.cookie, body: { title, ...(due_at && { due_at }) } });
    for (const [title, due] of [["no due date", undefined], ["due 12-05", "2026-12-05T12:00:00Z"], ["due 12-01", "2026-12-01T12:00:00Z"], ["due 12-03", "2026-12-03T12:00:00Z"], ["due 12-04", "2026-12-04T12:00:00Z"], ["due 12-02", "2026-12-02T12:00:00Z"]] as const) {
      await todo(title, due);
    }
    const done = (await todo("done already", "2026-11-30T12:00:00Z")).body;
    expect((await call("PUT", `/api/todos/${done.id}`, { cookie: org.owner.cookie, body: { status: "done" } })).status).toBe(200);

    const res = (await context(key, { phone: "+14155550620" })).body;
    expect(res.call_count).toBe(5);
    expect(res.recent_calls.map((c: { id: string; summary: string | null }) => [c.id, c.summary])).toEqual([
      [ids[3], "Booked a cleaning."],
      [ids[4], null],
      [ids[1], null],
    ]);
    expect(res.open_todos.map((t: { title: string }) => t.title)).toEqual(["due 12-01", "due 12-02", "due 12-03", "due 12-04", "due 12-05"]);
    expect(res.dynamic_variables).toMatchObject({ last_call_at: "2026-11-09T10:00:00.000Z", last_call_summary: "Booked a cleaning.", call_count: "5" });
  });

  it("a new number gets a stub and known: false, with every fact an empty string, never null", async () => {
    const res = await context(key, { phone: "+1 415 555 0602" });
    expect(res.body).toMatchObject({ known: false, full_name: "", memory: null, call_count: 0, may_contact: true });
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_phones WHERE phone_number = '+14155550602'")).toBe(1);
    const vars = res.body.dynamic_variables as Record<string, string>;
    expect(vars.known_contact).toBe("false");
    expect(Object.values(vars).some((v) => /null|undefined/.test(v))).toBe(false);
    // The call then recorded for that number lands on the same contact, now known.
    const recorded = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550602" } });
    expect(recorded.body).toMatchObject({ contact_id: res.body.contact_id, contact_created: false });
    expect((await context(key, { phone: "4155550602" })).body).toMatchObject({ contact_id: res.body.contact_id, known: true, call_count: 1 });
  });

  it("a burst of new callers, and of one new number, with resolves of the same numbers: one contact per number, one 'new' answer each", async () => {
    const numbers = ["+14155550611", "+14155550612", "+14155550613"];
    const sent = numbers.flatMap((n) => [
      ...Array.from({ length: 5 }, () => ({ kind: "context", n, res: context(key, { phone: n }) })),
      { kind: "resolve", n, res: call("POST", "/api/contacts/resolve", { bearer: key, body: { phone: n } }) },
    ]);
    const answers = await Promise.all(sent.map(async (a) => ({ ...a, res: await a.res })));
    expect(answers.every((a) => a.res.status === 200)).toBe(true);
    for (const n of numbers) {
      const mine = answers.filter((a) => a.n === n);
      expect(new Set(mine.map((a) => a.res.body.contact_id)).size).toBe(1);
      // Exactly one of them made the stub: a context saying known: false, or the resolve saying created.
      expect(mine.filter((a) => (a.kind === "context" ? a.res.body.known === false : a.res.body.created === true))).toHaveLength(1);
      expect(await countRows(org.id, "SELECT count(*) AS n FROM contact_phones WHERE phone_number = ?", n)).toBe(1);
    }
  });

  it("a withheld number creates nothing; an outbound call serves the dialer the same facts", async () => {
    const before = await countRows(org.id, "SELECT count(*) AS n FROM contacts");
    const withheld = await context(key, { phone: "anonymous" });
    expect(withheld.body).toMatchObject({ contact_id: null, known: false, reason: "withheld", phone: "anonymous" });
    expect(withheld.body.dynamic_variables.caller_phone).toBe("anonymous");
    expect(await countRows(org.id, "SELECT count(*) AS n FROM contacts")).toBe(before);
    const bo = await createContact(org, { first_name: "Bo", phones: [{ phone_number: "+1 415 555 0603" }] });
    const outbound = await context(key, { phone: "+14155550603", to_phone: "+12125550100", direction: "outbound" });
    expect(outbound.body).toMatchObject({ contact_id: bo.id, known: true, first_name: "Bo", line: "Front desk" });
    const fresh = await context(key, { phone: "+14155550604", direction: "outbound" });
    expect((await call("GET", `/api/contacts/${fresh.body.contact_id}`, { cookie: org.owner.cookie })).body.source).toBe("outbound_call");
  });

  it("is for the pipeline key and admins; other organizations' keys see their own contacts only", async () => {
    const member = await addMember(org, "member");
    expectProblem(await call("POST", "/api/caller-context", { cookie: member.cookie, body: { phone: "+14155550601" } }), 403);
    expect((await call("POST", "/api/caller-context", { cookie: org.owner.cookie, body: { phone: "+14155550601" } })).body.known).toBe(true);
    expectProblem(await call("POST", "/api/caller-context", { body: { phone: "+14155550601" } }), 401);
    const other = await createOrg();
    const otherKey = await createApiKey(other);
    const theirs = await context(otherKey, { phone: "+14155550601" });
    expect(theirs.body).toMatchObject({ known: false, full_name: "", memory: null });
  });
});
