// Reading a server-sent event stream in tests: messages until one matches or the time runs out.
export interface SseMessage {
  event?: string;
  id?: string;
  data: string;
}

/** Comments (heartbeats) are skipped; a block with only an id (the stream moving Last-Event-ID) is kept. */
export async function readSse(res: Response, until: (m: SseMessage) => boolean, ms = 3000): Promise<SseMessage[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const got: SseMessage[] = [];
  let buffer = "";
  const deadline = Date.now() + ms;
  try {
    while (Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
      if (!chunk || chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const msg: SseMessage = { data: "" };
        let field = false;
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) msg.event = line.slice(6).trim();
          else if (line.startsWith("id:")) msg.id = line.slice(3).trim();
          else if (line.startsWith("data:")) msg.data += (msg.data ? "\n" : "") + line.slice(5).trimStart();
          else continue;
          field = true;
        }
        if (!field) continue;
        got.push(msg);
        if (until(msg)) return got;
      }
    }
    return got;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The event id of an SSE id: the live stream writes "id:xmin" (a resume point), the widget a plain id. */
export function eventIdOf(id: string | undefined): number {
  return Number((id ?? "0").split(":")[0]);
}
