import { canonicalLanguage, isTimezone } from "../schemas/contacts";
import type { Proposal } from "../schemas/enrichment";
import { CONTROL } from "../lib/text";
import type { CallerDetails } from "./extraction";

const PLACEHOLDER = /^(unknown|n\/?a|none|null|undefined|caller|customer|client|anonymous|no name|not provided|not stated|unspecified|test|john doe|jane doe|-+|\?+)$/i;
const NAME = /^[\p{L}][\p{L}\p{M}'’. -]*$/u;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i;

function cleanText(value: string | null, max: number): string | null {
  if (value === null) return null;
  const v = value.trim();
  if (!v || v.length > max || CONTROL.test(v) || PLACEHOLDER.test(v)) return null;
  return v;
}

function cleanName(value: string | null): string | null {
  const v = cleanText(value, 60);
  return v && NAME.test(v) && /\p{L}{2,}|^\p{L}\.?$/u.test(v) ? v : null;
}

/**
 * The model only proposes: every value is checked here, and what fails is dropped and named.
 * Returns the fields that may be written and the names of the fields that were refused.
 */
export function validateDetails(d: CallerDetails): { proposal: Proposal; rejected: string[] } {
  const proposal: Proposal = {};
  const rejected: string[] = [];
  const take = (field: keyof Proposal, raw: string | null, value: string | null) => {
    if (raw === null || raw.trim() === "") return;
    if (value === null) rejected.push(field);
    else proposal[field] = value;
  };
  take("first_name", d.first_name, cleanName(d.first_name));
  take("last_name", d.last_name, cleanName(d.last_name));
  const email = cleanText(d.email, 254);
  take("email", d.email, email && EMAIL.test(email) ? email : null);
  take("company", d.company, cleanText(d.company, 200));
  take("job_title", d.job_title, cleanText(d.job_title, 200));
  const lang = cleanText(d.preferred_language, 35);
  take("preferred_language", d.preferred_language, lang && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(lang) ? canonicalLanguage(lang) : null);
  const tz = cleanText(d.timezone, 64);
  take("timezone", d.timezone, tz && isTimezone(tz) ? tz : null);
  if (d.gender !== null) {
    if (d.gender_confidence === "high") proposal.gender = d.gender;
    else rejected.push("gender");
  }
  if (d.pipeline_stage !== null) {
    if (["lead", "prospect", "qualified", "customer", "churned"].includes(d.pipeline_stage)) proposal.pipeline_stage = d.pipeline_stage;
    else rejected.push("pipeline_stage");
  }
  return { proposal, rejected };
}
