// A fake OpenAI API: a real HTTP server on 127.0.0.1 speaking the Chat Completions wire format.
// Each namespace (/ns/<name>/v1/...) has its own script of answers, so test files can run in
// parallel. Control: POST /ns/<name>/__script [answers...] appends answers; GET /ns/<name>/__requests
// lists the request bodies received; POST /ns/<name>/__reset clears both.
//
// Answers: {kind:"details", details, usage?} | {kind:"content", content} | {kind:"refusal", text}
//        | {kind:"status", status, error?, headers?} | {kind:"delay", ms, details} | {kind:"hang"} | {kind:"reset"}
// With no scripted answer left, it answers by schema name: caller_details from what the
// transcript says ("this is First Last", an email, a caller's line asking not to be called),
// contact_preferences from that line alone, reply_suggestions and contact_memory canned.
import { createServer } from "node:http";

const NULL_DETAILS = {
  first_name: null, last_name: null, email: null, company: null, job_title: null,
  preferred_language: null, timezone: null, gender: null, gender_confidence: null, pipeline_stage: null,
  asked_not_to_be_contacted: false, opt_out_quote: null,
};

/** A caller's line asking not to be contacted ("stop calling me", "take me off your list"), quoted as said. */
function optOutOf(text) {
  const said = /(?:^|\n)\s*(?:caller|user|customer)\s*:\s*([^\n]*\b(?:stop calling|do not call|don't call|take me off|remove me from|stop texting)[^\n]*)/i.exec(text);
  return said ? { asked_not_to_be_contacted: true, opt_out_quote: said[1].trim() } : { asked_not_to_be_contacted: false, opt_out_quote: null };
}

function defaultAnswer(body) {
  const schema = body.response_format?.json_schema?.name;
  const text = body.messages?.map((m) => m.content).join("\n") ?? "";
  if (schema === "reply_suggestions") {
    return { kind: "content", content: JSON.stringify({ replies: ["Thanks for your message! We'll get back to you shortly.", "Happy to help. What time works best for you?", "Got it, thank you!"] }) };
  }
  if (schema === "contact_memory") {
    return { kind: "content", content: JSON.stringify({ memory: "- Prefers text messages\n- Asked about scheduling" }) };
  }
  if (schema === "contact_preferences") return { kind: "content", content: JSON.stringify(optOutOf(text)) };
  const name = /this is ([A-Z][a-z]+) ([A-Z][a-z]+)/.exec(text);
  const email = /[\w.+-]+@[\w-]+(\.[\w-]+)+/.exec(text);
  return { kind: "details", details: { first_name: name?.[1] ?? null, last_name: name?.[2] ?? null, email: email?.[0] ?? null, ...optOutOf(text) } };
}

function completion(body, message, usage) {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message: { role: "assistant", refusal: null, ...message }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, ...usage },
  };
}

export function startFakeOpenAI(port = 0) {
  const spaces = new Map();
  const space = (name) => {
    if (!spaces.has(name)) spaces.set(name, { script: [], requests: [] });
    return spaces.get(name);
  };
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString("utf8");
    const m = /^\/ns\/([^/]+)(\/.*)$/.exec(req.url ?? "");
    const send = (status, json, headers = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(json));
    };
    if (!m) return send(404, { error: { message: "use /ns/<name>/v1" } });
    const s = space(m[1]);
    const path = m[2];
    if (path === "/__script" && req.method === "POST") {
      s.script.push(...JSON.parse(text));
      return send(200, { queued: s.script.length });
    }
    if (path === "/__requests") return send(200, s.requests);
    if (path === "/__reset") {
      s.script = [];
      s.requests = [];
      return send(200, { ok: true });
    }
    if (path !== "/v1/chat/completions" || req.method !== "POST") {
      return send(404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error" } });
    }
    const body = JSON.parse(text);
    s.requests.push(body);
    const answer = s.script.shift() ?? defaultAnswer(body);
    switch (answer.kind) {
      case "details":
        return send(200, completion(body, { content: JSON.stringify({ ...NULL_DETAILS, ...answer.details }) }, answer.usage));
      case "content":
        return send(200, completion(body, { content: answer.content }, answer.usage));
      case "refusal":
        return send(200, completion(body, { content: null, refusal: answer.text ?? "I can't help with that." }));
      case "status":
        return send(
          answer.status,
          { error: { message: answer.message ?? "error", type: answer.type ?? "server_error", code: answer.code ?? null, param: null } },
          answer.headers,
        );
      case "delay":
        await new Promise((r) => setTimeout(r, answer.ms));
        return send(200, completion(body, { content: JSON.stringify({ ...NULL_DETAILS, ...answer.details }) }));
      case "hang":
        return; // never answer; the client's timeout must fire
      case "reset":
        return req.socket.destroy();
      default:
        return send(500, { error: { message: `unknown scripted answer ${answer.kind}` } });
    }
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
