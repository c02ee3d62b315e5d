import { z } from "zod";

// Every background job, typed once: the producers send these, the consumer parses them.

export const EnrichContactJob = z.object({ type: z.literal("enrich_contact"), organization_id: z.string().min(1), call_id: z.string().min(1) });
export const UpdateMemoryJob = z.object({ type: z.literal("update_memory"), organization_id: z.string().min(1), contact_id: z.string().min(1) });
export const SendSmsJob = z.object({ type: z.literal("send_sms"), organization_id: z.string().min(1), message_id: z.string().min(1) });
export const FetchMediaJob = z.object({ type: z.literal("fetch_media"), organization_id: z.string().min(1), message_id: z.string().min(1) });

export const ImportContactsJob = z.object({ type: z.literal("import_contacts"), organization_id: z.string().min(1), import_id: z.string().min(1) });

export const DeliverWebhookJob = z.object({ type: z.literal("deliver_webhook"), organization_id: z.string().min(1), delivery_id: z.string().min(1) });

export const Job = z.discriminatedUnion("type", [EnrichContactJob, UpdateMemoryJob, SendSmsJob, FetchMediaJob, DeliverWebhookJob, ImportContactsJob]);
export type Job = z.infer<typeof Job>;
export type EnrichContactJob = z.infer<typeof EnrichContactJob>;
export type UpdateMemoryJob = z.infer<typeof UpdateMemoryJob>;
export type SendSmsJob = z.infer<typeof SendSmsJob>;
export type FetchMediaJob = z.infer<typeof FetchMediaJob>;
export type DeliverWebhookJob = z.infer<typeof DeliverWebhookJob>;
export type ImportContactsJob = z.infer<typeof ImportContactsJob>;

/** The producer bindings, typed with the jobs each queue carries (wrangler types them Queue<unknown>). */
interface Producers {
  ENRICHMENT_QUEUE: Queue<EnrichContactJob | UpdateMemoryJob>;
  SMS_QUEUE: Queue<SendSmsJob>;
  MEDIA_QUEUE: Queue<FetchMediaJob>;
  WEBHOOK_QUEUE: Queue<DeliverWebhookJob>;
  IMPORT_QUEUE: Queue<ImportContactsJob>;
}

export async function enqueue(env: Env, job: Job, options?: QueueSendOptions): Promise<void> {
  const queues = env as unknown as Producers;
  switch (job.type) {
    case "enrich_contact":
    case "update_memory":
      return queues.ENRICHMENT_QUEUE.send(job, options).then(() => undefined);
    case "send_sms":
      return queues.SMS_QUEUE.send(job, options).then(() => undefined);
    case "fetch_media":
      return queues.MEDIA_QUEUE.send(job, options).then(() => undefined);
    case "deliver_webhook":
      return queues.WEBHOOK_QUEUE.send(job, options).then(() => undefined);
    case "import_contacts":
      return queues.IMPORT_QUEUE.send(job, options).then(() => undefined);
  }
}

/** Many jobs of one kind (sendBatch takes at most 100 messages a call). */
export async function enqueueAll(env: Env, jobs: FetchMediaJob[]): Promise<void> {
  const queue = (env as unknown as Producers).MEDIA_QUEUE;
  for (let i = 0; i < jobs.length; i += 100) await queue.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
}

/** Webhook deliveries of one organization (at most 100, one sendBatch). */
export async function enqueueWebhookDeliveries(env: Env, organizationId: string, deliveryIds: string[]): Promise<void> {
  const queue = (env as unknown as Producers).WEBHOOK_QUEUE;
  await queue.sendBatch(deliveryIds.map((id) => ({ body: { type: "deliver_webhook" as const, organization_id: organizationId, delivery_id: id } })));
}
