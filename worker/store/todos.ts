import { and, desc, eq } from "drizzle-orm";
import { newId, nowIso } from "../lib/ids";
import { notFound } from "../lib/problem";
import type { Todo, TodoInputT } from "../schemas/todos";
import { assertContact } from "./contacts";
import type { StoreContext } from "./context";
import { assertMember } from "./members";
import { calls, members, todos } from "./schema";

function selectTodos(s: StoreContext, where: { contactId?: string; id?: string }): Todo[] {
  const rows = s.db
    .select({ todo: todos, assigneeName: members.name })
    .from(todos)
    .leftJoin(members, eq(members.id, todos.assigneeMemberId))
    .where(and(where.contactId ? eq(todos.contactId, where.contactId) : undefined, where.id ? eq(todos.id, where.id) : undefined))
    .orderBy(desc(todos.createdAt), desc(todos.id))
    .limit(500)
    .all();
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

function loadTodo(s: StoreContext, id: string): Todo {
  const [todo] = selectTodos(s, { id });
  if (!todo) throw notFound("Todo");
  return todo;
}

export function listTodos(s: StoreContext, contactId: string): Todo[] {
  assertContact(s, contactId);
  return selectTodos(s, { contactId });
}

/** A todo for the contact, optionally linked to one of its calls and assigned to a member. */
export function createTodo(s: StoreContext, contactId: string, body: TodoInputT, createdByUserId: string | null): Todo {
  assertContact(s, contactId);
  if (body.assignee_member_id) assertMember(s, body.assignee_member_id);
  if (body.call_id && !s.db.select({ id: calls.id }).from(calls).where(and(eq(calls.id, body.call_id), eq(calls.contactId, contactId))).get()) {
    throw notFound("Call");
  }
  const now = nowIso();
  const id = newId();
  s.db
    .insert(todos)
    .values({
      id,
      contactId,
      callId: body.call_id ?? null,
      title: body.title,
      description: body.description ?? null,
      dueAt: body.due_at ?? null,
      assigneeMemberId: body.assignee_member_id ?? null,
      createdByUserId,
      createdAt: now,
      updatedAt: now,
    })
    .run();
  const todo = loadTodo(s, id);
  s.emit("todo.created", () => todoEvent(todo), contactId);
  return todo;
}

const todoEvent = (t: Todo) => ({
  todo_id: t.id,
  contact_id: t.contact_id,
  call_id: t.call_id,
  title: t.title,
  due_at: t.due_at,
  assignee_member_id: t.assignee?.member_id ?? null,
  status: t.status,
  completed_at: t.completed_at,
});

export function setTodoStatus(s: StoreContext, id: string, status: "open" | "done"): Todo {
  const now = nowIso();
  const before = s.db.select({ status: todos.status }).from(todos).where(eq(todos.id, id)).get();
  if (!before) throw notFound("Todo");
  s.db
    .update(todos)
    .set({ status, completedAt: status === "done" ? now : null, updatedAt: now })
    .where(eq(todos.id, id))
    .run();
  const todo = loadTodo(s, id);
  if (status !== before.status) s.emit(status === "done" ? "todo.completed" : "todo.reopened", () => todoEvent(todo), todo.contact_id);
  return todo;
}
