// Each area keeps its own catalog file; this merges them. `tr` must have every key `en` has (typed).
import * as admin from "./admin";
import * as auth from "./auth";
import * as billing from "./billing";
import * as billingImport from "./billing-import";
import * as brands from "./brands";
import * as channels from "./channels";
import * as closingMessages from "./closing-messages";
import * as customFields from "./custom-fields";
import * as inbox from "./inbox";
import * as messaging from "./messaging";
import * as media from "./media";
import * as quickReplies from "./quick-replies";
import * as reports from "./reports";
import * as shell from "./shell";
import * as tags from "./tags";
import * as webchat from "./webchat";
import * as workgroups from "./workgroups";
import * as workflows from "./workflows";
import * as routing from "./routing";
import * as comments from "./comments";
import * as bulk from "./bulk";
import * as bot from "./bot";
import * as composerAids from "./composer-aids";
import * as contacts from "./contacts";
import * as snooze from "./snooze";
import * as bulkActions from "./bulk-actions";
import * as cards from "./cards";
import * as channelEvents from "./channel-events";

const parts = [shell, auth, admin, workgroups, brands, channels, tags, quickReplies, closingMessages, customFields, inbox, messaging, webchat, media, reports, billing, billingImport, routing, workflows, comments, bulk, bot, composerAids, contacts, snooze, bulkActions, cards, channelEvents] as const;

type Merge<T extends readonly { en: object }[]> = T extends readonly [infer H extends { en: object }, ...infer R extends readonly { en: object }[]]
  ? H["en"] & Merge<R>
  : {};

type All = Merge<typeof parts>;

export const catalogs = {
  en: Object.assign({}, ...parts.map((p) => p.en)) as All,
  tr: Object.assign({}, ...parts.map((p) => p.tr)) as Record<keyof All, string>,
};
