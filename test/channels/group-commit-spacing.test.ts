// Batches spaced apart (GroupCommit's spacingMs), as the webhook route applies acknowledged
// messages: items gather between batches, and a full batch does not wait.
import { describe, expect, it } from "bun:test";
import { GroupCommit } from "../../src/channels/group-commit";

function recorder() {
  const batches: { items: string[]; at: number }[] = [];
  const commit = async (items: string[]) => {
    batches.push({ items, at: performance.now() });
    await Bun.sleep(5);
    return items.map((i) => i.toUpperCase());
  };
  return { batches, commit };
}

describe("spaced batches", () => {
  it("starts the first at once and gathers what arrives after it until the spacing has passed", async () => {
    const r = recorder();
    const commits = new GroupCommit(r.commit, { spacingMs: 200 });
    const started = performance.now();
    const a = commits.run("a");
    await Bun.sleep(20);
    const rest = ["b", "c", "d"].map((i) => commits.run(i));
    expect(await a).toBe("A");
    expect(await Promise.all(rest)).toEqual(["B", "C", "D"]);
    expect(r.batches.map((b) => b.items)).toEqual([["a"], ["b", "c", "d"]]);
    // The first did not wait for a spacing; the second did.
    expect(r.batches[0].at - started).toBeLessThan(150);
    expect(r.batches[1].at - r.batches[0].at).toBeGreaterThanOrEqual(199);
  });

  it("starts a full batch without waiting for the spacing", async () => {
    const r = recorder();
    const commits = new GroupCommit(r.commit, { spacingMs: 60_000, batch: 2 });
    const all = ["a", "b", "c"].map((i) => commits.run(i));
    expect(await Promise.all(all)).toEqual(["A", "B", "C"]);
    expect(r.batches.map((b) => b.items)).toEqual([["a"], ["b", "c"]]);
  });
});
