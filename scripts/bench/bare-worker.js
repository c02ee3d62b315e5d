// The resolve benchmark's baselines, in a bare Worker (no authentication, no router, no region
// lookup): POST does ONE call of the app's resolveInD1 (worker/contacts/resolve.ts), i.e. one
// atomic D1 batch of the same conditional-insert SQL that POST /api/contacts/resolve ends in for
// a new number, without a Durable Object; GET /do-ping makes one call to an empty Durable Object
// method, the cost every resolve that reaches the PhoneDirectory pays on top. Bundled with
// `wrangler deploy --dry-run` against a generated config that binds the bench's D1 database
// (see scripts/bench/resolve.ts). Plain JavaScript: the scripts' typecheck (types: node) has no
// Workers runtime types, which the imported worker modules need.
import { DurableObject } from "cloudflare:workers";
import { resolveInD1 } from "../../worker/contacts/resolve";
import { createDb } from "../../worker/db/client";

/**
 * GET /do-ping measures the cost of one call into a Durable Object (an empty method); POST
 * /via-do the least any design that resolves new numbers in a Durable Object can cost: one DO
 * call whose method runs the same one D1 batch.
 */
export class Pinger extends DurableObject {
  async ping() {
    return 1;
  }

  /** @param {string} organizationId @param {{ e164: string, digits: string, nationalDigits: string }} parsed */
  async resolve(organizationId, parsed) {
    return resolveInD1(createDb(this.env.DB), organizationId, parsed, "inbound_call");
  }
}

export default {
  /**
   * POST {"phone": "+12127001234"} (an E.164 NANP number) -> {"contact_id", "created"}.
   * POST /via-do, the same body -> the same answer, the batch run inside the Pinger object.
   * GET /do-ping -> {"ok": 1} from an empty Durable Object method.
   * Any other GET -> {"ok": true} (this Worker's own no-op).
   * @param {Request} request
   * @param {{ DB: unknown, ORGANIZATION_ID: string, PINGER: any }} env
   */
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "GET" && url.pathname === "/do-ping") {
      const ok = await env.PINGER.get(env.PINGER.idFromName("bench")).ping();
      return Response.json({ ok });
    }
    if (request.method !== "POST") return Response.json({ ok: true });
    const { phone } = await request.json();
    const digits = String(phone).replace(/\D/g, "");
    const parsed = { e164: `+${digits}`, digits, nationalDigits: digits.slice(1) };
    const r =
      url.pathname === "/via-do"
        ? await env.PINGER.get(env.PINGER.idFromName("bench")).resolve(env.ORGANIZATION_ID, parsed)
        : await resolveInD1(createDb(env.DB), env.ORGANIZATION_ID, parsed, "inbound_call");
    return Response.json({ contact_id: r.contactId, created: r.created });
  },
};
