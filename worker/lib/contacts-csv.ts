import Papa from "papaparse";

// Contacts as CSV (GET /api/contacts/export.csv): one row a contact, a person's several numbers,
// emails, tags and members joined with "; " (by the store's statement, store/contacts.ts
// exportRows). Written with papaparse; safe to open in a spreadsheet.

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

const options = { escapeFormulae: FORMULA, newline: "\r\n", quotes: false } as const;

export const csvHeader = () => `${Papa.unparse([[...CSV_COLUMNS]], options)}\r\n`;

/** The store's export rows (arrays in CSV_COLUMNS' order) as CSV lines, each ending in CRLF (RFC 4180). */
export function csvRows(rows: (string | null)[][]): string {
  return rows.length ? `${Papa.unparse(rows, options)}\r\n` : "";
}
