import { z } from "@hono/zod-openapi";

/** Any control character: single-line fields (names, titles, tags) refuse them all. */
export const CONTROL = /[\u0000-\u001F\u007F]/;
/** Control characters other than tab and line breaks: what multi-line text (notes, AI output) may not hold. */
export const CONTROL_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** One line of text (names, ids, numbers, searches): no control characters at all. */
export const oneLine = () => z.string().refine((v) => !CONTROL.test(v), "must not contain control characters");

/** Text that may span lines (transcripts, messages, descriptions): tabs and line breaks only. */
export const multiLine = () => z.string().refine((v) => !CONTROL_EXCEPT_LINE_BREAKS.test(v), "must not contain control characters other than tabs and line breaks");

/** True when a JSON value holds a control character (other than tabs and line breaks) in any key or string. */
export function jsonHasControl(value: unknown): boolean {
  if (typeof value === "string") return CONTROL_EXCEPT_LINE_BREAKS.test(value);
  if (Array.isArray(value)) return value.some(jsonHasControl);
  if (value && typeof value === "object") return Object.entries(value).some(([k, v]) => CONTROL_EXCEPT_LINE_BREAKS.test(k) || jsonHasControl(v));
  return false;
}

/** An ISO 8601 date-time with an offset, normalized to UTC. */
export const isoDateTime = z
  .string()
  .datetime({ offset: true, message: "must be an ISO 8601 date-time" })
  .transform((v) => new Date(v).toISOString());

/** Untrusted text for a prompt: a labelled <data> block that the text cannot close early. */
export const dataBlock = (label: string, text: string) => `${label}\n<data>\n${text.replace(/<\/?data>/gi, "")}\n</data>`;
