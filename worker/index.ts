import { app } from "./app";
import { handleQueue } from "./jobs/consumer";
import { purgeAll } from "./jobs/purge";

export { OrgStore } from "./store/org-store";

export default {
  fetch: app.fetch,
  queue: handleQueue,
  // The daily purge of trash and merge copies older than 30 days (wrangler.toml: triggers.crons).
  scheduled: (controller, env, ctx) => ctx.waitUntil(purgeAll(env, new Date(controller.scheduledTime)).then((t) => console.log("purge", JSON.stringify(t)))),
} satisfies ExportedHandler<Env>;
