import { and, eq } from "drizzle-orm";
import type { Db } from "../global/db";
import { type IntegrationProvider, integrations } from "../global/schema";
import { notFound } from "../lib/problem";
import { type TwilioAccount, integrationStatusUrl, platformTwilioAccount } from "../integrations/twilio";
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

export function forgetIntegration(id: string, organizationId?: string) {
  cache.delete(id);
  if (organizationId) accounts.delete(organizationId);
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

async function twilioIntegrationOf(db: Db, organizationId: string) {
  const [row] = await db
    .select()
    .from(integrations)
    .where(and(eq(integrations.organizationId, organizationId), eq(integrations.provider, "twilio")))
    .limit(1);
  return row;
}

/** An organization's own Twilio account (its integration), or null for none. */
type OwnAccount = { sid: string; token: string; integrationId: string } | null;
const accounts = new BoundedCache<{ own: OwnAccount; until: number }>(1000);

/**
 * The Twilio account an organization texts through: its Twilio integration's (remembered for a
 * minute per isolate, like an integration), else the platform's default, else none.
 */
export async function twilioAccountFor(env: Env, db: Db, organizationId: string): Promise<TwilioAccount | null> {
  const hit = accounts.get(organizationId);
  let own = hit && hit.until > Date.now() ? hit.own : undefined;
  if (own === undefined) {
    const row = await twilioIntegrationOf(db, organizationId);
    own = row ? { sid: row.accountSid ?? "", token: await decryptSecret(env, row.secretCiphertext, row.id), integrationId: row.id } : null;
    accounts.set(organizationId, { own, until: Date.now() + CACHE_MS });
  }
  return own ? { ...own, statusUrl: integrationStatusUrl(env, own.integrationId) } : platformTwilioAccount(env, organizationId);
}
