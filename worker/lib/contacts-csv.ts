import Papa from "papaparse";
import type { Contact } from "../schemas/contacts";

// Contacts as CSV (GET /api/contacts/export.csv): one row a contact, a person's several numbers,
// emails, tags and members joined with "; ". Written with papaparse; safe to open in a spreadsheet.

export const CSV_COLUMNS = [
  "id",
  "first_name",
  "last_name",
  "company",
  "job_title",
  "status",
  "pipeline_stage",
  "source",
  "external_id",
  "phones",
  "emails",
  "tags",
  "assigned_members",
  "preferred_language",
  "timezone",
  "street",
  "city",
  "state",
  "zip",
  "country",
  "created_at",
  "updated_at",
  "last_contacted_at",
] as const;

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, a tab or CR first) gets a leading '
 * (OWASP's CSV injection advice), so it shows as text — except E.164 numbers ("+12125550100",
 * "+1…; +44…"), which no spreadsheet runs and which must read back as they are.
 */
const FORMULA = /^[=@\t\r-]|^\+(?!\d+(; \+\d+)*$)/;

const joined = (values: (string | null | undefined)[]) => values.filter(Boolean).join("; ");

function row(c: Contact): (string | null)[] {
  const address = c.addresses.find((a) => a.is_primary) ?? c.addresses[0];
  const values: Record<(typeof CSV_COLUMNS)[number], string | null> = {
    id: c.id,
    first_name: c.first_name,
    last_name: c.last_name,
    company: c.company,
    job_title: c.job_title,
    status: c.status,
    pipeline_stage: c.pipeline_stage,
    source: c.source,
    external_id: c.external_id,
    phones: joined(c.phones.map((p) => p.phone_number)),
    emails: joined(c.emails.map((e) => e.email)),
    tags: joined(c.tags.map((t) => t.name)),
    assigned_members: joined(c.assigned_users.map((u) => u.name)),
    preferred_language: c.preferred_language,
    timezone: c.timezone,
    street: address?.street ?? null,
    city: address?.city ?? null,
    state: address?.state ?? null,
    zip: address?.zip ?? null,
    country: address?.country ?? null,
    created_at: c.created_at,
    updated_at: c.updated_at,
    last_contacted_at: c.last_contacted_at,
  };
  return CSV_COLUMNS.map((k) => values[k]);
}

const options = { escapeFormulae: FORMULA, newline: "\r\n", quotes: false } as const;

export const csvHeader = () => `${Papa.unparse([[...CSV_COLUMNS]], options)}\r\n`;

/** Rows for these contacts, each ending in CRLF (RFC 4180). */
export function csvRows(list: Contact[]): string {
  return list.length ? `${Papa.unparse(list.map(row), options)}\r\n` : "";
}
