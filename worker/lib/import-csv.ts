import Papa from "papaparse";
import { z } from "zod";
import { AddressFields, CONTACT_STATUSES, ContactFields, PIPELINE_STAGES } from "../schemas/contacts";
import { MAX_NOTE_CHARS } from "../schemas/notes";
import type { ParsedPhone } from "./phone";
import { parsePhone } from "./phone";
import { Problem } from "./problem";

// CSV import (POST /api/imports): the file is checked whole when it arrives (UTF-8 text, one
// header, the same number of fields on every row, at most MAX_IMPORT_ROWS rows) and cut into
// chunks of rows (byte ranges, so the queue's consumer reads one chunk from R2 without reading
// what comes before it). Each row is read here, in the Worker (phone numbers with the
// organization's region, the API's field rules); the store only matches and writes.

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 100_000;
/**
 * Rows a chunk (one store transaction, ~0.15 s of the organization's store). `npm run bench`
 * (import section) resolves known callers while an import runs: with 500 rows their p50 went from
 * ~10 ms to ~160 ms (p99 ~310 ms) on one 2-CPU machine where the Worker, the store and the queue
 * consumer share the CPUs; 250 rows gave ~100 / ~170 ms for a third less throughput, 1,000 rows
 * no more throughput than 500. Since the duplicate-suggestion triggers (migrations 0014-0015)
 * the same run gives ~250 ms (p99 ~410 ms) at 500 rows, and 1,750 rows/s (0.29x sqlite3).
 */
export const CHUNK_ROWS = 500;
export const PREVIEW_ROWS = 20;

export const IMPORT_FIELDS = [
  "full_name",
  "first_name",
  "last_name",
  "phone",
  "email",
  "company",
  "job_title",
  "status",
  "pipeline_stage",
  "source",
  "tags",
  "assigned_members",
  "street",
  "city",
  "state",
  "zip",
  "country",
  "external_id",
  "timezone",
  "preferred_language",
  "date_of_birth",
  "notes",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export const IMPORT_POLICIES = ["skip", "fill_empty", "overwrite"] as const;
export type ImportPolicy = (typeof IMPORT_POLICIES)[number];

/** Fields several columns may feed (a "Mobile" and a "Work phone" column are both phones). */
const MULTI: ReadonlySet<ImportField> = new Set(["phone", "email", "tags", "notes", "assigned_members"]);
/** At least one of these must be mapped: a row needs something to be a contact by. */
const IDENTIFYING: ReadonlySet<ImportField> = new Set(["full_name", "first_name", "last_name", "phone", "email", "company", "external_id"]);

/** Common headers (lower case, letters and digits only) -> field. A field's own name maps to it too. */
const SYNONYMS: Record<string, ImportField> = {
  name: "full_name", fullname: "full_name", contactname: "full_name", displayname: "full_name", patientname: "full_name", customername: "full_name",
  first: "first_name", firstname: "first_name", givenname: "first_name", fname: "first_name", forename: "first_name",
  last: "last_name", lastname: "last_name", surname: "last_name", familyname: "last_name", lname: "last_name",
  phone: "phone", phones: "phone", phonenumber: "phone", phonenumbers: "phone", mobile: "phone", mobilephone: "phone", mobilenumber: "phone", cell: "phone",
  cellphone: "phone", telephone: "phone", tel: "phone", workphone: "phone", homephone: "phone", primaryphone: "phone", otherphone: "phone",
  phone1: "phone", phone2: "phone", phone3: "phone", businessphone: "phone",
  email: "email", emails: "email", emailaddress: "email", mail: "email", workemail: "email", personalemail: "email", email1: "email", email2: "email",
  company: "company", companyname: "company", organization: "company", organisation: "company", business: "company", account: "company", employer: "company",
  jobtitle: "job_title", title: "job_title", position: "job_title", role: "job_title",
  status: "status", contactstatus: "status",
  stage: "pipeline_stage", pipelinestage: "pipeline_stage", lifecyclestage: "pipeline_stage", dealstage: "pipeline_stage",
  source: "source", leadsource: "source",
  tags: "tags", tag: "tags", labels: "tags", label: "tags", groups: "tags",
  assignedmembers: "assigned_members", assignedto: "assigned_members", owner: "assigned_members", contactowner: "assigned_members", assignee: "assigned_members",
  street: "street", address: "street", streetaddress: "street", address1: "street", addressline1: "street", addressstreet: "street",
  city: "city", town: "city", addresscity: "city",
  state: "state", province: "state", region: "state", county: "state", addressstate: "state",
  zip: "zip", zipcode: "zip", postalcode: "zip", postcode: "zip", addresszip: "zip",
  country: "country", addresscountry: "country",
  externalid: "external_id", id: "external_id", customerid: "external_id", patientid: "external_id", recordid: "external_id", crmid: "external_id",
  timezone: "timezone", tz: "timezone",
  language: "preferred_language", preferredlanguage: "preferred_language", locale: "preferred_language",
  dateofbirth: "date_of_birth", dob: "date_of_birth", birthday: "date_of_birth", birthdate: "date_of_birth",
  notes: "notes", note: "notes", comments: "notes", comment: "notes", description: "notes",
};

const headerKey = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The mapping read from the headers: a field's own name first ("external_id" before "id"), then
 * common names; a single-valued field goes to the first column that names it, the rest are left out.
 */
export function autoMapping(header: string[]): (ImportField | null)[] {
  const exact = header.map((h) => IMPORT_FIELDS.find((f) => headerKey(f) === headerKey(h)) ?? null);
  const taken = new Set<ImportField>();
  const out: (ImportField | null)[] = header.map(() => null);
  const claim = (i: number, field: ImportField | null | undefined) => {
    if (!field || out[i] || (taken.has(field) && !MULTI.has(field))) return;
    out[i] = field;
    taken.add(field);
  };
  exact.forEach((f, i) => claim(i, f));
  header.forEach((h, i) => claim(i, SYNONYMS[headerKey(h)]));
  // "Name" next to "First name"/"Last name" would write the name twice.
  if (out.includes("full_name") && (taken.has("first_name") || taken.has("last_name"))) out[out.indexOf("full_name")] = null;
  return out;
}

export const MappingSchema = z.array(z.enum(IMPORT_FIELDS).nullable());

/** 400 unless `mapping` fits the header: one field a column, single-valued fields once, something to identify a contact by. */
export function checkMapping(header: string[], mapping: (ImportField | null)[]): void {
  const bad = (message: string) => new Problem(400, `mapping ${message}`, { errors: [{ field: "mapping", message }] });
  if (mapping.length !== header.length) throw bad(`must have one entry per column (${header.length}), not ${mapping.length}`);
  const seen = new Map<ImportField, number>();
  mapping.forEach((field, i) => {
    if (!field) return;
    const before = seen.get(field);
    if (before !== undefined && !MULTI.has(field)) throw bad(`reads ${field} from two columns ("${header[before]}" and "${header[i]}"); keep one`);
    seen.set(field, i);
  });
  if (seen.has("full_name") && (seen.has("first_name") || seen.has("last_name"))) throw bad("reads full_name and first_name/last_name; keep one way of reading names");
  if (![...seen.keys()].some((f) => IDENTIFYING.has(f))) throw bad("needs a name, phone, email, company or external_id column");
}

export interface ImportChunk {
  /** Byte offset and length of the chunk's rows in the file. */
  offset: number;
  length: number;
  /** Line of the file the chunk's first row starts on (the header is line 1). */
  line: number;
  rows: number;
}

export interface CheckedFile {
  header: string[];
  rowCount: number;
  chunks: ImportChunk[];
  format: { delimiter: string; newline: string };
}

const refuse = (status: 400 | 413 | 415, detail: string, line?: number) => new Problem(status, detail, line === undefined ? {} : { line });
const BOM = 0xfeff;

/** The line `bytes` fails to decode as UTF-8 on (a line break byte is never inside a UTF-8 sequence). */
function firstBadUtf8Line(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let start = 0;
  for (let line = 1; ; line++) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    if (end === bytes.length) return line;
    start = end + 1;
  }
}

const countBreaks = (text: string, from: number, to: number) => {
  let n = 0;
  for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
};

/** Comma, semicolon or tab: whichever the header line has most of (Excel writes ";" in some locales). */
function delimiterOf(text: string): string {
  const first = text.slice(0, Math.max(0, text.search(/\r?\n|$/)));
  const counts = [",", ";", "\t"].map((d) => [d, first.split(d).length] as const);
  return counts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

/**
 * Calls `row` with each row of `text` (blank lines left out) and the line it starts on (`firstLine`
 * for the first); a malformed quote is a 400 naming its line. Answers the line break papaparse
 * read the text with.
 */
function eachRow(
  text: string,
  format: { delimiter: string; newline?: string },
  firstLine: number,
  row: (cells: string[], line: number, start: number, end: number) => void,
  preview = 0,
): string {
  let line = firstLine;
  let start = 0;
  let linebreak = format.newline || "\n";
  Papa.parse<string[]>(text, {
    delimiter: format.delimiter,
    newline: format.newline as "\r\n" | "\n" | "\r" | undefined,
    preview,
    step: (result) => {
      const end = result.meta.cursor;
      linebreak = result.meta.linebreak;
      const quote = result.errors.find((e) => e.type === "Quotes");
      if (quote) {
        throw refuse(400, `Line ${line}: ${quote.code === "MissingQuotes" ? "a quoted field is never closed" : "a field has a stray quote (\"); quote the whole field and double quotes inside it"}.`, line);
      }
      const cells = result.data;
      if (!(cells.length === 1 && cells[0]!.trim() === "")) row(cells, line, start, end);
      line += countBreaks(text, start, end);
      start = end;
    },
  });
  return linebreak;
}

/**
 * Checks an uploaded file and cuts it into chunks: refused (nothing stored) when it is binary,
 * not UTF-8, over the size or row limits, without a header, or has a row with a different
 * number of fields than the header (naming the first bad line).
 */
export function checkFile(bytes: Uint8Array): CheckedFile {
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw refuse(413, `A file to import is at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB; this one is ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB. Split it into smaller files.`);
  if (bytes.byteLength === 0) throw refuse(400, "The file is empty.");
  if ((bytes[0] === 0x50 && bytes[1] === 0x4b) || (bytes[0] === 0xd0 && bytes[1] === 0xcf)) {
    throw refuse(415, "This is a spreadsheet workbook (Excel, Numbers...), not CSV. Save or export the sheet as CSV (UTF-8) and upload that.");
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const line = countLines(bytes, nul);
    throw refuse(415, `Line ${line} has a NUL byte: this is a binary file, not CSV text.`, line);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const line = firstBadUtf8Line(bytes);
    throw refuse(400, `Line ${line} is not UTF-8 text. Save the file as "CSV UTF-8" and upload it again.`, line);
  }
  const bom = text.charCodeAt(0) === BOM ? 1 : 0;
  const body = bom ? text.slice(1) : text;
  const format = { delimiter: delimiterOf(body), newline: "" };
  const encoder = new TextEncoder();
  let header: string[] | null = null;
  let rowCount = 0;
  const chunks: ImportChunk[] = [];
  // Chunk boundaries in characters, turned into bytes by encoding each chunk's text once.
  let byteOffset = bom ? 3 : 0;
  let chunkStart = 0;
  let chunkLine = 0;
  let chunkRows = 0;
  let lastEnd = 0;
  const close = (end: number) => {
    const length = encoder.encode(body.slice(chunkStart, end)).byteLength;
    chunks.push({ offset: byteOffset, length, line: chunkLine, rows: chunkRows });
    byteOffset += length;
    chunkStart = end;
    chunkRows = 0;
  };
  format.newline = eachRow(body, format, 1, (cells, line, start, end) => {
    if (!header) {
      header = cells.map((c) => c.trim());
      if (header.every((h) => h === "")) throw refuse(400, "Line 1 must be a header naming the columns.", 1);
      byteOffset += encoder.encode(body.slice(0, end)).byteLength;
      chunkStart = end;
      return;
    }
    if (cells.length !== header.length) {
      throw refuse(400, `Line ${line} has ${cells.length} field${cells.length === 1 ? "" : "s"} but the header has ${header.length}. Every row needs the header's number of fields (quote a value that contains the delimiter "${format.delimiter === "\t" ? "tab" : format.delimiter}").`, line);
    }
    if (rowCount === MAX_IMPORT_ROWS) throw refuse(413, `A file to import has at most ${MAX_IMPORT_ROWS.toLocaleString("en-US")} rows; line ${line} is one more. Split the file.`, line);
    if (rowCount % CHUNK_ROWS === 0) {
      if (rowCount > 0) close(start);
      chunkLine = line;
    }
    rowCount++;
    chunkRows++;
    lastEnd = end;
  });
  if (!header) throw refuse(400, "The file is empty.");
  if (rowCount === 0) throw refuse(400, "The file has a header but no rows.");
  close(lastEnd);
  return { header, rowCount, chunks, format };
}

function countLines(bytes: Uint8Array, upTo: number): number {
  let n = 1;
  for (let i = bytes.indexOf(10); i !== -1 && i < upTo; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** One row as read with the mapping: what the store matches and writes, or why it cannot be. */
export interface ImportRow {
  line: number;
  cells: string[];
  /** Why the row cannot be imported (in words); nothing else is set then. */
  error: string | null;
  fields: Record<string, string>;
  phones: ParsedPhone[];
  emails: string[];
  tags: string[];
  members: string[];
  address: Record<string, string> | null;
  note: string | null;
}

/**
 * A cell our export (or another careful tool) wrote as '=… so a spreadsheet would not run it
 * reads back as =… : the quote is taken off before any of = + - @ tab CR.
 */
const unescapeFormula = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);
const LIST_SPLIT = /\s*[;,|]\s*/;
const PHONE_SPLIT = /\s*[;,|]\s*|\s+\/\s+/;
const enumValue = (v: string) => v.trim().toLowerCase().replace(/[\s-]+/g, "_");

function splitName(full: string): { first_name: string; last_name: string } {
  const comma = full.indexOf(",");
  if (comma !== -1) return { first_name: full.slice(comma + 1).trim(), last_name: full.slice(0, comma).trim() };
  const parts = full.trim().split(/\s+/);
  return parts.length === 1 ? { first_name: parts[0] ?? "", last_name: "" } : { first_name: parts.slice(0, -1).join(" "), last_name: parts.at(-1) ?? "" };
}

const EmailCell = z.string().max(254).email();
const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".")} ${issue.message}` : "is not valid";
};

/** How rows are read with `mapping` and the organization's `region` (worked out once per chunk). */
export function rowReader(header: string[], mapping: (ImportField | null)[], region: string): (cells: string[], line: number) => ImportRow {
  // Several note columns: each note says which column it came from.
  const labelNotes = mapping.filter((m) => m === "notes").length > 1;
  return (cells, line) => readRow(cells, line, header, mapping, region, labelNotes);
}

function readRow(cells: string[], line: number, header: string[], mapping: (ImportField | null)[], region: string, labelNotes: boolean): ImportRow {
  const row: ImportRow = { line, cells, error: null, fields: {}, phones: [], emails: [], tags: [], members: [], address: null, note: null };
  const fail = (error: string) => ({ ...row, error, fields: {}, phones: [], emails: [], tags: [], members: [], address: null, note: null });
  const raw: Partial<Record<ImportField, string>> = {};
  const notes: string[] = [];
  const seenPhones = new Set<string>();
  for (let i = 0; i < mapping.length; i++) {
    const field = mapping[i];
    const value = unescapeFormula((cells[i] ?? "").trim());
    if (!field || value === "") continue;
    switch (field) {
      case "phone":
        for (const part of value.split(PHONE_SPLIT).filter(Boolean)) {
          const parsed = parsePhone(part, region);
          if (!parsed.ok) return fail(`${header[i]}: "${part}" is not a possible phone number (region ${region}; add a country code such as +44 for other countries)`);
          if (!seenPhones.has(parsed.phone.e164)) row.phones.push(parsed.phone);
          seenPhones.add(parsed.phone.e164);
        }
        break;
      case "email":
        for (const part of value.split(LIST_SPLIT).filter(Boolean)) {
          if (!EmailCell.safeParse(part).success) return fail(`${header[i]}: "${part}" is not a valid email address`);
          if (!row.emails.some((e) => e.toLowerCase() === part.toLowerCase())) row.emails.push(part);
        }
        break;
      case "tags":
        for (const part of value.split(LIST_SPLIT).filter(Boolean)) {
          if (part.length > 50) return fail(`${header[i]}: tag "${part.slice(0, 20)}…" is longer than 50 characters`);
          if (!row.tags.some((t) => t.toLowerCase() === part.toLowerCase())) row.tags.push(part);
        }
        break;
      case "assigned_members":
        for (const part of value.split(LIST_SPLIT).filter(Boolean)) if (!row.members.includes(part)) row.members.push(part);
        break;
      case "notes":
        notes.push(labelNotes ? `${header[i]}: ${value}` : value);
        break;
      default:
        raw[field] = value;
    }
  }
  const names = raw.full_name !== undefined ? splitName(raw.full_name) : { first_name: raw.first_name, last_name: raw.last_name };
  const candidate: Record<string, unknown> = {
    first_name: names.first_name,
    last_name: names.last_name,
    company: raw.company,
    job_title: raw.job_title,
    source: raw.source,
    external_id: raw.external_id,
    timezone: raw.timezone,
    preferred_language: raw.preferred_language,
    date_of_birth: raw.date_of_birth,
  };
  if (raw.status !== undefined) {
    const status = enumValue(raw.status);
    if (!(CONTACT_STATUSES as readonly string[]).includes(status)) return fail(`status "${raw.status}" is not one of ${CONTACT_STATUSES.join(", ")}`);
    candidate.status = status;
  }
  if (raw.pipeline_stage !== undefined) {
    const stage = enumValue(raw.pipeline_stage);
    if (!(PIPELINE_STAGES as readonly string[]).includes(stage)) return fail(`pipeline_stage "${raw.pipeline_stage}" is not one of ${PIPELINE_STAGES.join(", ")}`);
    candidate.pipeline_stage = stage;
  }
  const fields = ContactFields.safeParse(Object.fromEntries(Object.entries(candidate).filter(([, v]) => v !== undefined)));
  if (!fields.success) return fail(firstIssue(fields.error));
  for (const [k, v] of Object.entries(fields.data)) if (typeof v === "string" && v !== "") row.fields[k] = v;
  const addressRaw = { street: raw.street, city: raw.city, state: raw.state, zip: raw.zip, country: raw.country };
  if (Object.values(addressRaw).some((v) => v !== undefined)) {
    const address = AddressFields.safeParse(addressRaw);
    if (!address.success) return fail(firstIssue(address.error));
    row.address = Object.fromEntries(Object.entries(address.data).filter(([, v]) => typeof v === "string" && v !== "")) as Record<string, string>;
  }
  if (notes.length) {
    const note = notes.join("\n\n");
    if (note.length > MAX_NOTE_CHARS) return fail(`notes are longer than ${MAX_NOTE_CHARS.toLocaleString("en-US")} characters`);
    row.note = note;
  }
  const f = row.fields;
  if (!f.first_name && !f.last_name && !f.company && !f.external_id && row.phones.length === 0 && row.emails.length === 0) {
    return fail("nothing to import: no name, company, phone, email or external id");
  }
  if (row.phones.length > 20 || row.emails.length > 20) return fail("more than 20 phone numbers or emails");
  return row;
}

/** Reads the rows of one chunk (its bytes from the file) with the import's format. */
export function readChunk(bytes: ArrayBuffer, chunk: ImportChunk, format: { delimiter: string; newline: string }, limit = 0): { cells: string[]; line: number }[] {
  const text = new TextDecoder().decode(bytes);
  const out: { cells: string[]; line: number }[] = [];
  eachRow(text, format, chunk.line, (cells, line) => {
    out.push({ cells, line });
  }, limit);
  return out;
}
