// The registry of live renderers: each feature registers what its pages show for an event, and the
// live stream asks the registry, knowing no feature. A stream belongs to one live view (the page it
// was opened from, `?view=`), whose page state the view parses from the stream's query.
import type { Actor } from "../context";
import type { Locale } from "../i18n";
import type { LiveEvent } from "./bus";

/** Who a stream draws for: the person, their language, the live view and that view's page state. */
export type Viewer<Page = unknown> = { actor: Actor; locale: Locale; view: string } & Page;

export interface LiveRenderer<Page = unknown> {
  /** The event types it may draw something for; it is not asked about any other. */
  events: ReadonlySet<string>;
  /** The fragments for one viewer, or "" when the event changes nothing they can see. */
  render(event: LiveEvent, viewer: Viewer<Page>): Promise<string>;
  /**
   * Fragments sent apart from the event's own, when ready (a stream writes only the newest event's,
   * so a late one never undoes a newer one); null when there are none for this event.
   */
  later?(event: LiveEvent, viewer: Viewer<Page>): Promise<string> | null;
}

export interface LiveView<Page> {
  name: string;
  /** The page state a stream of this view draws for, from the stream's query string. */
  page(query: Record<string, string>): Page;
  renderers: LiveRenderer<Page>[];
}

/** A view no feature registered: only renderers of every view draw for it. */
const OTHER = "other";

export class LiveRenderers {
  #pages = new Map<string, (query: Record<string, string>) => unknown>([[OTHER, () => ({})]]);
  #everyView: LiveRenderer<never>[] = [];
  #own = new Map<string, LiveRenderer<never>[]>([[OTHER, []]]);
  /** Renderers by view, then by event type, every view's first; built on first use. */
  #index: Map<string, Map<string, LiveRenderer<never>[]>> | null = null;

  /** Registers renderers for every view (they see no page state), such as the header's status switch. */
  everyView(...renderers: LiveRenderer<{}>[]): this {
    this.#everyView.push(...renderers);
    this.#index = null;
    return this;
  }

  view<Page>(view: LiveView<Page>): this {
    this.#pages.set(view.name, view.page);
    this.#own.set(view.name, [...(this.#own.get(view.name) ?? []), ...(view.renderers as LiveRenderer<never>[])]);
    this.#index = null;
    return this;
  }

  #build() {
    const index = new Map<string, Map<string, LiveRenderer<never>[]>>();
    for (const [view, own] of this.#own) {
      const byType = new Map<string, LiveRenderer<never>[]>();
      for (const renderer of [...this.#everyView, ...own]) {
        for (const type of renderer.events) byType.set(type, [...(byType.get(type) ?? []), renderer]);
      }
      index.set(view, byType);
    }
    return index;
  }

  /** The viewer a stream draws for, from the view and page state its query names. */
  viewer(actor: Actor, locale: Locale, query: Record<string, string>): Viewer {
    const view = query.view && this.#pages.has(query.view) ? query.view : OTHER;
    return { actor, locale, view, ...(this.#pages.get(view)!(query) as object) };
  }

  #renderers(event: LiveEvent, viewer: Viewer): LiveRenderer<unknown>[] {
    this.#index ??= this.#build();
    return (this.#index.get(viewer.view)?.get(event.type) ?? []) as LiveRenderer<unknown>[];
  }

  /** Every registered fragment for the viewer, or "" when the event changes nothing they see. */
  async render(event: LiveEvent, viewer: Viewer): Promise<string> {
    const renderers = this.#renderers(event, viewer);
    if (renderers.length === 1) return renderers[0].render(event, viewer);
    const parts = await Promise.all(renderers.map((r) => r.render(event, viewer)));
    // One part stays the very string shared with other viewers (the stream encodes its frame once).
    const drawn = parts.filter(Boolean);
    return drawn.length === 1 ? drawn[0] : drawn.join("");
  }

  later(event: LiveEvent, viewer: Viewer): Promise<string> | null {
    const waiting = this.#renderers(event, viewer)
      .map((r) => r.later?.(event, viewer) ?? null)
      .filter((p) => p !== null);
    if (waiting.length <= 1) return waiting[0] ?? null;
    return Promise.all(waiting).then((parts) => parts.join(""));
  }
}

/**
 * Reads and drawings shared by every stream of the process, by a key naming what they depend on
 * (the event, then the audience): computed once per event per audience, not once per stream.
 */
export class Drawn {
  #cache = new Map<string, Promise<unknown>>();

  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let hit = this.#cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      if (this.#cache.size > 5000) this.#cache.clear();
      hit = make();
      this.#cache.set(key, hit);
      hit.catch(() => this.#cache.delete(key));
    }
    return hit;
  }
}
