// An agent typing in a conversation's composer (static/composer-aids.js posts this at most every
// few seconds while they type): src/inbox/typing.ts tells the customer and colleagues.
import { signedInRoutes } from "../auth/middleware";
import { idParam } from "../forms";
import { agentTyping } from "./typing";

export function typingRoutes() {
  const app = signedInRoutes();
  app.post("/:id{[0-9]+}/typing", async (c) => {
    await agentTyping(c.get("deps"), c.get("actor"), idParam(c));
    return c.body(null, 204);
  });
  return app;
}
