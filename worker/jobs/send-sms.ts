import { backoffSeconds } from "../ai/llm";
import { nowIso } from "../lib/ids";
import { sendTwilioMessage, twilioConfigured } from "../integrations/twilio";
import type { StoreClient } from "../store/client";
import type { SendSmsJob } from "./queues";

export type SendOutcome = { ack: true; status: string } | { ack: false; delaySeconds: number };

/**
 * Sends one queued outbound SMS. The store's claim (queued → sending) means a redelivered or
 * concurrent message never sends twice; a send that was interrupted is marked failed, not retried.
 */
export async function sendSms(env: Env, store: StoreClient, job: SendSmsJob, attempts: number): Promise<SendOutcome> {
  const claim = await store.claimSend(job.message_id, twilioConfigured(env));
  if (claim.kind !== "claimed") return { ack: true, status: claim.kind === "finished" ? claim.status : "duplicate" };
  const finish = async (status: string, detail: string, extra?: { provider?: string; providerMessageId?: string; sentAt?: string }) => {
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
  return finish("failed", `failed: Twilio ${res.status}${body.code ? ` ${body.code}` : ""}: ${body.message ?? "refused"}`, { provider: "twilio" });
}
