import { app } from "./app";
import { handleQueue } from "./jobs/consumer";

export { OrgStore } from "./store/org-store";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;
