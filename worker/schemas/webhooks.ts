import { z } from "@hono/zod-openapi";
import { oneLine } from "../lib/text";
import { EVENT_TYPES } from "./event-types";

export { EVENT_TYPES, TEST_EVENT, type EventType } from "./event-types";

const url = oneLine()
  .trim()
  .max(2000)
  .refine((v) => URL.canParse(v), "must be an absolute URL")
  .openapi({ description: "Where events are POSTed: https, on a public address", example: "https://example.com/hooks/contacts" });
const eventTypes = z
  .array(z.enum(EVENT_TYPES))
  .min(1, "subscribe to at least one event type")
  .transform((types) => [...new Set(types)])
  .openapi({ description: "The event types this endpoint receives" });
const description = oneLine().trim().max(200).openapi({ description: "A note for admins: what this endpoint is" });

export const WebhookEndpointInput = z.object({ url, event_types: eventTypes, description: description.optional() }).openapi("WebhookEndpointInput");
export type WebhookEndpointInputT = z.output<typeof WebhookEndpointInput>;

export const WebhookEndpointUpdate = z
  .object({
    url: url.optional(),
    event_types: eventTypes.optional(),
    description: description.optional(),
    enabled: z.boolean().optional().openapi({ description: "Re-enabling clears the reason the system disabled it for" }),
  })
  .refine((v) => Object.keys(v).length > 0, "nothing to change")
  .openapi("WebhookEndpointUpdate");
export type WebhookEndpointUpdateT = z.output<typeof WebhookEndpointUpdate>;

export const WebhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    event_types: z.array(z.enum(EVENT_TYPES)),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable().openapi({ description: "Why the system disabled it (410 Gone, or failing for a day)" }),
    disabled_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    last_delivery_at: z.string().nullable(),
    last_delivery_status: z.enum(["pending", "queued", "sending", "succeeded", "failed"]).nullable(),
  })
  .openapi("WebhookEndpoint");
export type WebhookEndpointT = z.infer<typeof WebhookEndpointSchema>;

export const WebhookEndpointCreated = WebhookEndpointSchema.extend({
  secret: z.string().openapi({ description: "The signing secret (whsec_…): shown this once, never again" }),
}).openapi("WebhookEndpointCreated");

export const WebhookAttemptSchema = z
  .object({
    attempt: z.number().int(),
    at: z.string(),
    status_code: z.number().int().nullable().openapi({ description: "The endpoint's HTTP status; null when no answer came (timeout, connection error, refused address)" }),
    duration_ms: z.number().int(),
    response_excerpt: z.string().nullable().openapi({ description: "The start of the endpoint's answer (at most 1 KiB)" }),
    error: z.string().nullable(),
  })
  .openapi("WebhookAttempt");

export const WebhookDeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string().openapi({ description: "The webhook-id header: the same on every attempt and redelivery" }),
    event_type: z.string(),
    status: z.enum(["pending", "queued", "sending", "succeeded", "failed"]),
    attempts: z.array(WebhookAttemptSchema),
    next_attempt_at: z.string().nullable().openapi({ description: "When a pending delivery is tried next" }),
    created_at: z.string(),
  })
  .openapi("WebhookDelivery");
export type WebhookDeliveryT = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryPage = z
  .object({ data: z.array(WebhookDeliverySchema), next_cursor: z.string().nullable() })
  .openapi("WebhookDeliveryPage");
