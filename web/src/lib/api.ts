import { hc, type InferResponseType } from "hono/client";
import type { AppType } from "../../../worker/app";

// The only module that talks to the server: components call these functions, never fetch.
export const client = hc<AppType>("/");

export type Me = InferResponseType<typeof client.api.me.$get, 200>;
export type ContactPage = InferResponseType<typeof client.api.contacts.list.$get, 200>;
export type Contact = ContactPage["contacts"][number];

export interface FieldError {
  field: string;
  message: string;
}

/** A failed request, with a message fit to show to a person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
  }
}

const FALLBACK: Record<number, string> = {
  401: "Sign in to continue.",
  403: "You are not allowed to do this.",
  404: "Not found.",
  429: "Too many attempts. Wait a minute and try again.",
};

interface AnyResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

// Our API answers application/problem+json ({detail}); better-auth answers {code, message}.
async function toApiError(res: AnyResponse): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page, say): fall back to a message for the status.
  }
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v : null);
  const message =
    text(body.detail) ??
    text(body.message) ??
    FALLBACK[res.status] ??
    (res.status >= 500 ? "Something went wrong on our side. Try again." : "The request failed. Try again.");
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  return new ApiError(res.status, message, text(body.code), errors);
}

export async function send<R extends AnyResponse>(request: () => Promise<R>): Promise<R> {
  let res: R;
  try {
    res = await request();
  } catch {
    throw new ApiError(0, "Cannot reach the server. Check your connection and try again.");
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

async function authPost<T>(path: string, body: object): Promise<T> {
  const res = await send(() =>
    fetch(`/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }),
  );
  return (await res.json()) as T;
}

export async function getMe(): Promise<Me> {
  const res = await send(() => client.api.me.$get());
  return (await res.json()) as Me;
}

export async function listContacts(query: { page?: number; page_size?: number } = {}): Promise<ContactPage> {
  const res = await send(() =>
    client.api.contacts.list.$get({
      query: { page: String(query.page ?? 0), page_size: String(query.page_size ?? 25) },
    }),
  );
  return (await res.json()) as ContactPage;
}

export const signUp = (input: { name: string; email: string; password: string }) =>
  authPost<unknown>("/sign-up/email", input);

export const signIn = (input: { email: string; password: string }) =>
  authPost<unknown>("/sign-in/email", input);

export const signOut = () => authPost<unknown>("/sign-out", {});

export const createOrganization = (input: { name: string; slug: string }) =>
  authPost<{ id: string; name: string; slug: string }>("/organization/create", input);

export const setActiveOrganization = (organizationId: string) =>
  authPost<unknown>("/organization/set-active", { organizationId });

/** The words to show for anything a call above threw. */
export const errorMessage = (e: unknown) =>
  e instanceof Error && e.message ? e.message : "Something went wrong. Try again.";
