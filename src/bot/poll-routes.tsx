// POST /inbox/:id/poll: an agent who joined sends a quick poll (mounted beside the inbox's routes).
import { z } from "zod";
import { signedInRoutes } from "../auth/middleware";
import type { SignedInCtx } from "../web";
import { validForm } from "../forms";
import { act, afterAction, conversationIdOf } from "../inbox/routes";
import { pollSchema, sendPoll } from "./polls";

const pollForm = z.object({ question: pollSchema.shape.question, options: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), pollSchema.shape.options) });

export function pollRoutes() {
  const app = signedInRoutes();
  app.post(
    "/:id{[0-9]+}/poll",
    validForm(pollForm, (c: SignedInCtx, errors) => afterAction(c, conversationIdOf(c), { body: "", error: errors.options ?? errors.question ?? null }, 422)),
    (c) => {
      const { database, clock } = c.get("deps");
      const input = c.req.valid("form");
      return act(c, conversationIdOf(c), () => sendPoll(database.db, c.get("actor"), conversationIdOf(c), input, clock.now()));
    },
  );
  return app;
}
