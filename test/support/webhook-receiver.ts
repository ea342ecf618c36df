// A stand-in for Kanal's webhook endpoint in the fake Graph API's own tests: it keeps each body the
// fake pushes, refusing (401) one whose signature does not verify, as Kanal does.
import { verifySignature } from "../../fakes/meta/sign";

export function signedReceiver(secret: string) {
  const received: any[] = [];
  const server = Bun.serve({
    port: 0,
    async fetch(req) {
      const raw = await req.text();
      if (!verifySignature(raw, req.headers.get("x-hub-signature-256"), secret)) return new Response("bad signature", { status: 401 });
      received.push(JSON.parse(raw));
      return new Response("EVENT_RECEIVED");
    },
  });
  return { received, url: `http://localhost:${server.port}`, stop: () => server.stop(true) };
}
