import { defineConfig } from "drizzle-kit";

// One organization's store (a SQLite Durable Object); its migrations are bundled into the
// Worker (migrations/store/migrations.js) and applied by the store itself on first use.
export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./worker/store/schema.ts",
  out: "./migrations/store",
});
