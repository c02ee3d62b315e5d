import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface FieldProblem {
  field: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: "Invalid request",
  401: "Not signed in",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Request body too large",
  415: "Unsupported media type",
  426: "Upgrade required",
  429: "Too many requests",
  500: "Internal error",
  502: "Upstream error",
  503: "Service unavailable",
};

/** An RFC 9457 problem. Thrown anywhere in a request; rendered by the app's error handler. */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail: string,
    readonly extra: { errors?: FieldProblem[]; [key: string]: unknown } = {},
  ) {
    super(detail);
  }
}

export const notFound = (what: string) => new Problem(404, `${what} not found`);

export function problemResponse(c: Context, p: Problem): Response {
  const body = {
    type: "about:blank",
    title: TITLES[p.status] ?? "Error",
    status: p.status,
    detail: p.detail,
    ...p.extra,
  };
  return c.body(JSON.stringify(body), p.status, {
    "content-type": "application/problem+json",
  });
}
