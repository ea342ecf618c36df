// What the app builds for itself from its dependencies: the event bus, the workers and caches that
// live as long as the process, wired to each other; and the registry of live renderers.
import { mentionsBadgeLive, mentionsLive } from "./inbox/mentions-live";
import { typingLive } from "./inbox/typing-live";
import { InboxSettingsLive } from "./inbox/settings-live";
import type { Deps } from "./context";
import { Background } from "./background";
import { OutboxWorker } from "./channels/outbox";
import { WorkflowWorker } from "./workflows/engine";
import { BotWorker } from "./bot/engine";
import { RoutingWorker } from "./routing/worker";
import { BulkRunner } from "./bulk/runner";
import { EventBus } from "./realtime/bus";
import { onCommitted } from "./realtime/changes";
import { LiveRenderers } from "./realtime/renderers";
import { StreamStanding } from "./realtime/standing";
import { TabCountCache } from "./inbox/tab-counts";
import { KeptInboxPages } from "./inbox/kept-pages";
import { SnoozeWaker } from "./inbox/snoozing";
import { inboxLive, inboxPage } from "./inbox/live";
import { cockpitLive } from "./cockpit/live";
import { billingLive } from "./billing/live";
import { contactsLive } from "./contacts/live";
import { importLive } from "./billing/import-live";
import { statusSwitchLive } from "./shell/live";
import { bulkLive } from "./bulk/live";

/** Exposed on the app so the server can start and stop it. */
export interface Runtime {
  bus: EventBus;
  background: Background;
  outbox: OutboxWorker;
  workflows: WorkflowWorker;
  bulk: BulkRunner;
  bot: BotWorker;
  tabCounts: TabCountCache;
  inboxPages: KeptInboxPages;
  /** When the app was made: /healthz forgives no job tick yet for a while after it. */
  startedAt: Date;
  /** Ends live streams whose session no longer stands (signed out, deactivated, removed). */
  streams: StreamStanding;
}

export function buildRuntime(deps: Deps): Runtime {
  const bus = new EventBus(deps.database, deps.log);
  const background = new Background(deps.log);
  const outbox = new OutboxWorker(deps);
  const workflows = new WorkflowWorker(deps);
  // Bulk sends hand their recipients to the outbox at their pace, and wake it when they do.
  const bulk = new BulkRunner(deps, () => outbox.wake());
  const bot = new BotWorker(deps);
  // A send queued in any process wakes this process's worker too (LISTEN/NOTIFY).
  bus.observe(() => outbox.wake());
  // So do committed events for the workflow engine, which makes their runs once across processes.
  bus.observe(() => workflows.wake());
  bus.observe(() => bot.wake());
  // Routing follows this process's committed changes; the sweep job covers other processes' crashes.
  // New conversations a rule may assign wait for the engine, which then looks at once.
  const routing = new RoutingWorker(deps, background, () => workflows.wakeNow());
  onCommitted(deps.database, (orgId, ids) => routing.heard(orgId, ids));
  // A snoozed conversation comes back when its customer writes; the snooze job covers a crash in between.
  const snoozes = new SnoozeWaker(deps.database, background, () => deps.clock.now(), deps.log);
  onCommitted(deps.database, (orgId, ids) => snoozes.heard(orgId, ids));
  return {
    bus,
    background,
    outbox,
    workflows,
    bulk,
    bot,
    tabCounts: new TabCountCache(bus),
    inboxPages: new KeptInboxPages(bus),
    startedAt: deps.clock.now(),
    streams: new StreamStanding(deps.database, () => deps.clock.now(), deps.log),
  };
}

/** Each feature draws its own live fragments; the stream only asks this registry. */
export function liveRenderers(deps: Deps, runtime: Runtime): LiveRenderers {
  const now = () => deps.clock.now();
  return (
    new LiveRenderers()
      .everyView(statusSwitchLive(deps.database), mentionsBadgeLive(deps.database))
      .view(cockpitLive(deps.database, now))
      .view(inboxLive(deps.database, now, runtime.tabCounts))
      // Billing draws its widget's lists on the same inbox pages.
      .view({ name: "inbox", page: inboxPage, renderers: [billingLive(deps.database, now)] })
      .view({ name: "inbox", page: inboxPage, renderers: [typingLive(deps.database, now)] })
      .view(mentionsLive(deps.database))
      .view({ name: "inbox", page: inboxPage, renderers: [contactsLive()] })
      // Admins' changes and new files reach the open conversation's pickers and widgets.
      .view({ name: "inbox", page: inboxPage, renderers: [new InboxSettingsLive(deps.database)] })
      .view(importLive(deps.database))
      .view(bulkLive(deps.database))
  );
}
