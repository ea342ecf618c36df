import { describe, expect, it } from "bun:test";
import { SeenEvents } from "../../src/realtime/seen";

describe("events a stream has seen", () => {
  it("skips repeats and the resume point, keeps a smaller id that arrives late, and tracks the largest", () => {
    const seen = new SeenEvents(10);
    expect(seen.take(10)).toBe(false);
    expect(seen.take(12)).toBe(true);
    expect(seen.take(11)).toBe(true);
    expect(seen.take(12)).toBe(false);
    expect(seen.max).toBe(12);
  });

  it("forgets ids far behind the largest, so it never grows without bound", () => {
    const seen = new SeenEvents(0);
    for (let id = 1; id <= 25_000; id++) seen.take(id);
    expect(seen.take(1)).toBe(false);
    expect(seen.take(24_999)).toBe(false);
    expect(seen.take(25_001)).toBe(true);
  });
});
