import { z } from "@hono/zod-openapi";
import { isoDateTime, multiLine } from "../lib/text";

export const CONSENT_CHANNELS = ["sms", "voice", "email"] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const CONSENT_SOURCES = ["keyword", "carrier", "call_transcript", "user", "api", "import"] as const;

export const ConsentEntrySchema = z
  .object({
    id: z.number().int(),
    channel: z.enum(CONSENT_CHANNELS),
    action: z.enum(["opted_in", "opted_out", "help"]).openapi({ description: "help: the contact texted HELP or INFO (the status does not change)" }),
    source: z.enum(CONSENT_SOURCES),
    message_id: z.string().nullable().openapi({ description: "The text that carried it (a keyword, a carrier error)" }),
    call_id: z.string().nullable().openapi({ description: "The call whose transcript carried it" }),
    evidence: z.string().nullable().openapi({ description: "The words: the keyword as texted, the quote from the call, the carrier's error" }),
    note: z.string().nullable(),
    recorded_by: z.object({ user_id: z.string(), name: z.string() }).nullable(),
    created_at: z.string(),
  })
  .openapi("ConsentEntry");
export type ConsentEntryT = z.infer<typeof ConsentEntrySchema>;

const ChannelStatus = z.object({
  status: z.enum(["opted_in", "opted_out", "unknown"]),
  since: z.string().nullable(),
  source: z.enum(CONSENT_SOURCES).nullable(),
});

export const ConsentSchema = z
  .object({
    contact_id: z.string(),
    channels: z.object({ sms: ChannelStatus, voice: ChannelStatus, email: ChannelStatus }),
    history: z.array(ConsentEntrySchema).openapi({ description: "Every change, newest first (append-only)" }),
  })
  .openapi("Consent");
export type ConsentT = z.infer<typeof ConsentSchema>;

export const ConsentInput = z
  .object({
    channel: z.enum(CONSENT_CHANNELS),
    status: z.enum(["opted_in", "opted_out"]),
    source: z.enum(["user", "api", "import"]).optional().openapi({ description: "Default: user for a person, api for an API key" }),
    note: multiLine().trim().max(500).optional().openapi({ description: "How it was given or withdrawn; required to opt someone in" }),
  })
  .refine((v) => v.status !== "opted_in" || (v.note ?? "").length > 0, { path: ["note"], message: "is required to opt a contact in: say how they gave consent" })
  .openapi("ConsentInput");
export type ConsentInputT = z.output<typeof ConsentInput>;

export const OutboundCheckInput = z
  .object({
    contact_id: z.string().uuid().optional(),
    phone: z.string().min(1).max(40).optional().openapi({ description: "The number to text or call, when there is no contact id" }),
    channel: z.enum(["sms", "voice"]),
    at: isoDateTime.optional().openapi({ description: "When it would go out (default now)" }),
  })
  // Nothing else: there is no override.
  .strict()
  .refine((v) => (v.contact_id === undefined) !== (v.phone === undefined), { message: "give contact_id or phone, one of them", path: ["contact_id"] })
  .openapi("OutboundCheckInput");
export type OutboundCheckInputT = z.output<typeof OutboundCheckInput>;

export const OUTBOUND_REASONS = ["do_not_contact", "archived", "opted_out", "quiet_hours", "blocked"] as const;

export const OutboundCheckSchema = z
  .object({
    allowed: z.boolean(),
    reasons: z.array(z.object({ code: z.enum(OUTBOUND_REASONS), message: z.string() })).openapi({ description: "Why not, in words; empty when allowed" }),
    contact_id: z.string().nullable(),
    time_zone: z.string().openapi({ description: "The time zone quiet hours were applied in" }),
    time_zone_source: z.enum(["contact", "number", "organization", "utc"]).openapi({ description: "Where that time zone came from" }),
    local_time: z.string().openapi({ description: "The contact's local time then (ISO 8601 with offset)" }),
    next_allowed_at: z.string().nullable().openapi({ description: "When quiet hours end (UTC); null when allowed, or when only a change of consent or status would allow it" }),
  })
  .openapi("OutboundCheck");
export type OutboundCheckT = z.infer<typeof OutboundCheckSchema>;
