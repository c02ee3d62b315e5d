// Seeds a demo organization, once: its accounts go into the local D1 directly, its data goes
// into its store through the running Worker, as a backup restored with POST /api/restore (the
// store is the only way into an organization's data). `tsx scripts/seed.ts [--origin URL]`
// against a running `npm run dev`; `npm start` does both steps itself.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword } from "better-auth/crypto";
import { v7 } from "uuid";
import journal from "../migrations/store/meta/_journal.json" with { type: "json" };
import { wrangler } from "./lib/wrangler";

export const DEMO = {
  organization: "Brightline Dental",
  slug: "demo",
  admin: { email: "admin@demo.test", password: "demo-password", name: "Alex Rivera" },
  member: { email: "member@demo.test", password: "demo-password", name: "Maria Chen" },
};

// Deterministic PRNG so every fresh machine gets the same demo.
let state = 20261123;
const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const chance = (p: number) => rand() < p;
const q = (v: unknown) => (v === null || v === undefined ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
type Row = Record<string, unknown>;

const FIRST = ["James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Sophia", "Lucas", "Mia", "Ethan", "Isabella", "Mateo", "Amelia", "Aiden", "Harper", "Elijah", "Evelyn", "Daniel", "Abigail", "Henry", "Emily", "Jackson", "Sofia", "Sebastian", "Camila", "Priya", "Wei", "Fatima", "Diego", "Aisha", "Kenji", "Chloe", "Omar", "Grace", "Hannah", "Ryan", "Zoe", "Carlos", "Nina", "Samuel"];
const LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Patel", "Nguyen", "Kim", "Cohen", "O'Brien", "Schmidt", "Rossi", "Silva", "Okafor", "Yamamoto", "Novak"];
const COMPANIES = ["Acme Logistics", "Northwind Traders", "Hudson Realty", "Bluebird Bakery", "Summit Legal", "Greenleaf Landscaping", "Harbor Insurance", "Pinnacle Fitness", "Metro Plumbing", "Orchard School", "Riverside Clinic", "Atlas Accounting"];
const TITLES = ["Office Manager", "Owner", "Operations Lead", "Accountant", "Teacher", "Nurse", "Engineer", "Sales Director", "Paralegal", "Contractor"];
const AREA = ["212", "646", "917", "718", "347", "201", "914", "516"];
const DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"];
const TAGS: [string, string][] = [["VIP", "#f59e0b"], ["New patient", "#10b981"], ["Insurance pending", "#6366f1"], ["Follow-up", "#ef4444"], ["Spanish-speaking", "#0ea5e9"], ["Referral", "#a855f7"]];
const REASONS = [
  ["book a cleaning", "booking", "Schedule cleaning"],
  ["reschedule my appointment", "reschedule", "Confirm new appointment time"],
  ["ask about my insurance coverage", "billing", "Send insurance breakdown"],
  ["get a quote for whitening", "quote", "Email whitening quote"],
  ["report a toothache", "urgent", "Call back about emergency slot"],
  ["ask about payment plans", "billing", "Send payment plan options"],
] as const;

// Message threads; MMS images are served by the SPA's static assets (web/public/demo-media), from
// where the Worker's media job copies them into R2 like any provider's media.
const THREADS: [("in" | "out"), string, string?][][] = [
  [["in", "Hi, can I move my cleaning to next week?"], ["out", "Of course! Would Tuesday at 3pm work?"], ["in", "Tuesday 3pm is perfect, thanks"]],
  [["in", "Here's the invoice you asked for", "/demo-media/photo-1.svg"], ["out", "Got it, thank you. We'll submit it today."]],
  [["in", "My X-ray from the other clinic", "/demo-media/photo-2.svg"], ["out", "Thanks! Dr. Patel will review it before your visit."], ["in", "Great, see you Friday"]],
  [["out", "Reminder: your appointment is tomorrow at 10am. Reply C to confirm."], ["in", "C"]],
  [["in", "Front and back of my new insurance card", "/demo-media/photo-3.svg"], ["out", "Thank you, we've updated your file."]],
];

function iso(daysAgo: number, minutes = 0): string {
  return new Date(Date.UTC(2026, 10, 20, 15, 0) - daysAgo * 86_400_000 - minutes * 60_000).toISOString();
}

export interface Identity {
  organizationId: string;
  /** The demo people, in PEOPLE order. */
  users: { userId: string; memberId: string }[];
}

const PEOPLE = [
  { ...DEMO.admin, role: "owner" },
  { ...DEMO.member, role: "member" },
  { email: "sam@demo.test", password: "demo-password", name: "Sam Okoro", role: "admin" },
  { email: "jordan@demo.test", password: "demo-password", name: "Jordan Blake", role: "member" },
];
const CREATED_MS = Date.UTC(2026, 0, 5);

/** The demo organization and its people in D1: found there, or inserted (returns their ids). */
export async function seedIdentity(persistArgs: string[] = []): Promise<Identity> {
  const query = (sql: string) =>
    (JSON.parse(wrangler(["d1", "execute", "DB", "--local", ...persistArgs, "--json", "--command", sql], { quiet: true })) as { results: Row[] }[])[0]?.results ?? [];
  const [org] = query(`SELECT id FROM organization WHERE slug = ${q(DEMO.slug)}`);
  if (org) {
    const rows = query(`SELECT u.email, u.id AS user_id, m.id AS member_id FROM member m JOIN user u ON u.id = m.user_id WHERE m.organization_id = ${q(org.id)}`);
    const byEmail = new Map(rows.map((r) => [r.email as string, r]));
    return {
      organizationId: org.id as string,
      users: PEOPLE.map((p) => {
        const row = byEmail.get(p.email);
        if (!row) throw new Error(`the demo organization has no member ${p.email}: delete .wrangler/state to start over`);
        return { userId: row.user_id as string, memberId: row.member_id as string };
      }),
    };
  }
  const identity: Identity = { organizationId: v7(), users: PEOPLE.map(() => ({ userId: v7(), memberId: v7() })) };
  const out = [`INSERT INTO organization (id, name, slug, created_at) VALUES (${q(identity.organizationId)}, ${q(DEMO.organization)}, ${q(DEMO.slug)}, ${CREATED_MS});`];
  for (const [i, p] of PEOPLE.entries()) {
    const { userId, memberId } = identity.users[i]!;
    out.push(`INSERT INTO user (id, name, email, email_verified, created_at, updated_at) VALUES (${q(userId)}, ${q(p.name)}, ${q(p.email)}, 1, ${CREATED_MS}, ${CREATED_MS});`);
    out.push(
      `INSERT INTO account (id, account_id, provider_id, user_id, password, created_at, updated_at) VALUES (${q(v7())}, ${q(userId)}, 'credential', ${q(userId)}, ${q(await hashPassword(p.password))}, ${CREATED_MS}, ${CREATED_MS});`,
    );
    out.push(`INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (${q(memberId)}, ${q(identity.organizationId)}, ${q(userId)}, ${q(p.role)}, ${CREATED_MS});`);
  }
  const file = join(tmpdir(), `contacts-seed-${process.pid}.sql`);
  writeFileSync(file, out.join("\n"));
  wrangler(["d1", "execute", "DB", "--local", ...persistArgs, "--file", file], { quiet: true });
  return identity;
}

/**
 * The demo organization's data as a backup (the NDJSON records GET /api/export writes), for the
 * people of `identity`; MMS images are served by `origin`.
 */
export function buildDemoBackup(identity: Identity, origin: string): string {
  const kinds = ["settings", "member", "tag", "phone_line", "contact", "call", "message", "note", "todo"] as const;
  const records = Object.fromEntries(kinds.map((k) => [k, [] as Row[]])) as Record<(typeof kinds)[number], Row[]>;
  const userIds = identity.users.map((u) => u.userId);
  const memberIds = identity.users.map((u) => u.memberId);
  records.settings.push({ type: "settings", default_region: "US" });
  PEOPLE.forEach((p, i) =>
    records.member.push({ type: "member", data: { id: memberIds[i], user_id: userIds[i], name: p.name, email: p.email, role: p.role, removed_at: null } }),
  );
  const lines = [
    { id: v7(), name: "Front desk", number: "+12125550100" },
    { id: v7(), name: "New patients", number: "+12125550101" },
  ];
  for (const l of lines) records.phone_line.push({ type: "phone_line", data: { id: l.id, name: l.name, phone_number: l.number, created_at: iso(300) } });
  const tagIds = TAGS.map(([name, color]) => {
    const id = v7();
    records.tag.push({ type: "tag", data: { id, name, name_normalized: name.toLowerCase(), color, created_at: iso(300) } });
    return id;
  });

  const usedNumbers = new Set<string>();
  const newNumber = () => {
    for (;;) {
      const n = `+1${pick(AREA)}555${String(Math.floor(rand() * 10_000)).padStart(4, "0")}`;
      if (!usedNumbers.has(n)) return usedNumbers.add(n), n;
    }
  };

  for (let i = 0; i < 320; i++) {
    const id = v7();
    const stub = i % 16 === 0;
    const first = stub ? "" : pick(FIRST);
    const last = stub ? "" : pick(LAST);
    const created = iso(Math.floor(rand() * 290) + 1, Math.floor(rand() * 600));
    const company = !stub && chance(0.45) ? pick(COMPANIES) : null;
    const status = stub ? "active" : chance(0.04) ? "do_not_contact" : chance(0.05) ? "inactive" : "active";
    const stage = stub ? null : pick(["lead", "prospect", "qualified", "customer", "customer", null] as const);
    const contact: Row = {
      id,
      first_name: first,
      last_name: last,
      company,
      job_title: company && chance(0.7) ? pick(TITLES) : null,
      source: stub ? "inbound_call" : pick(["manual", "inbound_call", "import", "referral"]),
      status,
      pipeline_stage: stage,
      timezone: stub ? null : "America/New_York",
      preferred_language: stub ? null : chance(0.15) ? "es" : "en",
      created_at: created,
      updated_at: created,
      last_contacted_at: null,
    };
    const record: Row = { type: "contact", data: contact, phones: [], emails: [], addresses: [], tags: [], assignments: [], memory: null };
    records.contact.push(record);
    const phones = stub ? 1 : chance(0.3) ? 2 : 1;
    let firstPhone = "";
    for (let p = 0; p < phones; p++) {
      const n = newNumber();
      if (p === 0) firstPhone = n;
      (record.phones as Row[]).push({ id: v7(), contact_id: id, phone_number: n, digits: n.slice(1), national_digits: n.slice(2), label: p === 0 ? "Mobile" : "Work", is_preferred: p === 0 ? 1 : 0, created_at: created });
    }
    if (!stub && chance(0.8)) {
      const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "") + `${i}@${pick(DOMAINS)}`;
      (record.emails as Row[]).push({ id: v7(), contact_id: id, email, email_normalized: email, label: "Personal", is_preferred: 1, created_at: created });
    }
    if (!stub && chance(0.25)) {
      (record.addresses as Row[]).push({
        id: v7(),
        contact_id: id,
        label: "Home",
        street: `${Math.floor(rand() * 900) + 10} ${pick(["Bedford Ave", "Court St", "5th Ave", "Main St", "Atlantic Ave"])}`,
        city: pick(["Brooklyn", "New York", "Queens", "Hoboken"]),
        state: pick(["NY", "NJ"]),
        zip: String(10000 + Math.floor(rand() * 1500)),
        country: "US",
        is_primary: 1,
        created_at: created,
      });
    }
    for (const t of tagIds) if (chance(0.12)) (record.tags as Row[]).push({ contact_id: id, tag_id: t, created_at: created });
    if (chance(0.55)) (record.assignments as Row[]).push({ contact_id: id, member_id: pick(memberIds), created_at: created });

    const callCount = stub ? 1 : Math.floor(rand() * 4);
    let lastContacted: string | null = null;
    for (let k = 0; k < callCount; k++) {
      const callId = v7();
      const started = iso(Math.floor(rand() * 120), Math.floor(rand() * 500));
      if (!lastContacted || started > lastContacted) lastContacted = started;
      const [reason, intent, todo] = pick(REASONS);
      const name = stub ? "" : ` This is ${first} ${last}.`;
      const transcription = `Agent: Thank you for calling ${DEMO.organization}, how can I help?\nCaller: Hi,${name} I'd like to ${reason}.\nAgent: Of course. Let me check what we have available.\nCaller: Great, thanks. Afternoons work best for me.\nAgent: You're all set. We'll follow up shortly.`;
      const duration = 60 + Math.floor(rand() * 400);
      const line = pick(lines);
      records.call.push({
        type: "call",
        data: {
          id: callId,
          contact_id: id,
          phone_line_id: line.id,
          direction: "inbound",
          caller_phone: firstPhone,
          to_phone: line.number,
          started_at: started,
          ended_at: new Date(Date.parse(started) + duration * 1000).toISOString(),
          duration_seconds: duration,
          enrichment_status: "skipped",
          enrichment_detail: stub ? "skipped: AI enrichment is not configured" : "skipped: not a stub",
          created_at: started,
          updated_at: started,
        },
        transcription,
        analyses: [
          { id: v7(), call_id: callId, analyzer: "intent", results: JSON.stringify({ intent, confidence: Math.round(rand() * 30 + 70) / 100 }), created_at: started },
          { id: v7(), call_id: callId, analyzer: "sentiment", results: JSON.stringify({ label: pick(["positive", "neutral", "negative"]), score: Math.round(rand() * 100) / 100 }), created_at: started },
        ],
      });
      if (chance(0.5)) {
        const done = chance(0.4);
        records.todo.push({
          type: "todo",
          data: { id: v7(), contact_id: id, call_id: callId, title: todo, status: done ? "done" : "open", due_at: iso(Math.floor(rand() * 20) - 10), assignee_member_id: pick(memberIds), completed_at: done ? started : null, created_at: started, updated_at: started },
        });
      }
      if (chance(0.4)) {
        records.note.push({ type: "note", data: { id: v7(), contact_id: id, author_user_id: pick(userIds), call_id: callId, area: "call", body: `Called to ${reason}. Prefers afternoons.`, created_at: started, updated_at: started } });
      }
    }
    if (!stub && chance(0.3)) {
      const threadStart = Math.floor(rand() * 60) + 1;
      const thread = pick(THREADS);
      thread.forEach(([direction, body, media], k) => {
        const at = iso(threadStart, -k * 7);
        if (!lastContacted || at > lastContacted) lastContacted = at;
        const inbound = direction === "in";
        const messageId = v7();
        const mediaUrls = media ? [`${origin}${media}`] : [];
        records.message.push({
          type: "message",
          data: {
            id: messageId,
            contact_id: id,
            phone_line_id: lines[0]!.id,
            direction: inbound ? "inbound" : "outbound",
            from_phone: inbound ? firstPhone : lines[0]!.number,
            to_phone: inbound ? lines[0]!.number : firstPhone,
            body,
            media_urls: JSON.stringify(mediaUrls),
            status: inbound ? "received" : "sent",
            status_detail: inbound ? null : "twilio: delivered",
            provider: inbound ? null : "twilio",
            sent_by_user_id: inbound ? null : pick(userIds),
            sent_at: inbound ? null : at,
            created_at: at,
            updated_at: at,
          },
          media: mediaUrls.map((url, position) => ({ message_id: messageId, position, source_url: url })),
        });
      });
      if (chance(0.6)) {
        record.memory = {
          contact_id: id,
          content: `- Prefers texts over calls\n- ${pick(["Interested in whitening", "Asked about Invisalign", "Has a cleaning due in March", "Needs an insurance pre-authorization"])}\n- Best reached in the afternoon`,
          sources: "[]",
          model: "gpt-5-mini",
          updated_at: iso(threadStart - 1),
        };
      }
    }
    contact.last_contacted_at = lastContacted;
    if (!stub && chance(0.2)) {
      records.note.push({
        type: "note",
        data: { id: v7(), contact_id: id, author_user_id: pick(userIds), area: "manual", body: pick(["Prefers text reminders.", "Referred by a friend.", "Anxious about procedures; be gentle.", "Asked for a weekend slot."]), created_at: created, updated_at: created },
      });
    }
  }
  const all = kinds.flatMap((k) => records[k]);
  const counts = Object.fromEntries(kinds.map((k) => [k, records[k].length]));
  const head = { type: "header", format: "contacts-export", version: 1, schema_version: journal.entries.length, organization_id: identity.organizationId, exported_at: iso(0) };
  return [head, ...all, { type: "end", counts }].map((r) => JSON.stringify(r)).join("\n") + "\n";
}

/** Signs in as the demo admin on the running Worker at `origin`: the session cookie. */
async function signIn(origin: string): Promise<string> {
  const res = await fetch(`${origin}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ email: DEMO.admin.email, password: DEMO.admin.password }),
  });
  if (!res.ok) throw new Error(`demo sign-in failed: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

/** Restores the demo data into the organization's store through the Worker at `origin`, once. */
export async function seedStore(identity: Identity, origin: string): Promise<void> {
  const cookie = await signIn(origin);
  const list = await fetch(`${origin}/api/contacts/list?page_size=1`, { headers: { cookie } });
  if (!list.ok) throw new Error(`reading the demo organization failed: ${list.status} ${await list.text()}`);
  if (((await list.json()) as { total_count: number }).total_count > 0) {
    console.log("Demo organization already seeded.");
    return;
  }
  const res = await fetch(`${origin}/api/restore`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", cookie, origin },
    body: buildDemoBackup(identity, origin),
  });
  if (!res.ok) throw new Error(`restoring the demo data failed: ${res.status} ${await res.text()}`);
  const { restored } = (await res.json()) as { restored: Record<string, number> };
  console.log(`Seeded demo organization "${DEMO.organization}": ${restored.contact} contacts, ${restored.call} calls, ${restored.message} messages.`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--origin");
  const origin = i > 0 ? process.argv[i + 1]! : "http://localhost:8787";
  await seedStore(await seedIdentity([]), origin);
}
