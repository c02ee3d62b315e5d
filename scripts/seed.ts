// Seeds the local D1 with a demo organization, once: `tsx scripts/seed.ts [--persist-to DIR]`.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword } from "better-auth/crypto";
import { v7 } from "uuid";
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

// Message threads; MMS images are served by the SPA's static assets (web/public/demo-media).
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

export async function buildSeedSql(): Promise<string> {
  const out: string[] = [];
  const ms = Date.UTC(2026, 0, 5);
  const orgId = v7();
  out.push(`INSERT INTO organization (id, name, slug, created_at) VALUES (${q(orgId)}, ${q(DEMO.organization)}, ${q(DEMO.slug)}, ${ms});`);
  out.push(`INSERT INTO organization_settings (organization_id, default_region, updated_at) VALUES (${q(orgId)}, 'US', ${q(iso(300))});`);

  const people = [
    { ...DEMO.admin, role: "owner" },
    { ...DEMO.member, role: "member" },
    { email: "sam@demo.test", password: "demo-password", name: "Sam Okoro", role: "admin" },
    { email: "jordan@demo.test", password: "demo-password", name: "Jordan Blake", role: "member" },
  ];
  const memberIds: string[] = [];
  const userIds: string[] = [];
  for (const p of people) {
    const hash = await hashPassword(p.password);
    const userId = v7();
    const memberId = v7();
    userIds.push(userId);
    memberIds.push(memberId);
    out.push(`INSERT INTO user (id, name, email, email_verified, created_at, updated_at) VALUES (${q(userId)}, ${q(p.name)}, ${q(p.email)}, 1, ${ms}, ${ms});`);
    out.push(`INSERT INTO account (id, account_id, provider_id, user_id, password, created_at, updated_at) VALUES (${q(v7())}, ${q(userId)}, 'credential', ${q(userId)}, ${q(hash)}, ${ms}, ${ms});`);
    out.push(`INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (${q(memberId)}, ${q(orgId)}, ${q(userId)}, ${q(p.role)}, ${ms});`);
  }

  const lines = [
    { id: v7(), name: "Front desk", number: "+12125550100" },
    { id: v7(), name: "New patients", number: "+12125550101" },
  ];
  for (const l of lines) {
    out.push(`INSERT INTO phone_lines (id, organization_id, name, phone_number, created_at) VALUES (${q(l.id)}, ${q(orgId)}, ${q(l.name)}, ${q(l.number)}, ${q(iso(300))});`);
  }
  const tagIds = TAGS.map(([name, color]) => {
    const id = v7();
    out.push(`INSERT INTO tags (id, organization_id, name, name_normalized, color, created_at) VALUES (${q(id)}, ${q(orgId)}, ${q(name)}, ${q(name.toLowerCase())}, ${q(color)}, ${q(iso(300))});`);
    return id;
  });

  const usedNumbers = new Set<string>();
  const usedNumbersByContact = new Map<string, string>();
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
    out.push(
      `INSERT INTO contacts (id, organization_id, first_name, last_name, company, job_title, source, status, pipeline_stage, timezone, preferred_language, created_at, updated_at) VALUES (${[
        id, orgId, first, last, company, company && chance(0.7) ? pick(TITLES) : null, stub ? "inbound_call" : pick(["manual", "inbound_call", "import", "referral"]),
        status, stage, stub ? null : "America/New_York", stub ? null : chance(0.15) ? "es" : "en", created, created,
      ].map(q).join(", ")});`,
    );
    const phones = stub ? 1 : chance(0.3) ? 2 : 1;
    for (let p = 0; p < phones; p++) {
      const n = newNumber();
      if (p === 0) usedNumbersByContact.set(id, n);
      out.push(
        `INSERT INTO contact_phones (id, organization_id, contact_id, phone_number, digits, national_digits, label, is_preferred, created_at) VALUES (${[v7(), orgId, id, n, n.slice(1), n.slice(2), p === 0 ? "Mobile" : "Work", p === 0 ? 1 : 0, created].map(q).join(", ")});`,
      );
    }
    if (!stub && chance(0.8)) {
      const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "") + `${i}@${pick(DOMAINS)}`;
      out.push(`INSERT INTO contact_emails (id, organization_id, contact_id, email, email_normalized, label, is_preferred, created_at) VALUES (${[v7(), orgId, id, email, email, "Personal", 1, created].map(q).join(", ")});`);
    }
    if (!stub && chance(0.25)) {
      out.push(`INSERT INTO contact_addresses (id, organization_id, contact_id, label, street, city, state, zip, country, is_primary, created_at) VALUES (${[v7(), orgId, id, "Home", `${Math.floor(rand() * 900) + 10} ${pick(["Bedford Ave", "Court St", "5th Ave", "Main St", "Atlantic Ave"])}`, pick(["Brooklyn", "New York", "Queens", "Hoboken"]), pick(["NY", "NJ"]), String(10000 + Math.floor(rand() * 1500)), "US", 1, created].map(q).join(", ")});`);
    }
    for (const t of tagIds) if (chance(0.12)) out.push(`INSERT INTO contact_tags (contact_id, tag_id, organization_id, created_at) VALUES (${[id, t, orgId, created].map(q).join(", ")});`);
    if (chance(0.55)) out.push(`INSERT INTO contact_user (contact_id, member_id, organization_id, created_at) VALUES (${[id, pick(memberIds), orgId, created].map(q).join(", ")});`);

    const callCount = stub ? 1 : Math.floor(rand() * 4);
    let lastContacted: string | null = null;
    for (let k = 0; k < callCount; k++) {
      const callId = v7();
      const started = iso(Math.floor(rand() * 120), Math.floor(rand() * 500));
      if (!lastContacted || started > lastContacted) lastContacted = started;
      const [reason, intent, todo] = pick(REASONS);
      const name = stub ? "" : ` This is ${first} ${last}.`;
      const transcript = `Agent: Thank you for calling ${DEMO.organization}, how can I help?\nCaller: Hi,${name} I'd like to ${reason}.\nAgent: Of course. Let me check what we have available.\nCaller: Great, thanks. Afternoons work best for me.\nAgent: You're all set. We'll follow up shortly.`;
      const duration = 60 + Math.floor(rand() * 400);
      const line = pick(lines);
      out.push(
        `INSERT INTO calls (id, organization_id, contact_id, phone_line_id, direction, caller_phone, to_phone, started_at, ended_at, duration_seconds, transcription, enrichment_status, enrichment_detail, created_at, updated_at) VALUES (${[
          callId, orgId, id, line.id, "inbound", "", line.number, started, new Date(Date.parse(started) + duration * 1000).toISOString(), duration, transcript,
          stub ? "skipped" : "skipped", stub ? "skipped: AI enrichment is not configured" : "skipped: not a stub", started, started,
        ].map(q).join(", ")});`,
      );
      out.push(`INSERT INTO call_analyses (id, organization_id, call_id, analyzer, results, created_at) VALUES (${[v7(), orgId, callId, "intent", JSON.stringify({ intent, confidence: Math.round(rand() * 30 + 70) / 100 }), started].map(q).join(", ")});`);
      out.push(`INSERT INTO call_analyses (id, organization_id, call_id, analyzer, results, created_at) VALUES (${[v7(), orgId, callId, "sentiment", JSON.stringify({ label: pick(["positive", "neutral", "negative"]), score: Math.round(rand() * 100) / 100 }), started].map(q).join(", ")});`);
      if (chance(0.5)) {
        const done = chance(0.4);
        out.push(`INSERT INTO todos (id, organization_id, contact_id, call_id, title, status, due_at, assignee_member_id, completed_at, created_at, updated_at) VALUES (${[v7(), orgId, id, callId, todo, done ? "done" : "open", iso(Math.floor(rand() * 20) - 10), pick(memberIds), done ? started : null, started, started].map(q).join(", ")});`);
      }
      if (chance(0.4)) {
        out.push(`INSERT INTO notes (id, organization_id, contact_id, author_user_id, call_id, area, body, created_at, updated_at) VALUES (${[v7(), orgId, id, pick(userIds), callId, "call", `Called to ${reason}. Prefers afternoons.`, started, started].map(q).join(", ")});`);
      }
    }
    const firstPhone = usedNumbersByContact.get(id);
    if (firstPhone && !stub && chance(0.3)) {
      const threadStart = Math.floor(rand() * 60) + 1;
      const thread = pick(THREADS);
      thread.forEach(([direction, body, media], k) => {
        const at = iso(threadStart, -k * 7);
        if (!lastContacted || at > lastContacted) lastContacted = at;
        const inbound = direction === "in";
        out.push(
          `INSERT INTO messages (id, organization_id, contact_id, phone_line_id, direction, from_phone, to_phone, body, media_urls, status, status_detail, provider, sent_by_user_id, sent_at, created_at, updated_at) VALUES (${[
            v7(), orgId, id, lines[0]!.id, inbound ? "inbound" : "outbound", inbound ? firstPhone : lines[0]!.number, inbound ? lines[0]!.number : firstPhone,
            body, JSON.stringify(media ? [media] : []), inbound ? "received" : "sent", inbound ? null : "twilio: delivered", inbound ? null : "twilio",
            inbound ? null : pick(userIds), inbound ? null : at, at, at,
          ].map(q).join(", ")});`,
        );
      });
      if (chance(0.6)) {
        out.push(`INSERT INTO contact_memory (contact_id, organization_id, content, sources, model, updated_at) VALUES (${[id, orgId, `- Prefers texts over calls\n- ${pick(["Interested in whitening", "Asked about Invisalign", "Has a cleaning due in March", "Needs an insurance pre-authorization"])}\n- Best reached in the afternoon`, "[]", "gpt-5-mini", iso(threadStart - 1)].map(q).join(", ")});`);
      }
    }
    if (lastContacted) out.push(`UPDATE contacts SET last_contacted_at = ${q(lastContacted)} WHERE id = ${q(id)};`);
    if (!stub && chance(0.2)) {
      out.push(`INSERT INTO notes (id, organization_id, contact_id, author_user_id, area, body, created_at, updated_at) VALUES (${[v7(), orgId, id, pick(userIds), "manual", pick(["Prefers text reminders.", "Referred by a friend.", "Anxious about procedures; be gentle.", "Asked for a weekend slot."]), created, created].map(q).join(", ")});`);
    }
  }
  return out.join("\n");
}

export async function seed(persistArgs: string[]): Promise<void> {
  const existing = wrangler(["d1", "execute", "DB", "--local", ...persistArgs, "--json", "--command", `SELECT count(*) AS n FROM organization WHERE slug = '${DEMO.slug}'`], { quiet: true });
  const n = (JSON.parse(existing) as { results: { n: number }[] }[])[0]?.results[0]?.n ?? 0;
  if (n > 0) {
    console.log("Demo organization already seeded.");
    return;
  }
  const file = join(tmpdir(), `contacts-seed-${process.pid}.sql`);
  writeFileSync(file, await buildSeedSql());
  wrangler(["d1", "execute", "DB", "--local", ...persistArgs, "--file", file], { quiet: true });
  console.log(`Seeded demo organization "${DEMO.organization}".`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--persist-to");
  await seed(i > 0 ? ["--persist-to", process.argv[i + 1]!] : []);
}
