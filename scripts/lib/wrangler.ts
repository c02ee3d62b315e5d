import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
const NODE = process.execPath;
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** Runs wrangler with this project's Node; throws with its output on failure. */
export function wrangler(args: string[], opts: { quiet?: boolean } = {}): string {
  const res = spawnSync(NODE, [WRANGLER, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${res.stdout}\n${res.stderr}`);
  if (!opts.quiet) process.stdout.write(res.stdout);
  return res.stdout;
}

/** Starts `wrangler dev` in its own process group (so it can be stopped with all its children). */
export function startDev(args: string[]) {
  return spawn(NODE, [WRANGLER, "dev", ...args], {
    cwd: ROOT,
    stdio: "inherit",
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
}
