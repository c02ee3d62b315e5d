// An integrator's webhook receiver: a real HTTP server on 127.0.0.1 that records every request
// it gets and answers as scripted. Each path segment after /hooks/ is a namespace:
//   POST /hooks/{name}            records {headers, body, at}; answers the next scripted answer
//                                 ({status, body?, headers?, hangMs?}), else 200 "ok"
//   POST /__script/{name} [answers...]   appends answers;   GET /__received/{name}   the requests
// It is also a DNS-over-HTTPS resolver (JSON API) for made-up names, so the Worker's check that a
// host resolves to public addresses can be tested without the internet:
//   GET /dns-query?name=N&type=1|28      names ending .private.test -> 10.0.0.7 / fd00::7,
//                                        .public.test -> 93.184.216.34; anything else: no answer
import { createServer } from "node:http";

export function startWebhookReceiver(port = 0) {
  const spaces = new Map();
  const space = (name) => {
    if (!spaces.has(name)) spaces.set(name, { script: [], received: [] });
    return spaces.get(name);
  };
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const json = (status, value) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === "/dns-query") {
      const name = url.searchParams.get("name") ?? "";
      const type = Number(url.searchParams.get("type"));
      const answer = [];
      if (name.endsWith(".private.test")) answer.push(type === 28 ? { name, type, data: "fd00::7" } : { name, type: 1, data: "10.0.0.7" });
      if (name.endsWith(".public.test") && type === 1) answer.push({ name, type: 1, data: "93.184.216.34" });
      return json(200, { Status: answer.length ? 0 : 3, Answer: answer });
    }
    const control = /^\/__(script|received)\/([^/]+)$/.exec(url.pathname);
    if (control) {
      const s = space(control[2]);
      if (control[1] === "script") {
        s.script.push(...JSON.parse(text));
        return json(200, { queued: s.script.length });
      }
      return json(200, s.received);
    }
    const hook = /^\/hooks\/([^/]+)$/.exec(url.pathname);
    if (hook && req.method === "POST") {
      const s = space(hook[1]);
      s.received.push({ headers: req.headers, body: text, at: Date.now() });
      const answer = s.script.shift() ?? { status: 200, body: "ok" };
      if (answer.hangMs) await new Promise((r) => setTimeout(r, answer.hangMs));
      res.writeHead(answer.status, { "content-type": "text/plain", ...(answer.headers ?? {}) });
      return res.end(answer.body ?? "");
    }
    json(404, { error: "not found" });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () => new Promise((r) => server.close(() => r(undefined))),
      });
    });
  });
}
