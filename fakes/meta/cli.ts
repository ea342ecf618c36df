// `bun run fake-meta`: serve the fake Graph API for the demo; `bun run fake-meta send …`: push one
// signed inbound message to Kanal, as a customer writing on WhatsApp, Messenger or Instagram would.
import { parseArgs } from "node:util";
import { DEMO_APP_SECRET, DEMO_FAKE_PORT, DEMO_KANAL_URL, demoChannels, demoComment, demoIds } from "./demo";
import { fb, messagingPayload, newInstagramMid, newMessengerMid, wa, whatsappPayload, type MetaKind, type WaMedia, type WaMessage } from "./payloads";
import { postWebhook, startFakeMeta, type FakeChannel } from "./server";
import { fbAdReferral, fbKinds, standbyPayload, waAdReferral, waUnhandledEntry, waUser } from "./payload-kinds";
import { metaJson } from "./sign";
import { igShared, waShared } from "./shared-kinds";

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
  What customers share (WhatsApp):
    send --contact "Mert Yılmaz:905321112233[:mert@example.com]"     a contact card (the number on WhatsApp)
    send --order "TSHIRT-M:2:249.90,MUG:1:120" [--currency TRY] [--text "Kapıda ödeme"]   a catalog order
    send --flow '{"delivery_date":"2026-12-10","size":"M"}'        a Flow's answers (nfm_reply)
    send --number-change 905339998877   |   send --identity-change  system messages about the customer
    send --edit <wamid> --text "new text"   |   send --revoke <wamid>   the customer edits or deletes a message
  What customers share (Instagram, --kind instagram):
    send --story-mention --image story.jpg              a story mentioning the account (its link lives 24 hours)
    send --story-reply --image story.jpg --text "…"    an answer to one of the account's stories
    send --share post|reel [--title "caption"] [--image a.jpg] [--text "…"]   a shared post or reel
  Every send prints the ids of the messages it pushed (for --edit, --revoke and --unsend).
  Real-world shapes (issue 18), with send:
      --ad "Kışa özel %30"         the message comes from a click-to-WhatsApp / click-to-Messenger ad with that headline
      --edit <mid> --text "…"      Messenger/Instagram: the customer edits an earlier message (WhatsApp: see above)
      --unsend <mid>               Messenger/Instagram: the customer unsends it (WhatsApp: --revoke)
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
    contact: { type: "string" },
    order: { type: "string" },
    currency: { type: "string" },
    flow: { type: "string" },
    "number-change": { type: "string" },
    "identity-change": { type: "boolean" },
    edit: { type: "string" },
    revoke: { type: "string" },
    "story-mention": { type: "boolean" },
    "story-reply": { type: "boolean" },
    share: { type: "string" },
    title: { type: "string" },
    ad: { type: "string" },
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
async function uploadToFake(path: string, channel: string, voice = false, fails?: string, story = false): Promise<WaMedia & { url?: string }> {
  const file = Bun.file(path);
  if (!(await file.exists())) fail(`no such file: ${path}`);
  const form = new FormData();
  form.set("file", file, path.split("/").pop());
  form.set("channel", channel);
  if (fails) form.set("fail", fails);
  // WhatsApp names recorded voice notes this way.
  if (voice && file.type.startsWith("audio/ogg")) form.set("type", "audio/ogg; codecs=opus");
  if (story) form.set("story", "1");
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
  const now = new Date();
  const shared = sharedMessage(from, now);
  if (!flags.text && !flags.image && !flags.voice && !flags.unsend && !flags.link && !flags.unhandled && !sharedKindAsked()) fail("send needs --text, --image or --voice (or --unsend, --link, --unhandled, or one of the shared kinds: see --help)");
  if ((flags.unsend || flags.link || flags.standby) && kind === "whatsapp") fail("--unsend, --link and --standby are Messenger/Instagram shapes (WhatsApp: --revoke)");
  const tap = flags.button ?? flags.list ?? flags.postback;
  if (tap && !flags.text) fail("--button, --list and --postback need --text (the choice's title)");

  let payload: object;
  if (kind === "whatsapp") {
    const messages: WaMessage[] = [];
    const special = await shared.whatsapp();
    // A shared kind is the whole message (its --text is part of it).
    if (special) messages.push(special);
    else {
      if (flags.image) messages.push(wa.image({ from, at: now, media: pick(await uploadToFake(flags.image, id, false, flags["media-fails"])), caption: flags.text }));
      else if (flags.voice) messages.push(wa.audio({ from, at: now, media: pick(await uploadToFake(flags.voice, id, true, flags["media-fails"])), voice: true }));
      if (flags.button) messages.push(wa.buttonReply({ from, at: now, buttonId: flags.button, title: flags.text! }));
      else if (flags.list) messages.push(wa.listReply({ from, at: now, rowId: flags.list, title: flags.text! }));
      else if (flags.text && !flags.image) messages.push(wa.text({ from, at: now, text: flags.text }));
    }
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
    const special = await shared.instagram(id, newMid);
    const events = special
      ? [special]
      : flags.edit
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
    // Messenger and Instagram webhooks carry no name: Kanal asks the Graph API (the fake) for the profile.
    if (flags.name) await nameInFake(from, flags.name);
  }

  const url = `${kanalUrl}/webhooks/${webhookKey}`;
  const body = metaJson(payload);
  const { response } = await postWebhook(url, body, secret).catch((e) => fail(`Kanal is not reachable at ${url}: ${(e as Error).message}`));
  const answer = await response.text();
  console.log(`POST ${url} → ${response.status}${answer ? ` ${answer.slice(0, 200)}` : ""}`);
  for (const pushed of pushedIds(payload)) console.log(`  message id ${pushed}`);
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

function sharedKindAsked(): boolean {
  const whatsappOnly = !!(flags.contact || flags.order || flags.flow || flags["number-change"] || flags["identity-change"] || flags.revoke || (flags.edit && kind === "whatsapp"));
  const instagramOnly = !!(flags["story-mention"] || flags["story-reply"] || flags.share);
  if (whatsappOnly && kind !== "whatsapp") fail("--contact, --order, --flow, --number-change, --identity-change and --revoke are WhatsApp's (--kind whatsapp)");
  if (instagramOnly && kind === "whatsapp") fail("--story-mention, --story-reply and --share are Instagram's (--kind instagram)");
  return whatsappOnly || instagramOnly;
}

/** The shared kind asked for on the command line, as WhatsApp's message or Instagram's event. */
function sharedMessage(from: string, at: Date) {
  const name = flags.name ?? "Customer";
  return {
    async whatsapp(): Promise<WaMessage | null> {
      if (flags.contact) {
        const [person, waId, email] = flags.contact.split(":");
        return waShared.contacts({ from, at, people: [{ name: person, phone: waId ? `+${waId.replace(/\D/g, "")}` : "", waId: waId?.replace(/\D/g, ""), email }] });
      }
      if (flags.order) {
        const items = flags.order.split(",").map((part) => {
          const [productId, quantity, unitPrice] = part.split(":");
          return { productId, quantity: Number(quantity) || 1, unitPrice: Number(unitPrice) || 0, currency: (flags.currency ?? "TRY").toUpperCase() };
        });
        return waShared.order({ from, at, text: flags.text, items });
      }
      if (flags.flow) {
        let answers: Record<string, unknown>;
        try {
          answers = JSON.parse(flags.flow);
        } catch {
          fail("--flow takes a JSON object of answers");
        }
        return waShared.flowReply({ from, at, answers });
      }
      if (flags["number-change"]) return waShared.numberChange({ from, at, name, to: flags["number-change"].replace(/\D/g, "") });
      if (flags["identity-change"]) return waShared.identityChange({ from, at, name });
      if (flags.edit && kind === "whatsapp") return waShared.edit({ from, at, original: flags.edit, text: flags.text ?? fail("--edit needs --text (the new text)") });
      if (flags.revoke) return waShared.revoke({ from, at, original: flags.revoke });
      return null;
    },
    async instagram(channelId: string, mid: string) {
      const story = flags["story-mention"] || flags["story-reply"];
      const uploaded = flags.image && (story || flags.share) ? await uploadToFake(flags.image, channelId, false, undefined, !!story) : null;
      const base = { from, to: channelId, mid, at };
      if (story) {
        const url = uploaded?.url ?? fail("--story-mention and --story-reply need --image (the story)");
        return flags["story-mention"] ? igShared.storyMention({ ...base, url }) : igShared.storyReply({ ...base, url, storyId: uploaded!.id, text: flags.text ?? fail("--story-reply needs --text") });
      }
      if (flags.share) {
        if (flags.share !== "post" && flags.share !== "reel") fail("--share must be post or reel");
        const mediaId = uploaded?.id ?? String(Date.now());
        const url = uploaded?.url ?? `https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${mediaId}&signature=demo`;
        return igShared.share({ ...base, kind: flags.share, mediaId, title: flags.title ?? "", url, text: flags.text });
      }
      return null;
    },
  };
}

/** The message ids a payload carries (WhatsApp messages, Messenger/Instagram message and standby events). */
function pushedIds(payload: object): string[] {
  const ids: string[] = [];
  for (const entry of (payload as { entry?: any[] }).entry ?? []) {
    for (const change of entry.changes ?? []) for (const m of change.value?.messages ?? []) ids.push(m.id);
    // Standby events too (another app holds the thread); an unsend names an old id, not a new one.
    for (const event of [...(entry.messaging ?? []), ...(entry.standby ?? [])]) if (event.message?.mid && !event.message.is_deleted) ids.push(event.message.mid);
  }
  return ids;
}
