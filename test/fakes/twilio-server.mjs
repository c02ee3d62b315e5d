// A fake Twilio Messages API: a real HTTP server on 127.0.0.1 speaking Twilio's wire format
// (form-encoded POST /2010-04-01/Accounts/{AccountSid}/Messages.json with Basic auth).
// The AccountSid is the namespace: POST /__script/{sid} [answers...], GET /__requests/{sid}.
// Answers: {kind:"ok", status?} (default) | {kind:"status", status, code?, message?} | {kind:"hang"}
// Media, as Twilio serves MMS media: GET /2010-04-01/Accounts/{sid}/Messages/{MM}/Media/{ME} (Basic
// auth) answers a small PNG; GET /status/{code} answers that status; GET /huge answers 6 MB.
import { createServer } from "node:http";

/** A 1×1 PNG. */
export const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

export function startFakeTwilio(port = 0) {
  const spaces = new Map();
  const space = (sid) => {
    if (!spaces.has(sid)) spaces.set(sid, { script: [], requests: [] });
    return spaces.get(sid);
  };
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString("utf8");
    const send = (status, json) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    const control = /^\/__(script|requests)\/([^/]+)$/.exec(req.url ?? "");
    if (control) {
      const s = space(control[2]);
      if (control[1] === "script") {
        s.script.push(...JSON.parse(text));
        return send(200, { queued: s.script.length });
      }
      return send(200, s.requests);
    }
    const media = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/[^/]+\/Media\/[^/]+$/.exec(req.url ?? "");
    if (media && req.method === "GET") {
      const [user] = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString().split(":");
      if (user !== decodeURIComponent(media[1])) return send(401, { code: 20003, message: "Authenticate", status: 401 });
      res.writeHead(200, { "content-type": "image/png", "content-length": PNG.length });
      return res.end(PNG);
    }
    const status = /^\/status\/(\d{3})$/.exec(req.url ?? "");
    if (status) return send(Number(status[1]), { status: Number(status[1]) });
    if (req.url === "/huge") {
      res.writeHead(200, { "content-type": "image/jpeg" });
      return res.end(Buffer.alloc(6 * 1024 * 1024));
    }
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? "");
    if (!m || req.method !== "POST") return send(404, { code: 20404, message: "The requested resource was not found", status: 404 });
    const sid = decodeURIComponent(m[1]);
    const [user, token] = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString().split(":");
    if (user !== sid || !token) return send(401, { code: 20003, message: "Authenticate", status: 401 });
    const form = new URLSearchParams(text);
    const s = space(sid);
    s.requests.push({ To: form.get("To"), From: form.get("From"), Body: form.get("Body"), MediaUrl: form.getAll("MediaUrl"), StatusCallback: form.get("StatusCallback") });
    const answer = s.script.shift() ?? { kind: "ok" };
    if (answer.kind === "hang") return;
    if (answer.kind === "status") return send(answer.status, { code: answer.code ?? 30000, message: answer.message ?? "error", status: answer.status });
    return send(201, {
      sid: `SM${Math.random().toString(16).slice(2).padEnd(32, "0").slice(0, 32)}`,
      status: answer.status ?? "queued",
      to: form.get("To"),
      from: form.get("From"),
      body: form.get("Body"),
      account_sid: sid,
    });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
