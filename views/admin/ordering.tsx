// Up/down buttons of hand-ordered admin lists. Each posts to `<base>/<id>/move`; htmx swaps the
// list panel, a plain post is redirected back to the list.
import type { Ui } from "../ui";

export interface MoveButtonsProps {
  ui: Ui;
  action: string;
  /** The panel htmx redraws with the reordered list. */
  panel: string;
  canUp: boolean;
  canDown: boolean;
}

export function MoveButtons({ ui, action, panel, canUp, canDown }: MoveButtonsProps) {
  return (
    <>
      <MoveButton ui={ui} action={action} panel={panel} direction="up" enabled={canUp} />
      <MoveButton ui={ui} action={action} panel={panel} direction="down" enabled={canDown} />
    </>
  );
}

function MoveButton({ ui, action, panel, direction, enabled }: { ui: Ui; action: string; panel: string; direction: "up" | "down"; enabled: boolean }) {
  const arrow = direction === "up" ? "↑" : "↓";
  // A move that goes nowhere keeps its place (hidden) so the actions line up from row to row.
  if (!enabled) {
    return (
      <button type="button" class="link move" disabled aria-hidden="true" tabindex={-1}>
        {arrow}
      </button>
    );
  }
  const label = ui.t(direction === "up" ? "admin.moveUp" : "admin.moveDown");
  return (
    <form method="post" action={action} hx-post={action} hx-target={panel} hx-select={panel} hx-swap="outerHTML">
      <input type="hidden" name="direction" value={direction} />
      <button type="submit" class="link move" title={label} aria-label={label}>
        {arrow}
      </button>
    </form>
  );
}
