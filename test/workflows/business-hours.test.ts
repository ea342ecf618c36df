import { describe, expect, it } from "bun:test";
import { isOpen, type Hours } from "../../src/workflows/business-hours";

const ist = "Europe/Istanbul"; // UTC+3 all year
const day = [{ from: "09:00", to: "18:00" }];
const hours: Hours = { weekly: { 1: day, 2: day, 3: day, 4: day, 5: [...day, { from: "22:00", to: "02:00" }] }, holidays: ["2026-01-07"] };

describe("business hours in the organization's time zone", () => {
  it("opens at 09:00 and closes at 18:00 Istanbul time, not UTC", () => {
    expect(isOpen(hours, ist, new Date("2026-01-05T05:59:59Z"))).toBe(false); // Mon 08:59:59
    expect(isOpen(hours, ist, new Date("2026-01-05T06:00:00Z"))).toBe(true); // Mon 09:00
    expect(isOpen(hours, ist, new Date("2026-01-05T14:59:00Z"))).toBe(true); // Mon 17:59
    expect(isOpen(hours, ist, new Date("2026-01-05T15:00:00Z"))).toBe(false); // Mon 18:00
  });

  it("a span past midnight carries into the next local day, which UTC still calls the day before", () => {
    expect(isOpen(hours, ist, new Date("2026-01-09T19:00:00Z"))).toBe(true); // Fri 22:00
    expect(isOpen(hours, ist, new Date("2026-01-09T21:30:00Z"))).toBe(true); // Sat 00:30 local, Fri 21:30 UTC
    expect(isOpen(hours, ist, new Date("2026-01-09T22:59:00Z"))).toBe(true); // Sat 01:59
    expect(isOpen(hours, ist, new Date("2026-01-09T23:00:00Z"))).toBe(false); // Sat 02:00
    expect(isOpen(hours, ist, new Date("2026-01-10T07:00:00Z"))).toBe(false); // Sat 10:00
  });

  it("a holiday closes its whole local day; the day before and after keep their hours", () => {
    expect(isOpen(hours, ist, new Date("2026-01-06T20:59:00Z"))).toBe(false); // Tue 23:59, closed anyway
    expect(isOpen(hours, ist, new Date("2026-01-07T08:00:00Z"))).toBe(false); // Wed 11:00, holiday
    expect(isOpen(hours, ist, new Date("2026-01-06T22:00:00Z"))).toBe(false); // Wed 01:00 local (Tue UTC)
    expect(isOpen(hours, ist, new Date("2026-01-08T08:00:00Z"))).toBe(true); // Thu 11:00
  });

  it("no hours set means always open, so nobody gets an out-of-office reply by default", () => {
    expect(isOpen(null, ist, new Date("2026-01-10T23:00:00Z"))).toBe(true);
    expect(isOpen({ weekly: {}, holidays: [] }, ist, new Date("2026-01-10T23:00:00Z"))).toBe(true);
  });
});
