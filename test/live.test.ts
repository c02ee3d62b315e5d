import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ORIGIN, type Org, addMember, call, createApiKey, createContact, createOrg, expectProblem, until } from "./helpers";

// Live updates: GET /api/live is a member's WebSocket to the organization's store, which pushes
// each committed change's events.

interface Socket {
  ws: WebSocket;
  events: { type: string; data: Record<string, any> }[];
  texts: string[];
  closed: { code: number } | null;
}

async function open(cookie: string, headers: Record<string, string> = { origin: ORIGIN }): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}/api/live`, { headers: { upgrade: "websocket", cookie, ...headers } }));
}

async function connect(cookie: string): Promise<Socket> {
  const res = await open(cookie);
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const socket: Socket = { ws, events: [], texts: [], closed: null };
  ws.addEventListener("message", (e) => {
    const text = String(e.data);
    if (text.startsWith("{")) socket.events.push(...(JSON.parse(text).events as Socket["events"]));
    else socket.texts.push(text);
  });
  ws.addEventListener("close", (e) => (socket.closed = { code: e.code }));
  ws.accept();
  return socket;
}

let org: Org;

beforeAll(async () => {
  org = await createOrg();
});

describe("GET /api/live", () => {
  it("pushes every committed change of the organization to its members' open tabs, and nothing of another", async () => {
    const member = await addMember(org);
    const [mine, theirs] = [await connect(org.owner.cookie), await connect(member.cookie)];
    const other = await createOrg();
    const outsider = await connect(other.owner.cookie);

    const contact = await createContact(org, { first_name: "Live", last_name: "Wire" });
    await call("PUT", `/api/contacts/${contact.id}`, { cookie: member.cookie, body: { company: "Switchboard" } });
    await call("POST", `/api/contacts/${contact.id}/notes`, { cookie: member.cookie, body: { body: "Seen live" } });
    await createContact(other, { first_name: "Elsewhere" });

    for (const socket of [mine, theirs]) {
      await until("three events", () => socket.events.length >= 3);
      expect(socket.events.map((e) => e.type)).toEqual(["contact.created", "contact.updated", "note.created"]);
      expect(socket.events[1]).toMatchObject({ data: { contact_id: contact.id, changes: { company: "Switchboard" } } });
    }
    await until("the outsider's own event", () => outsider.events.length >= 1);
    expect(outsider.events.map((e) => e.data.first_name)).toEqual(["Elsewhere"]);

    // A refused change pushes nothing.
    expectProblem(await call("PUT", `/api/contacts/${contact.id}`, { cookie: member.cookie, body: { status: "exploded" } }), 400);
    const key = await createApiKey(org);
    await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550142" } });
    await until("the call", () => mine.events.some((e) => e.type === "call.recorded"));
    expect(mine.events.slice(3).map((e) => e.type)).toEqual(["contact.created", "call.recorded"]);

    mine.ws.send("ping");
    await until("pong", () => mine.texts.includes("pong"));
    for (const s of [mine, theirs, outsider]) s.ws.close(1000);
  });

  it("is for signed-in members of the organization, from the app's own pages, as a WebSocket", async () => {
    expectProblem(await call("GET", "/api/live", { cookie: org.owner.cookie }), 426);
    const foreign = await open(org.owner.cookie, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const none = await open(org.owner.cookie, {});
    expect(none.status).toBe(403);
    const anonymous = await open("", { origin: ORIGIN });
    expect(anonymous.status).toBe(401);
    const key = await createApiKey(org);
    const withKey = await exports.default.fetch(new Request(`${ORIGIN}/api/live`, { headers: { upgrade: "websocket", origin: ORIGIN, authorization: `Bearer ${key}` } }));
    expect(withKey.status).toBe(403);
  });

  it("closes a member's sockets when they are removed from the organization", async () => {
    const leaving = await addMember(org, "member", "Lee Leaving");
    const socket = await connect(leaving.cookie);
    const stays = await connect(org.owner.cookie);
    const removed = await call("POST", "/api/auth/organization/remove-member", { cookie: org.owner.cookie, body: { memberIdOrEmail: leaving.memberId } });
    expect(removed.status).toBe(200);
    await until("the socket closed", () => socket.closed !== null);
    expect(socket.closed!.code).toBe(4403);
    await createContact(org, { first_name: "After" });
    await until("the owner's event", () => stays.events.some((e) => e.data.first_name === "After"));
    expect(socket.events.some((e) => e.data.first_name === "After")).toBe(false);
    stays.ws.close(1000);
  });
});
