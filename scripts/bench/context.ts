/**
 * The caller-context row of the resolve section: POST /api/caller-context for returning callers
 * with a history — a contact memory, open todos and 20 past calls with a summary each — next to
 * a known-number resolve of the same callers. The history is part of the big organization's
 * backup (its own random stream), so the search and resolve figures are unchanged by it.
 */
import { type Activity, DATA_NOW, type Dataset, type Row } from "./data";
import { Random, uuidV7 } from "./random";
import type { KnownCaller, LoadSpec, ResolveTarget } from "./resolve";

/** How many callers have a history, and how much of one. */
export const CONTEXT = { callers: 100, callsEach: 20, openTodos: 2, doneTodos: 1 };
/** The target: a context answer's p50 at most this many times a known resolve's. */
export const CONTEXT_TARGET = 1.5;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const SUMMARIES = [
  "Caller asked to move the cleaning to next Tuesday afternoon; rebooked and confirmed by text.",
  "Billing question about the last invoice; explained the insurance share, caller will pay online.",
  "New pain in a lower molar since the weekend; booked an urgent slot for tomorrow morning.",
  "Asked whether the office takes the new Aetna plans; confirmed and sent the forms link.",
  "Wife wants to book a cleaning too; both booked back to back on Thursday.",
];
const MEMORY = [
  "- Prefers afternoon appointments, after 3pm",
  "- Anxious about dental work: offer the quiet room",
  "- Pays in two installments; insurance covers 80%",
  "- Best reached on the mobile number, texts preferred",
  "- Wife (also a patient) books with him",
];

/** The callers with a history: contacts with a name and a phone, chosen by the seed. */
export function contextCallers(data: Dataset, seed: string): KnownCaller[] {
  const rng = new Random(`${seed}/context-callers`);
  const named = data.contacts.filter((c) => c.firstName && c.phones.length > 0);
  const chosen = new Map<string, KnownCaller>();
  while (chosen.size < CONTEXT.callers && chosen.size < named.length) {
    const c = rng.pick(named);
    chosen.set(c.id, { phone: c.phones[0]?.e164 as string, contactId: c.id });
  }
  return [...chosen.values()];
}

/** Their calls (each with a summary analysis), memories and todos, as backup records. */
export function contextActivity(data: Dataset, seed: string): Activity {
  const rng = new Random(`${seed}/context-activity`);
  const line = { id: uuidV7(DATA_NOW - 700 * DAY, rng), name: "Front desk", phone_number: "+12125550100", created_at: iso(DATA_NOW - 700 * DAY) };
  const calls: Row[] = [];
  const todos: Row[] = [];
  const memories = new Map<string, Row>();
  for (const caller of contextCallers(data, seed)) {
    for (let i = 0; i < CONTEXT.callsEach; i++) {
      const started = DATA_NOW - (i + 1) * 9 * DAY - rng.int(0, 8 * DAY);
      const duration = 60 + rng.int(0, 600);
      const id = uuidV7(started, rng);
      const at = iso(started + duration * 1000);
      calls.push({
        type: "call",
        data: {
          id,
          contact_id: caller.contactId,
          phone_line_id: line.id,
          direction: "inbound",
          caller_phone: caller.phone,
          to_phone: line.phone_number,
          started_at: iso(started),
          ended_at: at,
          duration_seconds: duration,
          created_at: iso(started),
          updated_at: at,
        },
        analyses: [{ id: uuidV7(started + duration * 1000, rng), call_id: id, analyzer: "summary", results: JSON.stringify({ summary: rng.pick(SUMMARIES) }), created_at: at }],
      });
    }
    const updated = iso(DATA_NOW - rng.int(1, 30) * DAY);
    memories.set(caller.contactId, { contact_id: caller.contactId, content: MEMORY.join("\n"), sources: "[]", model: "gpt-5-mini", updated_at: updated });
    for (let i = 0; i < CONTEXT.openTodos + CONTEXT.doneTodos; i++) {
      const created = DATA_NOW - rng.int(1, 60) * DAY;
      const done = i >= CONTEXT.openTodos;
      todos.push({
        type: "todo",
        data: {
          id: uuidV7(created, rng),
          contact_id: caller.contactId,
          title: rng.pick(["Call back about the invoice", "Confirm Tuesday appointment", "Send the new patient forms", "Check insurance pre-authorization"]),
          status: done ? "done" : "open",
          due_at: iso(created + 7 * DAY),
          ...(done && { completed_at: iso(created + 2 * DAY) }),
          created_at: iso(created),
          updated_at: iso(created),
        },
      });
    }
  }
  return { phoneLines: [line], calls, messages: [], notes: [], todos, memories };
}

/** POST /api/caller-context for the callers with a history: each answer must name the caller's contact, known. */
export function contextSpec(target: ResolveTarget, pick: () => KnownCaller, concurrency: number): LoadSpec {
  return {
    scenario: `caller context: callers with memory, ${CONTEXT.openTodos} open todos, ${CONTEXT.callsEach} calls`,
    url: target.url,
    method: "POST",
    headers: target.headers,
    next: () => {
      const caller = pick();
      return { body: JSON.stringify({ phone: caller.phone, to_phone: "+12125550100" }), expect: caller.contactId };
    },
    check: (reply, sent) => {
      const r = JSON.parse(reply.body) as { contact_id?: string; known?: boolean; call_count?: number; memory?: string };
      return r.contact_id === sent.expect && r.known && r.call_count === CONTEXT.callsEach && r.memory
        ? undefined
        : `caller context for ${sent.expect} answered ${reply.body.slice(0, 200)}`;
    },
    concurrency,
  };
}
