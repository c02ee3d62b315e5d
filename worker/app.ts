import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { bodyLimit } from "hono/body-limit";
import { getAuth } from "./auth/auth";
import { writeProtection } from "./auth/guard";
import { authOpenApi } from "./auth/openapi";
import { forgetSession } from "./auth/principals";
import { createDb } from "./global/db";
import type { AppEnv } from "./http/env";
import { Problem, problemResponse } from "./lib/problem";
import { addressesRoutes } from "./routes/addresses";
import { activityRoutes, historyRoutes } from "./routes/activity";
import { mergesRoutes } from "./routes/merges";
import { trashRoutes } from "./routes/trash";
import { apiKeysRoutes } from "./routes/api-keys";
import { assignmentsRoutes } from "./routes/assignments";
import { backupRoutes } from "./routes/backup";
import { callerContextRoutes } from "./routes/caller-context";
import { callsRoutes } from "./routes/calls";
import { contactsRoutes } from "./routes/contacts";
import { emailsRoutes } from "./routes/emails";
import { integrationsRoutes } from "./routes/integrations";
import { twilioRoutes } from "./routes/twilio";
import { privacyRoutes } from "./routes/privacy";
import { importsRoutes } from "./routes/imports";
import { MAX_IMPORT_BYTES } from "./lib/import-csv";
import { viewsRoutes } from "./routes/views";
import { bulkRoutes } from "./routes/bulk";
import { blockedNumbersRoutes } from "./routes/blocked-numbers";
import { consentRoutes } from "./routes/consent";
import { liveRoutes } from "./routes/live";
import { webhookEndpointsRoutes } from "./routes/webhook-endpoints";
import { webhooksRoutes } from "./routes/webhooks";
import { membersRoutes } from "./routes/members";
import { messagesRoutes } from "./routes/messages";
import { notesRoutes } from "./routes/notes";
import { organizationRoutes } from "./routes/organization";
import { phoneLinesRoutes } from "./routes/phone-lines";
import { phonesRoutes } from "./routes/phones";
import { tagsRoutes } from "./routes/tags";
import { todosRoutes } from "./routes/todos";

export const MAX_BODY_BYTES = 256 * 1024;
const RESTORE_PATH = "/api/restore";
/** POST /api/imports takes a CSV file up to MAX_IMPORT_BYTES. */
const IMPORT_PATH = "/api/imports";
const WEBHOOK_PATH = /^\/api\/integrations\/(retell|vapi)\//;
export const MAX_WEBHOOK_BYTES = 10 * 1024 * 1024;

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Contacts API",
    version: "1.0.0",
    description:
      "Contacts of an AI phone platform. Sign in through /api/auth (cookie session) or send an organization API key as `Authorization: Bearer <key>` on pipeline routes. Errors are application/problem+json.",
    license: { name: "Proprietary", url: "https://contacts.example.com/terms" },
  },
  servers: [{ url: "/", description: "The origin that serves this document" }],
};

/**
 * Scalar's viewer settings. Its light theme draws secondary text and the HTTP method badges below
 * WCAG AA contrast (3.2:1 and 3.9:1): those colors are darkened to 4.5:1 or more.
 */
const API_REFERENCE_CONFIG = {
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  customCss: `.light-mode {
    --scalar-color-3: #62626b;
    --scalar-color-green: #047857;
    --scalar-color-blue: #1d4ed8;
    --scalar-color-orange: #b45309;
    --scalar-color-yellow: #a16207;
    --scalar-color-red: #b91c1c;
    --scalar-color-purple: #7e22ce;
  }`,
};

/** The API reference: Scalar's viewer from our own assets (web/vite.config.ts), no outside request. */
const API_REFERENCE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Contacts API reference</title>
</head>
<body>
<script id="api-reference" data-url="/api/openapi.json" data-configuration='${JSON.stringify(API_REFERENCE_CONFIG)}'></script>
<script src="/api-docs/scalar.js"></script>
</body>
</html>`;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.onError((err, c) => {
    if (err instanceof Problem) return problemResponse(c, err);
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's own 4xx (malformed JSON and the like) in the same problem+json shape.
      return problemResponse(c, new Problem(err.status, err.message || "Invalid request"));
    }
    console.error(err);
    return problemResponse(c, new Problem(500, "Something went wrong on our side. Try again."));
  });

  const jsonBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new Problem(413, `Request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB.`);
    },
  });
  // A backup (POST /api/restore) is streamed and has its own limit; a voice platform's call report
  // carries a whole transcript with word timings.
  const webhookBodyLimit = bodyLimit({
    maxSize: MAX_WEBHOOK_BYTES,
    onError: () => {
      throw new Problem(413, `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES / 1024 / 1024} MiB.`);
    },
  });
  const importBodyLimit = bodyLimit({
    maxSize: MAX_IMPORT_BYTES,
    onError: () => {
      throw new Problem(413, `A file to import is at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files.`);
    },
  });
  app.use("/api/*", (c, next) => {
    if (c.req.path === RESTORE_PATH) return next();
    if (c.req.path === IMPORT_PATH && c.req.method === "POST") return importBodyLimit(c, next);
    return (WEBHOOK_PATH.test(c.req.path) ? webhookBodyLimit : jsonBodyLimit)(c, next);
  });
  app.use("/api/*", async (c, next) => {
    c.set("db", createDb(c.env.DB));
    await next();
  });

  app.get("/api/health", (c) => c.json({ ok: true }));
  app.on(["GET", "POST"], "/api/auth/*", async (c) => {
    // Signing out, switching organization...: this isolate's cached principal of the session goes.
    forgetSession(c.req.header("cookie"));
    const res = await getAuth(c.env, c.req.url).handler(c.req.raw);
    if (res.status < 400) return res;
    // better-auth answers {code, message} (or nothing, for a path it does not know): re-shape its
    // errors as the API's problem+json.
    const json = res.headers.get("content-type")?.includes("json");
    const body = (json ? await res.json().catch(() => ({})) : {}) as { code?: string; message?: string };
    if (res.status === 404 && !body.message) body.message = `No auth route ${c.req.method} ${c.req.path}`;
    const retryAfter = res.headers.get("x-retry-after");
    if (retryAfter) c.header("retry-after", retryAfter);
    return problemResponse(c, new Problem(res.status as ContentfulStatusCode, body.message || "Request refused", body.code ? { code: body.code } : {}));
  });

  app.use("/api/*", writeProtection);

  const api = app
    .basePath("/api")
    // Before contactsRoutes: /contacts/assignments must not be taken for /contacts/{id}.
    .route("/", assignmentsRoutes)
    .route("/", bulkRoutes)
    .route("/", callsRoutes)
    .route("/", callerContextRoutes)
    .route("/", contactsRoutes)
    .route("/", trashRoutes)
    .route("/", mergesRoutes)
    .route("/", historyRoutes)
    .route("/", phonesRoutes)
    .route("/", emailsRoutes)
    .route("/", addressesRoutes)
    .route("/", tagsRoutes)
    .route("/", notesRoutes)
    .route("/", todosRoutes)
    .route("/", activityRoutes)
    .route("/", messagesRoutes)
    .route("/", phoneLinesRoutes)
    .route("/", membersRoutes)
    .route("/", apiKeysRoutes)
    .route("/", backupRoutes)
    .route("/", integrationsRoutes)
    .route("/", twilioRoutes)
    .route("/", webhooksRoutes)
    .route("/", webhookEndpointsRoutes)
    .route("/", liveRoutes)
    .route("/", consentRoutes)
    .route("/", blockedNumbersRoutes)
    .route("/", privacyRoutes)
    .route("/", importsRoutes)
    .route("/", viewsRoutes)
    .route("/", organizationRoutes);

  api.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "better-auth.session_token",
    description: "The session cookie POST /api/auth/sign-in/email sets (`__Secure-` prefixed on https).",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An organization API key (`ck_…`, created by an admin in Settings), for the call-pipeline routes.",
  });
  // Generated once per isolate: this app's routes from their zod schemas, better-auth's from its generator.
  let document: Promise<object> | undefined;
  api.get("/openapi.json", async (c) => {
    document ??= authOpenApi(getAuth(c.env, c.req.url)).then((auth) => {
      const ours = api.getOpenAPI31Document(OPENAPI_INFO);
      return { ...ours, paths: { ...auth.paths, ...ours.paths }, components: { ...ours.components, schemas: { ...ours.components?.schemas, ...auth.schemas } } };
    });
    return c.json(await document);
  });
  api.get("/docs", (c) => c.html(API_REFERENCE_PAGE));

  app.all("/api/*", (c) => problemResponse(c, new Problem(404, `No API route ${c.req.method} ${c.req.path}`)));
  return { app, api };
}

const { app, api } = createApp();
export { app };
export type AppType = typeof api;
