// `bun run fake-pay`: serve the fake Stripe and iyzico for the demo; `bun run fake-pay pay <id>`:
// the customer pays a link (the fake sends the provider's signed notification to Kanal).
import { parseArgs } from "node:util";
import { DEMO_KANAL_URL } from "../meta/demo";
import { DEMO_PAY_PORT, DEMO_PAY_URL, demoPayAccounts } from "./demo";
import { startFakePay, type FakeLink } from "./server";

const usage = `Usage:
  bun run fake-pay [--port ${DEMO_PAY_PORT}] [--kanal ${DEMO_KANAL_URL}]
      Serves Stripe at {url}/stripe (key sk_test_demo, webhook secret whsec_demo) and iyzico at
      {url}/iyzico (API key sandbox-demo-api-key, secret sandbox-demo-secret-key); notifications go to
      {kanal}/payments/webhooks/demo-payments, the demo organization's provider.
  bun run fake-pay links [--fake ${DEMO_PAY_URL}]          Lists the links the fake holds.
  bun run fake-pay pay <link id> [--times 2] [--fake …]    The customer pays (--times resends the notification).
  bun run fake-pay expire <link id> [--fake …]             The link expires (Stripe notifies Kanal).`;

const { values: flags, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: { port: { type: "string" }, kanal: { type: "string" }, fake: { type: "string" }, times: { type: "string" }, help: { type: "boolean", short: "h" } },
});

const fakeUrl = (flags.fake ?? DEMO_PAY_URL).replace(/\/$/, "");

if (flags.help) console.log(usage);
else if (positionals.length === 0) await serve();
else if (positionals[0] === "links") await links();
else if (positionals[0] === "pay" || positionals[0] === "expire") await control(positionals[0], positionals[1]);
else fail(`unknown command ${positionals[0]}\n\n${usage}`);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function serve() {
  const kanalUrl = flags.kanal ?? DEMO_KANAL_URL;
  const fake = await startFakePay({ port: Number(flags.port ?? DEMO_PAY_PORT), ...demoPayAccounts(kanalUrl) });
  console.log(`Fake payment providers on ${fake.url}`);
  console.log(`  Stripe  ${fake.stripeUrl}   key sk_test_demo, webhook secret whsec_demo`);
  console.log(`  iyzico  ${fake.iyzicoUrl}   API key sandbox-demo-api-key, secret sandbox-demo-secret-key`);
  console.log(`  notifications → ${kanalUrl}/payments/webhooks/demo-payments`);
  console.log(`\nOpen a link's URL to pay it in the browser, or: bun run fake-pay pay <link id>`);
  const stop = async () => {
    await fake.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function links() {
  const res = await fetch(`${fakeUrl}/__fake/links`).catch(() => fail(`the fake is not running at ${fakeUrl}: start it with bun run fake-pay`));
  for (const l of (await res.json()) as FakeLink[]) console.log(`${l.id.padEnd(28)} ${l.provider.padEnd(7)} ${l.status.padEnd(9)} ${l.currency} ${(l.amountMinor / 100).toFixed(2)}  ${l.description}`);
}

async function control(action: "pay" | "expire", id: string | undefined) {
  if (!id) fail(`${action} needs a link id (bun run fake-pay links lists them)`);
  const res = await fetch(`${fakeUrl}/__fake/${action}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id, times: flags.times ? Number(flags.times) : undefined }) }).catch(() =>
    fail(`the fake is not running at ${fakeUrl}: start it with bun run fake-pay`),
  );
  const body = (await res.json()) as { error?: string; deliveries?: { url: string; status: number | null }[] };
  if (!res.ok) fail(`the fake refused: ${body.error}`);
  for (const d of body.deliveries ?? []) console.log(`→ ${d.url}: ${d.status ?? "unreachable"}`);
}
