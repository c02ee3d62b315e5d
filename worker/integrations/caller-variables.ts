import type { CallerContextT, CallerFacts } from "../schemas/caller-context";
import { spokenTime } from "../lib/timezone";

// The caller's facts flattened for prompt templates (Retell's dynamic variables, Vapi's variable
// values), computed in the Worker from what the store answered: the organization's store is one
// thread, and this is work any isolate can do.

/** The context's facts as strings for prompt templates: absent ones are "", never "null". */
export function withVariables(c: CallerFacts): CallerContextT {
  const text = (v: string | null | undefined) => v ?? "";
  const last = c.recent_calls[0];
  const dynamic_variables: Record<string, string> = {
    contact_id: text(c.contact_id),
    caller_phone: c.phone,
    known_contact: String(c.known),
    blocked: String(c.blocked),
    first_name: c.first_name,
    last_name: c.last_name,
    full_name: c.full_name,
    company: text(c.company),
    job_title: text(c.job_title),
    contact_status: text(c.status),
    may_contact: String(c.may_contact),
    opted_out_of: c.opted_out_of.join(", "),
    preferred_language: text(c.preferred_language),
    timezone: text(c.timezone),
    local_time: c.timezone && c.local_time ? spokenTime(new Date(), c.timezone) : "",
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
