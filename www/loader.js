/* Kefu loader: draws the launcher and loads the widget on the shopper's first interaction. */
// Paste on any page:
//   <script src="https://shop.example/kefu/loader.js" data-api="https://api.shop.example" async></script>
// Attributes: data-api (API origin; empty = this page's origin), data-locale (auto | zh-CN |
// zh-TW | en), data-hotline (phone number shown when a person cannot be reached here),
// data-order-pattern (a RegExp for the shop's order numbers, e.g. "DD\d{8}-?\d{4}": a message
// holding one opens the order card), data-order-files (a folder of static order files written
// by kefu-static-orders; without it the card asks the API).
// Or place <kefu-widget api="…" locale="…" hotline="…"></kefu-widget> in the page: the
// launcher draws into it, and its attributes win over the script's.
// Nothing but this file is fetched until the shopper hovers, focuses or taps the launcher,
// or the page calls Kefu.open().
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.Kefu) return;
  var base = script.src.slice(0, script.src.lastIndexOf("/") + 1);
  var data = script.dataset;
  var config = {
    api: data.api || "", locale: data.locale || "auto", hotline: data.hotline || "",
    orderFiles: data.orderFiles || ""
  };
  var orderPattern; // a bad pattern finds nothing
  try {
    orderPattern = data.orderPattern && RegExp(data.orderPattern, "i");
  } catch (e) {}

  // Launcher styles live here so the launcher costs no request; kefu.css styles the panel.
  var CSS =
    ":host{all:initial;position:fixed;right:0;bottom:0;z-index:2147483000;" +
    "font:15px/1.5 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f1f1f}" +
    ".kefu-launcher{position:fixed;right:max(20px,env(safe-area-inset-right));bottom:max(20px,env(safe-area-inset-bottom));" +
    "width:56px;height:56px;border:0;border-radius:50%;cursor:pointer;display:grid;place-items:center;" +
    "background:var(--kefu-accent,#b4380d);color:var(--kefu-on-accent,#fff);box-shadow:0 4px 16px rgba(0,0,0,.25)}" +
    ".kefu-launcher:focus-visible{outline:3px solid var(--kefu-focus,#1a5fb4);outline-offset:3px}" +
    ".kefu-launcher[aria-busy=true]{opacity:.7;cursor:progress}" +
    ".kefu-badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 4px;box-sizing:border-box;" +
    "border-radius:11px;background:#1a5fb4;color:#fff;font:700 12px/22px system-ui,sans-serif}" +
    ".kefu-icon{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}" +
    ".kefu-fallback{position:fixed;right:20px;bottom:88px;max-width:300px;margin:0;padding:16px;" +
    "border-radius:12px;background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.25)}";

  // launcher, could not load (the hotline follows), close the panel, unread replies
  var LABELS = {
    "zh-CN": ["联系客服", "在线客服暂时无法加载，请拨打客服热线：", "关闭客服窗口", "条新回复"],
    "zh-TW": ["聯絡客服", "線上客服暫時無法載入，請撥打客服專線：", "關閉客服視窗", "則新回覆"],
    en: ["Chat with support", "Chat could not load; please call:", "Close support chat", "new replies"]
  };
  function localeOf(tag) {
    tag = String(tag || "").toLowerCase().replace("_", "-");
    if (tag.indexOf("zh") === 0) return /-(hant|tw|hk|mo)\b/.test(tag) ? "zh-TW" : "zh-CN";
    return tag.indexOf("en") === 0 ? "en" : "";
  }
  var locale, words;
  function chooseLocale() {
    locale =
      localeOf(config.locale) || localeOf(document.documentElement.lang) ||
      localeOf(navigator.language) || "zh-CN";
    words = LABELS[locale];
  }
  chooseLocale();

  var host, shadow, mountPoint, launcher, loading, mounted = false, customer = {};

  // <kefu-widget>: a page may place the host itself; a later `locale` attribute switches language.
  if (window.customElements && !customElements.get("kefu-widget")) {
    var Host = function () { return Reflect.construct(HTMLElement, [], Host); };
    Host.prototype = Object.create(HTMLElement.prototype);
    Host.observedAttributes = ["locale"];
    Host.prototype.attributeChangedCallback = function (name, was, now) {
      if (this === host && was !== null) window.Kefu.setLocale(now);
    };
    customElements.define("kefu-widget", Host);
  }

  function draw() {
    if (host) return;
    host = document.querySelector("kefu-widget");
    if (host) {
      ["api", "locale", "hotline"].forEach(function (name) {
        if (host.hasAttribute(name)) config[name] = host.getAttribute(name);
      });
      chooseLocale();
    } else {
      host = document.body.appendChild(document.createElement("kefu-widget"));
    }
    host.id = host.id || "kefu-host";
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
    // The widget draws an empty .kefu-order where an order card goes; order.js (fetched the
    // first time one appears) fills it and every later one.
    new MutationObserver(function (changes, observer) {
      if (!mountPoint.querySelector(".kefu-order")) return;
      observer.disconnect();
      window.__kefuOrders = { root: mountPoint, config: config, locale: function () { return locale; } };
      addScript("order.js");
    }).observe(mountPoint, { childList: true, subtree: true });
    launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "kefu-launcher";
    showOpen(false);
    launcher.addEventListener("pointerenter", load, { once: true });
    launcher.addEventListener("focus", load, { once: true });
    launcher.addEventListener("click", function () {
      if (!mounted) open();
      else command(isOpen() ? "close" : "open");
    });
    shadow.appendChild(launcher);
    // Phones: the full-screen panel takes the height left above the on-screen keyboard, so
    // the composer stays in view (set through the CSSOM, which a strict CSP allows).
    var viewport = window.visualViewport;
    if (viewport) {
      var fit = function () { host.style.setProperty("--kefu-vh", viewport.height + "px"); };
      viewport.addEventListener("resize", fit);
      fit();
    }
  }

  // The one launcher, before and after the widget loads: it follows the panel (kefu:open and
  // kefu:close from the widget) and gives focus back when the panel closes.
  // The launcher also counts agents' replies that arrived while the panel was closed.
  var unread = 0;
  function isOpen() { return launcher.getAttribute("aria-expanded") === "true"; }
  function showOpen(expanded) {
    var label = words[expanded ? 2 : 0] + (unread ? " (" + unread + " " + words[3] + ")" : "");
    launcher.setAttribute("aria-expanded", String(expanded));
    launcher.setAttribute("aria-label", (launcher.title = label));
    launcher.innerHTML =
      '<svg class="kefu-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="' +
      (expanded ? "M6 6l12 12M18 6L6 18" : "M4 5h16v11H9l-5 4z") + '"/></svg>' +
      (unread ? '<span class="kefu-badge" aria-hidden="true">' + Math.min(unread, 99) + "</span>" : "");
  }
  window.addEventListener("kefu:unread", function (event) {
    unread = +event.detail || 0;
    showOpen(isOpen());
  });
  window.addEventListener("kefu:open", function () { showOpen(true); });
  window.addEventListener("kefu:close", function () {
    showOpen(false);
    var active = document.activeElement;
    if (active === document.body || (active === host && !shadow.activeElement)) launcher.focus();
  });

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
        faq: base + "faq/", open: show !== false, focus: show === undefined, customer: customer,
        // The first order number in a message, full-width digits and letters folded.
        orderNumber: function (text) {
          var found = orderPattern && orderPattern.exec(text.normalize("NFKC"));
          return found ? found[0] : "";
        }
      };
      if (!module.mount()) throw new Error("kefu: mount failed");
      mounted = true;
      launcher.removeAttribute("aria-busy");
      launcher.setAttribute("aria-controls", "kefu-panel");
    }).catch(function (error) {
      // Resuming quietly (nothing was asked for): no fallback sheet the shopper did not open.
      if (show !== false) return fallback(error);
      loading = null;
      launcher.removeAttribute("aria-busy");
    });
  }

  // The way to a person never depends on wasm: fallback.js (plain JS, fetched only now) shows
  // the hotline and a short form that posts the same escalation. If even that cannot load,
  // the hotline is shown from here.
  function fallback(error) {
    if (window.console) console.warn("kefu: the widget could not load", error);
    loading = null;
    launcher.removeAttribute("aria-busy");
    if (shadow.querySelector(".kefu-fallback")) return;
    window.__kefuFallback = {
      root: shadow, api: config.api, hotline: config.hotline, locale: locale, customer: customer
    };
    addScript("fallback.js").onerror = function () {
      var box = document.createElement("p");
      box.className = "kefu-fallback";
      box.setAttribute("role", "alert");
      box.textContent = words[1] + " " + config.hotline;
      shadow.appendChild(box);
    };
  }

  // The widget's calls to the case line wait here; the first one fetches case.js, which
  // takes over push (see www/case.js).
  var caseCalls = (window.__kefuCase = []);
  caseCalls.push = function (call) {
    caseCalls.push = [].push;
    addScript("case.js");
    return caseCalls.push(call);
  };

  // Adds <script src=base+name> to the page; returns the element.
  function addScript(name) {
    var element = document.createElement("script");
    element.src = base + name;
    return document.head.appendChild(element);
  }

  // What the widget saved on an earlier page (see src/snapshot.rs): its first record says
  // whether the panel was open, whether a hand-off still waits to be sent, and whether a case
  // is open (its replies are read). Only this page's storage is read, and only the widget
  // writes it, after the shopper used it.
  function resume() {
    var head;
    try {
      head = (localStorage.getItem("kefu.v1") || "").split("\u001e")[0].split("\u001f");
    } catch (e) {
      return;
    }
    if (head[0] === "kefu1" && head.slice(2, 5).indexOf("1") >= 0) open(head[2] === "1");
  }

  function start() {
    draw();
    resume();
  }

  // The page's handle: Kefu.open(), Kefu.close(), Kefu.identify({name, email, customer_id})
  // (sent with a hand-off, never stored), Kefu.setLocale("zh-CN" | "zh-TW" | "en"); the
  // widget dispatches kefu:open, kefu:close and kefu:escalated (detail.case_id) on window.
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
    },
    identify: function (person) {
      ["name", "email", "customer_id"].forEach(function (name) {
        var value = (person || {})[name];
        customer[name] = value == null ? "" : String(value).slice(0, 200);
      });
    },
    setLocale: function (tag) {
      if (!localeOf(tag)) return;
      config.locale = tag;
      chooseLocale();
      if (launcher) showOpen(isOpen());
      if (mounted) command("locale:" + locale);
    }
  };
  // After parsing, so that a <kefu-widget> anywhere in the page is found.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
