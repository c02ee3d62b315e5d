import { defineConfig } from "drizzle-kit";

// The global D1 database (identity, API keys, the store directory). The organization stores
// have their own config: drizzle.store.config.ts.
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/global/schema.ts",
  out: "./migrations/d1",
});
