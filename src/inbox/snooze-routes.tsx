// Snooze routes: snooze a conversation until a preset or chosen time (the organization's time zone),
// and wake it now. htmx gets the thread back; a plain form post returns to the conversation.
import { z } from "zod";
import { signedInRoutes } from "../auth/middleware";
import { validForm } from "../forms";
import type { SignedInCtx } from "../web";
import { act, afterAction, conversationIdOf } from "./routes";
import { chosenTime, presetTime, snoozePresets } from "./snooze-times";
import { snoozeConversation, SnoozeRefused, unsnoozeConversation } from "./snoozing";

const snoozeSchema = z.object({
  preset: z.enum([...snoozePresets, "custom"]),
  /** The chosen time as a `datetime-local` value, with the "custom" preset. */
  at: z.string().max(32).optional().default(""),
});

function refused(c: SignedInCtx, reason: "past" | "too_far" | "bad_time") {
  const key = reason === "past" ? "snooze.error.past" : reason === "too_far" ? "snooze.error.tooFar" : "snooze.error.badTime";
  return afterAction(c, conversationIdOf(c), { body: "", error: c.get("t")(key) }, 422);
}

export function snoozeRoutes() {
  const app = signedInRoutes();

  app.post(
    "/:id{[0-9]+}/snooze",
    validForm(snoozeSchema, (c: SignedInCtx) => refused(c, "bad_time")),
    async (c) => {
      const { database, clock } = c.get("deps");
      const actor = c.get("actor");
      const { preset, at } = c.req.valid("form");
      const now = clock.now();
      const until = preset === "custom" ? chosenTime(at, actor.timezone) : presetTime(preset, now, actor.timezone);
      if (!until) return refused(c, preset === "tonight" ? "past" : "bad_time");
      try {
        return await act(c, conversationIdOf(c), () => snoozeConversation(database.db, actor, conversationIdOf(c), until, now));
      } catch (e) {
        if (e instanceof SnoozeRefused) return refused(c, e.reason);
        throw e;
      }
    },
  );

  app.post("/:id{[0-9]+}/unsnooze", (c) => {
    const { database, clock } = c.get("deps");
    return act(c, conversationIdOf(c), () => unsnoozeConversation(database.db, c.get("actor"), conversationIdOf(c), clock.now()));
  });

  return app;
}
