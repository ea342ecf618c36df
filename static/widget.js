// Kanal WebChat: <script src="https://kanal.example/widget.js" data-channel="KEY" async></script>
// No framework; draws into a Shadow DOM so the host page's styles cannot reach it.
(() => {
  const script = document.currentScript;
  if (!script || !script.dataset.channel || window.__kanalWebchat) return;
  window.__kanalWebchat = true;
  const key = script.dataset.channel;
  const api = `${new URL(script.src).origin}/widget/api/${encodeURIComponent(key)}`;
  const lang = /^tr\b/i.test(script.dataset.lang || document.documentElement.lang || navigator.language || "") ? "tr" : "en";
  const T = {
    en: {
      open: "Open chat", close: "Close chat", title: "Chat with us", unread: "{n} new", message: "Message", send: "Send",
      attach: "Attach a file", record: "Record a voice note", stop: "Stop recording", recording: "Recording {t}",
      del: "Delete the voice note", sendVoice: "Send the voice note", listen: "Voice note preview",
      name: "Name", email: "Email", start: "Start chat", intro: "Before we start, tell us who you are.",
      ended: "This conversation has ended. Write again to start a new one.", you: "You", agent: "Agent",
      uploading: "Sending {f}…", rate: "You are sending too quickly. Try again in {s} s.",
      too_large: "This file is too large (at most {mb} MB).", bad_type: "This kind of file cannot be sent.",
      failed: "Could not send. Check your connection and try again.", mic: "The microphone is not available.",
      offline: "Reconnecting…", empty: "Write a message and we will answer here.", voiceNote: "Voice note",
      typing: "{n} is typing…",
      choices: "Choose an answer", stars: "Rate from 1 to 5 stars", star: "{n} of 5 stars",
    },
    tr: {
      open: "Sohbeti aç", close: "Sohbeti kapat", title: "Bize yazın", unread: "{n} yeni", message: "Mesaj", send: "Gönder",
      attach: "Dosya ekle", record: "Sesli mesaj kaydet", stop: "Kaydı durdur", recording: "Kaydediliyor {t}",
      del: "Sesli mesajı sil", sendVoice: "Sesli mesajı gönder", listen: "Sesli mesaj önizlemesi",
      name: "Ad", email: "E-posta", start: "Sohbete başla", intro: "Başlamadan önce kendinizi tanıtın.",
      ended: "Bu konuşma sona erdi. Yeni bir konuşma için tekrar yazın.", you: "Siz", agent: "Temsilci",
      uploading: "{f} gönderiliyor…", rate: "Çok hızlı gönderiyorsunuz. {s} sn sonra tekrar deneyin.",
      too_large: "Bu dosya çok büyük (en çok {mb} MB).", bad_type: "Bu tür bir dosya gönderilemez.",
      failed: "Gönderilemedi. Bağlantınızı kontrol edip tekrar deneyin.", mic: "Mikrofon kullanılamıyor.",
      offline: "Yeniden bağlanılıyor…", empty: "Bir mesaj yazın, yanıtımız burada görünecek.", voiceNote: "Sesli mesaj",
      typing: "{n} yazıyor…",
      choices: "Bir yanıt seçin", stars: "1 ile 5 yıldız arasında puan verin", star: "5 üzerinden {n} yıldız",
    },
  }[lang];
  const t = (k, p = {}) => T[k].replace(/\{(\w+)\}/g, (_, n) => p[n]);
  const storeKey = `kanal-webchat:${key}`;
  const saved = (() => { try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch { return {}; } })();
  const remember = () => { try { localStorage.setItem(storeKey, JSON.stringify(saved)); } catch {} };

  let session = null, cursor = 0, lastEventId = null, source = null, backoff = 1000, unread = 0, seenUpTo = 0, loaded = false;
  const shown = new Map();
  const closedConvs = new Set();

  const icons = {
    chat: '<path d="M4 4h16v12H7l-3 3z"/>',
    close: '<path d="M6 6l12 12M18 6L6 18"/>',
    clip: '<path d="M21 11l-8.5 8.5a5 5 0 01-7-7L14 4a3.5 3.5 0 015 5l-8.5 8.5a2 2 0 01-3-3L15 7"/>',
    mic: '<path d="M12 3a3 3 0 013 3v6a3 3 0 01-6 0V6a3 3 0 013-3zM5 11a7 7 0 0014 0M12 18v3"/>',
    send: '<path d="M4 12l16-8-6 16-2-7z"/>',
    stop: '<rect x="7" y="7" width="10" height="10"/>',
    trash: '<path d="M5 7h14M9 7V4h6v3M7 7l1 13h8l1-13"/>',
  };
  const svg = (n) => `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${icons[n]}</svg>`;
  const css = `:host{all:initial}*{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif}
.root{position:fixed;right:20px;bottom:20px;z-index:2147483000;color:#111827}
button{cursor:pointer;border:0;background:none;color:inherit;padding:0}
button:focus-visible,textarea:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
svg{width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.launcher{width:56px;height:56px;border-radius:50%;background:var(--c);color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);display:grid;place-items:center;margin-left:auto;position:relative}
.launcher svg{width:26px;height:26px}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;display:grid;place-items:center;padding:0 5px}
.panel{width:min(370px,calc(100vw - 24px));height:min(560px,calc(100vh - 110px));background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;margin-bottom:12px}
[hidden]{display:none!important}
header{background:var(--c);color:#fff;padding:14px 16px;display:flex;gap:8px;align-items:flex-start}
header h2{margin:0;font-size:16px;font-weight:650;flex:1}header p{margin:2px 0 0;font-size:13px;opacity:.9;font-weight:400}
.icon{width:36px;height:36px;border-radius:8px;display:grid;place-items:center;flex:none}
header .icon:hover{background:rgba(255,255,255,.18)}
.log{flex:1;overflow-y:auto;padding:14px;background:#f8fafc}.items{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:8px}
.m{max-width:80%;display:flex;flex-direction:column;gap:2px}.m.in{align-self:flex-end;align-items:flex-end}
.b{padding:8px 12px;border-radius:14px;background:#fff;border:1px solid #e5e7eb;white-space:pre-wrap;overflow-wrap:anywhere}
.in .b{background:var(--c);color:#fff;border-color:transparent}
.meta{font-size:11px;color:#6b7280}
.b img,.b video{max-width:100%;border-radius:8px;display:block}.b audio{max-width:100%;width:230px}
.b a{color:inherit}.note{align-self:center;text-align:center;font-size:12px;color:#4b5563;padding:4px 10px;background:#e5e7eb;border-radius:10px}
.typing{font-size:12px;padding:4px 14px;color:#4b5563;font-style:italic;background:#f8fafc}
.status{font-size:12px;padding:6px 14px;color:#991b1b;background:#fef2f2}
.bar{display:flex;align-items:flex-end;gap:4px;padding:8px;border-top:1px solid #e5e7eb}
textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:8px 10px;max-height:120px;min-height:38px;color:#111827;background:#fff}
.bar .icon{color:#374151}.bar .icon:hover{background:#f3f4f6}.bar .send{color:var(--c)}
.rec{display:flex;align-items:center;gap:8px;flex:1;color:#b91c1c}.rec audio{flex:1;height:36px}
form.pre{padding:16px;display:flex;flex-direction:column;gap:10px;flex:1;background:#f8fafc}
label{display:flex;flex-direction:column;gap:4px;font-weight:600;font-size:13px}
input{border:1px solid #d1d5db;border-radius:8px;padding:8px 10px;font-weight:400;color:#111827;background:#fff}
.primary{background:var(--c);color:#fff;border-radius:8px;padding:10px;font-weight:600}
.choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px}
.choices button{border:1px solid var(--c);color:var(--c);background:#fff;border-radius:16px;padding:6px 12px;font-weight:600;min-height:32px}
.choices button:hover{background:var(--c);color:#fff}
.stars{flex-direction:row-reverse;justify-content:flex-end;gap:2px}
.stars button{border:0;border-radius:6px;padding:2px 4px;font-size:26px;line-height:1;color:#6b7280;background:none;min-height:36px}
.stars button:hover,.stars button:hover~button,.stars button:focus-visible,.stars button:focus-visible~button{color:#b45309;background:none}`;

  const host = document.createElement("div");
  host.id = "kanal-webchat";
  const root = host.attachShadow({ mode: "open" });
  // A constructed style sheet, not a <style> element: host pages with a strict Content-Security-Policy
  // (Kanal's own demo page among them) allow it, as no policy governs constructed sheets.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];
  root.innerHTML = `<div class="root" style="--c:#2563eb">
<section class="panel" role="dialog" aria-labelledby="kw-title" hidden>
<header><div style="flex:1"><h2 id="kw-title"></h2><p class="greet"></p></div><button class="icon close" type="button" aria-label="${t("close")}">${svg("close")}</button></header>
<form class="pre" hidden><p>${t("intro")}</p><label>${t("name")}<input name="name" required maxlength="120" autocomplete="name"></label>
<label>${t("email")}<input name="email" type="email" required maxlength="200" autocomplete="email"></label><button class="primary" type="submit">${t("start")}</button></form>
<div class="log" role="log" aria-live="polite" aria-relevant="additions" tabindex="0" aria-label="${t("title")}"><ol class="items"></ol></div>
<div class="typing" role="status" hidden></div>
<div class="status" role="alert" hidden></div>
<div class="bar compose"><input type="file" class="file" hidden tabindex="-1">
<button class="icon attach" type="button" aria-label="${t("attach")}" title="${t("attach")}">${svg("clip")}</button>
<button class="icon mic" type="button" aria-label="${t("record")}" title="${t("record")}" hidden>${svg("mic")}</button>
<textarea rows="1" aria-label="${t("message")}" placeholder="${t("message")}…"></textarea>
<button class="icon send" type="button" aria-label="${t("send")}" title="${t("send")}">${svg("send")}</button></div>
<div class="bar voice" hidden><div class="rec"><span class="timer" aria-live="polite"></span></div>
<button class="icon stop" type="button" aria-label="${t("stop")}">${svg("stop")}</button>
<button class="icon trash" type="button" aria-label="${t("del")}" hidden>${svg("trash")}</button>
<button class="icon send sendv" type="button" aria-label="${t("sendVoice")}" hidden>${svg("send")}</button></div>
</section><button class="launcher" type="button" aria-expanded="false" aria-label="${t("open")}">${svg("chat")}<span class="badge" hidden></span></button></div>`;
  const $ = (s) => root.querySelector(s);
  const el = { wrap: $(".root"), panel: $(".panel"), title: $("#kw-title"), greet: $(".greet"), close: $(".close"), pre: $("form.pre"), log: $(".log"), items: $(".items"), status: $(".status"), compose: $(".compose"), file: $(".file"), attach: $(".attach"), mic: $(".mic"), text: $("textarea"), send: $(".compose .send"), voice: $(".voice"), timer: $(".timer"), stop: $(".stop"), trash: $(".trash"), sendv: $(".sendv"), launcher: $(".launcher"), badge: $(".badge"), typing: $(".typing") };

  const headers = (json) => ({ ...(json ? { "content-type": "application/json" } : {}), ...(session ? { authorization: `Bearer ${session.token}` } : {}) });
  async function call(path, opts = {}) {
    const res = await fetch(api + path, opts);
    // A token in use is renewed now and then: keep the fresh one, the old one lapses when idle.
    const renewed = res.headers.get("x-visitor-token");
    if (renewed && session) { session.token = saved.token = renewed; remember(); }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(body.error || "failed"), { code: body.error, status: res.status, retryAfter: body.retryAfter });
    return body;
  }
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/[^A-Za-z0-9]/g, "");

  function say(err) {
    let text = "";
    if (err) {
      if (err.code === "rate_limited") text = t("rate", { s: err.retryAfter || 60 });
      else if (err.code === "too_large") text = t("too_large", { mb: Math.round(maxBytes() / 1048576) });
      else if (T[err.code]) text = t(err.code);
      else text = err.message && T[err.message] ? t(err.message) : t("failed");
    }
    el.status.textContent = text;
    el.status.hidden = !text;
  }
  const maxBytes = () => Math.max(...Object.values(session.limits.media).map((r) => r.maxBytes));

  const timeFmt = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
  function fileUrl(a) { return `${api}/files/${a.id}?token=${encodeURIComponent(session.token)}`; }
  function drawAttachment(a) {
    const url = fileUrl(a);
    const base = a.mime.split("/")[0];
    let node;
    if (base === "image") { node = document.createElement("a"); node.href = url; node.target = "_blank"; node.rel = "noopener"; const img = document.createElement("img"); img.src = url; img.alt = a.filename; node.append(img); }
    else if (base === "audio" || base === "video") { node = document.createElement(base); node.controls = true; node.preload = "metadata"; node.src = url; node.setAttribute("aria-label", a.filename); }
    else { node = document.createElement("a"); node.href = url; node.download = a.filename; node.textContent = `📎 ${a.filename} (${Math.max(1, Math.round(a.size / 1024))} KB)`; }
    return node;
  }
  function addMessage(m) {
    if (shown.has(m.id)) return;
    const li = document.createElement("li");
    li.className = `m ${m.direction}`;
    li.dataset.id = m.id;
    li.dataset.conv = m.conversationId;
    const bubble = document.createElement("div");
    bubble.className = "b";
    for (const a of m.attachments) bubble.append(drawAttachment(a));
    // A file sent without a caption carries its name as the text: the file already shows it.
    const text = m.kind === "voice" && m.attachments.length ? "" : m.body;
    if (text && !m.attachments.some((a) => a.filename === text)) bubble.append(document.createTextNode(text));
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = `${m.direction === "in" ? t("you") : m.author || t("agent")} · ${timeFmt.format(new Date(m.createdAt))}`;
    if (text === "" && !m.attachments.length) bubble.hidden = true;
    li.append(bubble);
    if (m.direction === "out" && m.choices && m.choices.length) li.append(drawChoices(m));
    li.append(meta);
    // Keep order by id: a replayed message may arrive after a newer one.
    const after = [...el.log.querySelectorAll("li.m")].find((x) => Number(x.dataset.id) > m.id);
    el.items.insertBefore(li, after || null);
    shown.set(m.id, m);
    el.log.querySelector(".empty")?.remove();
    if (closedConvs.has(m.conversationId)) markEnded(m.conversationId);
    pruneChoices();
    if (m.direction === "out") {
      hideTyping();
      if (el.panel.hidden) { unread++; drawBadge(); }
      else markSeen();
    }
    el.log.scrollTop = el.log.scrollHeight;
  }
  // The agent typing: shown until their message arrives, or a few seconds after their last keystroke signal.
  let typingTimer = null;
  function showTyping(name) {
    el.typing.textContent = t("typing", { n: name || t("agent") });
    el.typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 6000);
  }
  function hideTyping() {
    clearTimeout(typingTimer);
    el.typing.hidden = true;
    el.typing.textContent = "";
  }
  // The visitor typing: told to the agents at most every 4 s while they type.
  let typingSentAt = 0;
  function signalTyping() {
    if (!session || !loaded || !el.text.value.trim() || Date.now() - typingSentAt < 4000) return;
    typingSentAt = Date.now();
    call("/typing", { method: "POST", headers: headers(true), body: "{}" }).catch(() => {});
  }
  // A question's choices as buttons (a survey's as stars): a tap answers like any channel's reply.
  function drawChoices(m) {
    const box = document.createElement("div");
    box.className = m.rating ? "choices stars" : "choices";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", m.rating ? t("stars") : t("choices"));
    const list = m.rating ? [...m.choices].reverse() : m.choices;
    for (const c of list) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.reply = c.id;
      if (m.rating) {
        const n = m.choices.indexOf(c) + 1;
        b.textContent = "★";
        b.setAttribute("aria-label", t("star", { n }));
        b.title = t("star", { n });
      } else b.textContent = c.title;
      b.onclick = () => answer(c, box);
      box.append(b);
    }
    return box;
  }
  // Choices answered, or followed by anything the visitor wrote since, are no longer offered.
  function pruneChoices() {
    const items = [...el.items.querySelectorAll("li.m")];
    const lastIn = Math.max(0, ...items.filter((x) => x.classList.contains("in")).map((x) => Number(x.dataset.id)));
    for (const box of el.items.querySelectorAll(".choices")) if (Number(box.closest("li").dataset.id) < lastIn) box.remove();
  }
  async function answer(choice, box) {
    box.querySelectorAll("button").forEach((b) => (b.disabled = true));
    try {
      const data = await call("/messages", { method: "POST", headers: headers(true), body: JSON.stringify({ body: choice.title, clientId: newId(), replyId: choice.id }) });
      say(null);
      if (data.message) addMessage(data.message);
      box.remove();
      listen();
      el.text.focus();
    } catch (e) { say(e); box.querySelectorAll("button").forEach((b) => (b.disabled = false)); }
  }
  function markEnded(convId) {
    closedConvs.add(convId);
    el.log.querySelector(`li.note[data-conv="${convId}"]`)?.remove();
    const mine = [...el.log.querySelectorAll(`li.m[data-conv="${convId}"]`)];
    if (!mine.length) return;
    const li = document.createElement("li");
    li.className = "note";
    li.dataset.conv = convId;
    li.textContent = t("ended");
    mine[mine.length - 1].after(li);
    el.log.scrollTop = el.log.scrollHeight;
  }
  function drawBadge() {
    el.badge.hidden = !unread;
    el.badge.textContent = unread;
    el.launcher.setAttribute("aria-label", unread ? `${t("open")}, ${t("unread", { n: unread })}` : t("open"));
  }
  let seenTimer = null;
  function markSeen() {
    const outs = [...shown.values()].filter((m) => m.direction === "out").map((m) => m.id);
    const upTo = Math.max(0, ...outs);
    if (upTo <= seenUpTo || seenTimer) return;
    seenTimer = setTimeout(() => {
      seenTimer = null;
      seenUpTo = upTo;
      call("/seen", { method: "POST", headers: headers(true), body: JSON.stringify({ upTo }) }).catch(() => {});
    }, 400);
  }

  async function load() {
    const data = await call("/messages", { headers: headers() });
    cursor = data.cursor;
    data.closedConversations.forEach((id) => closedConvs.add(id));
    data.messages.forEach(addMessage);
    data.closedConversations.forEach(markEnded);
    if (!shown.size && !el.log.querySelector(".empty")) {
      const li = document.createElement("li");
      li.className = "note empty";
      li.textContent = session.channel.greeting || t("empty");
      el.items.append(li);
    }
    loaded = true;
    listen();
  }

  function listen() {
    if (source || !session) return;
    const from = lastEventId ?? cursor;
    source = new EventSource(`${api}/events?token=${encodeURIComponent(session.token)}&lastEventId=${from}`);
    const take = (e) => { lastEventId = e.lastEventId || lastEventId; backoff = 1000; if (el.status.textContent === t("offline")) say(null); };
    source.addEventListener("msg", (e) => { take(e); addMessage(JSON.parse(e.data)); });
    source.addEventListener("typing", (e) => { take(e); showTyping(JSON.parse(e.data).name); });
    source.addEventListener("closed", (e) => { take(e); markEnded(JSON.parse(e.data).conversationId); });
    // Away too long for a replay: read the history again (messages already shown are skipped).
    source.addEventListener("stale", (e) => { take(e); call("/messages", { headers: headers() }).then((d) => d.messages.forEach(addMessage), () => {}); });
    source.onopen = () => { backoff = 1000; };
    source.onerror = () => {
      // Our own backoff instead of the browser's fixed retry; resume from the last event seen.
      source.close();
      source = null;
      if (!el.panel.hidden) say({ message: "offline" });
      setTimeout(listen, backoff);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  function needsPreChat() { return session.channel.preChatForm && !(session.contact && session.contact.email); }
  function showComposer() {
    const pre = needsPreChat();
    el.pre.hidden = !pre;
    el.log.hidden = pre;
    el.compose.hidden = pre;
  }

  function open() {
    el.panel.hidden = false;
    el.launcher.setAttribute("aria-expanded", "true");
    unread = 0;
    drawBadge();
    showComposer();
    if (!needsPreChat() && !loaded) load().catch(say);
    markSeen();
    (needsPreChat() ? el.pre.querySelector("input") : el.text).focus();
    el.log.scrollTop = el.log.scrollHeight;
  }
  function close() {
    stopRecording(true);
    el.panel.hidden = true;
    el.launcher.setAttribute("aria-expanded", "false");
    el.launcher.focus();
  }

  async function sendText() {
    const body = el.text.value.trim();
    if (!body) return;
    if (body.length > session.limits.textMaxLength) return say({ code: "too_long", message: "failed" });
    el.send.disabled = true;
    try {
      const data = await call("/messages", { method: "POST", headers: headers(true), body: JSON.stringify({ body, clientId: newId() }) });
      el.text.value = "";
      typingSentAt = 0;
      el.text.style.height = "auto";
      say(null);
      if (data.message) addMessage(data.message);
      listen();
    } catch (e) { say(e); } finally { el.send.disabled = false; el.text.focus(); }
  }

  function kindFor(type, voice) {
    const base = type.split(";")[0];
    const order = voice ? ["voice"] : ["image", "video", "audio", "document"];
    return order.find((k) => session.limits.media[k] && session.limits.media[k].mimes.includes(base));
  }
  async function upload(blob, name, voice, durationMs) {
    const kind = kindFor(blob.type || "", voice);
    if (!kind) return say({ code: "bad_type" });
    if (blob.size > session.limits.media[kind].maxBytes) return say({ code: "too_large" });
    const form = new FormData();
    form.append("file", blob, name);
    form.append("clientId", newId());
    form.append("voice", voice ? "1" : "0");
    if (durationMs) form.append("durationMs", String(Math.round(durationMs)));
    el.status.hidden = false;
    el.status.textContent = t("uploading", { f: name });
    try {
      const data = await call("/files", { method: "POST", headers: headers(false), body: form });
      say(null);
      if (data.message) addMessage(data.message);
      listen();
    } catch (e) { say(e); }
  }

  // Voice notes: record, stop, listen, delete or send.
  let recorder = null, chunks = [], recStart = 0, recTimer = null, voiceBlob = null, voiceMs = 0;
  const recType = () => ["audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/mp4"].find((m) => MediaRecorder.isTypeSupported(m) && kindFor(m, true));
  async function startRecording() {
    let stream;
    try { stream = await navigator.mediaDevices.getUserMedia({ audio: true }); } catch { return say({ message: "mic" }); }
    chunks = [];
    recorder = new MediaRecorder(stream, { mimeType: recType() });
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    recorder.onstop = () => {
      stream.getTracks().forEach((tr) => tr.stop());
      if (recorder.discard) return;
      voiceMs = Date.now() - recStart;
      voiceBlob = new Blob(chunks, { type: recorder.mimeType.split(";")[0] });
      const audio = document.createElement("audio");
      audio.controls = true;
      audio.src = URL.createObjectURL(voiceBlob);
      audio.setAttribute("aria-label", t("listen"));
      el.timer.replaceWith(audio);
      el.timer = audio;
      el.stop.hidden = true;
      el.trash.hidden = el.sendv.hidden = false;
      el.sendv.focus();
    };
    recorder.start();
    recStart = Date.now();
    el.compose.hidden = true;
    el.voice.hidden = false;
    el.stop.hidden = false;
    el.trash.hidden = el.sendv.hidden = true;
    const tick = () => { const s = Math.floor((Date.now() - recStart) / 1000); el.timer.textContent = t("recording", { t: `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}` }); };
    tick();
    recTimer = setInterval(tick, 1000);
    el.stop.focus();
  }
  function stopRecording(discard) {
    clearInterval(recTimer);
    if (recorder && recorder.state !== "inactive") { recorder.discard = discard; recorder.stop(); }
    if (discard) resetVoice();
  }
  function resetVoice() {
    recorder = null;
    voiceBlob = null;
    const span = document.createElement("span");
    span.className = "timer";
    el.timer.replaceWith(span);
    el.timer = span;
    el.voice.hidden = true;
    if (session && !el.panel.hidden) showComposer();
  }

  el.launcher.onclick = () => (el.panel.hidden ? open() : close());
  el.close.onclick = close;
  el.wrap.addEventListener("keydown", (e) => { if (e.key === "Escape" && !el.panel.hidden) { e.preventDefault(); close(); } });
  el.text.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendText(); } });
  el.text.addEventListener("input", () => { signalTyping(); el.text.style.height = "auto"; el.text.style.height = `${Math.min(el.text.scrollHeight, 120)}px`; });
  el.send.onclick = sendText;
  el.attach.onclick = () => el.file.click();
  el.file.onchange = () => { const f = el.file.files[0]; el.file.value = ""; if (f) upload(f, f.name, false); };
  el.mic.onclick = startRecording;
  el.stop.onclick = () => stopRecording(false);
  el.trash.onclick = () => { resetVoice(); el.mic.focus(); };
  el.sendv.onclick = async () => { const blob = voiceBlob, ms = voiceMs; resetVoice(); const ext = blob.type.split("/")[1] || "webm"; await upload(blob, `voice-note.${ext}`, true, ms); el.mic.focus(); };
  el.pre.onsubmit = async (e) => {
    e.preventDefault();
    const f = new FormData(el.pre);
    try {
      await start({ name: String(f.get("name")).trim(), email: String(f.get("email")).trim() });
      showComposer();
      say(null);
      if (!loaded) await load();
      el.text.focus();
    } catch (err) { say(err); }
  };

  async function start(extra) {
    const data = await call("/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: saved.token, ...extra }) });
    session = data;
    saved.token = data.token;
    remember();
    el.wrap.style.setProperty("--c", data.channel.color);
    el.title.textContent = data.channel.name || t("title");
    el.greet.textContent = data.channel.greeting;
    el.greet.hidden = !data.channel.greeting;
    el.mic.hidden = !(data.limits.voiceNotes && data.limits.media.voice && window.MediaRecorder && navigator.mediaDevices && recType());
    el.file.accept = [...new Set(Object.entries(data.limits.media).filter(([k]) => k !== "voice").flatMap(([, r]) => r.mimes))].join(",");
    return data;
  }

  // The launcher appears once the channel answered, in its colours; a refused page shows nothing.
  const mount = () =>
    start()
      .then(() => {
        document.body.append(host);
        if (session.contact && !needsPreChat()) load().catch(() => {});
      })
      .catch(() => {});
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
