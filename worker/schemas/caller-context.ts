import { z } from "@hono/zod-openapi";
import { ContactStatusSchema } from "./contacts";
import { oneLine } from "../lib/text";

export const CallerContextInput = z
  .object({
    phone: oneLine().max(64).openapi({ description: "The contact's number: the caller of an inbound call, the callee of an outbound one", example: "+1 (555) 123-4567" }),
    to_phone: oneLine().max(64).optional().openapi({ description: "The organization's number the call is on (dialed, or calling from)" }),
    direction: z.enum(["inbound", "outbound"]).default("inbound"),
  })
  .openapi("CallerContextInput");
export type CallerContextInputT = z.output<typeof CallerContextInput>;

export const CallerContext = z
  .object({
    contact_id: z.string().nullable().openapi({ description: "Null only for a withheld or unparseable number (nothing is created)" }),
    known: z.boolean().openapi({ description: "False when the contact was created by this request (a new number) or there is none" }),
    reason: z.enum(["withheld", "invalid", "blocked"]).nullable(),
    blocked: z.boolean().openapi({ description: "The number is on the organization's block list: nothing was resolved or created" }),
    phone: z.string().openapi({ description: "E.164 when the number could be read, else as sent" }),
    first_name: z.string(),
    last_name: z.string(),
    full_name: z.string(),
    company: z.string().nullable(),
    job_title: z.string().nullable(),
    status: ContactStatusSchema.nullable(),
    may_contact: z.boolean().openapi({ description: "False for do-not-contact and archived contacts" }),
    opted_out_of: z.array(z.enum(["sms", "voice", "email"])).openapi({ description: "Channels the contact has opted out of (the consent ledger): do not offer to text them after the call, say" }),
    preferred_language: z.string().nullable(),
    timezone: z.string().nullable().openapi({ description: "The contact's time zone, else the one their number's area has" }),
    local_time: z.string().nullable().openapi({ description: "The contact's local date-time with its offset, when their time zone is known" }),
    memory: z.string().nullable(),
    open_todos: z.array(z.object({ id: z.string(), title: z.string(), due_at: z.string().nullable() })),
    recent_calls: z.array(
      z.object({
        id: z.string(),
        started_at: z.string(),
        direction: z.enum(["inbound", "outbound"]),
        duration_seconds: z.number().int().nullable(),
        summary: z.string().nullable().openapi({ description: "The latest analysis summary of the call" }),
      }),
    ),
    call_count: z.number().int().openapi({ description: "Calls on record with this contact" }),
    tags: z.array(z.string()),
    assigned_members: z.array(z.object({ member_id: z.string(), name: z.string() })),
    line: z.string().nullable().openapi({ description: "The organization's line the call is on, by name" }),
    dynamic_variables: z
      .record(z.string(), z.string())
      .openapi({ description: "The same facts as strings, for prompt templates (Retell requires string values); absent facts are empty strings" }),
  })
  .openapi("CallerContext");
export type CallerContextT = z.infer<typeof CallerContext>;

/** What the store answers: the context without its flattened variables (the Worker adds them). */
export type CallerFacts = Omit<CallerContextT, "dynamic_variables">;
