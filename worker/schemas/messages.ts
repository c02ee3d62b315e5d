import { z } from "@hono/zod-openapi";
import { isoDateTime, multiLine, oneLine } from "../lib/text";
import { CallDetails, type StoredCallDetails } from "./calls";

export const MessageSchema = z
  .object({
    id: z.string(),
    contact_id: z.string().nullable(),
    direction: z.enum(["inbound", "outbound"]),
    from_phone: z.string(),
    to_phone: z.string(),
    body: z.string(),
    media_urls: z.array(z.string()).openapi({ description: "Where the provider served the media, as received" }),
    media: z
      .array(
        z.object({
          url: z.string().openapi({ description: "This API's copy (GET /api/messages/{id}/media/{position}); until copied it redirects to source_url" }),
          source_url: z.string(),
          content_type: z.string().nullable(),
          bytes: z.number().int().nullable(),
          stored: z.boolean(),
        }),
      )
      .openapi({ description: "The media with this API's copies" }),
    status: z.string().openapi({ description: "received | blocked | queued | sending | sent | delivered | undelivered | not_sent | failed" }),
    status_detail: z.string().nullable(),
    error_code: z.number().int().nullable().openapi({ description: "The carrier's error code with undelivered or failed (Twilio's, e.g. 30003)" }),
    provider: z.string().nullable(),
    provider_message_id: z.string().nullable(),
    sent_by: z.object({ user_id: z.string(), name: z.string() }).nullable(),
    created_at: z.string(),
    sent_at: z.string().nullable(),
  })
  .openapi("Message");
export type Message = z.infer<typeof MessageSchema>;

export const MAX_SMS_CHARS = 1_600;
const mediaUrl = z.string().url().max(2048).refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL");

export const InboundInput = z
  .object({
    from: oneLine().max(64),
    to: oneLine().max(64),
    body: multiLine().max(MAX_SMS_CHARS).default(""),
    media_urls: z.array(mediaUrl).max(10).default([]),
    provider_message_id: oneLine().trim().min(1).max(200).optional().openapi({ description: "Retries with the same id return the same message" }),
    received_at: isoDateTime.optional(),
  })
  .refine((m) => m.body.trim() || m.media_urls.length, { message: "a message needs a body or media" })
  .openapi("InboundMessage");

export const SendInput = z
  .object({
    body: multiLine().trim().min(1, "is required").max(MAX_SMS_CHARS),
    phone_id: z.string().uuid().optional().openapi({ description: "Which of the contact's phones; default the preferred one" }),
    line_id: z.string().uuid().optional().openapi({ description: "Which organization line sends it; default the first line" }),
  })
  .openapi("SendMessage");

export const FeedItem = z
  .object({
    kind: z.enum(["call", "message"]),
    id: z.string(),
    at: z.string(),
    call: z.union([CallDetails, z.null()]),
    message: z.union([MessageSchema, z.null()]),
  })
  .openapi("FeedItem");

export const cursorQuery = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).default(30).transform((n) => Math.min(n, 100)),
};

export type InboundInputT = z.output<typeof InboundInput>;
export type SendInputT = z.output<typeof SendInput>;
/** A feed item as the store has it: calls' transcriptions are read from R2 by the Worker. */
export type StoredFeedItem = Omit<z.infer<typeof FeedItem>, "call"> & { call: StoredCallDetails | null };
