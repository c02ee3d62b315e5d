import { app } from "./app";
import { handleQueue } from "./queues";

export { PhoneDirectory } from "./phone-directory";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;
