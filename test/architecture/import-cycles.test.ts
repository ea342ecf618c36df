// The code's shape, checked: no import cycles among src/, views/ and db/ (a cycle makes load order
// decide what is undefined), and no source file grown past what a reader takes in at once.
import { describe, expect, it } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const root = join(import.meta.dir, "../..");
const MAX_LINES = 400;

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Specifiers a file imports at run time: `import type` and `export type` are erased, dynamic import() is not static. */
export function staticImports(text: string): string[] {
  const found: string[] = [];
  const statement = /^[ \t]*(?:import|export)\s+(?!type\b)(?:[\w$*{},\s]+?\s+from\s+)?["']([^"']+)["']/gm;
  for (const match of text.matchAll(statement)) found.push(match[1]);
  return found;
}

/** tsconfig's path aliases (`@db/*` → `db/*`), as prefixes. */
function aliases(): [string, string][] {
  const config = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")) as { compilerOptions: { paths?: Record<string, string[]> } };
  return Object.entries(config.compilerOptions.paths ?? {}).map(([from, [to]]) => [from.replace(/\*$/, ""), to.replace(/\*$/, "")]);
}

/** The project file a specifier names, or null for a package. */
function resolve(from: string, specifier: string, known: Set<string>, prefixes: [string, string][]): string | null {
  let base: string | null = null;
  if (specifier.startsWith(".")) base = join(dirname(from), specifier);
  for (const [alias, target] of prefixes) if (specifier.startsWith(alias)) base = target + specifier.slice(alias.length);
  if (base === null) return null;
  for (const ending of ["", ".ts", ".tsx", "/index.ts", "/index.tsx"]) {
    const candidate = normalize(base + ending);
    if (known.has(candidate)) return candidate;
  }
  return null;
}

/** Each cycle of the graph, as a path that ends where it starts (one per strongly connected part). */
export function cyclesIn(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const part: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        part.push(w);
      } while (w !== v);
      if (part.length > 1 || graph.get(v)?.has(v)) parts.push(part.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return parts.map((part) => loopThrough(graph, new Set(part), part[0]));
}

/** The shortest way from `start` back to itself inside one strongly connected part. */
function loopThrough(graph: Map<string, Set<string>>, part: Set<string>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!part.has(w)) continue;
      if (w === start) {
        const between: string[] = [];
        for (let at = v; at !== start; at = cameFrom.get(at)!) between.unshift(at);
        return [start, ...between, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function projectGraph(): Map<string, Set<string>> {
  const files = ["src", "views", "db"].filter((folder) => existsSync(join(root, folder))).flatMap(sourceFiles);
  const known = new Set(files);
  const prefixes = aliases();
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = staticImports(readFileSync(join(root, file), "utf8"))
      .map((specifier) => resolve(file, specifier, known, prefixes))
      .filter((target): target is string => target !== null);
    graph.set(file, new Set(targets));
  }
  return graph;
}

function lineCount(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

describe("the code's shape", () => {
  it("no file in src/, views/ or db/ imports, through others, itself", () => {
    const graph = projectGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(cyclesIn(graph).map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  it("no file in src/ or views/ is longer than 400 lines", () => {
    const long = ["src", "views"]
      .flatMap(sourceFiles)
      .map((file) => ({ file, lines: lineCount(readFileSync(join(root, file), "utf8")) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file} (${lines})`);
    expect(long).toEqual([]);
  });

  it("the check sees runtime imports only, and names a cycle by its path", () => {
    const text = `import type { A } from "./a";\nimport {\n  b,\n  type C,\n} from "./b";\nexport * from "./c";\nimport "./d";\nexport type { E } from "./e";\nconst f = await import("./f");\n`;
    expect(staticImports(text)).toEqual(["./b", "./c", "./d"]);
    const graph = new Map([
      ["a.ts", new Set(["b.ts"])],
      ["b.ts", new Set(["c.ts"])],
      ["c.ts", new Set(["a.ts"])],
      ["d.ts", new Set(["a.ts"])],
    ]);
    expect(cyclesIn(graph)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
  });
});
