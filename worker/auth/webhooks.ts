import { eq } from "drizzle-orm";
import type { Db } from "../global/db";
import { type IntegrationProvider, integrations } from "../global/schema";
import { notFound } from "../lib/problem";
import { decryptSecret } from "../lib/secrets";
import { BoundedCache } from "./principals";

export type Integration = typeof integrations.$inferSelect & { secret: string };

/**
 * Voice platforms call their integration's URL many times a call (ring, start, end, analysis):
 * each isolate remembers an integration and its decrypted secret for a minute. Deleting one
 * evicts it here; elsewhere its URL stops working within the minute.
 */
const CACHE_MS = 60_000;
const cache = new BoundedCache<{ integration: Integration; until: number }>(1000);

export function forgetIntegration(id: string) {
  cache.delete(id);
}

/** The integration a webhook URL names, with its secret; 404 for an unknown one or the wrong platform. */
export async function integrationFor(env: Env, db: Db, provider: IntegrationProvider, id: string): Promise<Integration> {
  const hit = cache.get(id);
  if (hit && hit.until > Date.now() && hit.integration.provider === provider) return hit.integration;
  const [row] = await db.select().from(integrations).where(eq(integrations.id, id)).limit(1);
  if (!row || row.provider !== provider) throw notFound("Integration");
  const integration = { ...row, secret: await decryptSecret(env, row.secretCiphertext, row.id) };
  cache.set(id, { integration, until: Date.now() + CACHE_MS });
  return integration;
}
