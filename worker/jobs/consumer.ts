import { Problem } from "../lib/problem";
import { orgStore } from "../store/client";
import { ORGANIZATION_DELETED } from "../store/org-store";
import { deliverWebhook } from "./deliver-webhook";
import { enrichCall } from "./enrich";
import { fetchMedia, fetchMediaDeadLetter } from "./fetch-media";
import { updateMemory } from "./memory";
import { Job, enqueue } from "./queues";
import { sendSms } from "./send-sms";

type Result = { ack: true } | { ack: false; delaySeconds: number };

async function run(env: Env, queue: string, job: Job, attempts: number): Promise<Result> {
  const deadLetter = queue.endsWith("-dlq");
  const store = orgStore(env, job.organization_id);
  switch (job.type) {
    case "enrich_contact": {
      if (deadLetter) return store.enrichmentDeadLetter(job.call_id).then(() => ({ ack: true }));
      const outcome = await enrichCall(env, store, job, attempts);
      // A call that taught us something about a known contact refreshes its memory.
      if (outcome.ack && outcome.contactId) {
        await enqueue(env, { type: "update_memory", organization_id: job.organization_id, contact_id: outcome.contactId });
      }
      return outcome;
    }
    case "update_memory":
      return deadLetter ? { ack: true } : updateMemory(env, store, job, attempts);
    case "send_sms":
      if (deadLetter) return store.sendDeadLetter(job.message_id).then(() => ({ ack: true }));
      return sendSms(env, store, job, attempts);
    case "fetch_media":
      if (deadLetter) return fetchMediaDeadLetter(store, job).then(() => ({ ack: true }));
      return fetchMedia(env, store, job, attempts);
    case "deliver_webhook":
      return deliverWebhook(env, store, job);
  }
}

/** Consumer of contact-enrichment, sms-outbound, media-fetch (and their dead-letter queues) and webhook-deliveries. */
export async function handleQueue(batch: MessageBatch, env: Env, _ctx?: ExecutionContext): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = Job.safeParse(message.body);
      if (!parsed.success) {
        console.error(`unrecognized message on ${batch.queue}; dropping`, message.id);
        message.ack();
        return;
      }
      try {
        const result = await run(env, batch.queue, parsed.data, message.attempts);
        if (result.ack) message.ack();
        else message.retry({ delaySeconds: result.delaySeconds });
      } catch (err) {
        if (err instanceof Problem && err.extra.code === ORGANIZATION_DELETED) {
          message.ack();
          return;
        }
        // Our own failure (the store unavailable...): let the queue try again later.
        console.error(`${parsed.data.type} failed`, err);
        message.retry({ delaySeconds: 30 });
      }
    }),
  );
}
