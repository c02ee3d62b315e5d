/**
 * Gathers what arrives during one turn of the event loop (until a 0 ms timer fires) and hands
 * it all to `run` at once. Each add() settles with its own result, or throws its own error
 * (`run` answers one per item, in order). In a Durable Object the wait lets the requests already
 * queued for the object in, so a burst shares one transaction and one commit; alone, an item
 * waits for nothing but the timer.
 */
export class TurnBatch<I, O> {
  #open: { items: I[]; done: Promise<(O | Error)[]> } | null = null;

  constructor(private readonly run: (items: I[]) => (O | Error)[]) {}

  async add(item: I): Promise<O> {
    if (!this.#open) {
      const items: I[] = [];
      const done = new Promise((next) => setTimeout(next, 0)).then(() => {
        this.#open = null;
        return this.run(items);
      });
      this.#open = { items, done };
    }
    const { items, done } = this.#open;
    const i = items.push(item) - 1;
    const out = (await done)[i];
    if (out instanceof Error) throw out;
    if (out === undefined) throw new Error("a batch answered fewer results than it was given items");
    return out;
  }
}
