// The events an endpoint can subscribe to (README: "Webhooks"). No imports: the web app's
// Settings lists them too.

export const EVENT_TYPES = [
  "contact.created",
  "contact.updated",
  "contact.deleted",
  "contact.opted_out",
  "contact.opted_in",
  "call.recorded",
  "call.transcribed",
  "call.enriched",
  "message.received",
  "message.sent",
  "message.delivered",
  "message.failed",
  "note.created",
  "todo.created",
  "todo.completed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Sent only by "send test event", to the one endpoint. */
export const TEST_EVENT = "webhook.test";
