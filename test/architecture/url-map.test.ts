// The URL map holds: src/app.tsx mounts every feature's routes module at its own prefix, once, and
// no module mounts another's (a feature mounts only its own parts). Read from the source, as the
// other architecture rules are, and checked against the running app's routes.
import { describe, expect, it } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { useTestApp } from "../support/app";

const root = join(import.meta.dir, "../..");
const t = useTestApp();
const appFile = "src/app.tsx";

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

const text = (file: string) => readFileSync(join(root, file), "utf8");

/** Every exported routes module: `export function fooRoutes(`, with the file that defines it. */
function routeModules(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles("src")) {
    for (const m of text(file).matchAll(/^export function (\w+Routes)\(/gm)) found.set(m[1], file);
  }
  found.delete("signedInRoutes"); // the factory signed-in modules are built with, not a module
  return found;
}

/** `app.route("<prefix>", fooRoutes(...))` in a file: [prefix, module] pairs. */
function mounts(file: string): [string, string][] {
  return [...text(file).matchAll(/\.route\(\s*"([^"]*)",\s*(\w+Routes)\(/g)].map((m) => [m[1], m[2]]);
}

/** The folder a source file's feature lives in (src/inbox/…, src/channels/webchat/… → channels). */
const featureOf = (file: string) => file.split("/").slice(0, 2).join("/");

describe("the URL map", () => {
  const modules = routeModules();
  const mounted = mounts(appFile);

  it("finds the routes modules and the mounts it is about", () => {
    expect(modules.size).toBeGreaterThan(20);
    expect(mounted.length).toBeGreaterThan(20);
    expect(mounted).toContainEqual(["/inbox", "inboxRoutes"]);
  });

  it("every routes module is mounted exactly once: by src/app.tsx, or by a module of its own feature", () => {
    const everywhere = sourceFiles("src").flatMap((file) => mounts(file).map(([prefix, name]) => ({ file, prefix, name })));
    const wrong: string[] = [];
    for (const [name, file] of modules) {
      const at = everywhere.filter((m) => m.name === name);
      if (at.length !== 1) wrong.push(`${name} (${file}) is mounted ${at.length} times`);
      else if (at[0].file !== appFile && featureOf(at[0].file) !== featureOf(file)) wrong.push(`${at[0].file} mounts ${name} of ${featureOf(file)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("src/app.tsx mounts each feature at a prefix of its own, never at the root", () => {
    expect(mounted.filter(([prefix]) => prefix === "/" || prefix === "")).toEqual([]);
  });

  it("no module gathers other features' routes (shell/workspace.tsx is gone)", () => {
    expect(existsSync(join(root, "src/shell/workspace.tsx"))).toBe(false);
    const gathering = sourceFiles("src")
      .filter((file) => file !== appFile)
      .filter((file) => mounts(file).some(([, name]) => modules.has(name) && featureOf(modules.get(name)!) !== featureOf(file)));
    expect(gathering).toEqual([]);
  });

  it("the running app serves routes under each prefix mounted (the map is the app, not a comment)", () => {
    const paths = t.app.routes.map((r) => r.path);
    const unserved = mounted.filter(([prefix]) => !paths.some((path) => path === prefix || path.startsWith(`${prefix}/`)));
    expect(unserved).toEqual([]);
  });

  it("every signed-in area, mounted on its own, still sends a visitor without a session to sign in", async () => {
    const signedIn = ["/inbox", "/inbox/1/gallery", "/media/1", "/contacts", "/cockpit", "/reports", "/admin", "/admin/users", "/admin/payments", "/admin/api-tokens", "/admin/workflows", "/admin/business-hours", "/events"];
    const answers = await Promise.all(signedIn.map(async (path) => {
      const res = await t.app.request(path);
      return { path, status: res.status, location: res.headers.get("location")?.replace(/\?.*$/, "") };
    }));
    expect(answers).toEqual(signedIn.map((path) => ({ path, status: 303, location: "/login" })));
  });
});
