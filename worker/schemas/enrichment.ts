/** The columns enrichment may fill, and only when empty. */
export interface Proposal {
  first_name?: string;
  last_name?: string;
  email?: string;
  company?: string;
  job_title?: string;
  preferred_language?: string;
  timezone?: string;
  gender?: string;
  pipeline_stage?: string;
}

/** A stub has no real name: both names empty or "Unknown" (any case, trimmed). */
export function hasStubName(first: string | null, last: string | null): boolean {
  const blank = (v: string | null) => !v || v.trim() === "" || v.trim().toLowerCase() === "unknown";
  return blank(first) && blank(last);
}

