import type { Import, ImportField, ImportPolicy } from "../../lib/api";

/** What a column can be imported as, in the order the menu offers them. */
export const FIELD_LABELS: Record<ImportField, string> = {
  full_name: "Full name (first and last)",
  first_name: "First name",
  last_name: "Last name",
  phone: "Phone number(s)",
  email: "Email(s)",
  company: "Company",
  job_title: "Job title",
  status: "Status",
  pipeline_stage: "Pipeline stage",
  source: "Source",
  tags: "Tags",
  assigned_members: "Assigned members",
  street: "Street",
  city: "City",
  state: "State / region",
  zip: "ZIP / postal code",
  country: "Country",
  external_id: "External id",
  timezone: "Time zone",
  preferred_language: "Language",
  date_of_birth: "Date of birth",
  notes: "Note",
};

export const POLICIES: { value: ImportPolicy; label: string; help: string }[] = [
  { value: "fill_empty", label: "Fill empty fields", help: "Keep what the contact has; add what is missing, new numbers, emails and tags." },
  { value: "overwrite", label: "Overwrite", help: "The file's values replace the contact's; empty cells change nothing." },
  { value: "skip", label: "Skip the row", help: "Leave existing contacts as they are." },
];

export const OUTCOMES = {
  created: { label: "New", class: "bg-emerald-50 text-emerald-800 ring-emerald-600/20" },
  updated: { label: "Update", class: "bg-sky-50 text-sky-800 ring-sky-600/20" },
  skipped: { label: "Skip", class: "bg-zinc-100 text-zinc-700 ring-zinc-500/20" },
  failed: { label: "Error", class: "bg-red-50 text-red-800 ring-red-600/20" },
} as const;

export const STATUS_LABELS: Record<Import["status"], { label: string; class: string }> = {
  draft: { label: "Not started", class: "bg-zinc-100 text-zinc-700 ring-zinc-500/20" },
  running: { label: "Importing", class: "bg-indigo-50 text-indigo-800 ring-indigo-600/20" },
  done: { label: "Done", class: "bg-emerald-50 text-emerald-800 ring-emerald-600/20" },
  cancelled: { label: "Cancelled", class: "bg-amber-50 text-amber-800 ring-amber-600/20" },
  failed: { label: "Stopped", class: "bg-red-50 text-red-800 ring-red-600/20" },
};
