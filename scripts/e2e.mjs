// `npm run test:e2e`: the built SPA and the Worker under `wrangler dev` on a fresh local D1,
// driven in Chromium by the tests in test/e2e/*.mjs (every exported async function is a test).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const ROOT = join(import.meta.dirname, "..");
// wrangler needs Node 22+; the project pins Node 24 in node_modules/.bin.
const NODE = existsSync(join(ROOT, "node_modules/.bin/node")) ? join(ROOT, "node_modules/.bin/node") : process.execPath;
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const TESTS_DIR = join(ROOT, "test/e2e");
const SCREENSHOTS = join(ROOT, "test-results/screenshots");
const CHILD_ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

function run(args, what) {
  const res = spawnSync(NODE, args, { cwd: ROOT, env: CHILD_ENV, encoding: "utf8", maxBuffer: 64 << 20 });
  if (res.status !== 0) throw new Error(`${what} failed:\n${res.stdout}\n${res.stderr}`);
}

/** Ports nobody listens on now; held open together so the two differ. */
async function freePorts(count) {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise((resolve, reject) => {
      const server = createServer();
      server.on("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server));
    })),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function ensureBuilt() {
  if (existsSync(join(ROOT, "web/dist/index.html")) && existsSync(join(ROOT, "web/dist/assets"))) return;
  console.log("web/dist is missing: building the SPA.");
  run([join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--config", "web/vite.config.ts", "--logLevel", "warn"], "vite build");
}

// Third-party APIs are real local HTTP servers speaking their wire formats (test/fakes).
const { startFakeOpenAI } = await import(pathToFileURL(join(ROOT, "test/fakes/openai-server.mjs")).href);
const { startFakeTwilio } = await import(pathToFileURL(join(ROOT, "test/fakes/twilio-server.mjs")).href);
const { startWebhookReceiver } = await import(pathToFileURL(join(ROOT, "test/fakes/webhook-receiver.mjs")).href);
const { expectAccessible } = await import(pathToFileURL(join(ROOT, "test/e2e/lib/flows.mjs")).href);
const shoot = (page, name) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const [fakeOpenAI, fakeTwilio, receiver] = await Promise.all([startFakeOpenAI(), startFakeTwilio(), startWebhookReceiver()]);
const TWILIO_SID = "ACe2e0000000000000000000000000000";
/**
 * What tests get as `t.fakes`: script the model at `${openai}/__script`, read Twilio at
 * `${twilio}/__requests/${twilioSid}`, point webhooks at `${receiver}/hooks/NAME` and read them at
 * `${receiver}/__received/NAME`.
 */
const FAKES = { openai: `${fakeOpenAI.url}/ns/e2e`, twilio: fakeTwilio.url, twilioSid: TWILIO_SID, receiver: receiver.url };
const FAKE_VARS = [
  "OPENAI_API_KEY:sk-e2e",
  `OPENAI_BASE_URL:${FAKES.openai}/v1`,
  "OPENAI_MODEL:gpt-e2e",
  "OPENAI_TIMEOUT_MS:5000",
  `TWILIO_ACCOUNT_SID:${TWILIO_SID}`,
  "TWILIO_AUTH_TOKEN:e2e-token",
  `TWILIO_BASE_URL:${FAKES.twilio}`,
  "WEBHOOK_ALLOW_LOOPBACK:true",
];

/** `wrangler dev` in its own process group, so stopping it stops workerd too. */
async function startWorker(persistDir) {
  const [port, inspectorPort] = await freePorts(2);
  const secret = randomBytes(32).toString("hex");
  const child = spawn(
    NODE,
    [
      WRANGLER, "dev",
      "--ip", "127.0.0.1",
      "--port", String(port),
      "--inspector-port", String(inspectorPort),
      "--persist-to", persistDir,
      "--var", `BETTER_AUTH_SECRET:${secret}`,
      ...FAKE_VARS.flatMap((v) => ["--var", v]),
      "--show-interactive-dev-session=false",
      "--live-reload=false",
    ],
    { cwd: ROOT, env: CHILD_ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  const keep = (chunk) => (log = (log + chunk).slice(-20_000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = null;
  child.on("exit", (code, signal) => (exited = signal ?? code));

  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {}
  };
  const stop = async () => {
    if (exited === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      killGroup("SIGTERM");
      const timer = setTimeout(() => killGroup("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    }
    killGroup("SIGKILL"); // workerd may outlive the wrangler that started it
  };

  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`wrangler dev exited (${exited}):\n${log}`);
    }
    try {
      const res = await fetch(`${baseURL}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer /api/health within 90 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { baseURL, stop, log: () => log };
}

/** Another process may take a free port before wrangler binds it: try again on fresh ports. */
async function startWorkerWithRetries(persistDir, attempts = 3) {
  for (let i = 1; ; i++) {
    try {
      return await startWorker(persistDir);
    } catch (e) {
      if (i >= attempts || !/Address already in use/.test(String(e?.message))) throw e;
      console.log("A port was taken while wrangler dev started; retrying on other ports.");
    }
  }
}

async function loadTests() {
  const files = readdirSync(TESTS_DIR).filter((f) => f.endsWith(".mjs")).sort();
  const tests = [];
  for (const file of files) {
    const module = await import(pathToFileURL(join(TESTS_DIR, file)).href);
    for (const [name, fn] of Object.entries(module)) {
      if (typeof fn === "function") tests.push({ name: `${file.replace(/\.mjs$/, "")} › ${name}`, fn });
    }
  }
  // `npm run test:e2e -- text` runs only the tests whose "file › name" contains text.
  const only = process.argv[2];
  return only ? tests.filter((t) => t.name.includes(only)) : tests;
}

async function runTests(baseURL, tests) {
  if (!tests.length) throw new Error(`no tests found in ${TESTS_DIR}`);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  let passed = 0;
  let failed = 0;
  let clients = 0;
  try {
    for (const test of tests) {
      const contexts = [];
      const pageErrors = [];
      const t = {
        baseURL,
        fakes: FAKES,
        /** A page in a fresh browser context (its own cookies) at the given viewport width. */
        async newPage({ width = 1280, height = 800 } = {}) {
          // Each context is its own client IP, so better-auth's per-IP sign-in/sign-up rate limit
          // (10 a minute) counts per simulated person rather than for the whole suite.
          clients++;
          const ip = `10.77.${Math.floor(clients / 250) % 250}.${(clients % 250) + 1}`;
          const context = await browser.newContext({ baseURL, viewport: { width, height }, extraHTTPHeaders: { "cf-connecting-ip": ip } });
          contexts.push(context);
          const page = await context.newPage();
          page.setDefaultTimeout(15_000);
          page.on("pageerror", (e) => pageErrors.push(e.message));
          return page;
        },
        /** A view a person sees: screenshotted, then checked with axe-core (WCAG 2.1 AA). */
        async screenshot(page, name) {
          await shoot(page, name);
          await expectAccessible(page, name);
        },
      };
      const started = Date.now();
      try {
        await test.fn(t);
        if (pageErrors.length) throw new Error(`uncaught errors in the page:\n  ${pageErrors.join("\n  ")}`);
        passed++;
        console.log(`✓ ${test.name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        const pages = contexts.flatMap((c) => c.pages());
        await Promise.all(
          pages.map((page, i) => shoot(page, `failed-${test.name.replace(/\W+/g, "-")}-${i}`).catch(() => {})),
        );
        console.log(`✗ ${test.name} (${Date.now() - started} ms)\n  ${(e?.stack ?? String(e)).replaceAll("\n", "\n  ")}`);
      } finally {
        await Promise.all(contexts.map((c) => c.close().catch(() => {})));
      }
    }
  } finally {
    await browser.close();
  }
  return { passed, failed };
}

const persistDir = mkdtempSync(join(tmpdir(), "contacts-e2e-"));
let worker = null;
let result = { passed: 0, failed: 1 };
const cleanUp = async () => {
  await worker?.stop();
  await Promise.all([fakeOpenAI.close(), fakeTwilio.close(), receiver.close()]);
  rmSync(persistDir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await cleanUp();
    process.exit(130);
  });
}

try {
  ensureBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  run([WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], "wrangler d1 migrations apply");
  worker = await startWorkerWithRetries(persistDir);
  console.log(`wrangler dev is up on ${worker.baseURL}`);
  result = await runTests(worker.baseURL, await loadTests());
  if (result.failed) console.log(`\nwrangler dev output (last lines):\n${worker.log().split("\n").slice(-40).join("\n")}`);
} catch (e) {
  console.error(e?.stack ?? String(e));
} finally {
  await cleanUp();
}
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed ? 1 : 0);
