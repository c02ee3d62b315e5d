import { type EnrichMessage, enrichCall, recordDeadLetter } from "./enrichment/enrich";

export const ENRICHMENT_QUEUE_NAME = "contact-enrichment";
export const ENRICHMENT_DLQ_NAME = "contact-enrichment-dlq";

const isEnrichMessage = (body: unknown): body is EnrichMessage =>
  typeof body === "object" && body !== null && (body as EnrichMessage).type === "enrich_contact" &&
  typeof (body as EnrichMessage).call_id === "string" && typeof (body as EnrichMessage).organization_id === "string";

export async function handleQueue(batch: MessageBatch, env: Env, _ctx?: ExecutionContext): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isEnrichMessage(message.body)) {
        console.error(`unrecognized message on ${batch.queue}; dropping`, message.id);
        message.ack();
        return;
      }
      if (batch.queue === ENRICHMENT_DLQ_NAME) {
        await recordDeadLetter(env, message.body);
        message.ack();
        return;
      }
      try {
        const outcome = await enrichCall(env, message.body, message.attempts);
        if (outcome.ack) message.ack();
        else message.retry({ delaySeconds: outcome.delaySeconds });
      } catch (err) {
        // Our own failure (D1 unavailable...): let the queue try again later.
        console.error("enrichment failed", err);
        message.retry({ delaySeconds: 30 });
      }
    }),
  );
}
