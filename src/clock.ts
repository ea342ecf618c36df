// Time comes from a clock so tests can fix it and move it ("4m", "6d23h").
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "90s", "4m", "1h5m", "6d23h" into milliseconds. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) throw new Error(`Bad duration: ${text}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

export class FixedClock implements Clock {
  #now: number;
  constructor(start: Date | string = "2026-01-05T09:00:00Z") {
    this.#now = new Date(start).getTime();
  }
  now() {
    return new Date(this.#now);
  }
  set(at: Date | string) {
    this.#now = new Date(at).getTime();
  }
  advance(by: string | number) {
    this.#now += typeof by === "number" ? by : parseDuration(by);
    return this.now();
  }
}
