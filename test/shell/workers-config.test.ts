import { describe, expect, it } from "bun:test";
import { loadConfig } from "../../src/config";

describe("several processes on one port", () => {
  it("KANAL_WORKERS above 1 needs Postgres, as the embedded database belongs to one process", () => {
    expect(() => loadConfig({ KANAL_WORKERS: "2" })).toThrow(/KANAL_WORKERS/);
    expect(loadConfig({ KANAL_WORKERS: "2", DATABASE_URL: "postgres://kanal@db/kanal" }).KANAL_WORKERS).toBe(2);
    expect(loadConfig({}).KANAL_WORKERS).toBe(1);
  });
});
