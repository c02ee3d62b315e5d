import OpenAI from "openai";
import { ContentFilterFinishReasonError, LengthFinishReasonError } from "openai/core/error";

export const DEFAULT_MODEL = "gpt-5-mini";

/** The OpenAI client, or null when AI is not configured. Retries belong to the queue, not the SDK. */
export function createLlm(env: Env): { client: OpenAI; model: string } | null {
  if (!env.OPENAI_API_KEY) return null;
  return {
    client: new OpenAI({
      apiKey: env.OPENAI_API_KEY,
      baseURL: env.OPENAI_BASE_URL || undefined,
      maxRetries: 0,
      timeout: Number(env.OPENAI_TIMEOUT_MS) || 30_000,
    }),
    model: env.OPENAI_MODEL || DEFAULT_MODEL,
  };
}

/** A failure worth retrying later (rate limit, 5xx, timeout, connection). */
export class TransientError extends Error {
  constructor(message: string, readonly retryAfterSeconds = 0) {
    super(message);
  }
}

/** Which model-provider failures are worth retrying, and which are final (plain Error). */
export function classifyLlmError(err: unknown): Error {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new TransientError("the model did not answer in time");
  if (err instanceof OpenAI.APIConnectionError) return new TransientError("could not reach the model");
  if (err instanceof OpenAI.APIError) {
    const code = (err as { code?: string | null }).code;
    if (err.status === 429 && code !== "insufficient_quota") {
      const retryAfter = Number(err.headers?.get("retry-after") ?? 0);
      return new TransientError("rate limited by the model provider (429)", Number.isFinite(retryAfter) ? retryAfter : 0);
    }
    if (err.status !== undefined && (err.status >= 500 || err.status === 408 || err.status === 409)) {
      return new TransientError(`model provider error ${err.status}`);
    }
    return new Error(`model provider refused the request (${err.status}${code ? ` ${code}` : ""})`);
  }
  if (err instanceof LengthFinishReasonError) return new Error("the model's answer was cut off");
  if (err instanceof ContentFilterFinishReasonError) return new Error("the model's answer was filtered");
  if (err instanceof SyntaxError || (err instanceof Error && err.name === "ZodError")) {
    return new Error("the model's answer did not match the schema");
  }
  return new TransientError(err instanceof Error ? err.message : String(err));
}

const MAX_BACKOFF_SECONDS = 15 * 60;

/** Exponential backoff for queue retries: 10 s, 20 s, 40 s, … capped at 15 min; Retry-After wins if longer. */
export const backoffSeconds = (attempts: number, retryAfter = 0) =>
  Math.min(MAX_BACKOFF_SECONDS, Math.max(retryAfter, 10 * 2 ** Math.max(0, attempts - 1)));
