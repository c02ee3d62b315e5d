/**
 * The keeping section (issue "Keeping the data right"), on the big organization: the duplicate
 * suggestions (GET /api/duplicates, an index walk over the pairs from the strongest), a
 * contact's field history, a delete into the trash and its restore, and a merge of two contacts
 * and its undo — each next to the no-op route and to reading one contact (GET /api/contacts/{id},
 * one store call), sampled alternately in the same run. The sqlite3 row: how many keys and pairs
 * the store holds, and the shell reading the first page of pairs from the store's file.
 */
import type { Dataset } from "./data";
import { runSqlite } from "./sqlite";
import { ms, summarize, table } from "./stats";

const ROUNDS = 60;

interface Timed {
  ms: number;
  status: number;
  body: string;
}

async function timed(url: string, init: RequestInit): Promise<Timed> {
  const start = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { ms: performance.now() - start, status: res.status, body };
}

export interface KeepingFloor {
  keys: number;
  pairs: number;
  ms: number;
}

/** The store's duplicate keys and pairs, and the shell reading the first page of pairs (run before any workerd opens the file). */
export async function keepingFloor(storeFile: string): Promise<KeepingFloor> {
  const count = async (sql: string) => Number((await runSqlite(storeFile, sql)).stdout.trim());
  const keys = await count("SELECT count(*) FROM duplicate_keys;");
  const pairs = await count("SELECT count(*) FROM duplicate_pair_scores;");
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await runSqlite(
      storeFile,
      "SELECT s.contact_a, s.contact_b, s.score, (SELECT json_group_array(p.kind) FROM duplicate_pairs p WHERE p.contact_a = s.contact_a AND p.contact_b = s.contact_b) FROM duplicate_pair_scores s WHERE NOT EXISTS (SELECT 1 FROM duplicate_dismissals d WHERE d.contact_a = s.contact_a AND d.contact_b = s.contact_b) ORDER BY s.score DESC, s.contact_a DESC, s.contact_b DESC LIMIT 26;",
    );
    best = Math.min(best, performance.now() - start);
  }
  return { keys, pairs, ms: best };
}

export async function keepingSection(url: string, cookie: Record<string, string>, data: Dataset, floor: KeepingFloor | undefined): Promise<{ text: string; summary: string }> {
  const get = (path: string) => timed(`${url}${path}`, { headers: cookie });
  const write = (method: string, path: string, body?: unknown) =>
    timed(`${url}${path}`, { method, headers: { ...cookie, origin: url, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const must = (r: Timed, what: string) => {
    if (r.status >= 300) throw new Error(`${what} answered ${r.status}: ${r.body.slice(0, 300)}`);
    return r;
  };

  // Contacts with a name and a number (not stubs), far apart in the data set, none used by other sections' writes.
  const named = data.contacts.filter((c) => c.firstName && c.phones.length > 0);
  const pick = (i: number) => named[Math.floor(((i + 0.5) / (ROUNDS * 3 + 2)) * named.length)]!.id;
  const samples: Record<string, number[]> = { noop: [], contact: [], duplicates: [], history: [], trash: [], restore: [], merge: [], undo: [] };
  let pairs = 0;
  for (let i = 0; i < ROUNDS; i++) {
    samples.noop!.push(must(await get("/api/health"), "no-op").ms);
    const one = pick(3 * i);
    samples.contact!.push(must(await get(`/api/contacts/${one}`), "contact").ms);
    const dup = must(await get("/api/duplicates?limit=25"), "duplicates");
    pairs = (JSON.parse(dup.body) as { total: number }).total;
    samples.duplicates!.push(dup.ms);
    samples.history!.push(must(await get(`/api/contacts/${one}/history`), "history").ms);
    samples.trash!.push(must(await write("DELETE", `/api/contacts/${one}`), "delete").ms);
    samples.restore!.push(must(await write("POST", `/api/contacts/${one}/restore`), "restore").ms);
    const [a, b] = [pick(3 * i + 1), pick(3 * i + 2)];
    const merged = must(await write("POST", `/api/contacts/${a}/merge`, { contact_ids: [b] }), "merge");
    samples.merge!.push(merged.ms);
    samples.undo!.push(must(await write("POST", `/api/merges/${(JSON.parse(merged.body) as { merge_id: string }).merge_id}/undo`), "undo").ms);
  }
  const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
  const noop = s.noop!.p50;
  const contact = s.contact!.p50;
  const row = (name: string, key: string) => [name, ms(s[key]!.p50), ms(s[key]!.p95), `${(s[key]!.p50 / noop).toFixed(2)}x`, `${(s[key]!.p50 / contact).toFixed(2)}x`];

  const floorText = floor
    ? `\n  the store holds ${floor.keys.toLocaleString("en-US")} duplicate keys and ${floor.pairs.toLocaleString("en-US")} pairs (${pairs.toLocaleString("en-US")} suggested after the run's merges); ` +
      `sqlite3 reads the first page of pairs with their reasons in ${ms(floor.ms)} ms (best of 3, one process start included)`
    : "";
  const text =
    `Keeping the data right (${ROUNDS} rounds, alternating; a contact deleted then restored, two contacts merged then unmerged each round):\n` +
    table(
      ["request", "p50 ms", "p95 ms", "x no-op", "x one contact"],
      [
        row("no-op GET /api/health", "noop"),
        row("GET /api/contacts/{id} (one store call)", "contact"),
        row("GET /api/duplicates?limit=25", "duplicates"),
        row("GET /api/contacts/{id}/history", "history"),
        row("DELETE /api/contacts/{id} (into the trash)", "trash"),
        row("POST /api/contacts/{id}/restore", "restore"),
        row("POST /api/contacts/{id}/merge (two contacts)", "merge"),
        row("POST /api/merges/{id}/undo", "undo"),
      ],
    ) +
    floorText;
  const summary = `keeping: duplicates p50 ${ms(s.duplicates!.p50)} ms (${(s.duplicates!.p50 / contact).toFixed(2)}x one contact), delete ${(s.trash!.p50 / contact).toFixed(2)}x, restore ${(s.restore!.p50 / contact).toFixed(2)}x, merge ${(s.merge!.p50 / contact).toFixed(2)}x, undo ${(s.undo!.p50 / contact).toFixed(2)}x one contact`;
  return { text, summary };
}
