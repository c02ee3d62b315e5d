import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import { RATE_LIMITS, type RateLimitName } from "../worker/http/rate-limit";
import { ORIGIN, type Org, addMember, call, createApiKey, createContact, createOrg, expectProblem } from "./helpers";

const { pipeline, search } = RATE_LIMITS;
const resolve = (key: string) => call("POST", "/api/contacts/resolve", { bearer: key, body: { phone: "+14155550142" } });
const list = (cookie: string) => call("GET", "/api/contacts/list?q=ann", { cookie });

type Answer = Awaited<ReturnType<typeof call>>;

/**
 * Sends `limit` requests, then one more, all inside one of the limiter's fixed windows (they are
 * aligned to the clock: a run that straddles a boundary is repeated). Answers the last one.
 * With wrangler.toml's limit different from RATE_LIMITS the expectations below cannot hold.
 */
async function exhaust(name: RateLimitName, send: () => Promise<Answer>): Promise<{ within: Answer[]; over: Answer }> {
  const { limit, period } = RATE_LIMITS[name];
  const windowOf = (t: number) => Math.floor(t / (period * 1000));
  for (let attempt = 0; attempt < 3; attempt++) {
    // Too close to the end of a window: start in the next one.
    const untilNext = period * 1000 - (Date.now() % (period * 1000));
    if (untilNext < 3000) await new Promise((r) => setTimeout(r, untilNext + 50));
    const start = Date.now();
    const within: Answer[] = [];
    for (let i = 0; i < limit; i++) within.push(await send());
    const over = await send();
    if (windowOf(start) === windowOf(Date.now())) return { within, over };
    // Crossed into the next window: the key's count there is already non-zero, wait it out.
    await new Promise((r) => setTimeout(r, period * 1000 - (Date.now() % (period * 1000)) + 50));
  }
  throw new Error("could not fit the requests into one rate limit window");
}

function expect429(res: Answer, name: RateLimitName) {
  const { limit, period } = RATE_LIMITS[name];
  expectProblem(res, 429);
  expect(res.headers.get("retry-after")).toBe(String(period));
  expect(res.headers.get("ratelimit")).toBe(`"${name}";r=0;t=${period}`);
  expect(res.headers.get("ratelimit-policy")).toBe(`"${name}";q=${limit};w=${period}`);
  expect(res.body.detail).toContain(`at most ${limit} every ${period} seconds`);
}

describe("rate limits", () => {
  it(`the pipeline routes allow ${pipeline.limit} requests per ${pipeline.period} s per API key, then answer 429`, async () => {
    const org = await createOrg();
    const key = await createApiKey(org);
    const { within, over } = await exhaust("pipeline", () => resolve(key));
    expect(within.map((r) => r.status)).toEqual(within.map(() => 200));
    expect(within[0]!.headers.get("ratelimit-policy")).toBe(`"pipeline";q=${pipeline.limit};w=${pipeline.period}`);
    expect429(over, "pipeline");
    // Nothing of the refused request was written: still one contact for the number.
    const contacts = await call("GET", "/api/contacts/list?q=4155550142", { cookie: org.owner.cookie });
    expect(contacts.body.total_count).toBe(1);

    // Per key: the organization's other key, and an admin session on the same route, go through.
    expect((await resolve(await createApiKey(org))).status).toBe(200);
    const admin = await call("POST", "/api/contacts/resolve", { cookie: org.owner.cookie, body: { phone: "+14155550142" } });
    expect(admin.status).toBe(200);
    expect(admin.headers.get("ratelimit-policy")).toBeNull();
  });

  it(`the contact list allows ${search.limit} requests per ${search.period} s per organization, then answers 429`, async () => {
    const org = await createOrg();
    const colleague = await addMember(org);
    await createContact(org, { first_name: "Ann", last_name: "Lee" });
    const other: Org = await createOrg();
    const { within, over } = await exhaust("search", () => list(org.owner.cookie));
    expect(within.every((r) => r.status === 200 && r.body.contacts.length === 1)).toBe(true);
    expect429(over, "search");
    // Per organization: a colleague is refused too, another organization is not, and a route
    // without a limit (a contact's own page) still answers.
    expect429(await list(colleague.cookie), "search");
    expect((await list(other.owner.cookie)).status).toBe(200);
    const assignments = await call("GET", "/api/contacts/assignments", { cookie: org.owner.cookie });
    expect429(assignments, "search");
    const id = within[0]!.body.contacts[0].id;
    expect((await call("GET", `/api/contacts/${id}`, { cookie: org.owner.cookie })).status).toBe(200);
  });

  it("a limit whose binding is not configured is not enforced", async () => {
    const org = await createOrg();
    const key = await createApiKey(org);
    const { app } = createApp();
    const unlimited = { ...env, PIPELINE_RATE_LIMIT: undefined } as unknown as Env;
    const statuses: number[] = [];
    for (let i = 0; i <= pipeline.limit; i++) {
      const ctx = createExecutionContext();
      const req = new Request(`${ORIGIN}/api/contacts/resolve`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ phone: "+14155550199" }),
      });
      const res = await app.fetch(req, unlimited, ctx);
      await waitOnExecutionContext(ctx);
      statuses.push(res.status);
      if (i === 0) expect(res.headers.get("ratelimit-policy")).toBeNull();
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it("the API reference declares 429 exactly on the limited routes", async () => {
    const doc = (await call("GET", "/api/openapi.json")).body;
    const has429 = (path: string, method: string) => "429" in doc.paths[path][method].responses;
    expect(has429("/api/contacts/list", "get")).toBe(true);
    expect(has429("/api/contacts/assignments", "get")).toBe(true);
    expect(has429("/api/contacts/resolve", "post")).toBe(true);
    expect(has429("/api/caller-context", "post")).toBe(true);
    expect(has429("/api/contacts/{id}", "get")).toBe(false);
    expect(has429("/api/contacts", "post")).toBe(false);
  });
});
