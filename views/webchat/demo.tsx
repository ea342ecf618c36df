// A plain page that embeds the WebChat widget, for trying the widget without a website of one's own.
import { raw } from "hono/html";
import type { Ui } from "../ui";

const css = `body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f2937;background:#f8fafc}
header{background:#0f172a;color:#fff;padding:1rem 2rem;font-weight:600}
main{max-width:44rem;margin:2rem auto;padding:0 1.5rem}
.product{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:1.5rem;margin:1.5rem 0}
pre{background:#0f172a;color:#e2e8f0;padding:1rem;border-radius:8px;overflow:auto;font-size:.85rem}`;

export function WidgetDemoPage({ ui, channelKey, channelName, origin }: { ui: Ui; channelKey: string | null; channelName: string | null; origin: string }) {
  const snippet = channelKey ? `<script src="${origin}/widget.js" data-channel="${channelKey}" async></script>` : "";
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={ui.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{ui.t("webchat.demo.title")}</title>
          <style>{raw(css)}</style>
        </head>
        <body>
          <header>{ui.t("webchat.demo.store")}</header>
          <main>
            <h1>{ui.t("webchat.demo.heading")}</h1>
            {channelKey ? (
              <>
                <p>{ui.t("webchat.demo.lead", { name: channelName ?? "" })}</p>
                <p>{ui.t("webchat.demo.tryIt")}</p>
                <div class="product">
                  <h2>{ui.t("webchat.demo.product")}</h2>
                  <p>{ui.t("webchat.demo.productText")}</p>
                </div>
                <p>{ui.t("webchat.demo.embed")}</p>
                <pre>
                  <code>{snippet}</code>
                </pre>
                <script src="/widget.js" data-channel={channelKey} async></script>
              </>
            ) : (
              <p>{ui.t("webchat.demo.noChannel")}</p>
            )}
          </main>
        </body>
      </html>
    </>
  );
}
