import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq } from "drizzle-orm";
import { assertContact } from "../contacts/load";
import type { Db } from "../db/client";
import { calls, member, todos, user } from "../db/schema";
import { memberOnly } from "../lib/guard";
import { newId, nowIso } from "../lib/ids";
import { CONTROL, isoDateTime } from "../lib/text";
import { IdParam, createRouter, errorResponses, jsonBody, jsonContent } from "../lib/openapi";
import { notFound } from "../lib/problem";

const TodoSchema = z
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

const listRoute = createRoute({
  method: "get",
  path: "/contacts/{id}/todos",
  tags: ["Todos"],
  summary: "Todos linked to the contact and its calls, newest first",
  middleware: [memberOnly] as const,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { 200: jsonContent(z.array(TodoSchema), "Todos"), ...errorResponses },
});
const TodoInput = z
  .object({
    title: z.string().trim().min(1, "is required").max(200).refine((v) => !CONTROL.test(v), "must be one line of text"),
    description: z.string().trim().max(5_000).optional(),
    due_at: isoDateTime.optional(),
    assignee_member_id: z.string().uuid().optional(),
    call_id: z.string().uuid().optional().openapi({ description: "The call this todo came from" }),
  })
  .openapi("TodoData");

const createTodoRoute = createRoute({
  method: "post",
  path: "/contacts/{id}/todos",
  tags: ["Todos"],
  summary: "Add a todo for the contact (optionally linked to one of its calls)",
  middleware: [memberOnly] as const,
  request: { params: z.object({ id: IdParam("id") }), body: jsonBody(TodoInput) },
  responses: { 201: jsonContent(TodoSchema, "The todo"), ...errorResponses },
});
const updateRoute = createRoute({
  method: "put",
  path: "/todos/{id}",
  tags: ["Todos"],
  summary: "Mark a todo done or reopen it",
  middleware: [memberOnly] as const,
  request: { params: z.object({ id: IdParam("id") }), body: jsonBody(z.object({ status: z.enum(["open", "done"]) })) },
  responses: { 200: jsonContent(TodoSchema, "The todo"), ...errorResponses },
});

async function selectTodos(db: Db, organizationId: string, where: { contactId?: string; id?: string }) {
  const rows = await db
    .select({ todo: todos, assigneeName: user.name })
    .from(todos)
    .leftJoin(member, eq(member.id, todos.assigneeMemberId))
    .leftJoin(user, eq(user.id, member.userId))
    .where(
      and(
        eq(todos.organizationId, organizationId),
        where.contactId ? eq(todos.contactId, where.contactId) : undefined,
        where.id ? eq(todos.id, where.id) : undefined,
      ),
    )
    .orderBy(desc(todos.createdAt), desc(todos.id))
    .limit(500);
  return rows.map(({ todo, assigneeName }) => ({
    id: todo.id,
    contact_id: todo.contactId,
    title: todo.title,
    description: todo.description,
    status: todo.status,
    due_at: todo.dueAt,
    call_id: todo.callId,
    assignee: todo.assigneeMemberId && assigneeName ? { member_id: todo.assigneeMemberId, name: assigneeName } : null,
    created_at: todo.createdAt,
    updated_at: todo.updatedAt,
    completed_at: todo.completedAt,
  }));
}

export const todosRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { organizationId } = c.var.principal;
    await assertContact(c.var.db, organizationId, id);
    return c.json(await selectTodos(c.var.db, organizationId, { contactId: id }), 200);
  })
  .openapi(createTodoRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const p = c.var.principal;
    const db = c.var.db;
    await assertContact(db, p.organizationId, id);
    const [assignee, call] = await Promise.all([
      body.assignee_member_id
        ? db.select({ id: member.id }).from(member).where(and(eq(member.id, body.assignee_member_id), eq(member.organizationId, p.organizationId)))
        : [true],
      body.call_id
        ? db.select({ id: calls.id }).from(calls).where(and(eq(calls.id, body.call_id), eq(calls.contactId, id), eq(calls.organizationId, p.organizationId)))
        : [true],
    ]);
    if (!assignee[0]) throw notFound("Member");
    if (!call[0]) throw notFound("Call");
    const now = nowIso();
    const todoId = newId();
    await db.insert(todos).values({
      id: todoId,
      organizationId: p.organizationId,
      contactId: id,
      callId: body.call_id ?? null,
      title: body.title,
      description: body.description ?? null,
      dueAt: body.due_at ?? null,
      assigneeMemberId: body.assignee_member_id ?? null,
      createdByUserId: p.kind === "session" ? p.userId : null,
      createdAt: now,
      updatedAt: now,
    });
    const [todo] = await selectTodos(db, p.organizationId, { id: todoId });
    if (!todo) throw notFound("Todo");
    return c.json(todo, 201);
  })
  .openapi(updateRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { status } = c.req.valid("json");
    const { organizationId } = c.var.principal;
    const now = nowIso();
    const updated = await c.var.db
      .update(todos)
      .set({ status, completedAt: status === "done" ? now : null, updatedAt: now })
      .where(and(eq(todos.id, id), eq(todos.organizationId, organizationId)))
      .returning({ id: todos.id });
    if (updated.length === 0) throw notFound("Todo");
    const [todo] = await selectTodos(c.var.db, organizationId, { id });
    if (!todo) throw notFound("Todo");
    return c.json(todo, 200);
  });
