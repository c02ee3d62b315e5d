import { and, eq, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { contacts, messages } from "../db/schema";
import { nowIso } from "../lib/ids";
import { backoffSeconds } from "../lib/llm";

export interface SendSmsMessage {
  type: "send_sms";
  organization_id: string;
  message_id: string;
}

export type SendOutcome = { ack: true; status: string } | { ack: false; delaySeconds: number };

/** A sender that stopped mid-send: after this long we cannot know whether the SMS left. */
const SENDING_LEASE_MS = 10 * 60_000;
export const NO_PROVIDER = "not sent: no SMS provider configured";
export const UNSENDABLE_STATUSES = ["do_not_contact", "archived"] as const;

async function twilioSend(env: Env, to: string, from: string, body: string, mediaUrls: string[]) {
  const form = new URLSearchParams({ To: to, From: from, Body: body });
  for (const url of mediaUrls) form.append("MediaUrl", url);
  const base = (env.TWILIO_BASE_URL || "https://api.twilio.com").replace(/\/$/, "");
  return fetch(`${base}/2010-04-01/Accounts/${encodeURIComponent(env.TWILIO_ACCOUNT_SID ?? "")}/Messages.json`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: form,
    signal: AbortSignal.timeout(15_000),
  });
}

/**
 * Sends one queued outbound SMS. The claim (queued → sending) means a redelivered or concurrent
 * message never sends twice; a send that was interrupted is marked unknown, not retried.
 */
export async function sendSms(env: Env, job: SendSmsMessage, attempts: number): Promise<SendOutcome> {
  const db = createDb(env.DB);
  const where = and(eq(messages.id, job.message_id), eq(messages.organizationId, job.organization_id));
  const [claimed] = await db
    .update(messages)
    .set({ status: "sending", updatedAt: nowIso() })
    .where(and(where, eq(messages.status, "queued"), eq(messages.direction, "outbound")))
    .returning();
  if (!claimed) {
    await db
      .update(messages)
      .set({ status: "failed", statusDetail: "failed: sending was interrupted; not retried to avoid a duplicate", updatedAt: nowIso() })
      .where(and(where, eq(messages.status, "sending"), sql`updated_at < ${new Date(Date.now() - SENDING_LEASE_MS).toISOString()}`));
    return { ack: true, status: "duplicate" };
  }
  const finish = async (status: string, detail: string | null, extra: Partial<typeof messages.$inferInsert> = {}) => {
    await db.update(messages).set({ status, statusDetail: detail, updatedAt: nowIso(), ...extra }).where(where);
    return { ack: true as const, status };
  };

  // The contact may have become do-not-contact after the message was queued.
  const [contact] = claimed.contactId
    ? await db.select({ status: contacts.status }).from(contacts).where(eq(contacts.id, claimed.contactId))
    : [];
  if (!contact) return finish("not_sent", "not sent: the contact no longer exists");
  if ((UNSENDABLE_STATUSES as readonly string[]).includes(contact.status)) {
    return finish("not_sent", `not sent: the contact is ${contact.status.replace(/_/g, " ")}`);
  }
  if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN) return finish("not_sent", NO_PROVIDER);

  let res: Response;
  try {
    res = await twilioSend(env, claimed.toPhone, claimed.fromPhone, claimed.body, claimed.mediaUrls);
  } catch (err) {
    return retry(`could not reach Twilio (${err instanceof Error ? err.name : "error"})`);
  }
  const body = (await res.json().catch(() => ({}))) as { sid?: string; status?: string; code?: number; message?: string };
  if (res.ok && body.sid) {
    return finish("sent", `twilio: ${body.status ?? "accepted"}`, { provider: "twilio", providerMessageId: body.sid, sentAt: nowIso() });
  }
  if (res.status === 429 || res.status >= 500) return retry(`Twilio error ${res.status}`, Number(res.headers.get("retry-after")) || 0);
  return finish("failed", `failed: Twilio ${res.status}${body.code ? ` ${body.code}` : ""}: ${body.message ?? "refused"}`, { provider: "twilio" });

  async function retry(reason: string, retryAfter = 0): Promise<SendOutcome> {
    await db.update(messages).set({ status: "queued", statusDetail: `retrying: ${reason}`, updatedAt: nowIso() }).where(where);
    return { ack: false, delaySeconds: backoffSeconds(attempts, retryAfter) };
  }
}

/** Dead-lettered sends: say so on the message. */
export async function recordSmsDeadLetter(env: Env, job: SendSmsMessage): Promise<void> {
  await createDb(env.DB).run(
    sql`UPDATE messages SET status = 'failed', updated_at = ${nowIso()},
      status_detail = 'failed: gave up after repeated provider errors' || CASE WHEN status_detail LIKE 'retrying: %'
        THEN ' (last: ' || substr(status_detail, 11) || ')' ELSE '' END
      WHERE id = ${job.message_id} AND organization_id = ${job.organization_id} AND status IN ('queued', 'sending')`,
  );
}
