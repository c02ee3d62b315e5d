import { beforeAll, describe, expect, it } from "vitest";
import { type Json, type Org, call, createApiKey, createContact, createOrg, expectInvalid, orgSnapshot } from "./helpers";

const CONTROLS = ["a\u0000b", "a\u0007b", "a\u001bb", "a\u007fb"];

describe("control characters", () => {
  let org: Org;
  let key: string;
  let contact: Json;
  let callId: string;
  beforeAll(async () => {
    org = await createOrg();
    key = await createApiKey(org);
    contact = await createContact(org, { first_name: "Fuzz", phones: [{ phone_number: "+14155550400" }] });
    callId = (await call("POST", "/api/calls", { bearer: key, body: { caller_phone: "+14155550400" } })).body.call_id;
  });

  it("every string query parameter of the API document refuses them with a 400 naming it, never a 500", async () => {
    const doc = (await call("GET", "/api/openapi.json")).body as Json;
    const ids: Record<string, string> = { id: contact.id, contact_id: contact.id };
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Json>)) {
      // better-auth's routes (documented there too) validate their own input.
      if (!methods.get || path.startsWith("/api/auth/")) continue;
      const params = (methods.get.parameters ?? []) as Json[];
      const strings = params.filter((p) => p.in === "query" && (p.schema?.type === "string" || p.schema?.type === undefined));
      for (const param of strings) {
        for (const bad of CONTROLS) {
          const url = `${path.replace(/\{([^}]+)\}/g, (_, name: string) => ids[name] ?? crypto.randomUUID())}?${param.name}=${encodeURIComponent(bad)}`;
          const res = await call("GET", url, { cookie: org.owner.cookie });
          expect(res.status, url).toBe(400);
          expectInvalid(res, param.name);
          checked++;
        }
      }
    }
    // search on the list, the assignments view and notes; cursors of activity and feed; and more.
    expect(checked).toBeGreaterThanOrEqual(6 * CONTROLS.length);
    expect((await call("GET", "/api/contacts/list?search=a%00b", { cookie: org.owner.cookie })).body.errors).toEqual([
      { field: "search", message: "must not contain control characters" },
    ]);
  });

  it("fields that reach SQL, the search index or a prompt refuse them, and nothing is written", async () => {
    const before = await orgSnapshot(org.id);
    const cases: [string, string, Json, string, { bearer?: string }][] = [
      ["POST", "/api/contacts/resolve", { phone: "+1415555\u00000401" }, "phone", { bearer: key }],
      ["POST", "/api/calls", { caller_phone: "+1415555\u00000401" }, "caller_phone", { bearer: key }],
      ["POST", "/api/calls", { caller_phone: "+14155550401", to_phone: "\u0000" }, "to_phone", { bearer: key }],
      ["POST", "/api/calls", { caller_phone: "+14155550401", external_id: "ext\u0000" }, "external_id", { bearer: key }],
      ["PUT", `/api/calls/${callId}/transcription`, { transcription: "Hello\u0000there" }, "transcription", { bearer: key }],
      ["POST", `/api/calls/${callId}/analyses`, { analyzer: "intent\u0007", results: {} }, "analyzer", { bearer: key }],
      ["POST", `/api/calls/${callId}/analyses`, { analyzer: "intent", results: { nested: [{ text: "a\u0000" }] } }, "results", { bearer: key }],
      ["POST", `/api/calls/${callId}/analyses`, { analyzer: "intent", results: { "k\u0000": 1 } }, "results", { bearer: key }],
      ["POST", "/api/messages", { from: "+14155550401", to: "+12125550100", body: "Hi\u0000" }, "body", { bearer: key }],
      ["POST", "/api/messages", { from: "+1415\u00005550401", to: "+12125550100", body: "Hi" }, "from", { bearer: key }],
      ["POST", "/api/messages", { from: "+14155550401", to: "+12125550100", body: "Hi", provider_message_id: "SM\u0000" }, "provider_message_id", { bearer: key }],
      ["POST", `/api/contacts/${contact.id}/messages`, { body: "Hello\u001b[31m" }, "body", {}],
      ["POST", `/api/contacts/${contact.id}/phones`, { phone_number: "415\u0000555" }, "phone_number", {}],
      ["POST", `/api/contacts/${contact.id}/todos`, { title: "Call", description: "x\u0000" }, "description", {}],
      ["POST", "/api/phone-lines", { name: "Desk\u0000", phone_number: "+12125550111" }, "name", {}],
      ["POST", "/api/api-keys", { name: "key\u0000" }, "name", {}],
    ];
    for (const [method, path, body, field, auth] of cases) {
      const res = await call(method, path, { body, ...(auth.bearer ? { bearer: auth.bearer } : { cookie: org.owner.cookie }) });
      expect(res.status, `${method} ${path} ${field}`).toBe(400);
      expectInvalid(res, field);
    }
    expect(await orgSnapshot(org.id)).toEqual(before);
    // Line breaks and tabs stay allowed where text spans lines.
    expect((await call("PUT", `/api/calls/${callId}/transcription`, { bearer: key, body: { transcription: "Agent:\tHello\r\nCaller: Hi" } })).status).toBe(202);
    expect((await call("POST", "/api/messages", { bearer: key, body: { from: "+14155550400", to: "+12125550100", body: "Line one\nLine two" } })).status).toBe(201);
  });
});
