import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { CallerContextInputT, CallerContextT } from "../schemas/caller-context";
import { lineId, resolveCaller } from "./calls";
import { type StoreContext, inIds } from "./context";
import { UNSENDABLE_STATUSES } from "./messages";
import { callAnalyses, calls, contactMemory, contacts, contactTags, contactUser, members, phoneLines, tags, todos } from "./schema";

const OPEN_TODOS = 5;
const RECENT_CALLS = 3;

/** The contact's local date-time as ISO 8601 with its offset (e.g. 2026-12-01T09:32:00-05:00). */
export function localIsoTime(timezone: string, at = new Date()): string | null {
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-US", {
        timeZone: timezone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
        timeZoneName: "longOffset",
      })
        .formatToParts(at)
        .map((p) => [p.type, p.value]),
    );
    const offset = parts.timeZoneName === "GMT" ? "+00:00" : String(parts.timeZoneName).replace("GMT", "");
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
  } catch {
    return null;
  }
}

/** A time a voice agent can read out: "Tuesday, December 1 at 9:32 AM". */
function spokenTime(timezone: string, at = new Date()): string {
  return at.toLocaleString("en-US", { timeZone: timezone, weekday: "long", month: "long", day: "numeric", hour: "numeric", minute: "2-digit" });
}

/** The summary an analyzer left on a call (Retell's call_summary, Vapi's and others' summary). */
function summaryOf(results: unknown): string | null {
  if (!results || typeof results !== "object") return null;
  const r = results as Record<string, unknown>;
  for (const key of ["summary", "call_summary"]) if (typeof r[key] === "string" && r[key]) return r[key] as string;
  return null;
}

/**
 * What a voice agent should know before it speaks: the caller resolved exactly like a recorded
 * call (a stub for a new number, nothing for a withheld one) and everything known about them, in
 * one transaction. `dynamic_variables` flattens it to strings for prompt templates.
 */
export function callerContext(s: StoreContext, input: CallerContextInputT): CallerContextT {
  const resolved = resolveCaller(s, input.phone, input.direction === "outbound" ? "outbound_call" : "inbound_call");
  const lineRow = lineId(s, input.to_phone);
  const line = lineRow ? (s.db.select({ name: phoneLines.name }).from(phoneLines).where(eq(phoneLines.id, lineRow)).get()?.name ?? null) : null;
  const phone = resolved.phone?.e164 ?? input.phone.trim();
  const contact = resolved.contactId ? s.db.select().from(contacts).where(eq(contacts.id, resolved.contactId)).get() : undefined;
  if (!resolved.contactId || !contact) {
    return withVariables({
      contact_id: null,
      known: false,
      reason: resolved.contactId === null ? resolved.reason : null,
      phone,
      first_name: "",
      last_name: "",
      full_name: "",
      company: null,
      job_title: null,
      status: null,
      may_contact: false,
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
    });
  }
  const id = contact.id;
  const memory = s.db.select({ content: contactMemory.content }).from(contactMemory).where(eq(contactMemory.contactId, id)).get()?.content ?? null;
  const openTodos = s.db
    .select({ id: todos.id, title: todos.title, due_at: todos.dueAt })
    .from(todos)
    .where(and(eq(todos.contactId, id), eq(todos.status, "open")))
    .orderBy(sql`${todos.dueAt} IS NULL`, asc(todos.dueAt), desc(todos.createdAt))
    .limit(OPEN_TODOS)
    .all();
  const recent = s.db
    .select({ id: calls.id, started_at: calls.startedAt, direction: calls.direction, duration_seconds: calls.durationSeconds })
    .from(calls)
    .where(eq(calls.contactId, id))
    .orderBy(desc(calls.startedAt))
    .limit(RECENT_CALLS)
    .all();
  const analyses = recent.length
    ? s.db
        .select({ callId: callAnalyses.callId, results: callAnalyses.results })
        .from(callAnalyses)
        .where(inIds(callAnalyses.callId, recent.map((c) => c.id)))
        .orderBy(desc(callAnalyses.createdAt))
        .all()
    : [];
  const tagNames = s.db
    .select({ name: tags.name })
    .from(contactTags)
    .innerJoin(tags, eq(tags.id, contactTags.tagId))
    .where(eq(contactTags.contactId, id))
    .orderBy(asc(tags.nameNormalized))
    .all()
    .map((t) => t.name);
  const assigned = s.db
    .select({ member_id: members.id, name: members.name })
    .from(contactUser)
    .innerJoin(members, eq(members.id, contactUser.memberId))
    .where(eq(contactUser.contactId, id))
    .orderBy(asc(members.name))
    .all();
  const first = contact.firstName.trim();
  const last = contact.lastName.trim();
  return withVariables({
    contact_id: id,
    known: !resolved.created,
    reason: null,
    phone,
    first_name: first,
    last_name: last,
    full_name: [first, last].filter(Boolean).join(" "),
    company: contact.company,
    job_title: contact.jobTitle,
    status: contact.status,
    may_contact: !(UNSENDABLE_STATUSES as readonly string[]).includes(contact.status),
    preferred_language: contact.preferredLanguage,
    timezone: contact.timezone,
    local_time: contact.timezone ? localIsoTime(contact.timezone) : null,
    memory,
    open_todos: openTodos,
    recent_calls: recent.map((c) => ({ ...c, summary: analyses.filter((a) => a.callId === c.id).map((a) => summaryOf(a.results)).find(Boolean) ?? null })),
    call_count: Number(s.get<{ n: number }>(sql`SELECT count(*) AS n FROM calls WHERE contact_id = ${id}`)?.n ?? 0),
    tags: tagNames,
    assigned_members: assigned,
    line,
  });
}

/** The context's facts as strings for prompt templates: absent ones are "", never "null". */
function withVariables(c: Omit<CallerContextT, "dynamic_variables">): CallerContextT {
  const text = (v: string | null | undefined) => v ?? "";
  const last = c.recent_calls[0];
  const dynamic_variables: Record<string, string> = {
    contact_id: text(c.contact_id),
    caller_phone: c.phone,
    known_contact: String(c.known),
    first_name: c.first_name,
    last_name: c.last_name,
    full_name: c.full_name,
    company: text(c.company),
    job_title: text(c.job_title),
    contact_status: text(c.status),
    may_contact: String(c.may_contact),
    preferred_language: text(c.preferred_language),
    timezone: text(c.timezone),
    local_time: c.timezone && c.local_time ? spokenTime(c.timezone) : "",
    memory: text(c.memory),
    open_todos: c.open_todos.map((t) => (t.due_at ? `${t.title} (due ${t.due_at.slice(0, 10)})` : t.title)).join("; "),
    last_call_at: text(last?.started_at),
    last_call_summary: text(last?.summary),
    call_count: String(c.call_count),
    tags: c.tags.join(", "),
    assigned_to: c.assigned_members.map((m) => m.name).join(", "),
    line: text(c.line),
  };
  return { ...c, dynamic_variables };
}
