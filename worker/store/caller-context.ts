import { type SQL, eq, sql } from "drizzle-orm";
import type { CallerContextInputT, CallerContextT, CallerFacts } from "../schemas/caller-context";
import { isZone, localIso, zoneOfNumber } from "../lib/timezone";
import { lineOf, resolveCaller } from "./calls";
import { CONTACT_ID, type StoreContext } from "./context";
import { UNSENDABLE_STATUSES } from "./messages";
import { contacts } from "./schema";

const OPEN_TODOS = 5;
const RECENT_CALLS = 3;

/** A JSON array built by SQLite of the rows `query` selects as `j`, in its order. */
const jsonRows = (query: SQL) => sql<string>`(SELECT coalesce(json_group_array(json(x.j)), '[]') FROM (${query}) x)`;
/** An analysis's summary: its `summary` (Vapi, ours) or `call_summary` (Retell), when it is non-empty text. */
const summaryOf = (results: SQL) => sql`CASE
    WHEN json_type(${results}, '$.summary') = 'text' AND json_extract(${results}, '$.summary') <> '' THEN json_extract(${results}, '$.summary')
    WHEN json_type(${results}, '$.call_summary') = 'text' AND json_extract(${results}, '$.call_summary') <> '' THEN json_extract(${results}, '$.call_summary')
  END`;

/**
 * What a voice agent should know before it speaks: the caller resolved exactly like a recorded
 * call (a stub for a new number, nothing for a withheld one) and everything known about them, in
 * one transaction — the facts in one statement, lists built as JSON by SQLite (in a Durable Object
 * each statement and each row handed to JavaScript costs more than the SQL). `dynamic_variables`
 * flattens it to strings for prompt templates.
 */
export function callerContext(s: StoreContext, input: CallerContextInputT): CallerFacts {
  const resolved = resolveCaller(s, input.phone, input.direction === "outbound" ? "outbound_call" : "inbound_call");
  const line = lineOf(s, input.to_phone)?.name ?? null;
  const phone = resolved.phone?.e164 ?? input.phone.trim();
  const row = resolved.contactId
    ? s.db
        .select({
          contact: contacts,
          memory: sql<string | null>`(SELECT m.content FROM contact_memory m WHERE m.contact_id = ${CONTACT_ID})`,
          openTodos: jsonRows(sql`SELECT json_object('id', t.id, 'title', t.title, 'due_at', t.due_at) AS j FROM todos t
            WHERE t.contact_id = ${CONTACT_ID} AND t.status = 'open' ORDER BY t.due_at IS NULL, t.due_at, t.created_at DESC LIMIT ${OPEN_TODOS}`),
          recentCalls: jsonRows(sql`SELECT json_object('id', k.id, 'started_at', k.started_at, 'direction', k.direction, 'duration_seconds', k.duration_seconds,
              'summary', (SELECT ${summaryOf(sql`a.results`)} AS summary FROM call_analyses a WHERE a.call_id = k.id AND summary IS NOT NULL ORDER BY a.created_at DESC LIMIT 1)) AS j
            FROM calls k WHERE k.contact_id = ${CONTACT_ID} ORDER BY k.started_at DESC LIMIT ${RECENT_CALLS}`),
          callCount: sql<number>`(SELECT count(*) FROM calls n WHERE n.contact_id = ${CONTACT_ID})`,
          // Channels whose latest consent entry is an opt-out (the ledger, consent.ts).
          optedOut: jsonRows(sql`SELECT json_quote(e.channel) AS j FROM consent_events e WHERE e.contact_id = ${CONTACT_ID} AND e.action != 'help'
            AND e.id = (SELECT max(f.id) FROM consent_events f WHERE f.contact_id = e.contact_id AND f.channel = e.channel AND f.action != 'help')
            AND e.action = 'opted_out' ORDER BY e.channel`),
          tags: jsonRows(sql`SELECT json_quote(t.name) AS j FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = ${CONTACT_ID} ORDER BY t.name_normalized`),
          assigned: jsonRows(sql`SELECT json_object('member_id', m.id, 'name', m.name) AS j FROM contact_user cu JOIN members m ON m.id = cu.member_id
            WHERE cu.contact_id = ${CONTACT_ID} ORDER BY m.name`),
        })
        .from(contacts)
        .where(eq(contacts.id, resolved.contactId))
        .get()
    : undefined;
  if (!row) {
    return {
      contact_id: null,
      known: false,
      reason: resolved.contactId === null ? resolved.reason : null,
      blocked: resolved.contactId === null && resolved.reason === "blocked",
      phone,
      first_name: "",
      last_name: "",
      full_name: "",
      company: null,
      job_title: null,
      status: null,
      may_contact: false,
      opted_out_of: [],
      preferred_language: null,
      timezone: null,
      local_time: null,
      memory: null,
      open_todos: [],
      recent_calls: [],
      call_count: 0,
      tags: [],
      assigned_members: [],
      line,
    };
  }
  const contact = row.contact;
  // Their own time zone, else the one their number's area has.
  const zone = contact.timezone && isZone(contact.timezone) ? contact.timezone : resolved.phone ? zoneOfNumber(resolved.phone.e164) : null;
  const first = contact.firstName.trim();
  const last = contact.lastName.trim();
  return {
    contact_id: contact.id,
    known: !resolved.created,
    reason: null,
    blocked: false,
    phone,
    first_name: first,
    last_name: last,
    full_name: [first, last].filter(Boolean).join(" "),
    company: contact.company,
    job_title: contact.jobTitle,
    status: contact.status,
    may_contact: !(UNSENDABLE_STATUSES as readonly string[]).includes(contact.status),
    opted_out_of: JSON.parse(row.optedOut) as CallerContextT["opted_out_of"],
    preferred_language: contact.preferredLanguage,
    timezone: zone,
    local_time: zone ? localIso(new Date(), zone) : null,
    memory: row.memory,
    open_todos: JSON.parse(row.openTodos) as CallerContextT["open_todos"],
    recent_calls: JSON.parse(row.recentCalls) as CallerContextT["recent_calls"],
    call_count: Number(row.callCount),
    tags: JSON.parse(row.tags) as string[],
    assigned_members: JSON.parse(row.assigned) as CallerContextT["assigned_members"],
    line,
  };
}
