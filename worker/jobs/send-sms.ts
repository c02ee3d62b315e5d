import { backoffSeconds } from "../ai/llm";
import { nowIso } from "../lib/ids";
import { twilioAccountFor } from "../auth/webhooks";
import { createDb } from "../global/db";
import { TWILIO_UNSUBSCRIBED, sendTwilioMessage, twilioErrorWords } from "../integrations/twilio";
import type { StoreClient } from "../store/client";
import type { SendSmsJob } from "./queues";

export type SendOutcome = { ack: true; status: string } | { ack: false; delaySeconds: number };

/**
 * Sends one queued outbound SMS through the organization's Twilio account (its integration's, else
 * the platform's), asking for delivery receipts. The store's claim (queued → sending) means a
 * redelivered or concurrent message never sends twice; a send that was interrupted is marked
 * failed, not retried.
 */
export async function sendSms(env: Env, store: StoreClient, job: SendSmsJob, attempts: number): Promise<SendOutcome> {
  const account = await twilioAccountFor(env, createDb(env.DB), job.organization_id);
  const claim = await store.claimSend(job.message_id, account !== null);
  // Quiet hours began after it was queued: it goes out when they end (a queue delay is at most 12 h).
  if (claim.kind === "wait") return { ack: false, delaySeconds: Math.min(43_200, Math.max(60, Math.ceil((Date.parse(claim.until) - Date.now()) / 1000))) };
  // (Without an account the claim has already settled the message as not sent.)
  if (claim.kind !== "claimed" || !account) return { ack: true, status: claim.kind === "finished" ? claim.status : "duplicate" };
  const finish = async (status: string, detail: string, extra?: { provider?: string; providerMessageId?: string; sentAt?: string; errorCode?: number; carrierOptOut?: string }) => {
    await store.finishSend(job.message_id, status, detail, extra);
    return { ack: true as const, status };
  };
  const retry = async (reason: string, retryAfter = 0): Promise<SendOutcome> => {
    await store.retrySend(job.message_id, reason);
    return { ack: false, delaySeconds: backoffSeconds(attempts, retryAfter) };
  };

  let sent;
  try {
    sent = await sendTwilioMessage(env, account, { id: job.message_id, to: claim.to, from: claim.from, body: claim.body, mediaUrls: claim.mediaUrls });
  } catch (err) {
    return retry(`could not reach Twilio (${err instanceof Error ? err.name : "error"})`);
  }
  const { res, body } = sent;
  if (res.ok && body.sid) return finish("sent", `twilio: ${body.status ?? "accepted"}`, { provider: "twilio", providerMessageId: body.sid, sentAt: nowIso() });
  if (res.status === 429 || res.status >= 500) return retry(`Twilio error ${res.status}`, Number(res.headers.get("retry-after")) || 0);
  const code = typeof body.code === "number" ? body.code : null;
  const detail = `failed: ${twilioErrorWords(code, body.message ?? `Twilio answered ${res.status}`)}`;
  // 21610: the recipient replied STOP to this sender; Twilio refuses until they reply START.
  const carrierOptOut = code === TWILIO_UNSUBSCRIBED ? `Twilio error ${code}: ${body.message ?? "unsubscribed recipient"}` : undefined;
  return finish("failed", detail, { provider: "twilio", ...(code !== null && { errorCode: code }), carrierOptOut });
}
