// `bun run fake-meta`: serve the fake Graph API for the demo; `bun run fake-meta send …`: push one
// signed inbound message to Kanal, as a customer writing on WhatsApp, Messenger or Instagram would.
import { parseArgs } from "node:util";
import { DEMO_APP_SECRET, DEMO_FAKE_PORT, DEMO_KANAL_URL, demoChannels, demoComment, demoIds } from "./demo";
import { fb, messagingPayload, newInstagramMid, newMessengerMid, wa, whatsappPayload, type MetaKind, type WaMedia, type WaMessage } from "./payloads";
import { postWebhook, startFakeMeta, type FakeChannel } from "./server";
import { fbAdReferral, fbKinds, standbyPayload, waAdReferral, waUnhandledEntry, waUser } from "./payload-kinds";
import { metaJson } from "./sign";

const usage = `Usage:
  bun run fake-meta [--port 4010] [--host 127.0.0.1] [--kanal http://localhost:3000] [--no-receipts] [--receipt-delay 1000]
      Registers the demo channels (WhatsApp ${demoIds.whatsapp.id}, Messenger ${demoIds.messenger.id},
      Instagram ${demoIds.instagram.id}; token demo-access-token, app secret demo-app-secret).
  bun run fake-meta --kind whatsapp --id <phone-number-id> --token <t> --secret <s> --channel <webhook-key>
      [--waba <id>] [--verify-token <t>] [--webhook-url <url>]   Registers that channel instead.
  bun run fake-meta send --from 905551112233 --name "Ayşe" --text "Merhaba 👋" [--image a.jpg | --voice a.ogg]
      [--channel demo-whatsapp] [--kind whatsapp|messenger|instagram] [--page <id>] [--secret <s>]
      [--kanal http://localhost:3000] [--fake http://localhost:4010]
      Pushes one signed inbound message to {kanal}/webhooks/{channel}; media goes through the running fake.
  bun run fake-meta comment --kind facebook|instagram --post <post id or a new post's text> --text "Fiyatı nedir?"
      [--from <user id>] [--name "Ayşe"] [--verb add|edited|remove|hide|unhide --comment <comment id>]
      [--channel <id>] [--fake http://localhost:4010]
      The running fake makes the comment on that post (a new post, with a picture, if none matches)
      and pushes Meta's webhook (Page feed or Instagram comments) to Kanal.
  bun run fake-meta send --from 905551112233 --button bot:talk --text "Talk to us"   (WhatsApp: a reply-button tap;
      Messenger/Instagram: a quick-reply tap)   [--list bot:order --text "Order status"   (WhatsApp: a list row)]
      [--postback bot:talk --text "Talk to us"   (Messenger: a postback)]
      The id is what Kanal sent with the choice (the inbox shows it as the thread's menu); --text is its title.
  Real-world shapes (issue 18), with send:
      --ad "Kışa özel %30"         the message comes from a click-to-WhatsApp / click-to-Messenger ad with that headline
      --edit <mid> --text "…"      Messenger/Instagram: the customer edits an earlier message (ids are printed by send)
      --unsend <mid>               Messenger/Instagram: the customer unsends it
      --link https://… [--text t]  Messenger/Instagram: a shared link
      --standby                    Messenger/Instagram: the message arrives as standby (another app holds the thread)
      --bsuid TR.1502576394655843 [--username elif.k]   WhatsApp: a customer known by business-scoped user id;
                                   without --from the phone number is hidden
      --media-fails 3|always       with --image/--voice: the first downloads of the file fail (503)
      --unhandled                  adds an item Kanal does not handle (counted on the channel's admin page)`;

const { values: flags, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: {
    port: { type: "string" },
    host: { type: "string" },
    kanal: { type: "string" },
    fake: { type: "string" },
    kind: { type: "string" },
    id: { type: "string" },
    page: { type: "string" },
    button: { type: "string" },
    list: { type: "string" },
    postback: { type: "string" },
    waba: { type: "string" },
    token: { type: "string" },
    secret: { type: "string" },
    "verify-token": { type: "string" },
    channel: { type: "string" },
    "webhook-url": { type: "string" },
    "no-receipts": { type: "boolean" },
    "receipt-delay": { type: "string" },
    from: { type: "string" },
    name: { type: "string" },
    text: { type: "string" },
    image: { type: "string" },
    voice: { type: "string" },
    post: { type: "string" },
    verb: { type: "string" },
    comment: { type: "string" },
    ad: { type: "string" },
    edit: { type: "string" },
    unsend: { type: "string" },
    link: { type: "string" },
    standby: { type: "boolean" },
    bsuid: { type: "string" },
    username: { type: "string" },
    "media-fails": { type: "string" },
    unhandled: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});

const kanalUrl = (flags.kanal ?? DEMO_KANAL_URL).replace(/\/$/, "");
const isComment = positionals[0] === "comment";
// Comments name the Page by its product: `--kind facebook` is the Messenger channel's Page.
const kind = (flags.kind === "facebook" ? "messenger" : (flags.kind ?? (isComment ? "messenger" : "whatsapp"))) as MetaKind;
if (!["whatsapp", "messenger", "instagram"].includes(kind) || (isComment && kind === "whatsapp")) fail(isComment ? "--kind must be facebook or instagram" : `--kind must be whatsapp, messenger or instagram`);

if (flags.help) console.log(usage);
else if (isComment) await comment();
else if (positionals[0] === "send") await send();
else if (positionals.length === 0) await serve();
else fail(`unknown command ${positionals[0]}\n\n${usage}`);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function serve() {
  const port = Number(flags.port ?? DEMO_FAKE_PORT);
  const custom = flags.id ?? flags.page;
  const channels: FakeChannel[] = custom
    ? [
        {
          kind,
          id: custom,
          accessToken: flags.token ?? fail("--token is required with --id"),
          appSecret: flags.secret ?? fail("--secret is required with --id"),
          verifyToken: flags["verify-token"],
          name: flags.channel,
          wabaId: flags.waba,
          webhookUrl: flags["webhook-url"] ?? (flags.channel ? `${kanalUrl}/webhooks/${flags.channel}` : undefined),
        },
      ]
    : demoChannels(kanalUrl);
  const fake = await startFakeMeta({
    port,
    hostname: flags.host,
    // Media URLs name the host Kanal fetches from (META_GRAPH_URL, else the host Kanal itself was
    // given with --kanal): Kanal refuses a file from any other host, localhost for 127.0.0.1 too.
    publicUrl: process.env.META_GRAPH_URL || undefined,
    publicHost: new URL(kanalUrl).hostname,
    channels,
    // A second between receipts, so the demo shows a message go sent → delivered → read.
    receipts: { enabled: !flags["no-receipts"], delayMs: Number(flags["receipt-delay"] ?? 1000) },
    onPush: (p) => console.log(`→ webhook ${p.url}: ${p.status ?? p.error} (${p.body.length} bytes)`),
  });
  // The demo seed's comment thread answers against a comment the fake knows.
  if (!custom) fake.comments.remember({ channel: demoIds.messenger.id, ...demoComment, at: new Date() });
  console.log(`Fake Meta Graph API on ${fake.url}`);
  for (const c of fake.channels()) {
    console.log(`  ${c.kind.padEnd(9)} id ${c.id}${c.wabaId ? ` (WABA ${c.wabaId})` : ""}  token ${c.accessToken}  app secret ${c.appSecret}` + `${c.verifyToken ? `  verify token ${c.verifyToken}` : ""}\n            webhooks → ${c.webhookUrl ?? "(none)"}`);
  }
  console.log(`\nPoint Kanal at it:  META_GRAPH_URL=${fake.url} bun start`);
  console.log(`Push a customer message:  bun run fake-meta send --from 905551112233 --name "Ayşe" --text "Merhaba 👋"`);
  console.log(`Push a comment on a post:  bun run fake-meta comment --kind facebook --post "Yeni ürünler" --text "Fiyatı nedir?"`);
  const stop = async () => {
    await fake.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Stores a file in the running fake so Kanal can fetch it from there, as it would from Meta. */
async function uploadToFake(path: string, channel: string, voice = false, fails?: string): Promise<WaMedia & { url?: string }> {
  const file = Bun.file(path);
  if (!(await file.exists())) fail(`no such file: ${path}`);
  const form = new FormData();
  form.set("file", file, path.split("/").pop());
  form.set("channel", channel);
  if (fails) form.set("fail", fails);
  // WhatsApp names recorded voice notes this way.
  if (voice && file.type.startsWith("audio/ogg")) form.set("type", "audio/ogg; codecs=opus");
  return (await fakeRequest("/_fake/media", { method: "POST", body: form })).json();
}

async function nameInFake(id: string, name: string) {
  const fakeUrl = (flags.fake ?? `http://localhost:${DEMO_FAKE_PORT}`).replace(/\/$/, "");
  const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id, name }) };
  const res = await fetch(`${fakeUrl}/_fake/profiles`, init).catch(() => null);
  if (!res?.ok) console.warn(`(the fake at ${fakeUrl} did not take the name: Kanal's profile lookup will not find it)`);
}

async function fakeRequest(path: string, init: RequestInit): Promise<Response> {
  const fakeUrl = (flags.fake ?? `http://localhost:${DEMO_FAKE_PORT}`).replace(/\/$/, "");
  const res = await fetch(fakeUrl + path, init).catch(() => fail(`the fake is not running at ${fakeUrl}: start it with bun run fake-meta`));
  if (!res.ok) fail(`the fake refused ${path}: ${res.status} ${await res.text()}`);
  return res;
}

async function send() {
  const demo = demoIds[kind];
  const id = flags.id ?? flags.page ?? demo.id;
  const webhookKey = flags.channel ?? demo.webhookKey;
  const secret = flags.secret ?? DEMO_APP_SECRET;
  // A WhatsApp customer known by BSUID alone shows no phone number unless --from gives one.
  const hiddenPhone = kind === "whatsapp" && !!flags.bsuid && !flags.from;
  const from = flags.from ?? (kind === "whatsapp" ? "905551112233" : "7100000000000001");
  if (!flags.text && !flags.image && !flags.voice && !flags.unsend && !flags.link && !flags.unhandled) fail("send needs --text, --image or --voice (or --unsend, --link, --unhandled)");
  if ((flags.edit || flags.unsend || flags.link || flags.standby) && kind === "whatsapp") fail("--edit, --unsend, --link and --standby are Messenger/Instagram shapes");
  const tap = flags.button ?? flags.list ?? flags.postback;
  if (tap && !flags.text) fail("--button, --list and --postback need --text (the choice's title)");
  const now = new Date();

  let payload: object;
  if (kind === "whatsapp") {
    const messages: WaMessage[] = [];
    if (flags.image) messages.push(wa.image({ from, at: now, media: pick(await uploadToFake(flags.image, id, false, flags["media-fails"])), caption: flags.text }));
    else if (flags.voice) messages.push(wa.audio({ from, at: now, media: pick(await uploadToFake(flags.voice, id, true, flags["media-fails"])), voice: true }));
    if (flags.button) messages.push(wa.buttonReply({ from, at: now, buttonId: flags.button, title: flags.text! }));
    else if (flags.list) messages.push(wa.listReply({ from, at: now, rowId: flags.list, title: flags.text! }));
    else if (flags.text && !flags.image) messages.push(wa.text({ from, at: now, text: flags.text }));
    for (const m of messages) {
      if (flags.ad) m.referral = waAdReferral({ headline: flags.ad, body: flags.text });
      if (flags.bsuid) m.from_user_id = flags.bsuid;
      if (hiddenPhone) delete (m as Partial<WaMessage>).from;
    }
    const waba = flags.waba ?? demoIds.whatsapp.wabaId;
    const built = whatsappPayload({ id, wabaId: waba, displayPhoneNumber: demoIds.whatsapp.displayPhoneNumber }, { contacts: [{ name: flags.name ?? "Customer", waId: from }], messages });
    if (flags.bsuid) built.entry[0].changes[0].value.contacts = [waUser({ bsuid: flags.bsuid, name: flags.name, username: flags.username, phone: hiddenPhone ? undefined : from })] as never;
    if (flags.unhandled) built.entry.push(waUnhandledEntry(waba, demoIds.whatsapp.displayPhoneNumber) as never);
    payload = built;
  } else {
    const mid = kind === "messenger" ? newMessengerMid : newInstagramMid;
    const path = flags.image ?? flags.voice;
    const newMid = mid();
    const events = flags.edit
      ? [fbKinds.edit({ from, to: id, at: now, mid: flags.edit, text: flags.text ?? "" })]
      : flags.unsend
        ? [fbKinds.unsend({ from, to: id, at: now, mid: flags.unsend })]
        : flags.link
          ? [fbKinds.linkShare({ from, to: id, at: now, mid: newMid, url: flags.link, title: flags.text, text: flags.link })]
          : path
            ? [fb.attachments({ from, to: id, at: now, mid: newMid, text: flags.text, attachments: [{ type: flags.image ? "image" : "audio", url: (await uploadToFake(path, id, false, flags["media-fails"])).url! }] })]
            : flags.postback
              ? [fb.postback({ from, to: id, at: now, mid: newMid, title: flags.text!, payload: flags.postback })]
              : flags.text
                ? [fb.text({ from, to: id, at: now, mid: newMid, text: flags.text, quickReplyPayload: flags.button ?? flags.list })]
                : [];
    if (flags.ad) for (const e of events) if (e.message) (e.message as Record<string, unknown>).referral = fbAdReferral({ headline: flags.ad });
    if (flags.unhandled) events.push(fbKinds.optin({ from, to: id, at: now }));
    payload = flags.standby ? standbyPayload(kind, id, events, now) : messagingPayload(kind, id, events, now);
    if (!flags.edit && !flags.unsend && events.some((e) => e.message)) console.log(`message id ${newMid} (for --edit / --unsend)`);
    // Messenger and Instagram webhooks carry no name: Kanal asks the Graph API (the fake) for the profile.
    if (flags.name) await nameInFake(from, flags.name);
  }

  const url = `${kanalUrl}/webhooks/${webhookKey}`;
  const body = metaJson(payload);
  const { response } = await postWebhook(url, body, secret).catch((e) => fail(`Kanal is not reachable at ${url}: ${(e as Error).message}`));
  const answer = await response.text();
  console.log(`POST ${url} → ${response.status}${answer ? ` ${answer.slice(0, 200)}` : ""}`);
  if (!response.ok) process.exit(1);
}

/** Asks the running fake to make a comment and push its webhook (it serves the post Kanal then asks for). */
async function comment() {
  const verb = flags.verb ?? "add";
  if (!["add", "edited", "remove", "hide", "unhide"].includes(verb)) fail("--verb must be add, edited, remove, hide or unhide");
  if (verb === "add" && !flags.text) fail("comment needs --text");
  if (verb !== "add" && !flags.comment) fail(`--verb ${verb} needs --comment <comment id>`);
  const body = { kind, channel: flags.channel ?? flags.page, post: flags.post, from: flags.from, name: flags.name, text: flags.text, verb, commentId: flags.comment };
  const res = await fakeRequest("/_fake/comments", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = (await res.json()) as { status: number; commentId: string; postId: string; permalink: string };
  console.log(`comment ${answer.commentId} on post ${answer.postId} (${answer.permalink}) → Kanal answered ${answer.status}`);
  if (answer.status !== 200) process.exit(1);
}

function pick(m: WaMedia): WaMedia {
  return { id: m.id, mime_type: m.mime_type, sha256: m.sha256 };
}
