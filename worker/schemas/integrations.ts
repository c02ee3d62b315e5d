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
  ])
  .openapi("IntegrationInput");
export type IntegrationInputT = z.output<typeof IntegrationInput>;

export const IntegrationSchema = z
  .object({
    id: z.string(),
    provider: z.enum(["retell", "vapi"]),
    name: z.string(),
    webhook_url: z.string().openapi({ description: "Paste this into the platform: Retell's agent webhook URL, or Vapi's Server URL" }),
    assistant_id: z.string().nullable(),
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
