/* Kefu order card: "where is my order?" in one step. The loader fetches this file the first
   time the widget draws an order card (an empty .kefu-order, with the number found in the
   shopper's message in data-number) and hands over window.__kefuOrders ({root, config, locale}).
   The card asks for the order number and a second factor (the order's e-mail or the phone's
   last 4 digits), looks the order up — on the server (POST /api/v1/orders/lookup) or, with
   config.orderFiles, in static files written by kefu-static-orders — and shows the status
   timeline. "Talk to a person about this order" hands off with the order attached.
   Nothing the shopper types here is stored. */
(function () {
  "use strict";
  var setup = window.__kefuOrders;
  if (!setup || setup.started) return;
  setup.started = true;
  var root = setup.root;
  var config = setup.config;

  var CSS =
    ".kefu-order{width:100%;max-width:100%;white-space:normal}" +
    ".kefu-order h3{margin:0 0 4px;font-size:15px}.kefu-order form{margin:0}" +
    ".kefu-order .kefu-field{background:#fff}.kefu-order .kefu-actions{justify-content:flex-start;flex-wrap:wrap}" +
    ".kefu-order-state{display:inline-block;margin-left:6px;padding:0 8px;border-radius:999px;" +
    "background:var(--accent);color:var(--on-accent);font-size:13px;font-weight:600}" +
    ".kefu-order-state[data-terminal]{background:#595959;color:#fff}" +
    ".kefu-order-steps{margin:10px 0;padding:0;list-style:none}" +
    ".kefu-order-steps li{position:relative;margin:0;padding:0 0 10px 22px;color:var(--muted)}" +
    ".kefu-order-steps li::before{content:'';position:absolute;left:2px;top:5px;width:10px;height:10px;" +
    "border-radius:50%;border:2px solid #8c8c8c;background:#fff}" +
    ".kefu-order-steps li::after{content:'';position:absolute;left:7px;top:19px;bottom:0;width:2px;background:#c8c8c8}" +
    ".kefu-order-steps li:last-child::after{display:none}" +
    ".kefu-order-steps li[data-done]{color:inherit}" +
    ".kefu-order-steps li[data-done]::before{border-color:var(--accent);background:var(--accent)}" +
    ".kefu-order-steps li[aria-current]{font-weight:600}" +
    ".kefu-order-steps small{display:block;font-weight:400;color:var(--muted)}" +
    ".kefu-order dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:8px 0}" +
    ".kefu-order dt{color:var(--muted)}.kefu-order dd{margin:0;overflow-wrap:anywhere}" +
    ".kefu-order ul{margin:4px 0 8px;padding-left:18px}";

  // The card's words. States: placed, paid, shipped, out_for_delivery, delivered, cancelled,
  // returned, refunded.
  var WORDS = {
    "zh-CN": {
      title: "查询订单", number: "订单号", verifier: "下单邮箱或手机号后四位",
      hint: "我们只用它确认这是您的订单，不会保存。", find: "查询", another: "查询其他订单",
      human: "转人工咨询此订单", order: "订单", carrier: "承运商", tracking: "运单号",
      eta: "预计送达", updated: "最近更新", items: "商品", note: "最新动态",
      noNumber: "请输入订单号。", badVerifier: "请输入下单邮箱，或手机号后四位（4 位数字）。",
      notFound: "没有找到与这些信息匹配的订单，请核对订单号和邮箱或手机号后四位。",
      wait: "查询次数太多了，请 {m} 分钟后再试，或转人工客服。",
      failed: "暂时无法查询，请稍后再试，或转人工客服。",
      states: ["已下单", "已付款", "已发货", "派送中", "已签收", "已取消", "已退货", "已退款"],
      sep: "："
    },
    "zh-TW": {
      title: "查詢訂單", number: "訂單編號", verifier: "訂購 Email 或手機末四碼",
      hint: "只用來確認這是您的訂單，不會保存。", find: "查詢", another: "查詢其他訂單",
      human: "轉真人客服詢問此訂單", order: "訂單", carrier: "物流商", tracking: "貨運單號",
      eta: "預計送達", updated: "最近更新", items: "商品", note: "最新動態",
      noNumber: "請輸入訂單編號。", badVerifier: "請輸入訂購 Email，或手機末四碼（4 位數字）。",
      notFound: "找不到符合這些資料的訂單，請核對訂單編號與 Email 或手機末四碼。",
      wait: "查詢次數過多，請 {m} 分鐘後再試，或轉真人客服。",
      failed: "暫時無法查詢，請稍後再試，或轉真人客服。",
      states: ["已下單", "已付款", "已出貨", "配送中", "已送達", "已取消", "已退貨", "已退款"],
      sep: "："
    },
    en: {
      title: "Find your order", number: "Order number", verifier: "Order e-mail or last 4 digits of your phone",
      hint: "Only used to check the order is yours; never stored.", find: "Find order", another: "Look up another order",
      human: "Talk to a person about this order", order: "Order", carrier: "Carrier", tracking: "Tracking number",
      eta: "Expected delivery", updated: "Last update", items: "Items", note: "Latest",
      noNumber: "Please enter the order number.", badVerifier: "Please enter the order's e-mail, or the last 4 digits of your phone.",
      notFound: "No order matches these details. Please check the order number and the e-mail or phone digits.",
      wait: "Too many tries. Please try again in {m} min, or talk to a person.",
      failed: "The order cannot be looked up right now. Please try again later, or talk to a person.",
      states: ["Placed", "Paid", "Shipped", "Out for delivery", "Delivered", "Cancelled", "Returned", "Refunded"],
      sep: ": "
    }
  };
  var STATES = ["placed", "paid", "shipped", "out_for_delivery", "delivered", "cancelled", "returned", "refunded"];
  var PATH = 5; // the first five states are the way to the shopper; the rest end it
  var MAX_TRIES = 5;
  var TRIES_KEY = "kefu.orderTries";
  var WINDOW_MS = 15 * 60 * 1000;

  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    var shadow = root.getRootNode();
    shadow.adoptedStyleSheets = shadow.adoptedStyleSheets.concat(sheet);
  } catch (e) {
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
  }

  function el(tag, props, parent, text) {
    var node = document.createElement(tag);
    for (var k in props) node.setAttribute(k, props[k]);
    if (text != null) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  // The same folding as kefu_api::orders (normalize_order_number, normalize_verifier): full-width
  // ASCII and the ideographic space to ASCII; numbers without separators, ASCII upper case;
  // e-mails trimmed, ASCII lower case; or exactly 4 digits.
  function foldWidth(s) {
    return String(s).replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/\u3000/g, " ");
  }
  function normalizeNumber(s) {
    return foldWidth(s).replace(/[-#\u2010-\u2015\u2212\ufe63\s]/g, "").replace(/[a-z]/g, function (c) {
      return c.toUpperCase();
    });
  }
  function normalizeVerifier(s) {
    var t = foldWidth(s).trim();
    if (t.indexOf("@") >= 0) {
      var email = t.replace(/[A-Z]/g, function (c) { return c.toLowerCase(); });
      var at = email.indexOf("@"), domain = email.slice(at + 1);
      var ok = at > 0 && domain.indexOf("@") < 0 && domain.indexOf(".") >= 0 && domain[0] !== "." &&
        domain[domain.length - 1] !== "." && !/[\s\u0000-\u001f\u007f-\u009f]/.test(email) && email.length <= 254;
      return ok ? email : null;
    }
    var digits = t.replace(/\s/g, "");
    return /^[0-9]{4}$/.test(digits) ? digits : null;
  }

  // Failed tries in this tab (the server counts them too): after 5 in 15 minutes, or when the
  // server says so (429), the card asks the shopper to wait.
  var memory = { fails: [], until: 0 };
  function tries() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(TRIES_KEY));
      if (saved && Array.isArray(saved.fails)) memory = saved;
    } catch (e) { /* blocked storage: counted in memory */ }
    var now = Date.now();
    memory.fails = memory.fails.filter(function (t) { return now - t < WINDOW_MS; });
    return memory;
  }
  function remember(edit) {
    edit(tries());
    try {
      sessionStorage.setItem(TRIES_KEY, JSON.stringify(memory));
    } catch (e) { /* ignored */ }
  }
  function waitMinutes() {
    var t = tries(), now = Date.now();
    var until = Math.max(t.until || 0, t.fails.length >= MAX_TRIES ? t.fails[t.fails.length - MAX_TRIES] + WINDOW_MS : 0);
    return until > now ? Math.ceil((until - now) / 60000) : 0;
  }

  // --- lookups: each resolves to {status} | {notFound} | {wait: minutes} | {field} | {failed}
  function lookupOnServer(number, verifier) {
    return fetch(config.api.replace(/\/$/, "") + "/api/v1/orders/lookup", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ order_number: number, verifier: verifier })
    }).then(function (response) {
      if (response.status === 429) {
        var seconds = parseInt(response.headers.get("Retry-After"), 10) || 900;
        return { wait: Math.max(1, Math.ceil(seconds / 60)) };
      }
      if (response.status === 404) return { notFound: true };
      return response.json().then(function (body) {
        if (response.ok && body && STATES.indexOf(body.state) >= 0) return { status: body };
        if (response.status === 422 && body) return { field: body.field };
        return { failed: true };
      });
    });
  }

  var manifest;
  function lookupInFiles(number, verifier) {
    var subtle = window.crypto && crypto.subtle;
    if (!subtle) return Promise.resolve({ failed: true });
    var folder = config.orderFiles.replace(/\/?$/, "/");
    var text = new TextEncoder();
    // Fetched once; a failed fetch is forgotten, so the next try asks again.
    manifest = manifest || fetch(folder + "kefu-orders.json").then(function (r) {
      if (!r.ok) throw new Error("no manifest");
      return r.json();
    }).catch(function (error) {
      manifest = null;
      throw error;
    });
    return manifest.then(function (m) {
      return subtle.importKey("raw", text.encode(number + "\n" + verifier), "PBKDF2", false, ["deriveBits"])
        .then(function (password) {
          return subtle.deriveBits(
            { name: "PBKDF2", hash: "SHA-256", salt: text.encode(m.salt), iterations: m.iterations },
            password, 512);
        });
    }).then(function (bits) {
      var bytes = new Uint8Array(bits);
      var name = Array.prototype.map.call(bytes.slice(0, 32), function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      }).join("");
      return Promise.all([
        fetch(folder + name + ".bin"),
        subtle.importKey("raw", bytes.slice(32), "AES-GCM", false, ["decrypt"])
      ]);
    }).then(function (both) {
      var response = both[0];
      if (response.status === 404 || response.status === 403) return { notFound: true };
      if (!response.ok) return { failed: true };
      return response.arrayBuffer().then(function (sealed) {
        return subtle.decrypt({ name: "AES-GCM", iv: sealed.slice(0, 12) }, both[1], sealed.slice(12));
      }).then(function (plain) {
        var status = JSON.parse(new TextDecoder().decode(plain));
        return STATES.indexOf(status.state) >= 0 ? { status: status } : { failed: true };
      });
    });
  }

  // --- the card
  var cards = 0;
  function mount(card) {
    if (card.firstChild) return;
    var id = "kefu-order-" + ++cards;
    var w = WORDS[setup.locale()] || WORDS["zh-CN"];
    var typedNumber = card.getAttribute("data-number") || "";

    function showForm() {
      card.textContent = "";
      var form = el("form", { "aria-labelledby": id + "-title", novalidate: "" }, card);
      el("h3", { id: id + "-title" }, form, w.title);
      el("label", { "class": "kefu-label", "for": id + "-number" }, form, w.number);
      var number = el("input", {
        "class": "kefu-field", id: id + "-number", name: "order_number", autocomplete: "off",
        maxlength: "60", "aria-describedby": id + "-error"
      }, form);
      number.value = typedNumber;
      el("label", { "class": "kefu-label", "for": id + "-verifier" }, form, w.verifier);
      var verifier = el("input", {
        "class": "kefu-field", id: id + "-verifier", name: "verifier", autocomplete: "email",
        maxlength: "254", "aria-describedby": id + "-hint " + id + "-error"
      }, form);
      el("p", { "class": "kefu-hint", id: id + "-hint" }, form, w.hint);
      var error = el("p", { "class": "kefu-error", id: id + "-error", role: "alert" }, form);
      var actions = el("div", { "class": "kefu-actions" }, form);
      var submit = el("button", { type: "submit", "class": "kefu-primary" }, actions, w.find);

      // An inline error; `invalid` is the field to blame (marked and focused), if one is.
      function fail(text, invalid) {
        error.textContent = text;
        [number, verifier].forEach(function (input) {
          input.setAttribute("aria-invalid", String(input === invalid));
        });
        if (invalid) invalid.focus();
      }
      // Too many failed tries: no more until the wait is over.
      function waitIfNeeded() {
        var minutes = waitMinutes();
        submit.disabled = minutes > 0;
        if (minutes) fail(w.wait.replace("{m}", minutes), null);
        return minutes > 0;
      }
      waitIfNeeded();

      form.addEventListener("submit", function (event) {
        event.preventDefault();
        typedNumber = number.value;
        var n = normalizeNumber(number.value), v = normalizeVerifier(verifier.value);
        if (!n || n.length > 40) return fail(w.noNumber, number);
        if (!v) return fail(w.badVerifier, verifier);
        if (waitIfNeeded()) return;
        submit.disabled = true;
        submit.setAttribute("aria-busy", "true");
        (config.orderFiles ? lookupInFiles(n, v) : lookupOnServer(number.value, verifier.value))
          .catch(function () { return { failed: true }; })
          .then(function (result) {
            submit.disabled = false;
            submit.removeAttribute("aria-busy");
            if (result.status) return showStatus(result.status);
            if (result.wait) {
              remember(function (t) { t.until = Date.now() + result.wait * 60000; });
            } else if (result.notFound) {
              remember(function (t) { t.fails.push(Date.now()); });
            }
            if (waitIfNeeded()) return;
            if (result.notFound) return fail(w.notFound, null);
            if (result.field === "verifier") return fail(w.badVerifier, verifier);
            if (result.field) return fail(w.noNumber, number);
            fail(w.failed, null);
          });
      });
      return number;
    }

    function showStatus(status) {
      card.textContent = "";
      var at = STATES.indexOf(status.state);
      var terminal = at >= PATH;
      var heading = el("h3", { tabindex: "-1" }, card, w.order + " " + status.order_number);
      var badge = el("span", { "class": "kefu-order-state" }, heading, w.states[at]);
      if (at >= PATH - 1) badge.setAttribute("data-terminal", "");

      // The way to the shopper, done up to where the order is; a cancelled, returned or
      // refunded order shows the steps it went through, ending there.
      var when = {};
      var reached = terminal ? [] : STATES.slice(0, PATH);
      (status.events || []).forEach(function (e) {
        when[e.state] = e.at_ms;
        if (terminal && reached.indexOf(e.state) < 0 && e.state !== status.state) reached.push(e.state);
      });
      if (terminal) reached.push(status.state);
      var steps = el("ol", { "class": "kefu-order-steps" }, card);
      reached.forEach(function (s) {
        var i = STATES.indexOf(s);
        var done = terminal || i <= at;
        var step = el("li", {}, steps, w.states[i]);
        if (done) step.setAttribute("data-done", "");
        if (s === status.state) step.setAttribute("aria-current", "step");
        if (done && when[s] != null) el("small", {}, step, time(when[s]));
      });

      var facts = el("dl", {}, card);
      var last = (status.events || []).filter(function (e) { return e.note; }).pop();
      [
        [w.note, last && last.note],
        [w.carrier, status.carrier],
        [w.tracking, status.tracking_number],
        [w.eta, terminal ? null : status.estimated_delivery && day(status.estimated_delivery)],
        [w.updated, time(status.updated_at_ms)]
      ].forEach(function (fact) {
        if (!fact[1]) return;
        el("dt", {}, facts, fact[0]);
        el("dd", {}, facts, fact[1]);
      });
      if ((status.items || []).length) {
        el("p", { "class": "kefu-label" }, card, w.items);
        var items = el("ul", {}, card);
        status.items.forEach(function (item) { el("li", {}, items, item.name + " × " + item.quantity); });
      }
      var actions = el("div", { "class": "kefu-actions" }, card);
      el("button", { type: "button", "class": "kefu-primary" }, actions, w.human)
        .addEventListener("click", function () {
          var line = w.order + " " + status.order_number + w.sep + w.states[at];
          var command = ["order", line, JSON.stringify(status)].join("\u001f");
          window.dispatchEvent(new CustomEvent("kefu:command", { detail: command }));
        });
      el("button", { type: "button", "class": "kefu-secondary" }, actions, w.another)
        .addEventListener("click", function () { showForm().focus(); });
      heading.focus();
    }

    // Times in the shopper's own time zone and language.
    function time(ms) {
      try {
        return new Date(ms).toLocaleString(setup.locale(), { dateStyle: "medium", timeStyle: "short" });
      } catch (e) {
        return new Date(ms).toLocaleString();
      }
    }
    function day(ymd) {
      var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
      if (!parts) return ymd;
      try {
        return new Date(+parts[1], parts[2] - 1, +parts[3]).toLocaleDateString(setup.locale(), { dateStyle: "medium" });
      } catch (e) {
        return ymd;
      }
    }

    showForm();
  }

  function mountAll() {
    Array.prototype.forEach.call(root.querySelectorAll(".kefu-order"), mount);
  }
  new MutationObserver(mountAll).observe(root, { childList: true, subtree: true });
  mountAll();
})();
