/* Kefu fallback: a plain-JS way to a person when the widget cannot run (no wasm, blocked
   file, strict CSP). The loader fetches it only then and hands over window.__kefuFallback
   ({root, api, hotline, locale, customer}). It posts the same escalation the widget does, once. */
(function () {
  "use strict";
  var setup = window.__kefuFallback;
  if (!setup || setup.root.querySelector(".kefu-fallback")) return;

  var CSS =
    ".kefu-fallback{position:fixed;right:max(12px,env(safe-area-inset-right));bottom:88px;" +
    "width:min(340px,calc(100vw - 24px));box-sizing:border-box;padding:16px;border-radius:12px;" +
    "background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.25)}.kefu-fallback a{color:#1a5fb4}" +
    ".kefu-fallback p{margin:0 0 8px}.kefu-fallback label{display:block;margin:8px 0 4px;font-weight:600}" +
    ".kefu-fallback textarea,.kefu-fallback input{box-sizing:border-box;width:100%;font:inherit;" +
    "font-size:16px;padding:8px;border:1px solid #767676;border-radius:8px}" +
    ".kefu-fallback button{margin-top:12px;min-height:44px;padding:0 20px;border:0;border-radius:22px;" +
    "font:inherit;font-weight:600;background:var(--kefu-accent,#b4380d);color:var(--kefu-on-accent,#fff)}" +
    ".kefu-fallback button:disabled{opacity:.6}" +
    ".kefu-fallback :focus-visible{outline:3px solid var(--kefu-focus,#1a5fb4);outline-offset:2px}";

  // title, could not load, hotline, what you need, e-mail or phone (optional), send,
  // sent (the case number follows), not sent
  var WORDS = {
    "zh-CN": ["联系客服", "在线客服暂时无法加载。您可以拨打热线，或留言给我们：", "客服热线", "您需要什么帮助？",
      "邮箱或手机号（选填）", "发送给人工客服", "已收到，客服会尽快回复。工单号：", "暂时无法发送，请拨打客服热线。"],
    "zh-TW": ["聯絡客服", "線上客服暫時無法載入。您可以撥打專線，或留言給我們：", "客服專線", "您需要什麼協助？",
      "Email 或手機號碼（選填）", "傳送給真人客服", "已收到，客服會盡快回覆。案件編號：", "暫時無法傳送，請撥打客服專線。"],
    en: ["Chat with support", "Chat could not load. Call us, or leave a message for a person:", "Hotline",
      "What do you need help with?", "E-mail or phone (optional)", "Send to a person",
      "Received; we will reply soon. Case number: ", "Could not send; please call the hotline."]
  };
  var words = WORDS[setup.locale] || WORDS["zh-CN"];
  var root = setup.root;
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = root.adoptedStyleSheets.concat(sheet);
  } catch (e) {
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
  }

  function el(tag, props, parent) {
    var node = document.createElement(tag);
    for (var k in props) node[k] = props[k];
    parent.appendChild(node);
    return node;
  }

  var box = el("form", { className: "kefu-fallback" }, root);
  box.setAttribute("aria-label", words[0]);
  el("p", { textContent: words[1] }, box);
  if (setup.hotline) {
    var line = el("p", { textContent: words[2] + ": " }, box);
    el("a", { href: "tel:" + setup.hotline.replace(/\s/g, ""), textContent: setup.hotline }, line);
  }
  el("label", { htmlFor: "kefu-fb-message", textContent: words[3] }, box);
  var message = el("textarea", { id: "kefu-fb-message", rows: 3, required: true, maxLength: 2000 }, box);
  el("label", { htmlFor: "kefu-fb-contact", textContent: words[4] }, box);
  var contact = el("input", {
    id: "kefu-fb-contact", autocomplete: "email", maxLength: 200,
    value: (setup.customer && setup.customer.email) || ""
  }, box);
  var send = el("button", { type: "submit", textContent: words[5] }, box);
  var status = el("p", {}, box);
  status.setAttribute("role", "status");
  // One key for this form: pressing send again after a failure cannot make a second case.
  var key = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) {
    return (b + 256).toString(16).slice(1);
  }).join("");

  box.addEventListener("submit", function (event) {
    event.preventDefault();
    var who = contact.value.trim();
    var body = {
      session: key, locale: setup.locale, page_url: location.href.slice(0, 500), reason: "button",
      message: message.value.trim(), summary: "", transcript: []
    };
    if (who) body.contact = who.indexOf("@") > 0 ? { email: who } : { phone: who };
    // Who the page says the shopper is (Kefu.identify); the e-mail is in the contact field.
    var person = setup.customer || {};
    if (person.name || person.customer_id) {
      body.customer = {};
      if (person.name) body.customer.name = person.name;
      if (person.customer_id) body.customer.customer_id = person.customer_id;
    }
    send.disabled = true;
    fetch(setup.api.replace(/\/$/, "") + "/api/v1/escalations", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
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
})();
