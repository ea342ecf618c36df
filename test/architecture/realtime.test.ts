// Rules about which code may reach which, read from the source itself.
import { describe, expect, it } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");

/** Every module a file names: static imports and re-exports, and `import("…")` in types or code. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The parts of src/ that belong to no feature: what the realtime mechanics may build on. */
const infrastructure = ["src/realtime", "src/context.ts", "src/log.ts", "src/i18n", "src/clock.ts", "src/config.ts"];

describe("realtime knows no feature", () => {
  it("src/realtime imports nothing from a feature folder or from views/", () => {
    const realtime = readdirSync(join(root, "src/realtime")).filter((name) => /\.tsx?$/.test(name));
    expect(realtime.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const name of realtime) {
      const file = join(root, "src/realtime", name);
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = relative(root, resolve(dirname(file), spec)).replace(/\.tsx?$/, "");
        const allowed = infrastructure.some((part) => target === part.replace(/\.tsx?$/, "") || target.startsWith(`${part}/`));
        if (!allowed) wrong.push(`src/realtime/${name} imports ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("the import reader sees the imports this rule is about", () => {
    const seen = importsOf(join(root, "src/inbox/live.tsx"));
    expect(seen).toContain("../realtime/renderers");
    expect(seen.some((spec) => spec.startsWith("../../views/"))).toBe(true);
  });
});

describe("one seam after commit", () => {
  const seam = "src/realtime/changes.ts";
  const everyFile = ["src", "views", "db", "fakes", "test"]
    .flatMap((dir) => sourceFiles(join(root, dir)))
    .map((file) => relative(root, file))
    .filter((file) => file !== seam && file !== "test/architecture/realtime.test.ts");

  it("no file but the seam publishes events by hand", () => {
    expect(everyFile.length).toBeGreaterThan(100);
    const publishing = everyFile.filter((file) => /\bpublishEvents\b/.test(readFileSync(join(root, file), "utf8")));
    expect(publishing).toEqual([]);
    expect(readFileSync(join(root, seam), "utf8")).toMatch(/\bpublishEvents\(/);
  });

  it("no file but the seam sends the events channel's NOTIFY", () => {
    const notifying = everyFile.filter((file) => /notify\(\s*EVENTS_CHANNEL/.test(readFileSync(join(root, file), "utf8")));
    expect(notifying).toEqual([]);
  });
});
