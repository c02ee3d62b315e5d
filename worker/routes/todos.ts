import { z } from "@hono/zod-openapi";
import { memberAccess } from "../auth/guard";
import { IdParam, apiRoute, createRouter, jsonBody, jsonContent } from "../http/openapi";
import { TodoInput, TodoSchema } from "../schemas/todos";

const listRoute = apiRoute({
  operationId: "listContactTodos",
  method: "get",
  path: "/contacts/{id}/todos",
  tags: ["Todos"],
  summary: "Todos linked to the contact and its calls, newest first",
  ...memberAccess,
  request: { params: z.object({ id: IdParam("id") }) },
  responses: { 200: jsonContent(z.array(TodoSchema), "Todos") },
});
const createTodoRoute = apiRoute({
  operationId: "createTodo",
  method: "post",
  path: "/contacts/{id}/todos",
  tags: ["Todos"],
  summary: "Add a todo for the contact (optionally linked to one of its calls)",
  ...memberAccess,
  request: { params: z.object({ id: IdParam("id") }), body: jsonBody(TodoInput) },
  responses: { 201: jsonContent(TodoSchema, "The todo") },
});
const updateRoute = apiRoute({
  operationId: "setTodoStatus",
  method: "put",
  path: "/todos/{id}",
  tags: ["Todos"],
  summary: "Mark a todo done or reopen it",
  ...memberAccess,
  request: { params: z.object({ id: IdParam("id") }), body: jsonBody(z.object({ status: z.enum(["open", "done"]) })) },
  responses: { 200: jsonContent(TodoSchema, "The todo") },
});

export const todosRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json(await c.var.store.listTodos(c.req.valid("param").id), 200))
  .openapi(createTodoRoute, async (c) => {
    const p = c.var.principal;
    return c.json(await c.var.store.createTodo(c.req.valid("param").id, c.req.valid("json"), p.kind === "session" ? p.userId : null), 201);
  })
  .openapi(updateRoute, async (c) => c.json(await c.var.store.setTodoStatus(c.req.valid("param").id, c.req.valid("json").status), 200));
