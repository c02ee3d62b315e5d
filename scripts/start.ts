// `npm start`: migrate the local D1, build the SPA, serve on :8787 and seed the demo organization once.
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { DEMO, seedIdentity, seedStore } from "./seed";
import { ROOT, startDev, wrangler } from "./lib/wrangler";

const devVars = join(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  writeFileSync(devVars, `BETTER_AUTH_SECRET=${randomBytes(32).toString("hex")}\n`);
  console.log("Created .dev.vars with a random BETTER_AUTH_SECRET.");
}

wrangler(["d1", "migrations", "apply", "DB", "--local"], { quiet: true });
console.log("Local D1 migrated.");
const identity = await seedIdentity();

const build = spawnSync(process.execPath, [join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "web/vite.config.ts", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const ORIGIN = "http://localhost:8787";
const dev = startDev(["--port", "8787"]);
const stop = () => {
  try {
    process.kill(-dev.pid!, "SIGTERM");
  } catch {}
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => process.exit(code ?? 0));

// The demo data goes into the organization's store through the Worker itself.
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${ORIGIN}/api/health`)).ok) break;
  } catch {}
  if (i > 300) throw new Error("wrangler dev did not answer on :8787 within a minute");
  await new Promise((r) => setTimeout(r, 200));
}
try {
  await seedStore(identity, ORIGIN);
} catch (err) {
  console.error(err);
  stop();
}
console.log(`
  Contacts is running on ${ORIGIN}
  Sign in as ${DEMO.admin.email} / ${DEMO.admin.password} (owner) or ${DEMO.member.email} / ${DEMO.member.password} (member).
  API reference: ${ORIGIN}/api/docs
`);
