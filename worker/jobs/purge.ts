import { orgStore } from "../store/client";

// The daily purge (a cron trigger): every organization's store drops trash and merge copies past
// their 30 days (their R2 objects go through the store's deletion outbox). The directory lists
// the organizations; stores are asked a few at a time, each a short transaction of its own.

const PAGE = 500;
const PARALLEL = 20;

export async function purgeAll(env: Env, now: Date): Promise<{ organizations: number; contacts: number; merges: number; failed: number }> {
  const totals = { organizations: 0, contacts: 0, merges: 0, failed: 0 };
  let after = "";
  for (;;) {
    const { results } = await env.DB.prepare("SELECT organization_id AS id FROM organization_directory WHERE organization_id > ? ORDER BY organization_id LIMIT ?")
      .bind(after, PAGE)
      .all<{ id: string }>();
    for (let i = 0; i < results.length; i += PARALLEL) {
      await Promise.all(
        results.slice(i, i + PARALLEL).map(async ({ id }) => {
          try {
            const purged = await orgStore(env, id).purgeExpired(now.toISOString());
            totals.organizations++;
            totals.contacts += purged.contacts;
            totals.merges += purged.merges;
          } catch (err) {
            // One organization's failure does not stop the others; tomorrow's run catches up.
            totals.failed++;
            console.error(`purge failed for organization ${id}`, err);
          }
        }),
      );
    }
    if (results.length < PAGE) return totals;
    after = results.at(-1)!.id;
  }
}
