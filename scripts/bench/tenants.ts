/**
 * The tenants section: many small organizations next to the 100k one, each with its own store.
 *   - Known callers spread over the small organizations' stores (each request: a random small
 *     organization, its API key, one of its contacts' numbers), alone and while two clients
 *     loop a common-name search in the big store, next to the no-op route under the same load
 *     and the reference row (one empty Durable Object call).
 *   - Cold start: the first request to the big organization's store after it was evicted
 *     (wrangler dev restarted: a new workerd, the object constructed again, its migrations
 *     checked), after the isolate was warmed with /api/health and the session with a D1-only
 *     route, against the same request warm; and the same for a small store.
 */
import type { Dataset } from "./data";
import { type ListKind, kindUrl } from "./listing";
import { Random } from "./random";
import {
  BackgroundLoop,
  type KnownCaller,
  type LoadResult,
  type LoadSpec,
  Scenario,
  interleave,
  knownSpec,
  loadTable,
  ratio,
  x,
} from "./resolve";
import { ms, summarize } from "./stats";
import { type RunningWorker, timedGet } from "./worker";

export const TENANT_TARGETS = { spreadVsDoCall: 0.9, loadedShareOfNoop: 0.9 };

/** Known callers of the small organizations: a uniformly random organization, then one of its numbers. */
export function spreadCallers(tenants: readonly Dataset[], seed: string): () => KnownCaller & { headers: Record<string, string> } {
  const rng = new Random(`${seed}/tenant-callers`);
  const numbers = tenants.map((t) => ({
    headers: { authorization: `Bearer ${t.apiKey.secret}` },
    callers: t.contacts.flatMap((c) => c.phones.map((p) => ({ phone: p.e164, contactId: c.id }))),
  }));
  return () => {
    const t = rng.pick(numbers);
    return { ...rng.pick(t.callers), headers: t.headers };
  };
}

export interface TenantsReport {
  rows: LoadResult[];
  noopAlone: LoadResult;
  noopLoaded: LoadResult;
  spreadAlone: LoadResult;
  spreadLoaded: LoadResult;
  bigAlone: LoadResult;
  doCall: LoadResult;
  search: { completed: number; errors: number; p50: number; p95: number };
  cold?: ColdReport;
}

export interface ColdReport {
  trials: { big: number; small: number }[];
  bigWarm: { p50: number; p95: number };
  smallWarm: { p50: number; p95: number };
  rowsRead: string;
}

export async function tenantsLoad(opts: {
  app: RunningWorker;
  bare: RunningWorker;
  tenants: readonly Dataset[];
  big: Dataset;
  bigCallers: () => KnownCaller;
  seed: string;
  concurrency: number;
  durationMs: number;
  rounds: number;
  search: { kind: ListKind; headers: Record<string, string> };
  log: (r: LoadResult) => void;
}): Promise<Omit<TenantsReport, "cold">> {
  const { app, bare, concurrency: c } = opts;
  const resolveUrl = `${app.url}/api/contacts/resolve`;
  const spread = spreadCallers(opts.tenants, opts.seed);
  // Every small store and API key once, so the timed rounds see running stores (cold starts are measured below).
  const touched = opts.tenants.map((t) => ({ phone: t.contacts.find((ct) => ct.phones.length)?.phones[0]?.e164 ?? "", contactId: t.contacts.find((ct) => ct.phones.length)?.id ?? "", headers: { authorization: `Bearer ${t.apiKey.secret}` } }));
  let i = 0;
  const firstEach = new Scenario(knownSpec({ label: "", url: resolveUrl, headers: {} }, () => touched[i++ % touched.length] as (typeof touched)[number], 4, "first request of each store"));
  while (i < touched.length) await firstEach.run(200, false);
  firstEach.close();

  const searches = new BackgroundLoop(kindUrl(app.url, opts.search.kind), opts.search.headers, 2);
  const noop: LoadSpec = { scenario: "no-op GET /api/health, alone (paired)", url: `${app.url}/api/health`, concurrency: c };
  const noopLoaded: LoadSpec = { ...noop, scenario: "no-op GET /api/health, while 2 clients search the big store" };
  const spreadAlone = knownSpec({ label: "", url: resolveUrl, headers: {} }, spread, c, `known callers over ${opts.tenants.length} small stores, alone (paired)`);
  const spreadLoaded = { ...spreadAlone, scenario: `known callers over ${opts.tenants.length} small stores, while 2 clients search the big store` };
  const bigAlone = knownSpec(
    { label: "", url: resolveUrl, headers: { authorization: `Bearer ${opts.big.apiKey.secret}` } },
    opts.bigCallers,
    c,
    `known callers in the ${opts.big.contacts.length.toLocaleString("en-US")}-contact store, alone`,
  );
  const doCall: LoadSpec = { scenario: "one empty Durable Object call (bare Worker), alone", url: `${bare.url}/do-ping`, concurrency: c };
  const loaded = new Set<LoadSpec>([noopLoaded, spreadLoaded]);
  try {
    const results = await interleave(
      [new Scenario(noop), new Scenario(noopLoaded), new Scenario(spreadAlone), new Scenario(spreadLoaded), new Scenario(bigAlone), new Scenario(doCall)],
      {
        durationMs: opts.durationMs,
        rounds: opts.rounds,
        warmupMs: 500,
        before: async (s) => {
          if (!loaded.has(s.spec)) return;
          searches.start();
          await new Promise((r) => setTimeout(r, 300));
        },
        after: async (s) => {
          if (loaded.has(s.spec)) await searches.stop();
        },
      },
    );
    results.forEach(opts.log);
    const [a, b, d, e, f, g] = results as [LoadResult, LoadResult, LoadResult, LoadResult, LoadResult, LoadResult];
    return { rows: results, noopAlone: a, noopLoaded: b, spreadAlone: d, spreadLoaded: e, bigAlone: f, doCall: g, search: searches.summary() };
  } finally {
    searches.close();
  }
}

/**
 * Cold starts: `trials` times, restart wrangler dev, warm the isolate (/api/health) and both
 * owners' sessions (GET /api/api-keys reads D1 only), then time the first GET /api/contacts/list
 * of the big store and of a small one; then the same requests warm.
 */
export async function coldStarts(opts: {
  restart: () => Promise<RunningWorker>;
  bigCookie: string;
  smallCookie: string;
  trials: number;
  warmRuns: number;
}): Promise<ColdReport> {
  const trials: { big: number; small: number }[] = [];
  const rows = new Set<string>();
  let app: RunningWorker | undefined;
  const list = async (cookie: string) => {
    const res = await timedGet(`${app?.url}/api/contacts/list`, { cookie }, 30_000);
    if (res.status !== 200) throw new Error(`GET /api/contacts/list -> ${res.status}: ${res.body.slice(0, 300)}`);
    rows.add(res.headers.get("x-rows-read") ?? "?");
    return res.ms;
  };
  const prime = async (cookie: string) => {
    const res = await timedGet(`${app?.url}/api/api-keys`, { cookie });
    if (res.status !== 200) throw new Error(`GET /api/api-keys -> ${res.status}: ${res.body.slice(0, 300)}`);
  };
  for (let t = 0; t < opts.trials; t++) {
    app = await opts.restart();
    for (let i = 0; i < 10; i++) await timedGet(`${app.url}/api/health`, {});
    await prime(opts.bigCookie);
    await prime(opts.smallCookie);
    const big = await list(opts.bigCookie);
    await prime(opts.smallCookie);
    const small = await list(opts.smallCookie);
    trials.push({ big, small });
  }
  const bigWarm: number[] = [];
  const smallWarm: number[] = [];
  for (let i = 0; i < opts.warmRuns; i++) {
    bigWarm.push(await list(opts.bigCookie));
    smallWarm.push(await list(opts.smallCookie));
  }
  return { trials, bigWarm: summarize(bigWarm), smallWarm: summarize(smallWarm), rowsRead: [...rows].join("/") };
}

export function tenantsTable(r: TenantsReport): string {
  return loadTable(r.rows, (row) => {
    if (row === r.noopLoaded) return `${x(ratio(row, r.noopAlone))} of alone`;
    if (row === r.spreadLoaded) return `${x(ratio(row, r.spreadAlone))} of alone`;
    if (row === r.spreadAlone || row === r.bigAlone) return `${x(ratio(row, r.doCall))} of 1 empty DO call`;
    return "";
  });
}

export function coldLines(c: ColdReport): string[] {
  const med = (xs: number[]) => summarize(xs).p50;
  const big = c.trials.map((t) => t.big);
  const small = c.trials.map((t) => t.small);
  return [
    `big store: first request ${big.map((v) => ms(v)).join(", ")} ms (median ${ms(med(big))}) vs warm p50 ${ms(c.bigWarm.p50)} ms, p95 ${ms(c.bigWarm.p95)} ms: a cold start adds ~${ms(med(big) - c.bigWarm.p50)} ms`,
    `small store: first request ${small.map((v) => ms(v)).join(", ")} ms (median ${ms(med(small))}) vs warm p50 ${ms(c.smallWarm.p50)} ms, p95 ${ms(c.smallWarm.p95)} ms: a cold start adds ~${ms(med(small) - c.smallWarm.p50)} ms`,
    `(x-rows-read of these requests: ${c.rowsRead})`,
  ];
}

export function tenantsVerdicts(r: TenantsReport): [string, boolean, string][] {
  const out: [string, boolean, string][] = [];
  const spread = ratio(r.spreadAlone, r.doCall);
  out.push([`known callers spread over the small stores >= ${TENANT_TARGETS.spreadVsDoCall} of one empty Durable Object call (c=${r.spreadAlone.concurrency})`, spread >= TENANT_TARGETS.spreadVsDoCall, x(spread)]);
  const kept = ratio(r.spreadLoaded, r.spreadAlone);
  const noopKept = ratio(r.noopLoaded, r.noopAlone);
  out.push([
    `while 2 clients search the big store, spread known callers keep >= ${TENANT_TARGETS.loadedShareOfNoop} of what the no-op route keeps`,
    kept >= TENANT_TARGETS.loadedShareOfNoop * noopKept,
    `${x(kept)} of alone vs no-op ${x(noopKept)} of alone (${x(kept / noopKept)})`,
  ]);
  return out;
}
