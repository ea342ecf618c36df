import { describe, expect, it } from "bun:test";
import { shortTime } from "../../views/format";

describe("times in the conversation list", () => {
  it("show the clock for today in the organization's zone and the date before that", () => {
    // 00:30 in Istanbul (UTC+3) on 10 March.
    const now = new Date("2026-03-09T21:30:00Z");
    expect(shortTime(new Date("2026-03-09T21:10:00Z"), now, "tr", "Europe/Istanbul")).toBe("00:10");
    // Twenty minutes earlier by the clock, but yesterday there.
    expect(shortTime(new Date("2026-03-09T20:50:00Z"), now, "tr", "Europe/Istanbul")).toBe("9 Mar");
    // Both instants are on 9 March in New York.
    expect(shortTime(new Date("2026-03-09T20:50:00Z"), now, "tr", "America/New_York")).toBe("16:50");
    expect(shortTime(new Date("2026-02-01T10:00:00Z"), now, "tr", "Europe/Istanbul")).toBe("1 Şub");
  });
});
