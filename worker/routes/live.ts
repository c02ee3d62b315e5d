import { Hono } from "hono";
import { isAppOrigin, memberOnly, sessionOf } from "../auth/guard";
import type { AppEnv } from "../http/env";
import { Problem } from "../lib/problem";
import { openLiveSocket } from "../store/client";

/**
 * GET /api/live: a signed-in member's WebSocket to the active organization's store, which pushes
 * `{"events": [{type, data}, ...]}` after every committed change (the webhook event types, and
 * note.updated, note.deleted, todo.reopened, message.queued, memory.updated). The browser sends "ping" and gets
 * "pong". The page must be this app's own (Origin), since browsers send cookies with WebSockets
 * from any site.
 */
export const liveRoutes = new Hono<AppEnv>().get("/live", memberOnly, async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new Problem(426, "Open this URL as a WebSocket.");
  if (!isAppOrigin(c, c.req.header("origin"))) throw new Problem(403, "Live updates are for this app's own pages (Origin).");
  const p = sessionOf(c.var.principal);
  return openLiveSocket(c.env, p.organizationId, p.memberId);
});
