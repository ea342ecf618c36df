// `bun run fake-meta` writes into its media URLs the host Kanal reaches it by: META_GRAPH_URL, or
// the host Kanal itself was given with --kanal — never `localhost` for a Kanal at 127.0.0.1, whose
// downloads would then be refused as off the Graph API's host.
import { afterEach, describe, expect, it } from "bun:test";
import { demoIds } from "../../fakes/meta/demo";

const running: Bun.Subprocess[] = [];
afterEach(() => {
  for (const proc of running.splice(0)) proc.kill();
});

/** Starts the fake's server on a free port; resolves with the URL it announces. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn(["bun", "fakes/meta/cli.ts", "--port", "0", "--no-receipts", ...args], { cwd: `${import.meta.dir}/../..`, stdout: "pipe", stderr: "pipe", env: { ...process.env, META_GRAPH_URL: "", ...env } });
  running.push(proc);
  const reader = proc.stdout.getReader();
  let out = "";
  while (!/Fake Meta Graph API on (\S+)/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the fake stopped: ${out}`);
    out += new TextDecoder().decode(value);
  }
  return /Fake Meta Graph API on (\S+)/.exec(out)![1];
}

/** Uploads a file for the demo Messenger page: the fake answers with its temporary attachment URL. */
async function attachmentUrl(fake: string, port: string) {
  const form = new FormData();
  form.set("file", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "a.png", { type: "image/png" }));
  form.set("channel", demoIds.messenger.webhookKey);
  const res = await fetch(`http://127.0.0.1:${port}/_fake/media`, { method: "POST", body: form });
  expect(res.status).toBe(201);
  return new URL(((await res.json()) as { url: string }).url).host + ` (${fake})`;
}

describe("the fake's media URLs", () => {
  it("use the host of --kanal", async () => {
    const fake = await serve(["--kanal", "http://127.0.0.1:3999"]);
    const port = new URL(fake).port;
    expect(fake).toBe(`http://127.0.0.1:${port}`);
    expect(await attachmentUrl(fake, port)).toBe(`127.0.0.1:${port} (${fake})`);
  });

  it("use META_GRAPH_URL when Kanal is told it", async () => {
    const fake = await serve(["--kanal", "http://127.0.0.1:3999"], { META_GRAPH_URL: "http://fake-meta.test:4010" });
    expect(fake).toBe("http://fake-meta.test:4010");
  });
});
