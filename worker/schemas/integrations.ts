import { z } from "@hono/zod-openapi";
import { oneLine } from "../lib/text";

const secret = (description: string) => oneLine().trim().min(8, "looks too short to be a real key").max(500).openapi({ description });
const name = oneLine().trim().min(1).max(100).optional().openapi({ description: "How Settings shows it; default the platform's name" });

export const IntegrationInput = z
  .discriminatedUnion("provider", [
    z.object({ provider: z.literal("retell"), name, api_key: secret("The Retell API key that signs Retell's webhooks (x-retell-signature)") }),
    z.object({
      provider: z.literal("vapi"),
      name,
      secret: secret("The secret Vapi sends with each server message (X-Vapi-Secret, or a Bearer token)"),
      assistant_id: oneLine().trim().min(1).max(100).openapi({ description: "The Vapi assistant that answers an assistant-request" }),
    }),
    z.object({
      provider: z.literal("twilio"),
      name,
      account_sid: z
        .string()
        .trim()
        .regex(/^AC[0-9a-fA-F]{32}$/, "is a Twilio Account SID: AC followed by 32 hexadecimal characters")
        .openapi({ description: "The Twilio account that sends the organization's texts and signs Twilio's webhooks" }),
      auth_token: secret("The account's Auth Token: Twilio signs its webhooks with it (X-Twilio-Signature), and sends use it"),
      keyword_replies: z.boolean().default(false).openapi({
        description: "Answer STOP, START and HELP with a confirmation in TwiML. Leave off while Twilio's own opt-out handling (Advanced Opt-Out) answers them",
      }),
    }),
  ])
  .openapi("IntegrationInput");
export type IntegrationInputT = z.output<typeof IntegrationInput>;

export const IntegrationSchema = z
  .object({
    id: z.string(),
    provider: z.enum(["retell", "vapi", "twilio"]),
    name: z.string(),
    webhook_url: z.string().openapi({
      description: "Paste this into the platform: Retell's agent webhook URL, Vapi's Server URL, or the Twilio number's \"A message comes in\" webhook",
    }),
    status_url: z.string().nullable().openapi({ description: "Twilio: where delivery receipts (status callbacks) arrive; sends ask for them there by themselves" }),
    assistant_id: z.string().nullable(),
    account_sid: z.string().nullable(),
    keyword_replies: z.boolean(),
    created_at: z.string(),
    last_event_at: z.string().nullable(),
    last_event: z.string().nullable(),
    last_error_at: z.string().nullable(),
    last_error: z.string().nullable(),
  })
  .openapi("Integration");
export type IntegrationT = z.infer<typeof IntegrationSchema>;

/** What the store keeps of an integration's traffic. */
export interface IntegrationStatusT {
  integration_id: string;
  last_event_at: string | null;
  last_event: string | null;
  last_error_at: string | null;
  last_error: string | null;
}
