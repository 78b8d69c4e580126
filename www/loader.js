/* Kefu loader: draws the launcher and loads the widget on the shopper's first interaction. */
// Paste on any page:
//   <script src="https://shop.example/kefu/loader.js" data-api="https://api.shop.example" async></script>
// Attributes: data-api (API origin; empty = this page's origin), data-locale (auto | zh-CN |
// zh-TW | en), data-hotline (phone number shown when a person cannot be reached here).
// Nothing but this file is fetched until the shopper hovers, focuses or taps the launcher,
// or the page calls Kefu.open().
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.Kefu) return;
  var base = script.src.slice(0, script.src.lastIndexOf("/") + 1);
  var data = script.dataset;
  var config = { api: data.api || "", locale: data.locale || "auto", hotline: data.hotline || "" };

  // Launcher styles live here so the launcher costs no request; kefu.css styles the panel.
  var CSS =
    ":host{all:initial;position:fixed;right:0;bottom:0;z-index:2147483000;" +
    "font:15px/1.5 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f1f1f}" +
    ".kefu-launcher{position:fixed;right:max(20px,env(safe-area-inset-right));bottom:max(20px,env(safe-area-inset-bottom));" +
    "width:56px;height:56px;border:0;border-radius:50%;cursor:pointer;display:grid;place-items:center;" +
    "background:var(--kefu-accent,#b4380d);color:var(--kefu-on-accent,#fff);box-shadow:0 4px 16px rgba(0,0,0,.25)}" +
    ".kefu-launcher:focus-visible{outline:3px solid var(--kefu-focus,#1a5fb4);outline-offset:3px}" +
    ".kefu-launcher[aria-busy=true]{opacity:.7;cursor:progress}" +
    ".kefu-icon{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}" +
    ".kefu-fallback{position:fixed;right:max(12px,env(safe-area-inset-right));bottom:88px;" +
    "width:min(340px,calc(100vw - 24px));box-sizing:border-box;padding:16px;border-radius:12px;" +
    "background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.25)}.kefu-fallback a{color:#1a5fb4}" +
    ".kefu-fallback p{margin:0 0 8px}.kefu-fallback label{display:block;margin:8px 0 4px;font-weight:600}" +
    ".kefu-fallback textarea,.kefu-fallback input{box-sizing:border-box;width:100%;font:inherit;font-size:16px;" +
    "padding:8px;border:1px solid #767676;border-radius:8px}" +
    ".kefu-fallback button{margin-top:12px;min-height:44px;padding:0 20px;border:0;border-radius:22px;font:inherit;" +
    "font-weight:600;background:var(--kefu-accent,#b4380d);color:var(--kefu-on-accent,#fff)}" +
    ".kefu-fallback :focus-visible{outline:3px solid var(--kefu-focus,#1a5fb4);outline-offset:2px}";

  // launcher, could not load, hotline, what you need, e-mail or phone (optional), send,
  // sent (case number follows), not sent
  var LABELS = {
    "zh-CN": ["联系客服", "在线客服暂不可用，请拨打热线或留言：", "客服热线", "您需要什么帮助？",
      "邮箱或手机号（选填）", "发送给人工客服", "已收到，工单号：", "发送失败，请拨打热线。"],
    "zh-TW": ["聯絡客服", "線上客服暫不可用，請撥打專線或留言：", "客服專線", "您需要什麼協助？",
      "Email 或手機號碼（選填）", "傳送給真人客服", "已收到，案件編號：", "傳送失敗，請撥打專線。"],
    en: ["Chat with support", "Chat is unavailable. Call us or leave a message:", "Hotline",
      "What do you need help with?", "E-mail or phone (optional)", "Send to a person",
      "Received. Case number: ", "Not sent; please call us."]
  };
  function localeOf(tag) {
    tag = String(tag || "").toLowerCase().replace("_", "-");
    if (tag.indexOf("zh") === 0) return /-(hant|tw|hk|mo)\b/.test(tag) ? "zh-TW" : "zh-CN";
    return tag.indexOf("en") === 0 ? "en" : "";
  }
  var locale =
    localeOf(config.locale) || localeOf(document.documentElement.lang) ||
    localeOf(navigator.language) || "zh-CN";
  var words = LABELS[locale];

  var host, shadow, mountPoint, launcher, loading, mounted = false;

  function draw() {
    if (host) return;
    host = document.createElement("div");
    host.id = "kefu-host";
    shadow = host.attachShadow({ mode: "open" });
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) {
      var style = document.createElement("style");
      style.textContent = CSS;
      shadow.appendChild(style);
    }
    mountPoint = document.createElement("div");
    shadow.appendChild(mountPoint);
    launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "kefu-launcher";
    launcher.setAttribute("aria-label", words[0]);
    launcher.setAttribute("aria-expanded", "false");
    launcher.title = words[0];
    launcher.innerHTML =
      '<svg class="kefu-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 5h16v11H9l-5 4z"/></svg>';
    launcher.addEventListener("pointerenter", load, { once: true });
    launcher.addEventListener("focus", load, { once: true });
    launcher.addEventListener("click", open);
    shadow.appendChild(launcher);
    document.body.appendChild(host);
  }

  // Fetches the stylesheet, the JS glue and the wasm, once.
  function load() {
    if (!loading) {
      var css = new Promise(function (resolve, reject) {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = base + "kefu.css";
        link.onload = resolve;
        link.onerror = reject;
        shadow.appendChild(link);
      });
      var wasm = import(base + "kefu-widget.js").then(function (module) {
        return module.default({ module_or_path: base + "kefu-widget_bg.wasm" }).then(function () {
          return module;
        });
      });
      loading = Promise.all([wasm, css]).then(function (both) { return both[0]; });
    }
    return loading;
  }

  // `show` false: mount with the panel closed (to send what an earlier page left queued).
  function open(show) {
    if (mounted) return;
    launcher.setAttribute("aria-busy", "true");
    load().then(function (module) {
      window.__kefuBoot = {
        root: mountPoint, api: config.api, locale: config.locale, hotline: config.hotline,
        faq: base + "faq/", open: show !== false
      };
      if (!module.mount()) throw new Error("kefu: mount failed");
      mounted = true;
      launcher.remove();
    }).catch(function (error) {
      // Resuming quietly (nothing was asked for): no fallback sheet the shopper did not open.
      if (show !== false) return fallback(error);
      loading = null;
      launcher.removeAttribute("aria-busy");
    });
  }

  function el(tag, props, parent) {
    var node = document.createElement(tag);
    for (var k in props) node[k] = props[k];
    if (parent) parent.appendChild(node);
    return node;
  }

  // The way to a person never depends on wasm: the hotline, and a short form that posts the
  // same escalation the widget sends (one Idempotency-Key, however often it is pressed).
  function fallback(error) {
    if (window.console) console.warn("kefu: the widget could not load", error);
    loading = null;
    launcher.removeAttribute("aria-busy");
    if (shadow.querySelector(".kefu-fallback")) return;
    var box = el("form", { className: "kefu-fallback" }, shadow);
    box.setAttribute("aria-label", words[0]);
    el("p", { textContent: words[1] }, box);
    if (config.hotline) {
      var line = el("p", { textContent: words[2] + ": " }, box);
      el("a", { href: "tel:" + config.hotline.replace(/\s/g, ""), textContent: config.hotline }, line);
    }
    el("label", { htmlFor: "kefu-fb-message", textContent: words[3] }, box);
    var message = el("textarea", { id: "kefu-fb-message", rows: 3, required: true, maxLength: 2000 }, box);
    el("label", { htmlFor: "kefu-fb-contact", textContent: words[4] }, box);
    var contact = el("input", { id: "kefu-fb-contact", autocomplete: "email", maxLength: 200 }, box);
    var send = el("button", { type: "submit", textContent: words[5] }, box);
    var status = el("p", {}, box);
    status.setAttribute("role", "status");
    var key = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      var who = contact.value.trim();
      var body = {
        session: key, locale: locale, page_url: location.href.slice(0, 500), reason: "button",
        message: message.value.trim(), summary: "", transcript: []
      };
      if (who) body.contact = who.indexOf("@") > 0 ? { email: who } : { phone: who };
      send.disabled = true;
      fetch(config.api.replace(/\/$/, "") + "/api/v1/escalations", {
        method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) throw json;
          status.textContent = words[6] + json.case_id;
          window.dispatchEvent(new CustomEvent("kefu:escalated", { detail: { case_id: json.case_id } }));
        });
      }).catch(function () {
        status.textContent = words[7];
        send.disabled = false;
      });
    });
    message.focus();
  }

  // What the widget saved on an earlier page (see src/snapshot.rs): its first record says
  // whether the panel was open and whether a hand-off still waits to be sent. Only this
  // page's storage is read, and only the widget writes it, after the shopper used it.
  function resume() {
    var head;
    try {
      head = (localStorage.getItem("kefu.v1") || "").split("\u001e")[0].split("\u001f");
    } catch (e) {
      return;
    }
    if (head[0] === "kefu1" && (head[2] === "1" || head[3] === "1")) open(head[2] === "1");
  }

  function start() {
    draw();
    resume();
  }

  // The page's handle: Kefu.open(), Kefu.close(); the widget dispatches kefu:open, kefu:close
  // and kefu:escalated (detail.case_id) on window.
  function command(name) {
    window.dispatchEvent(new CustomEvent("kefu:command", { detail: name }));
  }
  window.Kefu = {
    open: function () {
      draw();
      if (mounted) command("open");
      else open();
    },
    close: function () {
      if (mounted) command("close");
      var box = shadow && shadow.querySelector(".kefu-fallback");
      if (box) box.remove();
    }
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
