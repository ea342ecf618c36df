// A channel's small badge (WhatsApp, Messenger, …), on every list row and thread head.
import type { ChannelKind } from "../../db/schema";
import { html, type Html } from "../html";
import type { Ui } from "../ui";

const channelGlyph: Record<ChannelKind, string> = { whatsapp: "WA", messenger: "M", instagram: "IG", webchat: "W", support: "K" };

/** Drawn once per language and kind: every row has one. */
const channelIcons = new Map<string, Html>();

export function ChannelIcon({ ui, kind }: { ui: Ui; kind: ChannelKind }): Html {
  const key = `${ui.locale}|${kind}`;
  let icon = channelIcons.get(key);
  if (!icon) {
    const name = ui.t(`inbox.channel.${kind}`);
    icon = html`<span class="channel channel-${kind}" title="${name}">
      <span aria-hidden="true">${channelGlyph[kind]}</span>
      <span class="visually-hidden">${name}</span>
    </span>`;
    channelIcons.set(key, icon);
  }
  return icon;
}
