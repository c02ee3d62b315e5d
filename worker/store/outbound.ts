import { sql } from "drizzle-orm";
import { notFound } from "../lib/problem";
import { zoneOfNumber } from "../lib/number-zones";
import { isZone, localIso, wallClock, window } from "../lib/timezone";
import type { ConsentEntryT, OutboundCheckInputT, OutboundCheckT } from "../schemas/consent";
import { currentConsent } from "./consent";
import type { StoreContext } from "./context";

// The one outbound gate: may this contact (or number) be texted or called at this moment? Sending
// a text asks it when the text is queued and again just before it goes out; the dialer asks it
// through POST /api/outbound/check. Do-not-contact and opt-outs cannot be overridden.

type Reason = OutboundCheckT["reasons"][number];

const CHANNEL_WORDS = { sms: "texts", voice: "calls" } as const;

const dateWords = (iso: string) => new Date(iso).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** How an opt-out came about, in words. */
function optOutWords(e: ConsentEntryT): string {
  const when = dateWords(e.created_at);
  switch (e.source) {
    case "keyword":
      return `replied “${e.evidence ?? "STOP"}” on ${when}`;
    case "carrier":
      return `the carrier reported an opt-out on ${when}${e.evidence ? ` (${e.evidence})` : ""}`;
    case "call_transcript":
      return `asked on a call on ${when}${e.evidence ? `: “${e.evidence}”` : ""}`;
    case "user":
      return `recorded by ${e.recorded_by?.name ?? "a team member"} on ${when}`;
    default:
      return `recorded through the ${e.source === "import" ? "import" : "API"} on ${when}`;
  }
}

const clock = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return `${((h! + 11) % 12) + 1}:${String(m).padStart(2, "0")} ${h! < 12 ? "AM" : "PM"}`;
};

interface Target {
  contactId: string | null;
  name: string;
  status: string | null;
  timezone: string | null;
  phone: string | null;
}

function target(s: StoreContext, input: OutboundCheckInputT): Target {
  if (input.contact_id) {
    const c = s.get<{ id: string; name: string; status: string; timezone: string | null; phone: string | null }>(sql`
      SELECT c.id, trim(c.first_name || ' ' || c.last_name) AS name, c.status, c.timezone,
        (SELECT phone_number FROM contact_phones p WHERE p.contact_id = c.id ORDER BY p.is_preferred DESC, p.created_at LIMIT 1) AS phone
      FROM contacts c WHERE c.id = ${input.contact_id}`);
    if (!c) throw notFound("Contact");
    return { contactId: c.id, name: c.name || "This contact", status: c.status, timezone: c.timezone, phone: c.phone };
  }
  const parsed = s.parsePhone(input.phone ?? "");
  const phone = parsed.ok ? parsed.phone.e164 : null;
  const c = phone
    ? s.get<{ id: string; name: string; status: string; timezone: string | null }>(sql`
        SELECT c.id, trim(c.first_name || ' ' || c.last_name) AS name, c.status, c.timezone FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE p.phone_number = ${phone}`)
    : undefined;
  return { contactId: c?.id ?? null, name: c?.name || (c ? "This contact" : "This number"), status: c?.status ?? null, timezone: c?.timezone ?? null, phone };
}

/** The time zone quiet hours apply in: the contact's, else the number's area's, else the organization's, else UTC. */
function zoneFor(s: StoreContext, t: Target): { zone: string; source: OutboundCheckT["time_zone_source"]; words: string } {
  if (t.timezone && isZone(t.timezone)) return { zone: t.timezone, source: "contact", words: "their time zone" };
  const fromNumber = t.phone ? zoneOfNumber(t.phone) : null;
  if (fromNumber) return { zone: fromNumber, source: "number", words: "the time zone of their phone number" };
  const org = s.quietHours().timezone;
  if (org && isZone(org)) return { zone: org, source: "organization", words: "the organization's time zone" };
  return { zone: "UTC", source: "utc", words: "UTC, since no time zone is known" };
}

export function checkOutbound(s: StoreContext, input: OutboundCheckInputT): OutboundCheckT {
  const at = input.at ? new Date(input.at) : new Date();
  const t = target(s, input);
  const reasons: Reason[] = [];
  const what = CHANNEL_WORDS[input.channel];
  if (t.status === "do_not_contact") reasons.push({ code: "do_not_contact", message: `${t.name} is marked Do not contact: no ${what}.` });
  if (t.status === "archived") reasons.push({ code: "archived", message: `${t.name} is archived: no ${what}.` });
  if (t.phone && s.isBlocked(t.phone)) reasons.push({ code: "blocked", message: `${t.phone} is on the organization's block list: no ${what}.` });
  const consent = t.contactId ? currentConsent(s, t.contactId, input.channel) : null;
  if (consent?.action === "opted_out") reasons.push({ code: "opted_out", message: `${t.name} opted out of ${what} (${optOutWords(consent)}).` });

  const { zone, source, words } = zoneFor(s, t);
  const hours = s.quietHours();
  const w = window(at, zone, hours.start, hours.end);
  let nextAllowed: string | null = null;
  if (!w.open) {
    const local = wallClock(at, zone);
    const now = `${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")}`;
    nextAllowed = w.nextOpen?.toISOString() ?? null;
    reasons.push({
      code: "quiet_hours",
      message: `It is ${clock(now)} for ${t.name === "This number" ? "this number" : t.name} (${zone}, ${words}); ${what} go out between ${clock(hours.start)} and ${clock(hours.end)} — next at ${clock(hours.start)} their time.`,
    });
  }
  // Only quiet hours end by themselves: a do-not-contact or an opt-out needs a change first.
  const permanent = reasons.some((r) => r.code !== "quiet_hours");
  return {
    allowed: reasons.length === 0,
    reasons,
    contact_id: t.contactId,
    time_zone: zone,
    time_zone_source: source,
    local_time: localIso(at, zone),
    next_allowed_at: permanent ? null : nextAllowed,
  };
}
