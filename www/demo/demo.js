/*! Demo shop: language switch (?lang=zh-CN | zh-TW | en) for the static product page; the
    links switch in place, as a single-page shop would, and tell the widget (Kefu.setLocale). */
(function () {
  "use strict";
  var TEXTS = {
    "zh-TW": {
      brand: "青禾茶鋪", title: "明前龍井 250g 禮盒裝", price: "NT$ 1,180",
      desc: "杭州西湖產區，2026 年明前採摘，手工炒製。豆香清雅，回甘悠長。",
      p1: "順豐包郵，48 小時內出貨", p2: "7 天無理由退貨", p3: "支援開立電子發票",
      buy: "加入購物車", footer: "示範商店 · 由 Kefu 客服元件提供線上協助",
      photoAlt: "明前龍井禮盒", doc: "青禾茶鋪 · 明前龍井 250g"
    },
    en: {
      brand: "Qinghe Tea", title: "Pre-Qingming Longjing, 250 g gift box", price: "US$ 38.00",
      desc: "West Lake, Hangzhou; picked before Qingming 2026 and pan-fired by hand. Nutty, clean, long sweet finish.",
      p1: "Free express shipping, dispatched within 48 hours", p2: "7-day no-questions returns",
      p3: "Electronic invoices available", buy: "Add to cart",
      footer: "Demo shop · online help by the Kefu support widget",
      photoAlt: "Longjing tea gift box", doc: "Qinghe Tea · Longjing 250 g"
    }
  };
  function pick(tag) {
    return tag === "zh-TW" || tag === "en" ? tag : "zh-CN";
  }
  function show(lang) {
    var texts = TEXTS[lang];
    document.documentElement.lang = lang;
    document.title = texts.doc;
    document.querySelectorAll("[data-t]").forEach(function (el) {
      el.textContent = texts[el.getAttribute("data-t")];
    });
    document.querySelectorAll("[data-t-alt]").forEach(function (el) {
      el.alt = texts[el.getAttribute("data-t-alt")];
    });
  }
  var lang = pick(new URLSearchParams(location.search).get("lang"));
  document.documentElement.lang = lang;
  document.addEventListener("DOMContentLoaded", function () {
    // The page as written is the zh-CN one.
    var original = (TEXTS["zh-CN"] = { doc: document.title });
    document.querySelectorAll("[data-t]").forEach(function (el) {
      original[el.getAttribute("data-t")] = el.textContent;
    });
    document.querySelectorAll("[data-t-alt]").forEach(function (el) {
      original[el.getAttribute("data-t-alt")] = el.alt;
    });
    show(lang);
    document.querySelectorAll(".shop-langs a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var next = pick(link.getAttribute("lang"));
        history.replaceState(null, "", "?lang=" + next);
        show(next);
        if (window.Kefu) window.Kefu.setLocale(next);
      });
    });
  });
})();
