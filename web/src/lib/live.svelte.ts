// Live updates: one WebSocket per tab to the organization's store (GET /api/live), which pushes
// {"events": [{type, data}]} after every committed change. Pages subscribe with `live.on` and
// read again what an event touches. After a drop the tab reconnects with backoff and tells every
// subscriber to read again ("live.resync"), which is how it catches up on what it missed.

export interface LiveEvent {
  type: string;
  data: Record<string, unknown> & { contact_id?: string | null };
}

type Listener = (events: LiveEvent[]) => void;
type Status = "off" | "connecting" | "open" | "reconnecting";

const PING_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;
/** Closed by the server because the member left the organization or it was deleted: no retry. */
const FINAL_CODES = new Set([4401, 4403]);

/** A resync event: everything may have changed. */
export const RESYNC: LiveEvent = { type: "live.resync", data: {} };

class Live {
  status = $state<Status>("off");
  readonly #listeners = new Set<Listener>();
  #socket: WebSocket | null = null;
  #organization: string | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;
  #everOpen = false;

  /** Connects for this organization (again, if it changed); idempotent. */
  start(organizationId: string) {
    if (this.#organization === organizationId && this.status !== "off") return;
    this.stop();
    this.#organization = organizationId;
    this.#everOpen = false;
    this.#connect();
  }

  stop() {
    this.#organization = null;
    clearTimeout(this.#retryTimer);
    this.#clearPing();
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, "signed out");
    this.status = "off";
  }

  /** Calls `listener` with each batch of events; answers the unsubscribe. */
  on(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(events: LiveEvent[]) {
    for (const listener of this.#listeners) {
      try {
        listener(events);
      } catch (e) {
        console.error("live update listener failed", e);
      }
    }
  }

  #connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/live`;
    this.status = this.#everOpen ? "reconnecting" : "connecting";
    const socket = new WebSocket(url);
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#attempt = 0;
      this.status = "open";
      // What changed while this tab was not connected is read again.
      if (this.#everOpen) this.#emit([RESYNC]);
      this.#everOpen = true;
      this.#startPing(socket);
    };
    socket.onmessage = (e) => {
      if (this.#socket !== socket || typeof e.data !== "string") return;
      if (e.data === "pong") {
        clearTimeout(this.#pongTimer);
        return;
      }
      try {
        const { events } = JSON.parse(e.data) as { events: LiveEvent[] };
        if (Array.isArray(events) && events.length) this.#emit(events);
      } catch {
        // Not ours.
      }
    };
    socket.onclose = (e) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#clearPing();
      if (FINAL_CODES.has(e.code)) {
        this.status = "off";
        return;
      }
      this.#scheduleReconnect(e.code === 4001 ? 0 : undefined);
    };
  }

  #scheduleReconnect(delay?: number) {
    if (!this.#organization) return;
    this.status = "reconnecting";
    // 1 s, 2 s, 4 s ... up to 30 s, each with jitter so many tabs do not return in step.
    const backoff = delay ?? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.#attempt) * (0.5 + Math.random() / 2);
    this.#attempt++;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#organization && this.#connect(), backoff);
  }

  #startPing(socket: WebSocket) {
    this.#clearPing();
    this.#pingTimer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send("ping");
      clearTimeout(this.#pongTimer);
      // No answer: the connection is gone without a close (a sleeping laptop, a dropped network).
      this.#pongTimer = setTimeout(() => socket.close(4000, "no pong"), PONG_TIMEOUT_MS);
    }, PING_MS);
  }

  #clearPing() {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
  }
}

export const live = new Live();

/**
 * Runs `refresh` once, `waitMs` after the last of a burst of matching events (a change often
 * brings several), so a page reads again once per burst, not once per event.
 */
export function onLive(matches: (event: LiveEvent) => boolean, refresh: () => void, waitMs = 250): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const off = live.on((events) => {
    if (!events.some((e) => e.type === RESYNC.type || matches(e))) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, waitMs);
  });
  return () => {
    clearTimeout(timer);
    off();
  };
}

/**
 * Follows background work (an import, a bulk change) until the returned function stops it:
 * `refresh` on its progress events, and every `pollMs` as well, in case the tab misses them.
 */
export function followProgress(matches: (event: LiveEvent) => boolean, refresh: () => void, pollMs = 2000): () => void {
  const off = onLive(matches, refresh, 100);
  const timer = setInterval(refresh, pollMs);
  return () => {
    off();
    clearInterval(timer);
  };
}
