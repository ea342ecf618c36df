// A plain page that embeds the WebChat widget, for trying the widget without a website of one's own.
import { raw } from "hono/html";
import { staticUrl } from "../../src/static";
import type { Ui } from "../ui";

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
          <link rel="stylesheet" href={staticUrl("widget-demo.css")} />
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
                <pre tabindex={0} role="region" aria-label={ui.t("webchat.demo.embed")}>
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
