// The registry of live renderers: a stream's view picks which features draw for it, and a renderer
// is asked only about the event types it registered.
import { describe, expect, it } from "bun:test";
import type { Actor } from "../../src/context";
import type { LiveEvent } from "../../src/realtime/bus";
import { LiveRenderers, type LiveRenderer } from "../../src/realtime/renderers";

const actor = { userId: "u1", orgId: 1, role: "agent" } as Actor;
const event = (id: number, type: string) => ({ id, orgId: 1, type }) as LiveEvent;

function drawing(name: string, types: string[], asked: string[]): LiveRenderer<{ tab?: string }> {
  return {
    events: new Set(types),
    async render(e, viewer) {
      asked.push(`${name}:${e.type}`);
      return `<${name} tab="${viewer.tab ?? ""}"/>`;
    },
  };
}

describe("live renderers", () => {
  it("draws a view's own renderers after those of every view, each asked only about its event types", async () => {
    const asked: string[] = [];
    const live = new LiveRenderers()
      .everyView(drawing("header", ["status_changed"], asked))
      .view({ name: "inbox", page: (q) => ({ tab: q.tab ?? "open" }), renderers: [drawing("rows", ["assigned", "status_changed"], asked)] });
    const inbox = live.viewer(actor, "en", { view: "inbox", tab: "closed" });
    expect(inbox).toMatchObject({ view: "inbox", tab: "closed", locale: "en" });
    expect(await live.render(event(1, "status_changed"), inbox)).toBe('<header tab="closed"/><rows tab="closed"/>');
    expect(await live.render(event(2, "assigned"), inbox)).toBe('<rows tab="closed"/>');
    expect(await live.render(event(3, "note_added"), inbox)).toBe("");
    expect(asked).toEqual(["header:status_changed", "rows:status_changed", "rows:assigned"]);
  });

  it("gives a stream of a view no feature registered only the renderers of every view", async () => {
    const asked: string[] = [];
    const live = new LiveRenderers()
      .view({ name: "inbox", page: () => ({}), renderers: [drawing("rows", ["status_changed"], asked)] })
      .everyView(drawing("header", ["status_changed"], asked));
    const elsewhere = live.viewer(actor, "tr", { view: "nowhere" });
    expect(elsewhere.view).toBe("other");
    expect(await live.render(event(1, "status_changed"), elsewhere)).toBe('<header tab=""/>');
    expect(asked).toEqual(["header:status_changed"]);
  });

  it("sends later only what a renderer of the view offers for the event", async () => {
    const counts: LiveRenderer = { events: new Set(["closed"]), render: async () => "", later: (e) => (e.id > 1 ? Promise.resolve("<counts/>") : null) };
    const live = new LiveRenderers().view({ name: "inbox", page: () => ({}), renderers: [counts] });
    const inbox = live.viewer(actor, "en", { view: "inbox" });
    expect(live.later(event(1, "closed"), inbox)).toBeNull();
    expect(await live.later(event(2, "closed"), inbox)).toBe("<counts/>");
    expect(live.later(event(3, "assigned"), inbox)).toBeNull();
    expect(live.later(event(4, "closed"), live.viewer(actor, "en", {}))).toBeNull();
  });
});
