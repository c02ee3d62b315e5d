// The bench's bare baseline Worker: no Hono app, no authentication. Bundled with
// `wrangler deploy --dry-run` against a generated config (scripts/bench/resolve.ts) and run next
// to the app's Worker with its own --persist-to. Plain JavaScript: the scripts' typecheck
// (types: node) has no Workers runtime types.
//
//   GET /do-ping                one call to an empty method of an empty SQLite Durable Object:
//                               the least any request that reaches a store pays (the reference
//                               row of the resolve and tenants sections);
//   POST /do-ping               the same call from a POST whose JSON body ({"phone"}) is read
//                               first: what a resolve's request shape alone adds to it;
//   POST /do-write              the same POST, the object writing the phone as one row of a
//                               one-table database (committed before it answers): the least any
//                               request that writes to a store pays;
//   GET /copy-id?name=N         the id of StoreCopy N, so the bench can put a copy of a store's
//                               file where local Durable Objects keep that object's SQLite,
//                               before the object first runs;
//   POST /copy/N/resolve        the store's own resolveCaller in StoreCopy N ({"phone"}), new
//                               numbers batched per turn of the event loop as the store does;
//   GET /copy/N/list/ROUTE?...  the store's own listContacts / listAssignments in StoreCopy N,
//                               the query parsed by the app's own zod schemas (ROUTE = list or
//                               assignments): the same store code as the app's routes, minus
//                               the app's HTTP layers (router, middleware, auth, RPC answer wrapping);
//   POST /copy/N/exec           the given statements as raw SQL in one transaction in StoreCopy N
//                               ({"statements"}; answers row counts): workerd's own SQL time;
//   POST /copy/N/explain        EXPLAIN QUERY PLAN and rows read by workerd's SQLite ({"statements"});
//   any other GET               this Worker's own no-op.
import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { AssignmentQuery } from "../../worker/schemas/assignments";
import { ContactListQuery } from "../../worker/schemas/contacts";
import { listAssignments } from "../../worker/store/assignments";
import { TurnBatch } from "../../worker/lib/turn-batch";
import { lookupCaller, resolveCaller } from "../../worker/store/calls";
import { listContacts } from "../../worker/store/contacts";
import { StoreContext } from "../../worker/store/context";
import * as schema from "../../worker/store/schema";

/** Nothing in it (but one table for write()): what one Durable Object call costs. */
export class EmptyObject extends DurableObject {
  /** @param {DurableObjectState} ctx @param {unknown} env */
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY, phone TEXT NOT NULL)");
  }

  ping() {
    return 1;
  }

  /** One row written in one transaction (as a store's calls are), answered once it commits. @param {string} phone */
  write(phone) {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => sql.exec("INSERT INTO writes (phone) VALUES (?)", phone).rowsWritten);
  }
}

/**
 * Whatever store file the bench copied to this object's path (already migrated), run with the
 * store's own modules, each call one transactionSync as the OrgStore's are.
 */
export class StoreCopy extends DurableObject {
  /** @param {DurableObjectState} ctx @param {unknown} env */
  constructor(ctx, env) {
    super(ctx, env);
    this.s = new StoreContext(drizzle(ctx.storage, { schema }), ctx.storage.sql, ctx.id.name ?? "copy", () => {});
    /** @type {TurnBatch<string, import("../../worker/store/calls").Resolution>} */
    this.newCallers = new TurnBatch((phones) =>
      ctx.storage.transactionSync(() => phones.map((p) => ctx.storage.transactionSync(() => resolveCaller(this.s, p, "inbound_call")))),
    );
  }

  /**
   * As the store's resolve: a known number answered at once, new numbers gathered for a turn of
   * the event loop and their stubs written in one transaction, each in its own savepoint.
   * @param {string} phone
   */
  resolve(phone) {
    const found = this.ctx.storage.transactionSync(() => lookupCaller(this.s, phone));
    /** @param {import("../../worker/store/calls").Resolution} r */
    const answer = (r) => ({ contact_id: r.contactId, created: r.created });
    return "stubFor" in found ? this.newCallers.add(phone).then(answer) : answer(found);
  }

  /** @param {"list" | "assignments"} route @param {any} query */
  list(route, query) {
    return this.ctx.storage.transactionSync(() => (route === "assignments" ? listAssignments(this.s, query) : listContacts(this.s, query, null)));
  }

  /** The same statements as raw SQL (no drizzle, no answer building), in one transaction: row counts only. @param {string[]} statements */
  exec(statements) {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => statements.map((text) => sql.exec(text).toArray().length));
  }

  /** @param {string[]} statements */
  explain(statements) {
    const sql = this.ctx.storage.sql;
    return statements.map((text) => {
      const plan = sql.exec(`EXPLAIN QUERY PLAN ${text}`).toArray();
      const cursor = sql.exec(text);
      const rows = cursor.toArray().length;
      return { plan, rows, rowsRead: cursor.rowsRead };
    });
  }
}

// idFromName hashes the name: the app keeps its ids per isolate too (worker/store/client.ts).
const ids = new Map();
/** @param {any} ns @param {string} name */
const idOf = (ns, name) => {
  let id = ids.get(name);
  if (!id) ids.set(name, (id = ns.idFromName(name)));
  return id;
};

export default {
  /**
   * @param {Request} request
   * @param {{ EMPTY: any, COPY: any }} env
   */
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/do-ping" && request.method === "POST") {
      const { phone } = await request.json();
      return Response.json({ ok: await env.EMPTY.get(idOf(env.EMPTY, "bench")).ping(), phone });
    }
    if (url.pathname === "/do-write" && request.method === "POST") {
      const { phone } = await request.json();
      return Response.json({ ok: await env.EMPTY.get(idOf(env.EMPTY, "bench")).write(phone), phone });
    }
    if (url.pathname === "/do-ping") return Response.json({ ok: await env.EMPTY.get(idOf(env.EMPTY, "bench")).ping() });
    if (url.pathname === "/copy-id") return Response.json({ id: env.COPY.idFromName(url.searchParams.get("name")).toString() });
    const m = /^\/copy\/([^/]+)\/(resolve|exec|explain|list\/(list|assignments))$/.exec(url.pathname);
    if (m) {
      const copy = env.COPY.get(idOf(env.COPY, decodeURIComponent(m[1])));
      if (m[2] === "resolve") return Response.json(await copy.resolve((await request.json()).phone));
      if (m[2] === "exec") return Response.json(await copy.exec((await request.json()).statements));
      if (m[2] === "explain") return Response.json(await copy.explain((await request.json()).statements));
      const route = m[3];
      const params = Object.fromEntries(url.searchParams);
      const query = (route === "assignments" ? AssignmentQuery : ContactListQuery).parse(params);
      const { rows_read, ...answer } = await copy.list(route, query);
      // The contact list's store answer is its JSON text already (as the app's route sends it).
      const body = route === "list" ? answer.page : JSON.stringify(answer);
      return new Response(body, { headers: { "content-type": "application/json", "x-rows-read": String(rows_read) } });
    }
    return Response.json({ ok: true });
  },
};
