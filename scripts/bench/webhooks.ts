/**
 * The webhooks section: how many events per second the outbox and its delivery sustain locally,
 * next to the same number of plain contact updates without webhooks, in one run.
 *
 *   1. An organization of its own (signed up through the running app) with 200 contacts.
 *   2. N contact updates (PUT /api/contacts/{id}, a new company each) at concurrency 10 with no
 *      endpoint: the plain rate.
 *   3. An endpoint subscribed to contact.updated on a local receiver; the same N updates: the rate
 *      with each update also writing its event (and a delivery) in its transaction; and, until the
 *      receiver holds all N, the delivery rate end to end (store alarm -> queue -> consumer ->
 *      signed POST), with each event's lag from its update's answer to its arrival.
 *   4. The endpoint disabled, N plain updates again: the plain rate is the mean of 2 and 4.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export const WEBHOOKS = { contacts: 200, updates: 2000, concurrency: 10, deliveryTimeoutMs: 180_000 };

interface Arrival {
  at: number;
  key: string;
  body: string;
  headers: Record<string, string>;
}

export interface WebhooksReport {
  plain: number[];
  withOutbox: number;
  delivered: number;
  duplicates: number;
  deliveryRate: number;
  lagP50: number;
  lagP95: number;
  verified: number;
  seconds: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A receiver that answers 200 at once and notes when each (contact, company) event arrived. */
async function startReceiver() {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        const event = JSON.parse(body) as { data: { contact_id: string; changes?: { company?: string } } };
        arrivals.push({ at: performance.now(), key: `${event.data.contact_id}:${event.data.changes?.company}`, body, headers: req.headers as Record<string, string> });
      } catch {
        // Not an event.
      }
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/bench`, arrivals, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export type AppCall = (method: string, path: string, body?: unknown, contentType?: string) => Promise<{ status: number; json: any }>;

/** A signed-in owner of a new organization, through the app's own routes (a body with `contentType` is sent as it is). */
export async function newOrganization(app: string, name = "Bench Webhooks"): Promise<AppCall> {
  let cookie = "";
  const call = async (method: string, path: string, body?: unknown, contentType?: string) => {
    const res = await fetch(`${app}${path}`, {
      method,
      headers: { origin: app, ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { "content-type": contentType ?? "application/json" }) },
      body: body === undefined ? undefined : contentType ? (body as string) : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie().map((c) => c.split(";")[0]);
    if (set.length) cookie = set.join("; ");
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  const id = `${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now().toString(36)}`;
  const must = async (what: string, p: Promise<{ status: number; json: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  await must("sign-up", call("POST", "/api/auth/sign-up/email", { email: `${id}@example.com`, password: "correct horse battery", name: "Bench Owner" }));
  const org = await must("organization", call("POST", "/api/auth/organization/create", { name, slug: id }));
  await must("set-active", call("POST", "/api/auth/organization/set-active", { organizationId: org.id }));
  return call;
}

/** Runs `count` jobs `concurrency` at a time; answers each job's completion time. */
async function pool(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number[]> {
  const done: number[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await job(i);
        done[i] = performance.now();
      }
    }),
  );
  return done;
}

export async function webhooksSection(app: string, log: (line: string) => void): Promise<WebhooksReport> {
  const started = performance.now();
  const call = await newOrganization(app);
  const ids: string[] = [];
  await pool(WEBHOOKS.contacts, WEBHOOKS.concurrency, async (i) => {
    const r = await call("POST", "/api/contacts", { first_name: `Hook${i}`, last_name: "Bench", phones: [{ phone_number: `+1415555${String(1000 + i).padStart(4, "0")}` }] });
    if (r.status !== 201) throw new Error(`create contact: ${r.status}`);
    ids[i] = r.json.id;
  });
  const updates = async (label: string) => {
    const t = performance.now();
    const done = await pool(WEBHOOKS.updates, WEBHOOKS.concurrency, async (i) => {
      const r = await call("PUT", `/api/contacts/${ids[i % ids.length]}`, { company: `${label}-${i}` });
      if (r.status !== 200) throw new Error(`update: ${r.status} ${JSON.stringify(r.json)}`);
    });
    const rate = WEBHOOKS.updates / ((performance.now() - t) / 1000);
    return { rate, done, start: t };
  };

  const receiver = await startReceiver();
  try {
    const first = await updates("plain-a");
    log(`contact updates, no endpoint: ${first.rate.toFixed(0)}/s (${WEBHOOKS.updates} at concurrency ${WEBHOOKS.concurrency})`);
    const endpoint = await call("POST", "/api/webhooks", { url: receiver.url, event_types: ["contact.updated"] });
    if (endpoint.status !== 201) throw new Error(`endpoint: ${endpoint.status} ${JSON.stringify(endpoint.json)} (the app needs WEBHOOK_ALLOW_LOOPBACK=true)`);
    const hooked = await updates("hooked");
    log(`contact updates, each writing its event for 1 endpoint: ${hooked.rate.toFixed(0)}/s`);
    const deadline = performance.now() + WEBHOOKS.deliveryTimeoutMs;
    const wanted = new Set(Array.from({ length: WEBHOOKS.updates }, (_, i) => `${ids[i % ids.length]}:hooked-${i}`));
    while (new Set(receiver.arrivals.map((a) => a.key).filter((k) => wanted.has(k))).size < wanted.size && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const arrivals = receiver.arrivals.filter((a) => wanted.has(a.key));
    const firstArrival = new Map<string, number>();
    for (const a of arrivals) if (!firstArrival.has(a.key)) firstArrival.set(a.key, a.at);
    const lastAt = Math.max(...firstArrival.values());
    const lags = Array.from({ length: WEBHOOKS.updates }, (_, i) => (firstArrival.get(`${ids[i % ids.length]}:hooked-${i}`) ?? Number.NaN) - (hooked.done[i] ?? 0)).filter(Number.isFinite);
    const secret = endpoint.json.secret as string;
    let verified = 0;
    for (const a of arrivals.slice(0, 50)) {
      new Webhook(secret).verify(a.body, a.headers);
      verified++;
    }
    await call("PUT", `/api/webhooks/${endpoint.json.id}`, { enabled: false });
    const second = await updates("plain-b");
    log(`contact updates, no endpoint (again): ${second.rate.toFixed(0)}/s`);
    return {
      plain: [first.rate, second.rate],
      withOutbox: hooked.rate,
      delivered: firstArrival.size,
      duplicates: arrivals.length - firstArrival.size,
      deliveryRate: firstArrival.size / ((lastAt - hooked.start) / 1000),
      lagP50: percentile(lags, 50),
      lagP95: percentile(lags, 95),
      verified,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await receiver.close();
  }
}

/** The section's result lines (informational: the issue asks for the figures, with no target). */
export function webhooksLines(r: WebhooksReport): string[] {
  const plain = (r.plain[0]! + r.plain[1]!) / 2;
  return [
    `plain contact updates: ${plain.toFixed(0)}/s (mean of ${r.plain.map((v) => v.toFixed(0)).join(" and ")}, before and after)`,
    `with an endpoint subscribed (each update writes its event and delivery in its own transaction): ${r.withOutbox.toFixed(0)}/s = ${(r.withOutbox / plain).toFixed(2)}x plain`,
    `events delivered end to end (store alarm -> queue -> consumer -> signed POST): ${r.deliveryRate.toFixed(0)}/s = ${(r.deliveryRate / plain).toFixed(2)}x the plain update rate;` +
      ` ${r.delivered}/${WEBHOOKS.updates} delivered, ${r.duplicates} duplicates, lag from the update's answer to arrival p50 ${r.lagP50.toFixed(0)} ms, p95 ${r.lagP95.toFixed(0)} ms;` +
      ` ${r.verified} signatures verified with standardwebhooks`,
  ];
}
