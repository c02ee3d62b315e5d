import { beforeAll, describe, expect, it } from "vitest";
import { type Org, addMember, call, createApiKey, createOrg, expectProblem, countRows, storeExec } from "./helpers";

describe("call pipeline", () => {
  let org: Org;
  let key: string;
  beforeAll(async () => {
    org = await createOrg();
    key = await createApiKey(org);
    await storeExec(org.id, [["INSERT INTO phone_lines (id, name, phone_number, created_at) VALUES (?, 'Front desk', '+12125550100', '2026-01-01T00:00:00.000Z')", crypto.randomUUID()]]);
  });

  it("records a call, resolves the caller and updates last_contacted_at", async () => {
    const res = await call("POST", "/api/calls", {
      bearer: key,
      body: { caller_phone: "(646) 555-0123", to_phone: "(212) 555-0100", started_at: "2026-11-20T15:00:00Z" },
    });
    expect(res.status).toBe(201);
    expect(res.body.contact_created).toBe(true);
    const contact = await call("GET", `/api/contacts/${res.body.contact_id}`, { cookie: org.owner.cookie });
    expect(contact.body.last_contacted_at).toBe("2026-11-20T15:00:00.000Z");

    // An older call does not move last_contacted_at backwards.
    const older = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "6465550123", started_at: "2026-11-01T10:00:00Z" } });
    expect(older.body).toMatchObject({ contact_id: res.body.contact_id, contact_created: false });
    const again = await call("GET", `/api/contacts/${res.body.contact_id}`, { cookie: org.owner.cookie });
    expect(again.body.last_contacted_at).toBe("2026-11-20T15:00:00.000Z");

    const calls = await call("GET", `/api/contacts/${res.body.contact_id}/calls`, { cookie: org.owner.cookie });
    expect(calls.status).toBe(200);
    expect(calls.body.map((c: { id: string }) => c.id)).toEqual([res.body.call_id, older.body.call_id]);
    expect(calls.body[0].received_on).toBe("Front desk ((212) 555-0100)");
    expect(calls.body[1].received_on).toBeNull();
  });

  it("is idempotent on external_id, including concurrent retries", async () => {
    const body = { caller_phone: "+16465550999", external_id: "carrier-call-1" };
    const results = await Promise.all(Array.from({ length: 5 }, () => call("POST", "/api/calls", { bearer: key, body })));
    expect(new Set(results.map((r) => r.body.call_id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201).length).toBe(1);
    expect(await countRows(org.id, "SELECT count(*) AS n FROM calls WHERE external_id = 'carrier-call-1'")).toBe(1);
  });

  it("records calls from withheld numbers without a contact", async () => {
    const res = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "anonymous" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contact_id: null, contact_created: false });
  });

  it("saves a transcription, queues enrichment and stores analyses grouped by analyzer", async () => {
    const created = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+16465550124" } });
    const id = created.body.call_id;
    const t = await call("PUT", `/api/calls/${id}/transcription`, {
      bearer: key,
      body: { transcription: "Hi, this is Jane Doe from Acme.", duration_seconds: 42, ended_at: "2026-11-20T15:05:00Z" },
    });
    expect(t.status).toBe(202);
    for (const [analyzer, results] of [["sentiment", { score: 0.2 }], ["sentiment", { score: 0.8 }], ["intent", { intent: "booking" }]] as const) {
      expect((await call("POST", `/api/calls/${id}/analyses`, { bearer: key, body: { analyzer, results } })).status).toBe(201);
    }
    const calls = await call("GET", `/api/contacts/${created.body.contact_id}/calls`, { cookie: org.owner.cookie });
    const details = calls.body[0];
    expect(details).toMatchObject({ transcription: "Hi, this is Jane Doe from Acme.", duration_seconds: 42, ended_at: "2026-11-20T15:05:00.000Z" });
    // Queued: the consumer (no OpenAI key in tests) may already have recorded its skip.
    expect(["pending", "running", "skipped"]).toContain(details.enrichment.status);
    expect(details.analyses.map((a: { analyzer: string }) => a.analyzer)).toEqual(["intent", "sentiment"]);
    expect(details.analyses[1].runs.map((r: { results: { score: number } }) => r.results.score)).toEqual([0.8, 0.2]);
  });

  it("validates input and hides other organizations' calls", async () => {
    expectProblem(await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+16465550124", started_at: "yesterday" } }), 400);
    expectProblem(await call("POST", "/api/calls", { bearer: key, body: {} }), 400);
    const created = await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+16465550125" } });
    expectProblem(await call("PUT", `/api/calls/${created.body.call_id}/transcription`, { bearer: key, body: { transcription: "" } }), 400);

    const other = await createOrg();
    const otherKey = await createApiKey(other);
    expectProblem(await call("PUT", `/api/calls/${created.body.call_id}/transcription`, { bearer: otherKey, body: { transcription: "x" } }), 404);
    expectProblem(await call("POST", `/api/calls/${created.body.call_id}/analyses`, { bearer: otherKey, body: { analyzer: "a", results: {} } }), 404);
    expectProblem(await call("GET", `/api/contacts/${created.body.contact_id}/calls`, { cookie: other.owner.cookie }), 404);
  });

  it("lets admins but not members use pipeline routes with a session", async () => {
    const member = await addMember(org, "member");
    expectProblem(await call("POST", "/api/calls", { cookie: member.cookie, body: { caller_phone: "+16465550126" } }), 403);
    expect((await call("POST", "/api/calls", { cookie: org.owner.cookie, body: { caller_phone: "+16465550126" } })).status).toBe(201);
  });
});
