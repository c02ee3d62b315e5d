import { type EnrichMessage, enrichCall, recordDeadLetter } from "./enrichment/enrich";
import { type UpdateMemoryMessage, updateMemory } from "./messages/memory";
import { type SendSmsMessage, recordSmsDeadLetter, sendSms } from "./messages/send";

type Job = EnrichMessage | UpdateMemoryMessage | SendSmsMessage;
type Result = { ack: true } | { ack: false; delaySeconds: number };

const isJob = (body: unknown): body is Job => {
  const b = body as Partial<Record<string, unknown>> | null;
  if (!b || typeof b !== "object" || typeof b.organization_id !== "string") return false;
  if (b.type === "enrich_contact") return typeof b.call_id === "string";
  if (b.type === "update_memory") return typeof b.contact_id === "string";
  if (b.type === "send_sms") return typeof b.message_id === "string";
  return false;
};

async function run(env: Env, queue: string, job: Job, attempts: number): Promise<Result> {
  const deadLetter = queue.endsWith("-dlq");
  switch (job.type) {
    case "enrich_contact": {
      if (deadLetter) return recordDeadLetter(env, job).then(() => ({ ack: true }));
      const outcome = await enrichCall(env, job, attempts);
      // A call that taught us something about a known contact refreshes its memory.
      if (outcome.ack && outcome.contactId) {
        await env.ENRICHMENT_QUEUE.send({ type: "update_memory", organization_id: job.organization_id, contact_id: outcome.contactId });
      }
      return outcome;
    }
    case "update_memory":
      return deadLetter ? { ack: true } : updateMemory(env, job, attempts);
    case "send_sms":
      if (deadLetter) return recordSmsDeadLetter(env, job).then(() => ({ ack: true }));
      return sendSms(env, job, attempts);
  }
}

/** Consumer of contact-enrichment, sms-outbound and their dead-letter queues. */
export async function handleQueue(batch: MessageBatch, env: Env, _ctx?: ExecutionContext): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isJob(message.body)) {
        console.error(`unrecognized message on ${batch.queue}; dropping`, message.id);
        message.ack();
        return;
      }
      try {
        const result = await run(env, batch.queue, message.body, message.attempts);
        if (result.ack) message.ack();
        else message.retry({ delaySeconds: result.delaySeconds });
      } catch (err) {
        // Our own failure (D1 unavailable...): let the queue try again later.
        console.error(`${message.body.type} failed`, err);
        message.retry({ delaySeconds: 30 });
      }
    }),
  );
}
