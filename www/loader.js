/*! Kefu loader: draws the launcher and loads the widget on the shopper's first interaction. */
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
    ".kefu-fallback{position:fixed;right:20px;bottom:88px;max-width:320px;padding:16px;border-radius:12px;" +
    "background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.25)}.kefu-fallback a{color:#1a5fb4}";

  var LABELS = {
    "zh-CN": ["联系客服", "客服暂时无法加载，请稍后重试。", "客服热线"],
    "zh-TW": ["聯絡客服", "客服暫時無法載入，請稍後重試。", "客服專線"],
    en: ["Chat with support", "Support could not load; please try again later.", "Hotline"]
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
      window.dispatchEvent(new CustomEvent("kefu:open"));
    }).catch(fallback);
  }

  // The way to a person never depends on wasm: show the hotline and let the shopper retry.
  function fallback(error) {
    if (window.console) console.warn("kefu: the widget could not load", error);
    loading = null;
    launcher.removeAttribute("aria-busy");
    if (shadow.querySelector(".kefu-fallback")) return;
    var box = document.createElement("div");
    box.className = "kefu-fallback";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = words[1];
    box.appendChild(text);
    if (config.hotline) {
      var line = document.createElement("p");
      var call = document.createElement("a");
      call.href = "tel:" + config.hotline.replace(/\s/g, "");
      call.textContent = config.hotline;
      line.textContent = words[2] + ": ";
      line.appendChild(call);
      box.appendChild(line);
    }
    shadow.appendChild(box);
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

  window.Kefu = { open: function () { draw(); open(); } };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
