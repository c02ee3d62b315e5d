interface Named {
  first_name: string;
  last_name: string;
}

const isPlaceholder = (s: string) => !s.trim() || s.trim().toLowerCase() === "unknown";

/** The person's name; empty for a stub (both names empty or "Unknown", as the server's enrichment sees it). */
export function personName(c: Named): string {
  if (isPlaceholder(c.first_name) && isPlaceholder(c.last_name)) return "";
  return `${c.first_name} ${c.last_name}`.trim();
}

/** The person's name, else the company; empty for a stub that only has a phone number. */
export const displayName = (c: Named & { company: string | null }) => personName(c) || c.company || "";

interface Preferable {
  is_preferred: boolean;
}

/** The preferred phone, else the first one. */
export const preferredPhone = <P extends Preferable>(c: { phones: P[] }) => c.phones.find((p) => p.is_preferred) ?? c.phones[0];

/** The preferred email, else the first one. */
export const preferredEmail = <E extends Preferable>(c: { emails: E[] }) => c.emails.find((e) => e.is_preferred) ?? c.emails[0];

export function initials(name: string): string {
  const words = name.split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? "";
  const last = words.length > 1 ? (words.at(-1)?.[0] ?? "") : "";
  return (first + last).toUpperCase();
}
