import { capitalize } from "../../lib/text";

// Words and dates for the contact detail page, in the reader's locale and time zone.

const time = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dayThisYear = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric" });
const dayOtherYear = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", year: "numeric" });
const shortDate = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

/** The local calendar day of an instant, as YYYY-MM-DD: the key that groups a timeline. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function dayLabel(iso: string, now = new Date()): string {
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) return "Yesterday";
  const d = new Date(iso);
  return (d.getFullYear() === now.getFullYear() ? dayThisYear : dayOtherYear).format(d);
}

const monthDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

/** Compact: the time for today, "Nov 3" this year, "Nov 3, 2024" before. */
export function shortStamp(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (dayKey(iso) === dayKey(now.toISOString())) return time.format(d);
  return d.getFullYear() === now.getFullYear() ? monthDay.format(d) : shortDate.format(d);
}

export const timeOfDay = (iso: string) => time.format(new Date(iso));
export const dateOnly = (iso: string) => shortDate.format(new Date(iso));
/** For title attributes: the exact moment behind a short label. */
export const fullDate = (iso: string) => full.format(new Date(iso));

export function duration(seconds: number | null): string | null {
  if (seconds === null) return null;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (m === 0) return `${s} s`;
  if (m < 60) return s ? `${m} min ${s} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Consecutive items that fall on the same local day, in the order given. */
export function groupByDay<T>(items: T[], at: (item: T) => string): { key: string; label: string; items: T[] }[] {
  const groups: { key: string; label: string; items: T[] }[] = [];
  for (const item of items) {
    const key = dayKey(at(item));
    const last = groups.at(-1);
    if (last?.key === key) last.items.push(item);
    else groups.push({ key, label: dayLabel(at(item)), items: [item] });
  }
  return groups;
}

const languageNames = (() => {
  try {
    return new Intl.DisplayNames(undefined, { type: "language" });
  } catch {
    return null;
  }
})();

/** "Portuguese (Brazil)" for "pt-BR"; the tag itself when the browser has no name for it. */
export function languageName(tag: string): string {
  try {
    return languageNames?.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export const TIME_ZONES: readonly string[] = (() => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
})();

/** The contact's local time now, e.g. "3:42 PM", or null for an unknown zone. */
export function localTime(timeZone: string, now = new Date()): string | null {
  try {
    return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone }).format(now);
  } catch {
    return null;
  }
}

/**
 * A number as a call recorded it ("+1 415 555 0132", "(415) 555-0132"), shown the way the
 * contact's own phone list shows it when it is one of them.
 */
export function knownNumber(raw: string | null, phones: readonly { phone_number: string; formatted: string }[]): string | null {
  if (!raw) return null;
  const digits = raw.replace(/\D/g, "");
  if (digits.length < 7) return raw;
  return phones.find((p) => p.phone_number.replace(/\D/g, "").endsWith(digits))?.formatted ?? raw;
}

export const STATUS_LABELS = {
  active: "Active",
  inactive: "Inactive",
  do_not_contact: "Do not contact",
  archived: "Archived",
} as const;

export const PIPELINE_STAGES = ["lead", "prospect", "qualified", "customer", "churned"] as const;

export type MessageTone = "progress" | "done" | "warning" | "error";

/**
 * What happened to an outbound message, in words: "Queued", "Sending…", "Sent",
 * "Not sent: Priya Shah is marked Do not contact: no texts.", "Failed: Twilio 21211: …", "Not delivered: Twilio 30003: …".
 * The server's detail usually starts with the status already ("not sent: …").
 */
export function messageStatus(status: string, detail: string | null): { label: string; tone: MessageTone } {
  const said = (prefix: string, fallback: string) => {
    const rest = detail?.replace(new RegExp(`^${prefix}:?\\s*`, "i"), "").trim();
    return rest ? `${fallback}: ${rest}` : fallback;
  };
  switch (status) {
    case "queued":
      // A provider error being retried: "retrying: Twilio error 503".
      return { label: detail?.startsWith("retrying:") ? `Queued (retrying: ${detail.slice(9).trim()})` : "Queued", tone: "progress" };
    case "sending":
      return { label: "Sending…", tone: "progress" };
    case "sent":
      return { label: "Sent", tone: "done" };
    case "delivered":
      // Twilio's "read" (WhatsApp and RCS) is a delivery the recipient opened.
      return { label: detail === "delivered and read" ? "Delivered · Read" : "Delivered", tone: "done" };
    case "undelivered":
      // "undelivered: Twilio 30003: the handset is unreachable (off or out of coverage)"
      return { label: said("undelivered", "Not delivered"), tone: "error" };
    case "not_sent":
      return { label: said("not sent", "Not sent"), tone: "warning" };
    case "failed":
      return { label: said("failed", "Failed"), tone: "error" };
    default:
      return { label: capitalize(status.replaceAll("_", " ")), tone: "progress" };
  }
}

/** Media links from the pipeline are http(s); demo data uses paths on this site. Nothing else is shown. */
export const safeMediaUrl = (url: string) => /^(https?:\/\/|\/(?!\/))/i.test(url);
