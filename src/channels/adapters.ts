// Which adapter speaks for which kind of channel. WebChat and the support channel have no provider:
// their messages are already where the reader reads them, so "sending" only records it.
import type { ChannelKind } from "@db/schema";
import type { Config } from "../config";
import { GraphClient } from "./graph";
import { metaMessagingAdapter } from "./meta-messaging";
import type { ChannelAdapter } from "./types";
import { whatsappAdapter } from "./whatsapp";

const local: ChannelAdapter = {
  parse: () => [],
  fetchMedia: () => Promise.reject(new Error("local channels have no provider media")),
  send: async (_account, message) => ({ providerMessageId: `local-${message.messageId}` }),
};

export type Adapters = Record<ChannelKind, ChannelAdapter>;

const cache = new WeakMap<Config, Adapters>();
const graphs = new WeakMap<Config, GraphClient>();

/** The Graph API client this configuration points at (Meta's, or the local fake). */
export function graphFor(config: Config): GraphClient {
  let graph = graphs.get(config);
  if (!graph) graphs.set(config, (graph = new GraphClient({ baseUrl: config.META_GRAPH_URL, version: config.META_GRAPH_VERSION })));
  return graph;
}

export function adaptersFor(config: Config): Adapters {
  let adapters = cache.get(config);
  if (!adapters) {
    const graph = graphFor(config);
    adapters = {
      whatsapp: whatsappAdapter(graph),
      messenger: metaMessagingAdapter(graph, "messenger"),
      instagram: metaMessagingAdapter(graph, "instagram"),
      webchat: local,
      support: local,
    };
    cache.set(config, adapters);
  }
  return adapters;
}
