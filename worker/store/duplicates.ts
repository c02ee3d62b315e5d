import { sql } from "drizzle-orm";
import { nowIso } from "../lib/ids";
import { Problem } from "../lib/problem";
import type { Contact } from "../schemas/contacts";
import { loadContacts, missingContact } from "./contacts";
import type { StoreContext } from "./context";

// Duplicate suggestions: pairs of contacts sharing a key (duplicate_keys -> duplicate_pairs ->
// duplicate_pair_scores, all kept by the triggers of migrations 0014-0015 as data changes), with
// their reasons, strongest first. A page is an index walk over the scores from the strongest;
// a request never reads the organization's contacts, only the page's pairs.

export const DUPLICATE_REASONS = {
  external_id: { weight: 5, text: "Same external id" },
  email: { weight: 4, text: "Same email address" },
  phone: { weight: 3, text: "Numbers that differ only by country code or national prefix" },
  name_company: { weight: 3, text: "Same name and company" },
  name_phone: { weight: 2, text: "Same name and the same last four digits" },
} as const;
export type DuplicateReason = keyof typeof DUPLICATE_REASONS;

export interface DuplicatePair {
  contacts: [Contact, Contact];
  reasons: { kind: DuplicateReason; text: string; value: string }[];
  score: number;
}

const ordered = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);
const NOT_DISMISSED = sql`NOT EXISTS (SELECT 1 FROM duplicate_dismissals d WHERE d.contact_a = s.contact_a AND d.contact_b = s.contact_b)`;

/** The reasons of these pairs, by "a|b". */
function reasonsOf(s: StoreContext, pairs: [string, string][]): Map<string, DuplicatePair["reasons"]> {
  const out = new Map<string, DuplicatePair["reasons"]>();
  if (pairs.length === 0) return out;
  for (const r of s.all<{ a: string; b: string; kind: DuplicateReason; key: string }>(sql`SELECT p.contact_a AS a, p.contact_b AS b, p.kind, p.key
    FROM json_each(${JSON.stringify(pairs)}) j JOIN duplicate_pairs p ON p.contact_a = j.value ->> 0 AND p.contact_b = j.value ->> 1
    ORDER BY p.contact_a, p.contact_b, p.kind, p.key`)) {
    const k = `${r.a}|${r.b}`;
    out.set(k, [...(out.get(k) ?? []), { kind: r.kind, text: DUPLICATE_REASONS[r.kind].text, value: r.key }]);
  }
  return out;
}

/** GET /api/duplicates: likely pairs, strongest first, a page after `cursor` ("score.a.b"). */
export function listDuplicates(s: StoreContext, limit: number, cursor?: string) {
  const after = cursor?.split(".");
  const rows = s.all<{ a: string; b: string; score: number }>(sql`SELECT s.contact_a AS a, s.contact_b AS b, s.score FROM duplicate_pair_scores s
    WHERE ${NOT_DISMISSED} ${after ? sql`AND (s.score, s.contact_a, s.contact_b) < (${Number(after[0])}, ${after[1]}, ${after[2]})` : sql``}
    ORDER BY s.score DESC, s.contact_a DESC, s.contact_b DESC LIMIT ${limit + 1}`);
  const page = rows.slice(0, limit);
  const reasons = reasonsOf(s, page.map((p) => [p.a, p.b]));
  const contacts = new Map(loadContacts(s, [...new Set(page.flatMap((p) => [p.a, p.b]))]).map((c) => [c.id, c]));
  const last = page.at(-1);
  return {
    items: page.map((p): DuplicatePair => ({ contacts: [contacts.get(p.a)!, contacts.get(p.b)!], reasons: reasons.get(`${p.a}|${p.b}`) ?? [], score: p.score })),
    total: Number(s.get<{ n: number }>(sql`SELECT count(*) AS n FROM duplicate_pair_scores s WHERE ${NOT_DISMISSED}`)?.n ?? 0),
    next_cursor: rows.length > limit && last ? `${last.score}.${last.a}.${last.b}` : null,
  };
}

/** POST /api/duplicates/dismiss: these two are not one person; never suggested again. */
export function dismissDuplicate(s: StoreContext, ids: [string, string]) {
  if (ids[0] === ids[1]) throw new Problem(400, "contact_ids must name two different contacts", { errors: [{ field: "contact_ids", message: "names one contact twice" }] });
  for (const id of ids) if (!s.get(sql`SELECT 1 AS x FROM contacts WHERE id = ${id}`)) throw missingContact(s, id);
  const [a, b] = ordered(ids[0], ids[1]);
  s.run(sql`INSERT INTO duplicate_dismissals (contact_a, contact_b, by_name, created_at) VALUES (${a}, ${b}, ${s.who.name}, ${nowIso()}) ON CONFLICT DO NOTHING`);
}

/** The suggestions that name one contact (its page shows them), strongest first. */
export function duplicatesOf(s: StoreContext, contactId: string) {
  const rows = s.all<{ a: string; b: string; score: number }>(sql`SELECT s.contact_a AS a, s.contact_b AS b, s.score FROM duplicate_pair_scores s
      WHERE s.contact_a = ${contactId} AND ${NOT_DISMISSED}
    UNION ALL SELECT s.contact_a, s.contact_b, s.score FROM duplicate_pair_scores s
      WHERE s.contact_b = ${contactId} AND s.contact_a IN (SELECT contact_a FROM duplicate_pairs WHERE contact_b = ${contactId}) AND ${NOT_DISMISSED}
    ORDER BY 3 DESC LIMIT 20`);
  const reasons = reasonsOf(s, rows.map((r) => [r.a, r.b]));
  const others = new Map(loadContacts(s, rows.map((r) => (r.a === contactId ? r.b : r.a))).map((c) => [c.id, c]));
  return rows.flatMap((r) => {
    const other = others.get(r.a === contactId ? r.b : r.a);
    return other ? [{ contact: other, reasons: reasons.get(`${r.a}|${r.b}`) ?? [] }] : [];
  });
}
