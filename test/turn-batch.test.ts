import { describe, expect, it } from "vitest";
import { TurnBatch } from "../worker/lib/turn-batch";

describe("TurnBatch", () => {
  it("hands what arrives in one turn to one run, each add getting its own result or its own error", async () => {
    const runs: number[][] = [];
    const batch = new TurnBatch<number, string>((items) => {
      runs.push([...items]);
      return items.map((n) => (n < 0 ? new Error(`refused ${n}`) : `#${n}`));
    });
    const first = await Promise.allSettled([batch.add(1), batch.add(-2), batch.add(3)]);
    expect(first).toEqual([
      { status: "fulfilled", value: "#1" },
      { status: "rejected", reason: new Error("refused -2") },
      { status: "fulfilled", value: "#3" },
    ]);
    // The next turn opens a new batch.
    expect(await batch.add(4)).toBe("#4");
    expect(runs).toEqual([[1, -2, 3], [4]]);
  });

  it("a run that throws fails every add of its batch, and the next batch runs again", async () => {
    let fail = true;
    const batch = new TurnBatch<number, number>((items) => {
      if (fail) throw new Error("commit failed");
      return items;
    });
    const settled = await Promise.allSettled([batch.add(1), batch.add(2)]);
    expect(settled.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await Promise.all([batch.add(5), batch.add(6)])).toEqual([5, 6]);
  });
});
