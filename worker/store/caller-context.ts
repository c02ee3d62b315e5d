import { type SQL, sql } from "drizzle-orm";
import type { CallerContextInputT, CallerContextT, CallerFacts } from "../schemas/caller-context";
import { zoneOfNumber } from "../lib/number-zones";
import { isZone, localIso } from "../lib/timezone";
import { type Resolution, lineOf, resolveCaller } from "./calls";
import type { StoreContext } from "./context";
import { UNSENDABLE_STATUSES } from "./messages";

const OPEN_TODOS = 5;
const RECENT_CALLS = 3;

/** A JSON array built by SQLite of the rows `query` selects as `j`, in its order. */
const jsonRows = (query: SQL) => sql<string>`(SELECT coalesce(json_group_array(json(x.j)), '[]') FROM (${query}) x)`;
/** An analysis's summary: its `summary` (Vapi, ours) or `call_summary` (Retell), when it is non-empty text. */
const summaryOf = (results: SQL) => sql`CASE
    WHEN json_type(${results}, '$.summary') = 'text' AND json_extract(${results}, '$.summary') <> '' THEN json_extract(${results}, '$.summary')
    WHEN json_type(${results}, '$.call_summary') = 'text' AND json_extract(${results}, '$.call_summary') <> '' THEN json_extract(${results}, '$.call_summary')
  END`;

interface ContextRow {
  id: string;
  first_name: string;
  last_name: string;
  company: string | null;
  job_title: string | null;
  status: CallerFacts["status"] & string;
  preferred_language: string | null;
  timezone: string | null;
  memory: string | null;
  open_todos: string;
  recent_calls: string;
  call_count: number;
  opted_out: string;
  tags: string;
  assigned: string;
}

/** A known caller's facts in one statement, the lists built as JSON by SQLite (compiled once). */
const CONTEXT = sql`SELECT c.id, c.first_name, c.last_name, c.company, c.job_title, c.status, c.preferred_language, c.timezone,
    (SELECT m.content FROM contact_memory m WHERE m.contact_id = c.id) AS memory,
    ${jsonRows(sql`SELECT json_object('id', t.id, 'title', t.title, 'due_at', t.due_at) AS j FROM todos t
      WHERE t.contact_id = c.id AND t.status = 'open' ORDER BY t.due_at IS NULL, t.due_at, t.created_at DESC LIMIT ${sql.raw(String(OPEN_TODOS))}`)} AS open_todos,
    ${jsonRows(sql`SELECT json_object('id', k.id, 'started_at', k.started_at, 'direction', k.direction, 'duration_seconds', k.duration_seconds,
        'summary', (SELECT ${summaryOf(sql`a.results`)} AS summary FROM call_analyses a WHERE a.call_id = k.id AND summary IS NOT NULL ORDER BY a.created_at DESC LIMIT 1)) AS j
      FROM calls k WHERE k.contact_id = c.id ORDER BY k.started_at DESC LIMIT ${sql.raw(String(RECENT_CALLS))}`)} AS recent_calls,
    (SELECT count(*) FROM calls n WHERE n.contact_id = c.id) AS call_count,
    ${jsonRows(sql`SELECT json_quote(e.channel) AS j FROM consent_events e WHERE e.contact_id = c.id AND e.action != 'help'
      AND e.id = (SELECT max(f.id) FROM consent_events f WHERE f.contact_id = e.contact_id AND f.channel = e.channel AND f.action != 'help')
      AND e.action = 'opted_out' ORDER BY e.channel`)} AS opted_out,
    ${jsonRows(sql`SELECT json_quote(t.name) AS j FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id ORDER BY t.name_normalized`)} AS tags,
    ${jsonRows(sql`SELECT json_object('member_id', m.id, 'name', m.name) AS j FROM contact_user cu JOIN members m ON m.id = cu.member_id
      WHERE cu.contact_id = c.id ORDER BY m.name`)} AS assigned
  FROM contacts c WHERE c.id = ${sql.placeholder("id")}`;

/**
 * What a voice agent should know before it speaks: the caller resolved exactly like a recorded
 * call (a stub for a new number, nothing for a withheld one) and everything known about them, in
 * one transaction — the facts in one statement, lists built as JSON by SQLite (in a Durable Object
 * each statement and each row handed to JavaScript costs more than the SQL). `dynamic_variables`
 * flattens it to strings for prompt templates. `resolved`: the caller, when this transaction has
 * already looked them up.
 */
export function callerContext(
  s: StoreContext,
  input: CallerContextInputT,
  resolved: Resolution = resolveCaller(s, input.phone, input.direction === "outbound" ? "outbound_call" : "inbound_call"),
): CallerFacts {
  const line = lineOf(s, input.to_phone)?.name ?? null;
  const phone = resolved.phone?.e164 ?? input.phone.trim();
  const row = resolved.contactId ? s.prepared<ContextRow>(CONTEXT, { id: resolved.contactId })[0] : undefined;
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
  // Their own time zone, else the one their number's area has.
  const zone = row.timezone && isZone(row.timezone) ? row.timezone : resolved.phone ? zoneOfNumber(resolved.phone.e164) : null;
  const first = row.first_name.trim();
  const last = row.last_name.trim();
  return {
    contact_id: row.id,
    known: !resolved.created,
    reason: null,
    blocked: false,
    phone,
    first_name: first,
    last_name: last,
    full_name: [first, last].filter(Boolean).join(" "),
    company: row.company,
    job_title: row.job_title,
    status: row.status,
    may_contact: !(UNSENDABLE_STATUSES as readonly string[]).includes(row.status),
    opted_out_of: JSON.parse(row.opted_out) as CallerContextT["opted_out_of"],
    preferred_language: row.preferred_language,
    timezone: zone,
    local_time: zone ? localIso(new Date(), zone) : null,
    memory: row.memory,
    open_todos: JSON.parse(row.open_todos) as CallerContextT["open_todos"],
    recent_calls: JSON.parse(row.recent_calls) as CallerContextT["recent_calls"],
    call_count: Number(row.call_count),
    tags: JSON.parse(row.tags) as string[],
    assigned_members: JSON.parse(row.assigned) as CallerContextT["assigned_members"],
    line,
  };
}
