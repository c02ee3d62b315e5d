import { Problem } from "../lib/problem";
import { orgStore } from "../store/client";
import { ORGANIZATION_DELETED } from "../store/org-store";
import { deliverWebhooks } from "./deliver-webhook";
import { enrichCall } from "./enrich";
import { fetchMedia, fetchMediaDeadLetter } from "./fetch-media";
import { importDeadLetter, runImport } from "./import";
import { updateMemory } from "./memory";
import { type DeliverWebhookJob, Job, enqueue } from "./queues";
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
    case "import_contacts":
      if (deadLetter) return importDeadLetter(store, job).then(() => ({ ack: true }));
      return runImport(env, store, job);
    case "deliver_webhook":
      // Batched per organization by handleQueue; a lone one (a test) goes the same way.
      return deliverWebhooks(env, store, [job]).then(() => ({ ack: true }));
  }
}

/** Consumer of contact-enrichment, sms-outbound, media-fetch, contact-imports (and their dead-letter queues) and webhook-deliveries. */
export async function handleQueue(batch: MessageBatch, env: Env, _ctx?: ExecutionContext): Promise<void> {
  const parsed: { message: Message; job: Job }[] = [];
  for (const message of batch.messages) {
    const job = Job.safeParse(message.body);
    if (job.success) parsed.push({ message, job: job.data });
    else {
      console.error(`unrecognized message on ${batch.queue}; dropping`, message.id);
      message.ack();
    }
  }
  // Webhook deliveries: one claim and one record call per organization for the whole batch.
  const hooks = new Map<string, { message: Message; job: DeliverWebhookJob }[]>();
  const others: { message: Message; job: Job }[] = [];
  for (const item of parsed) {
    if (item.job.type === "deliver_webhook") hooks.set(item.job.organization_id, [...(hooks.get(item.job.organization_id) ?? []), { message: item.message, job: item.job }]);
    else others.push(item);
  }
  await Promise.all([
    ...[...hooks].map(([organizationId, items]) =>
      settle(
        items.map((i) => i.message),
        "deliver_webhook",
        () => deliverWebhooks(env, orgStore(env, organizationId), items.map((i) => i.job)).then(() => ({ ack: true as const })),
      ),
    ),
    ...others.map(({ message, job }) => settle([message], job.type, () => run(env, batch.queue, job, message.attempts))),
  ]);
}

/** Acks or retries `messages` by what `work` came to; our own failure (the store unavailable...) retries later. */
async function settle(messages: Message[], type: string, work: () => Promise<Result>) {
  try {
    const result = await work();
    for (const m of messages) {
      if (result.ack) m.ack();
      else m.retry({ delaySeconds: result.delaySeconds });
    }
  } catch (err) {
    if (err instanceof Problem && err.extra.code === ORGANIZATION_DELETED) {
      for (const m of messages) m.ack();
      return;
    }
    console.error(`${type} failed`, err);
    for (const m of messages) m.retry({ delaySeconds: 30 });
  }
}
