import { backoffSeconds } from "../ai/llm";
import { nowIso } from "../lib/ids";
import { sendTwilioMessage, twilioConfigured } from "../integrations/twilio";
import type { StoreClient } from "../store/client";
import type { SendSmsJob } from "./queues";

/** Twilio's error for a recipient who has unsubscribed (replied STOP) from the sending number. */
const TWILIO_UNSUBSCRIBED = 21610;

export type SendOutcome = { ack: true; status: string } | { ack: false; delaySeconds: number };

/**
 * Sends one queued outbound SMS. The store's claim (queued → sending) means a redelivered or
 * concurrent message never sends twice; a send that was interrupted is marked failed, not retried.
 */
export async function sendSms(env: Env, store: StoreClient, job: SendSmsJob, attempts: number): Promise<SendOutcome> {
  const claim = await store.claimSend(job.message_id, twilioConfigured(env));
  // Quiet hours began after it was queued: it goes out when they end (a queue delay is at most 12 h).
  if (claim.kind === "wait") return { ack: false, delaySeconds: Math.min(43_200, Math.max(60, Math.ceil((Date.parse(claim.until) - Date.now()) / 1000))) };
  if (claim.kind !== "claimed") return { ack: true, status: claim.kind === "finished" ? claim.status : "duplicate" };
  const finish = async (status: string, detail: string, extra?: { provider?: string; providerMessageId?: string; sentAt?: string; carrierOptOut?: string }) => {
    await store.finishSend(job.message_id, status, detail, extra);
    return { ack: true as const, status };
  };
  const retry = async (reason: string, retryAfter = 0): Promise<SendOutcome> => {
    await store.retrySend(job.message_id, reason);
    return { ack: false, delaySeconds: backoffSeconds(attempts, retryAfter) };
  };

  let sent;
  try {
    sent = await sendTwilioMessage(env, claim.to, claim.from, claim.body, claim.mediaUrls);
  } catch (err) {
    return retry(`could not reach Twilio (${err instanceof Error ? err.name : "error"})`);
  }
  const { res, body } = sent;
  if (res.ok && body.sid) return finish("sent", `twilio: ${body.status ?? "accepted"}`, { provider: "twilio", providerMessageId: body.sid, sentAt: nowIso() });
  if (res.status === 429 || res.status >= 500) return retry(`Twilio error ${res.status}`, Number(res.headers.get("retry-after")) || 0);
  // 21610: the recipient replied STOP to this sender; Twilio refuses until they reply START.
  if (body.code === TWILIO_UNSUBSCRIBED) {
    return finish("failed", `failed: Twilio ${res.status} ${body.code}: ${body.message ?? "the recipient has opted out"}`, { provider: "twilio", carrierOptOut: `Twilio error ${body.code}: ${body.message ?? "unsubscribed recipient"}` });
  }
  return finish("failed", `failed: Twilio ${res.status}${body.code ? ` ${body.code}` : ""}: ${body.message ?? "refused"}`, { provider: "twilio" });
}
