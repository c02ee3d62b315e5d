import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import tailwindcss from "@tailwindcss/vite";
import { type Plugin, defineConfig } from "vite";

/** The API reference's viewer (/api/docs), served from our own assets: no CDN, works offline. */
function apiReferenceViewer(): Plugin {
  // The package does not export its browser build: find it beside its main entry (dist/index.js).
  const file = join(dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")), "browser", "standalone.js");
  return {
    name: "api-reference-viewer",
    apply: "build",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "api-docs/scalar.js", source: readFileSync(file) });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [svelte({ configFile: false }), tailwindcss(), apiReferenceViewer()],
  build: { outDir: "dist", emptyOutDir: true },
});
