import { z } from "@hono/zod-openapi";
import { CONTROL, isoDateTime, multiLine } from "../lib/text";

export const TodoSchema = z
  .object({
    id: z.string(),
    contact_id: z.string().nullable(),
    title: z.string(),
    description: z.string().nullable(),
    status: z.enum(["open", "done"]),
    due_at: z.string().nullable(),
    call_id: z.string().nullable(),
    assignee: z.object({ member_id: z.string(), name: z.string() }).nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .openapi("Todo");

export const TodoInput = z
  .object({
    title: z.string().trim().min(1, "is required").max(200).refine((v) => !CONTROL.test(v), "must be one line of text"),
    description: multiLine().trim().max(5_000).optional(),
    due_at: isoDateTime.optional(),
    assignee_member_id: z.string().uuid().optional(),
    call_id: z.string().uuid().optional().openapi({ description: "The call this todo came from" }),
  })
  .openapi("TodoData");

export type Todo = z.infer<typeof TodoSchema>;
export type TodoInputT = z.output<typeof TodoInput>;
