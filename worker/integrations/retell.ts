import { z } from "zod";
import { type PlatformCall, httpsUrl } from "./platform";

// Retell AI's webhooks, as Retell documents them (docs.retellai.com: secure-webhook,
// webhook-overview, inbound-call-webhook) and its SDK (retell-sdk, lib/webhook_auth) checks them.

/** Retell's tolerance for the signature's timestamp, either way. */
const FIVE_MINUTES = 5 * 60 * 1000;
const encoder = new TextEncoder();

/**
 * `x-retell-signature: v=<ms timestamp>,d=<hex HMAC-SHA256(api key, raw body + timestamp)>`,
 * within five minutes of now. The raw body as received, never re-serialized JSON.
 */
export async function verifyRetellSignature(rawBody: string, apiKey: string, header: string | undefined, now = Date.now()): Promise<boolean> {
  const match = /^v=(\d+),d=([0-9a-f]{64})$/i.exec(header ?? "");
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (!Number.isSafeInteger(timestamp) || Math.abs(now - timestamp) > FIVE_MINUTES) return false;
  const digest = Uint8Array.from({ length: 32 }, (_, i) => Number.parseInt(match[2]!.slice(i * 2, i * 2 + 2), 16));
  const key = await crypto.subtle.importKey("raw", encoder.encode(apiKey), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return crypto.subtle.verify("HMAC", key, digest, encoder.encode(rawBody + timestamp));
}

const Call = z
  .object({
    call_id: z.string().min(1).max(200),
    direction: z.enum(["inbound", "outbound"]).default("inbound"),
    from_number: z.string().max(64).default(""),
    to_number: z.string().max(64).default(""),
    start_timestamp: z.number().optional(),
    end_timestamp: z.number().optional(),
    duration_ms: z.number().optional(),
    transcript: z.string().optional(),
    recording_url: z.string().max(2048).optional(),
    disconnection_reason: z.string().optional(),
    call_analysis: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const Chat = z
  .object({
    chat_id: z.string().min(1).max(200),
    transcript: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    start_timestamp: z.number().optional(),
  })
  .loose();

const Inbound = z.object({ from_number: z.string().max(64), to_number: z.string().max(64).default("") }).loose();

export const RetellEvent = z.discriminatedUnion("event", [
  z.object({ event: z.literal("call_inbound"), call_inbound: Inbound }).loose(),
  z.object({ event: z.literal("chat_inbound"), chat_inbound: Inbound }).loose(),
  z.object({ event: z.enum(["call_started", "call_ended", "call_analyzed"]), call: Call }).loose(),
  z.object({ event: z.enum(["chat_ended", "chat_analyzed"]), chat: Chat }).loose(),
]);
export type RetellEvent = z.infer<typeof RetellEvent>;

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A call event as a call to record: keyed on Retell's call id, so retries and events make one row. */
export function retellCall(event: Extract<RetellEvent, { call: unknown }>): PlatformCall {
  const call = event.call;
  const duration = call.duration_ms ?? (call.start_timestamp && call.end_timestamp ? call.end_timestamp - call.start_timestamp : undefined);
  return {
    externalId: `retell:${call.call_id}`,
    direction: call.direction,
    contactPhone: call.direction === "outbound" ? call.to_number : call.from_number,
    linePhone: call.direction === "outbound" ? call.from_number : call.to_number,
    fromPhone: call.from_number,
    toPhone: call.to_number,
    startedAt: iso(call.start_timestamp),
    endedAt: event.event === "call_started" ? undefined : iso(call.end_timestamp),
    durationSeconds: duration === undefined ? undefined : Math.round(duration / 1000),
    transcript: call.transcript?.trim() ? call.transcript : undefined,
    recordingUrl: httpsUrl(call.recording_url),
    analysis: call.call_analysis ? { analyzer: "retell", results: { ...call.call_analysis, disconnection_reason: call.disconnection_reason } } : undefined,
  };
}

/** "User: …" / "Agent: …" lines of a chat transcript as messages, in order. */
export function retellChatTurns(transcript: string): { direction: "inbound" | "outbound"; body: string }[] {
  const turns: { direction: "inbound" | "outbound"; body: string }[] = [];
  for (const line of transcript.split(/\r?\n/)) {
    const match = /^(User|Agent):\s?(.*)$/i.exec(line);
    if (match) turns.push({ direction: match[1]!.toLowerCase() === "user" ? "inbound" : "outbound", body: match[2] ?? "" });
    else if (turns.length && line.trim()) turns.at(-1)!.body += `\n${line}`;
  }
  return turns.filter((t) => t.body.trim());
}
