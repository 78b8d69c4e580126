/*! Demo shop: language switch (?lang=zh-CN | zh-TW | en) for the static product page. */
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
  var lang = new URLSearchParams(location.search).get("lang");
  if (lang !== "zh-TW" && lang !== "en") lang = "zh-CN";
  document.documentElement.lang = lang;
  var texts = TEXTS[lang];
  if (!texts) return;
  document.addEventListener("DOMContentLoaded", function () {
    document.title = texts.doc;
    document.querySelectorAll("[data-t]").forEach(function (el) {
      el.textContent = texts[el.getAttribute("data-t")];
    });
    document.querySelectorAll("[data-t-alt]").forEach(function (el) {
      el.alt = texts[el.getAttribute("data-t-alt")];
    });
  });
})();
