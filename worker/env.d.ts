// Secrets are not in wrangler.toml, so `wrangler types` cannot see them. Declared on the
// generated base interface so both the global `Env` and `Cloudflare.Env` carry them.
interface __BaseEnv_Env {
  BETTER_AUTH_SECRET: string;
  /** Encrypts stored integration secrets (HKDF → AES-GCM); BETTER_AUTH_SECRET is used when unset. */
  ENCRYPTION_KEY?: string;
  /** Public origin of the app, e.g. https://contacts.example.com. Inferred from the request when unset. */
  BETTER_AUTH_URL?: string;
  OPENAI_API_KEY?: string;
  /** Per-request timeout of the model call, in ms (default 30000). */
  OPENAI_TIMEOUT_MS?: string;
  /** Twilio credentials; without them outbound SMS are recorded as not sent. */
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
}
