// The resolve benchmark's baselines: a bare Worker whose only work per POST is ONE call of the
// app's resolveInD1 (worker/contacts/resolve.ts), i.e. one atomic D1 batch of the same
// conditional-insert SQL that POST /api/contacts/resolve ends in for a new number (no
// authentication, no region lookup, no Durable Object, no router), and whose GET /reads does
// only the two D1 reads the resolve route makes before the Durable Object. Bundled with
// `wrangler deploy --dry-run` against a generated config that binds the bench's D1 database
// (see scripts/bench/resolve.ts). Plain JavaScript: the scripts' typecheck (types: node) has no
// Workers runtime types, which the imported worker modules need.
import { eq } from "drizzle-orm";
import { getRegion } from "../../worker/contacts/load";
import { resolveInD1 } from "../../worker/contacts/resolve";
import { createDb } from "../../worker/db/client";
import { apiKeys } from "../../worker/db/schema";

export default {
  /**
   * POST {"phone": "+12127001234"} (an E.164 NANP number) -> {"contact_id", "created"}.
   * GET /reads?key_hash=H -> the two single-row D1 reads POST /api/contacts/resolve makes before
   * it reaches the Durable Object (the API-key lookup of worker/lib/guard.ts, then getRegion of
   * worker/contacts/load.ts), one round trip each, as the app does them.
   * Any other GET -> {"ok": true} (this Worker's own no-op).
   * @param {Request} request
   * @param {{ DB: unknown, ORGANIZATION_ID: string }} env
   */
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "GET" && url.pathname === "/reads") {
      const db = createDb(env.DB);
      const [key] = await db
        .select({ id: apiKeys.id, organizationId: apiKeys.organizationId, lastUsedAt: apiKeys.lastUsedAt })
        .from(apiKeys)
        .where(eq(apiKeys.keyHash, url.searchParams.get("key_hash") ?? ""))
        .limit(1);
      if (!key) return Response.json({ error: "no such key" }, { status: 401 });
      const region = await getRegion(db, key.organizationId);
      return Response.json({ organization_id: key.organizationId, region });
    }
    if (request.method !== "POST") return Response.json({ ok: true });
    const { phone } = await request.json();
    const digits = String(phone).replace(/\D/g, "");
    const parsed = { e164: `+${digits}`, digits, nationalDigits: digits.slice(1) };
    const r = await resolveInD1(createDb(env.DB), env.ORGANIZATION_ID, parsed, "inbound_call");
    return Response.json({ contact_id: r.contactId, created: r.created });
  },
};
