import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
          // Webhook receivers in tests are local servers; retries come after a second, not minutes.
          WEBHOOK_ALLOW_LOOPBACK: "true",
          WEBHOOK_RETRY_SCHEDULE: "1,1",
          WEBHOOK_TIMEOUT_MS: "1500",
          TEST_MIGRATIONS: await readD1Migrations("./migrations/d1"),
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/apply-migrations.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
  },
}));
