import type { Contact } from "./api";

/** The person's name, else the company; empty for a stub that only has a phone number. */
export const displayName = (c: Contact) => `${c.first_name} ${c.last_name}`.trim() || c.company || "";

export const preferredPhone = (c: Contact) => c.phones.find((p) => p.is_preferred) ?? c.phones[0];

export function initials(name: string): string {
  const words = name.split(/\s+/).filter(Boolean);
  const first = words[0]?.[0] ?? "";
  const last = words.length > 1 ? (words.at(-1)?.[0] ?? "") : "";
  return (first + last).toUpperCase();
}

export const preferredEmail = (c: Contact) => c.emails.find((e) => e.is_preferred) ?? c.emails[0];
