import { app } from "./app";

export { PhoneDirectory } from "./phone-directory";

export default {
  fetch: app.fetch,
  async queue(batch) {
    // Message handlers are registered per queue in worker/queues.ts as features land.
    for (const message of batch.messages) {
      console.warn(`no handler for queue ${batch.queue}; acking`, message.id);
      message.ack();
    }
  },
} satisfies ExportedHandler<Env>;
