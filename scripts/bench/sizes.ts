/**
 * The sizes section: what each kind of record costs on disk, for capacity planning (a store is
 * at most 10 GB). A dedicated organization is restored with realistic content (the bench's
 * contact distribution; calls with 5 KB transcripts and three analyses; SMS of ~160 characters;
 * notes of ~200), then its store file is read with sqlite3's dbstat: the pages of every table and
 * index, grouped by the record they belong to, divided by that record's count. Transcripts are
 * R2 objects, measured separately from local R2's object metadata; D1's identity rows likewise
 * from D1's file.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type Activity, type Dataset, DATA_NOW } from "./data";
import { Random, uuidV7 } from "./random";
import { queryRows, sqlString } from "./sqlite";
import { table } from "./stats";

/** The sizes organization's content (besides its contacts). */
export const SIZES = { contacts: 10_000, calls: 5_000, messages: 10_000, notes: 5_000, transcriptChars: 5_000, messageChars: 160, noteChars: 200 };

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const AGENT = [
  "Thank you for calling, this is the front desk, how can I help you today?",
  "Of course, let me pull up your file. Can you confirm your date of birth for me?",
  "I see your last visit was in the spring. Would you like to book the follow-up now?",
  "We have openings on Tuesday afternoon and Thursday morning. Which works better for you?",
  "I can send the details by text message to the number you are calling from, is that all right?",
  "Your insurance should cover most of it, but I will double check with the billing team and call you back.",
  "Is there anything else I can help you with while I have you on the line?",
  "Let me note that down so the team sees it before your appointment.",
  "Just so you know, parking is available behind the building and the entrance is on the left.",
  "I have booked that for you. You will get a reminder the day before.",
];
const CALLER = [
  "Hi, I wanted to ask about moving my appointment to next week if that is possible.",
  "Yes, it is the fourteenth of March. I moved recently, so the address on file might be old.",
  "Tuesday afternoon would be great, after three if you have anything.",
  "Could you also tell me roughly how much the treatment would cost without insurance?",
  "My wife might call as well, she needs a cleaning too, can we come in together?",
  "That is fine, text is actually easier for me than email.",
  "I had some pain last week but it has mostly gone away, should I still come in?",
  "No, I think that is everything. Thanks a lot for your help.",
  "Sorry, the line is a bit bad, could you repeat the time?",
  "I am calling from work, so if you call back please try after five.",
];
const SMS = [
  "Hi, this is a reminder of your appointment tomorrow at 10:30am with Dr. Patel. Reply C to confirm or R to reschedule. Call us at 212-555-0100 with questions.",
  "Thanks for calling today! As promised, here is the link to fill in your new patient forms before your visit. It takes about five minutes. See you on Tuesday.",
  "Hi, can I move my cleaning from Thursday to next Monday morning? Anything before 11 works for me. Also, do you take the new Aetna plans? Thanks, let me know.",
  "Your insurance pre-authorization came back approved. We can schedule the procedure any time in the next 60 days. Reply with a few times that suit you best.",
  "Running about 10 minutes late, sorry! Stuck in traffic on the bridge. Please let the doctor know, I will be there as soon as I can. Thank you for waiting.",
];
const NOTES = [
  "Called back about the insurance question: coverage confirmed at 80% for the procedure, patient pays the rest in two installments. Prefers afternoon slots, after 3pm on weekdays.",
  "Patient mentioned anxiety about dental work; offered the quiet room and a longer appointment slot. Wife may also book a cleaning. Follow up next week about the treatment plan options.",
  "Referred by a friend who is an existing patient. Asked about payment plans and weekend hours; sent the brochure by text. Best reached on the mobile number, not the work line.",
  "Left a voicemail about the overdue balance. Second attempt this month. If no answer by Friday, send the billing reminder by email and flag for the office manager to review.",
];

function fill(rng: Random, pool: readonly string[], chars: number): string {
  let out = rng.pick(pool);
  while (out.length < chars * 0.9) out += ` ${rng.pick(pool)}`;
  return out.slice(0, Math.round(chars * (0.9 + 0.2 * rng.float())));
}

function transcript(rng: Random, chars: number): string {
  const lines: string[] = [];
  let length = 0;
  for (let turn = 0; length < chars; turn++) {
    const line = turn % 2 === 0 ? `Agent: ${rng.pick(AGENT)}` : `Caller: ${rng.pick(CALLER)}`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join("\n").slice(0, chars);
}

const hex = (rng: Random, n: number) => Array.from({ length: Math.ceil(n / 8) }, () => rng.hex8()).join("").slice(0, n);

/**
 * Calls (each with its transcription's text, as an export carries it, and three analyses),
 * messages and notes over the contacts that have a phone, from their own random stream.
 */
export function sizesActivity(data: Dataset, seed: string): Activity {
  const rng = new Random(`${seed}/sizes-activity`);
  const withPhone = data.contacts.filter((c) => c.phones.length > 0);
  const lines = [
    { id: uuidV7(DATA_NOW - 700 * DAY, rng), name: "Front desk", phone_number: "+12125550100", created_at: iso(DATA_NOW - 700 * DAY) },
    { id: uuidV7(DATA_NOW - 700 * DAY, rng), name: "New patients", phone_number: "+12125550101", created_at: iso(DATA_NOW - 700 * DAY) },
  ];
  const userIds = data.members.map((m) => m.userId);
  const at = () => DATA_NOW - Math.floor(rng.float() * 365 * DAY);
  const calls = [];
  for (let i = 0; i < SIZES.calls; i++) {
    const contact = rng.pick(withPhone);
    const line = rng.pick(lines);
    const started = at();
    const duration = 60 + rng.int(0, 600);
    const id = uuidV7(started, rng);
    const analyses = [
      { analyzer: "intent", results: { intent: rng.pick(["booking", "reschedule", "billing", "quote", "urgent"]), confidence: Math.round(rng.float() * 30 + 70) / 100 } },
      { analyzer: "sentiment", results: { label: rng.pick(["positive", "neutral", "negative"]), score: Math.round(rng.float() * 100) / 100 } },
      { analyzer: "summary", results: { summary: fill(rng, CALLER, 300) } },
    ].map((a) => ({ id: uuidV7(started + duration * 1000, rng), call_id: id, analyzer: a.analyzer, results: JSON.stringify(a.results), created_at: iso(started + duration * 1000) }));
    calls.push({
      type: "call",
      data: {
        id,
        contact_id: contact.id,
        phone_line_id: line.id,
        external_id: `CA${hex(rng, 32)}`,
        direction: "inbound",
        caller_phone: contact.phones[0]?.e164,
        to_phone: line.phone_number,
        started_at: iso(started),
        ended_at: iso(started + duration * 1000),
        duration_seconds: duration,
        enrichment_status: "filled",
        enrichment_detail: "filled: first_name, last_name, email, company",
        enrichment_model: "gpt-5-mini",
        enrichment_prompt_tokens: 1400 + rng.int(0, 400),
        enrichment_completion_tokens: 90 + rng.int(0, 60),
        enriched_at: iso(started + duration * 1000 + 20_000),
        created_at: iso(started),
        updated_at: iso(started + duration * 1000 + 20_000),
      },
      transcription: transcript(rng, SIZES.transcriptChars),
      analyses,
    });
  }
  const messages = [];
  for (let i = 0; i < SIZES.messages; i++) {
    const contact = rng.pick(withPhone);
    const inbound = rng.chance(0.5);
    const created = at();
    const phone = contact.phones[0]?.e164 ?? "";
    const line = lines[0] as (typeof lines)[number];
    messages.push({
      type: "message",
      data: {
        id: uuidV7(created, rng),
        contact_id: contact.id,
        phone_line_id: line.id,
        direction: inbound ? "inbound" : "outbound",
        from_phone: inbound ? phone : line.phone_number,
        to_phone: inbound ? line.phone_number : phone,
        body: fill(rng, SMS, SIZES.messageChars),
        status: inbound ? "received" : "sent",
        ...(!inbound && { status_detail: "twilio: delivered", sent_by_user_id: rng.pick(userIds), sent_at: iso(created) }),
        provider: "twilio",
        provider_message_id: `SM${hex(rng, 32)}`,
        created_at: iso(created),
        updated_at: iso(created),
      },
      media: [],
    });
  }
  const notes = [];
  for (let i = 0; i < SIZES.notes; i++) {
    const contact = rng.pick(data.contacts);
    const created = at();
    notes.push({
      type: "note",
      data: { id: uuidV7(created, rng), contact_id: contact.id, author_user_id: rng.pick(userIds), area: "manual", body: fill(rng, NOTES, SIZES.noteChars), created_at: iso(created), updated_at: iso(created) },
    });
  }
  return { phoneLines: lines, calls, messages, notes };
}

interface Btree {
  name: string;
  /** The table an index or the b-tree itself belongs to. */
  tbl: string;
  pages: number;
  bytes: number;
  payload: number;
}

/** Pages, bytes on disk and payload of every table and index of a SQLite file (dbstat, one row per b-tree). */
async function btrees(file: string): Promise<{ trees: Btree[]; pageSize: number; pageCount: number; freelist: number }> {
  const trees = await queryRows<Btree>(
    file,
    `SELECT d.name AS name, coalesce(m.tbl_name, d.name) AS tbl, sum(d.pageno IS NOT NULL) AS pages, sum(d.pgsize) AS bytes, sum(d.payload) AS payload
     FROM dbstat d LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY d.name`,
  );
  const [p] = await queryRows<{ page_size: number; page_count: number; freelist: number }>(
    file,
    "SELECT (SELECT page_size FROM pragma_page_size) AS page_size, (SELECT page_count FROM pragma_page_count) AS page_count, (SELECT freelist_count FROM pragma_freelist_count) AS freelist",
  );
  return { trees, pageSize: Number(p?.page_size), pageCount: Number(p?.page_count), freelist: Number(p?.freelist) };
}

/** Which record a table's rows belong to (FTS5 shadow tables go with the contacts they index). */
const GROUPS: { group: string; tables: RegExp }[] = [
  { group: "contact: row (contacts + indexes)", tables: /^contacts$/ },
  { group: "contact: phones", tables: /^contact_phones$/ },
  { group: "contact: emails", tables: /^contact_emails$/ },
  { group: "contact: tags", tables: /^contact_tags$/ },
  { group: "contact: search index (FTS5 trigram + keys)", tables: /^contact_search/ },
  { group: "contact: duplicate keys and pairs (suggestions)", tables: /^duplicate_/ },
  { group: "contact: assignments", tables: /^contact_user$/ },
  { group: "call: row (calls + indexes)", tables: /^calls$/ },
  { group: "call: analyses", tables: /^call_analyses$/ },
  { group: "message", tables: /^messages$|^message_media$/ },
  { group: "note", tables: /^notes$/ },
];

const kb = (b: number) => (b / 1024).toFixed(1);

export interface StoreSizes {
  text: string;
  perContact: number;
  perCall: number;
  perMessage: number;
  perNote: number;
  fileBytes: number;
}

/** The per-record table of one store file, `counts` being how many records of each kind it holds. */
export async function storeSizes(file: string, counts: { contacts: number; calls: number; messages: number; notes: number }): Promise<StoreSizes> {
  const { trees, pageSize, pageCount, freelist } = await btrees(file);
  const sum = (re: RegExp) => trees.filter((t) => re.test(t.tbl)).reduce((a, t) => ({ bytes: a.bytes + t.bytes, payload: a.payload + t.payload }), { bytes: 0, payload: 0 });
  const per = (group: string) => (group.startsWith("contact") ? counts.contacts : group.startsWith("call") ? counts.calls : group === "message" ? counts.messages : counts.notes);
  const rows: string[][] = [];
  const totals = { contact: 0, call: 0, message: 0, note: 0 };
  for (const g of GROUPS) {
    const { bytes, payload } = sum(g.tables);
    const n = per(g.group);
    if (!n) continue;
    const kind = g.group.split(":")[0] as keyof typeof totals;
    if (g.group !== "contact: assignments") totals[kind] += bytes;
    rows.push([g.group, n.toLocaleString("en-US"), kb(bytes), kb(payload), (bytes / n).toFixed(0), (payload / n).toFixed(0)]);
  }
  const grouped = trees.filter((t) => GROUPS.some((g) => g.tables.test(t.tbl)));
  const other = trees.filter((t) => !grouped.includes(t)).reduce((a, t) => a + t.bytes, 0);
  rows.push(["everything else (members, tags, lines, settings, migrations, _cf_KV, schema)", "", kb(other), "", "", ""]);
  const text = table(["record: b-trees", "records", "KiB on disk", "KiB payload", "bytes/record", "payload/record"], rows);
  return {
    text: `${text}\n  file: ${pageCount.toLocaleString("en-US")} pages of ${pageSize} bytes = ${(pageCount * pageSize / 1024 / 1024).toFixed(1)} MiB (${freelist} free pages)`,
    perContact: totals.contact / Math.max(1, counts.contacts),
    perCall: totals.call / Math.max(1, counts.calls),
    perMessage: totals.message / Math.max(1, counts.messages),
    perNote: totals.note / Math.max(1, counts.notes),
    fileBytes: pageCount * pageSize,
  };
}

/** Local R2's object metadata (miniflare keeps it in SQLite next to the blobs). */
export async function r2Objects(stateDir: string, prefix: string): Promise<{ objects: number; bytes: number } | undefined> {
  const dir = join(stateDir, "v3/r2/miniflare-R2BucketObject");
  if (!existsSync(dir)) return undefined;
  for (const f of readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f))) {
    const file = join(dir, f);
    const tables = await queryRows<{ name: string }>(file, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = '_mf_objects'");
    if (!tables.length) continue;
    const [r] = await queryRows<{ n: number; bytes: number }>(file, `SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM _mf_objects WHERE key LIKE ${sqlString(`${prefix}%`)}`);
    if (r && r.n > 0) return { objects: Number(r.n), bytes: Number(r.bytes) };
  }
  return undefined;
}

/** Bytes per row of D1's identity tables (table + its indexes), from D1's file. */
export async function d1Sizes(file: string): Promise<string> {
  const { trees } = await btrees(file);
  const rows: string[][] = [];
  for (const t of ["organization", "organization_directory", "user", "member", "session", "api_keys", "account"]) {
    const [c] = await queryRows<{ n: number }>(file, `SELECT count(*) AS n FROM "${t}"`);
    const n = Number(c?.n ?? 0);
    const own = trees.filter((b) => b.tbl === t);
    const bytes = own.reduce((a, b) => a + b.bytes, 0);
    const payload = own.reduce((a, b) => a + b.payload, 0);
    rows.push([t, n.toLocaleString("en-US"), kb(bytes), n ? (bytes / n).toFixed(0) : "-", n ? (payload / n).toFixed(0) : "-"]);
  }
  return table(["D1 table (+ its indexes)", "rows", "KiB on disk", "bytes/row", "payload/row"], rows);
}
