// Kefu agent console: sign-in, the live queue of cases, a case with its reply box, "save as FAQ",
// and insights. A plain ES module served at /console/ under a strict CSP (no inline code, no
// eval). Every piece of data is drawn with createElement and textContent, never innerHTML, and
// abusive words in what shoppers wrote are masked until the agent asks to see the original.

const API = "/api/v1/agent";
const LANGS = ["zh-CN", "zh-TW", "en"];
const LANG_KEY = "kefu.console.lang";
const MAX_REPLY = 2000;
const POLL_MS = 10_000;
const REFRESH_DELAY_MS = 300;
const STATES = ["placed", "paid", "shipped", "out_for_delivery", "delivered", "cancelled", "returned", "refunded"];

// --- words: one dictionary per language ---------------------------------------------------------

const WORDS = {
  "zh-CN": {
    appName: "客服工作台", skip: "跳到主要内容", navLabel: "工作台", navQueue: "队列", navInsights: "数据洞察",
    language: "语言", live: "实时", reconnecting: "正在重连（每 10 秒刷新）", signedIn: "已登录：{name}",
    logout: "退出登录", loggedOut: "已退出登录。",
    loginTitle: "登录客服工作台", name: "用户名", password: "密码", signIn: "登录",
    wrongLogin: "用户名或密码错误。", tooMany: "失败次数太多，请 {t}后再试。", loginFailed: "无法登录：{message}",
    queueTitle: "待处理队列", filters: "筛选", status: "状态", st_open: "处理中", st_resolved: "已解决", st_all: "全部",
    topic: "话题", anyTopic: "全部话题", locale: "语言", anyLocale: "全部语言", caseCount: "共 {n} 个案件",
    noCases: "这里没有案件。", showQueue: "队列（{n}）", chooseCase: "从队列中选择一个案件。",
    urgency: "紧急度 {n}", r_asked: "要求转人工", r_anger: "情绪激动", r_order_value: "高额订单", r_waiting: "已等待 {t}",
    waiting: "已等待 {t}", ago: "{t}前", unassigned: "未分配", noTopic: "无话题", blocked: "已屏蔽",
    loc: { "zh-CN": "简体中文", "zh-TW": "繁体中文", en: "英文" },
    states: ["已下单", "已付款", "已发货", "派送中", "已签收", "已取消", "已退货", "已退款"],
    reasons: { button: "按了“转人工”按钮", keyword: "文字要求转人工", low_confidence: "机器人没把握", repeat: "重复提问", anger: "措辞愤怒" },
    caseTitle: "案件 {id}", handoff: "转人工原因：{reason}", handedOffAt: "转人工时间：{date}",
    assignee: "负责人", reassign: "转派", resolve: "标记已解决", reopen: "重新打开", block: "屏蔽顾客",
    blockTitle: "屏蔽这位顾客？", blockText: "之后这位顾客发来的消息会被拦截，不会送达任何人。", cancel: "取消", blockConfirm: "屏蔽",
    saveFaq: "存为 FAQ", message: "顾客的问题", summary: "摘要", transcript: "转人工前的对话", afterHandoff: "转人工之后",
    nothingYet: "暂无。", from_shopper: "顾客", from_bot: "机器人", from_agent: "客服", faqAnswer: "FAQ：{q}",
    verdictAnswer: "机器人回答了「{q}」· 把握 {pct}%", verdictSuggest: "机器人建议了「{q}」等 · 把握 {pct}%",
    verdictDecline: "机器人没有把握（最接近：「{q}」· {pct}%）",
    voteUp: "顾客评价：有帮助", voteDown: "顾客评价：没帮助", votes: "顾客对 FAQ 回答的评价", noVotes: "没有评价。",
    ev_agent_reply: "{agent} 回复", ev_shopper_message: "顾客追问", ev_held: "已拦截，未送达（顾客已被屏蔽）",
    ev_resolved: "{agent} 将案件标记为已解决", ev_reopened: "{agent} 重新打开了案件", ev_assigned: "案件已分配给 {to}",
    someone: "客服", order: "订单 {n}", carrier: "承运商", tracking: "运单号", eta: "预计送达", updated: "最近更新",
    items: "商品", total: "金额", timeline: "订单进度", page: "来源页面", contact: "联系方式", customer: "顾客资料",
    email: "邮箱", phone: "手机", customerName: "姓名", customerId: "顾客编号", notGiven: "未提供",
    replyLabel: "回复顾客", replyHint: "Ctrl+Enter（Mac：⌘+Enter）发送。", chars: "{n} / 2000 字", send: "发送回复",
    sent: "已回复 {id}。", replyEmpty: "请先输入回复内容。", replyTooLong: "回复最多 2000 字。",
    reveal: "显示原文", resolvedMsg: "案件 {id} 已解决。", reopenedMsg: "案件 {id} 已重新打开。",
    reassignedMsg: "案件 {id} 已分配给 {name}。", blockedMsg: "已屏蔽案件 {id} 的顾客。", newCase: "新案件 {id}。",
    chooseAgent: "请选择一位客服。",
    faqTitle: "存为 FAQ（{loc}）", faqQuestion: "问题", faqAnswerLabel: "回答", faqMode: "保存方式",
    faqVariant: "作为现有条目的另一种问法", faqNew: "新建条目", faqEntry: "现有条目", publish: "发布",
    published: "已发布，FAQ 版本 {v}。", faqNeedQuestion: "请填写问题。", faqNeedAnswer: "新建条目需要填写回答。",
    insightsTitle: "数据洞察", deflection: "自助解决率", deflectionHelp: "无需人工即解决的对话占比",
    conversations: "{n} 次对话，其中 {m} 次转人工", byTopic: "各话题转人工次数", byReason: "各原因转人工次数",
    helpfulRatio: "各 FAQ 条目的有帮助比例", helpfulValue: "{p} 有帮助（{up}/{all}）",
    medianReply: "首次人工回复时间（中位数）", unanswered: "未能回答的热门问题", askedTimes: "问过 {n} 次",
    examples: "示例（{n}）", noData: "暂无数据。", asTable: "以表格查看", colName: "名称", colCount: "次数",
    colUp: "有帮助", colDown: "没帮助", colRatio: "比例",
    notFound: "找不到案件 {id}。", loadFailed: "加载失败：{message}", failed: "操作失败：{message}",
    network: "无法连接服务器。", loading: "正在加载…",
    sec: "{n} 秒", min: "{n} 分钟", hm: "{h} 小时 {m} 分钟", h: "{h} 小时", d: "{d} 天",
  },
  "zh-TW": {
    appName: "客服工作台", skip: "跳到主要內容", navLabel: "工作台", navQueue: "佇列", navInsights: "數據洞察",
    language: "語言", live: "即時", reconnecting: "正在重新連線（每 10 秒更新）", signedIn: "已登入：{name}",
    logout: "登出", loggedOut: "已登出。",
    loginTitle: "登入客服工作台", name: "使用者名稱", password: "密碼", signIn: "登入",
    wrongLogin: "使用者名稱或密碼錯誤。", tooMany: "失敗次數過多，請 {t}後再試。", loginFailed: "無法登入：{message}",
    queueTitle: "待處理佇列", filters: "篩選", status: "狀態", st_open: "處理中", st_resolved: "已解決", st_all: "全部",
    topic: "主題", anyTopic: "全部主題", locale: "語言", anyLocale: "全部語言", caseCount: "共 {n} 個案件",
    noCases: "這裡沒有案件。", showQueue: "佇列（{n}）", chooseCase: "從佇列中選擇一個案件。",
    urgency: "緊急度 {n}", r_asked: "要求真人客服", r_anger: "情緒激動", r_order_value: "高額訂單", r_waiting: "已等待 {t}",
    waiting: "已等待 {t}", ago: "{t}前", unassigned: "未指派", noTopic: "無主題", blocked: "已封鎖",
    loc: { "zh-CN": "簡體中文", "zh-TW": "繁體中文", en: "英文" },
    states: ["已下單", "已付款", "已出貨", "配送中", "已送達", "已取消", "已退貨", "已退款"],
    reasons: { button: "按了「轉真人」按鈕", keyword: "文字要求真人客服", low_confidence: "機器人沒把握", repeat: "重複提問", anger: "措辭憤怒" },
    caseTitle: "案件 {id}", handoff: "轉真人原因：{reason}", handedOffAt: "轉真人時間：{date}",
    assignee: "負責人", reassign: "轉派", resolve: "標記為已解決", reopen: "重新開啟", block: "封鎖顧客",
    blockTitle: "封鎖這位顧客？", blockText: "之後這位顧客傳來的訊息會被攔截，不會送達任何人。", cancel: "取消", blockConfirm: "封鎖",
    saveFaq: "存為 FAQ", message: "顧客的問題", summary: "摘要", transcript: "轉真人前的對話", afterHandoff: "轉真人之後",
    nothingYet: "暫無。", from_shopper: "顧客", from_bot: "機器人", from_agent: "客服", faqAnswer: "FAQ：{q}",
    verdictAnswer: "機器人回答了「{q}」· 把握 {pct}%", verdictSuggest: "機器人建議了「{q}」等 · 把握 {pct}%",
    verdictDecline: "機器人沒有把握（最接近：「{q}」· {pct}%）",
    voteUp: "顧客評價：有幫助", voteDown: "顧客評價：沒幫助", votes: "顧客對 FAQ 回答的評價", noVotes: "沒有評價。",
    ev_agent_reply: "{agent} 回覆", ev_shopper_message: "顧客追問", ev_held: "已攔截，未送達（顧客已被封鎖）",
    ev_resolved: "{agent} 將案件標記為已解決", ev_reopened: "{agent} 重新開啟了案件", ev_assigned: "案件已指派給 {to}",
    someone: "客服", order: "訂單 {n}", carrier: "物流商", tracking: "貨運單號", eta: "預計送達", updated: "最近更新",
    items: "商品", total: "金額", timeline: "訂單進度", page: "來源頁面", contact: "聯絡方式", customer: "顧客資料",
    email: "Email", phone: "手機", customerName: "姓名", customerId: "顧客編號", notGiven: "未提供",
    replyLabel: "回覆顧客", replyHint: "Ctrl+Enter（Mac：⌘+Enter）送出。", chars: "{n} / 2000 字", send: "送出回覆",
    sent: "已回覆 {id}。", replyEmpty: "請先輸入回覆內容。", replyTooLong: "回覆最多 2000 字。",
    reveal: "顯示原文", resolvedMsg: "案件 {id} 已解決。", reopenedMsg: "案件 {id} 已重新開啟。",
    reassignedMsg: "案件 {id} 已指派給 {name}。", blockedMsg: "已封鎖案件 {id} 的顧客。", newCase: "新案件 {id}。",
    chooseAgent: "請選擇一位客服。",
    faqTitle: "存為 FAQ（{loc}）", faqQuestion: "問題", faqAnswerLabel: "回答", faqMode: "儲存方式",
    faqVariant: "作為現有條目的另一種問法", faqNew: "新增條目", faqEntry: "現有條目", publish: "發布",
    published: "已發布，FAQ 版本 {v}。", faqNeedQuestion: "請填寫問題。", faqNeedAnswer: "新增條目需要填寫回答。",
    insightsTitle: "數據洞察", deflection: "自助解決率", deflectionHelp: "無需真人即解決的對話比例",
    conversations: "{n} 次對話，其中 {m} 次轉真人", byTopic: "各主題轉真人次數", byReason: "各原因轉真人次數",
    helpfulRatio: "各 FAQ 條目的有幫助比例", helpfulValue: "{p} 有幫助（{up}/{all}）",
    medianReply: "首次真人回覆時間（中位數）", unanswered: "未能回答的熱門問題", askedTimes: "問過 {n} 次",
    examples: "範例（{n}）", noData: "暫無資料。", asTable: "以表格檢視", colName: "名稱", colCount: "次數",
    colUp: "有幫助", colDown: "沒幫助", colRatio: "比例",
    notFound: "找不到案件 {id}。", loadFailed: "載入失敗：{message}", failed: "操作失敗：{message}",
    network: "無法連線到伺服器。", loading: "載入中…",
    sec: "{n} 秒", min: "{n} 分鐘", hm: "{h} 小時 {m} 分鐘", h: "{h} 小時", d: "{d} 天",
  },
  en: {
    appName: "Agent console", skip: "Skip to main content", navLabel: "Console", navQueue: "Queue", navInsights: "Insights",
    language: "Language", live: "Live", reconnecting: "Reconnecting (refreshing every 10 s)", signedIn: "Signed in as {name}",
    logout: "Sign out", loggedOut: "Signed out.",
    loginTitle: "Sign in to the agent console", name: "Name", password: "Password", signIn: "Sign in",
    wrongLogin: "Wrong name or password.", tooMany: "Too many failed attempts. Please try again in {t}.",
    loginFailed: "Could not sign in: {message}",
    queueTitle: "Queue", filters: "Filters", status: "Status", st_open: "Open", st_resolved: "Resolved", st_all: "All",
    topic: "Topic", anyTopic: "All topics", locale: "Language", anyLocale: "All languages", caseCount: "{n} cases",
    noCases: "No cases here.", showQueue: "Queue ({n})", chooseCase: "Choose a case from the queue.",
    urgency: "Urgency {n}", r_asked: "asked for a person", r_anger: "angry", r_order_value: "high order value",
    r_waiting: "waiting {t}", waiting: "waiting {t}", ago: "{t} ago", unassigned: "unassigned", noTopic: "no topic",
    blocked: "Blocked",
    loc: { "zh-CN": "Simplified Chinese", "zh-TW": "Traditional Chinese", en: "English" },
    states: ["Placed", "Paid", "Shipped", "Out for delivery", "Delivered", "Cancelled", "Returned", "Refunded"],
    reasons: {
      button: "pressed “talk to a human”", keyword: "asked for a person", low_confidence: "the bot was not sure",
      repeat: "asked the same question again", anger: "angry wording",
    },
    caseTitle: "Case {id}", handoff: "Handed over because: {reason}", handedOffAt: "Handed over: {date}",
    assignee: "Assignee", reassign: "Reassign", resolve: "Resolve", reopen: "Reopen", block: "Block shopper",
    blockTitle: "Block this shopper?", blockText: "Their further messages will be held and delivered to nobody.",
    cancel: "Cancel", blockConfirm: "Block",
    saveFaq: "Save as FAQ", message: "The shopper's message", summary: "Summary", transcript: "Conversation before the hand-off",
    afterHandoff: "After the hand-off", nothingYet: "Nothing yet.", from_shopper: "Shopper", from_bot: "Bot", from_agent: "Agent",
    verdictAnswer: "Bot answered “{q}” · {pct}% sure", verdictSuggest: "Bot suggested “{q}” and others · {pct}% sure",
    verdictDecline: "Bot was not sure (closest: “{q}” · {pct}%)",
    faqAnswer: "FAQ: {q}", voteUp: "Shopper's vote: helpful", voteDown: "Shopper's vote: not helpful",
    votes: "The shopper's votes on FAQ answers", noVotes: "No votes.",
    ev_agent_reply: "{agent} replied", ev_shopper_message: "The shopper wrote", ev_held: "Held: not delivered (shopper blocked)",
    ev_resolved: "{agent} resolved the case", ev_reopened: "{agent} reopened the case", ev_assigned: "Assigned to {to}",
    someone: "An agent", order: "Order {n}", carrier: "Carrier", tracking: "Tracking number", eta: "Expected delivery",
    updated: "Last update", items: "Items", total: "Total", timeline: "Timeline", page: "Page", contact: "Contact",
    customer: "Customer", email: "E-mail", phone: "Phone", customerName: "Name", customerId: "Customer ID", notGiven: "not given",
    replyLabel: "Reply to the shopper", replyHint: "Ctrl+Enter (Mac: ⌘+Enter) sends.", chars: "{n} / 2000 characters",
    send: "Send reply", sent: "Reply sent to {id}.", replyEmpty: "Write a reply first.", replyTooLong: "A reply has at most 2000 characters.",
    reveal: "Show original", resolvedMsg: "Case {id} resolved.", reopenedMsg: "Case {id} reopened.",
    reassignedMsg: "Case {id} assigned to {name}.", blockedMsg: "The shopper of case {id} is blocked.", newCase: "New case {id}.",
    chooseAgent: "Choose an agent.",
    faqTitle: "Save as FAQ ({loc})", faqQuestion: "Question", faqAnswerLabel: "Answer", faqMode: "Save as",
    faqVariant: "A variant of an existing entry", faqNew: "A new entry", faqEntry: "Existing entry", publish: "Publish",
    published: "Published, FAQ version {v}.", faqNeedQuestion: "Write the question.", faqNeedAnswer: "A new entry needs an answer.",
    insightsTitle: "Insights", deflection: "Deflection rate", deflectionHelp: "Conversations resolved without a person",
    conversations: "{n} conversations, {m} handed to a person", byTopic: "Escalations by topic", byReason: "Escalations by reason",
    helpfulRatio: "Helpful ratio per FAQ entry", helpfulValue: "{p} helpful ({up} of {all})",
    medianReply: "Median time to first human reply", unanswered: "Top unanswered questions", askedTimes: "asked {n}×",
    examples: "Examples ({n})", noData: "No data yet.", asTable: "Show as a table", colName: "Name", colCount: "Count",
    colUp: "Helpful", colDown: "Not helpful", colRatio: "Ratio",
    notFound: "Case {id} was not found.", loadFailed: "Could not load: {message}", failed: "That did not work: {message}",
    network: "No connection to the server.", loading: "Loading…",
    sec: "{n} s", min: "{n} min", hm: "{h} h {m} min", h: "{h} h", d: "{d} d",
  },
};

// --- abusive words: masked for agents by default ------------------------------------------------

const ABUSE_ZH = [
  "傻逼", "傻B", "傻屄", "妈的", "他妈", "操你", "滚蛋", "废物", "垃圾客服", "去死", "脑残", "白痴", "混蛋", "王八蛋",
  "媽的", "他媽", "廢物", "腦殘",
];
const ABUSE_EN = ["fucking", "fuck", "shit", "bitch", "asshole", "idiot", "stupid", "moron", "bastard", "dumb", "crap"];
const ABUSE = new RegExp(
  [...ABUSE_ZH].sort((a, b) => b.length - a.length).join("|") + `|\\b(?:${ABUSE_EN.join("|")})\\b`,
  "giu",
);

// Each abusive word becomes a run of "＊" as long as the word, so lengths stay the same.
function maskAbuse(text) {
  return String(text).replace(ABUSE, (word) => "＊".repeat(Array.from(word).length));
}

// --- state ---------------------------------------------------------------------------------------

const state = {
  lang: chooseLanguage(),
  agent: null,
  csrf: null,
  after: null, // the view asked for before sign-in
  view: null,
  filters: { status: "open", topic: "", locale: "" },
  cases: [],
  casesKey: "",
  topicsSeen: new Set(),
  caseId: null,
  caseData: null,
  caseKey: "",
  queueOpen: false, // narrow screens: the queue folded above an open case
  agents: null,
  faqs: {}, // locale -> Promise of the FAQ with a byId map
  faqReady: {}, // locale -> the loaded FAQ, for synchronous look-ups
  drafts: new Map(), // case id -> unsent reply
  assignChoice: new Map(), // case id -> agent chosen but not yet applied
  source: null,
  poll: null,
  refreshTimer: null,
  caseStale: false,
  queueSeq: 0,
  caseSeq: 0,
};
const refs = {};

function chooseLanguage() {
  let saved = null;
  try {
    saved = localStorage.getItem(LANG_KEY);
  } catch { /* blocked storage: choose again */ }
  if (LANGS.includes(saved)) return saved;
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const lower = String(tag).toLowerCase();
    if (/^zh-(tw|hk|mo|hant)/.test(lower)) return "zh-TW";
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "zh-CN";
}

// --- small helpers -------------------------------------------------------------------------------

function el(tag, attrs, parent, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value == null) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  if (text != null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, parent, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
  if (text != null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function t(key, vars) {
  const text = WORDS[state.lang][key] ?? WORDS.en[key] ?? key;
  if (!vars || typeof text !== "string") return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

function localeName(locale) {
  return t("loc")[locale] || locale;
}

function stateName(orderState) {
  const i = STATES.indexOf(orderState);
  return i >= 0 ? t("states")[i] : orderState;
}

function duration(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return t("sec", { n: seconds });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t("min", { n: minutes });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h < 24) return m ? t("hm", { h, m }) : t("h", { h });
  return t("d", { d: Math.floor(h / 24) });
}

function dateTime(ms) {
  if (!Number.isFinite(ms)) return "—";
  return new Intl.DateTimeFormat(state.lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
}

function timeEl(ms, parent) {
  if (!Number.isFinite(ms)) return null;
  return el("time", { datetime: new Date(ms).toISOString() }, parent, dateTime(ms));
}

function percent(rate) {
  return new Intl.NumberFormat(state.lang, { style: "percent", maximumFractionDigits: 0 }).format(rate);
}

// Money in the currency's own minor units: cents for CNY and USD, none for JPY.
function money(cents, currency) {
  try {
    const format = new Intl.NumberFormat(state.lang, { style: "currency", currency });
    const digits = format.resolvedOptions().maximumFractionDigits;
    return format.format(cents / 10 ** digits);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency || ""}`.trim();
  }
}

// A live "waiting 12 min" / "5 min ago": the clock rewrites every [data-since] each 30 s.
function since(ms, kind, parent) {
  const span = el("span", { "data-since": ms, "data-kind": kind }, parent);
  span.textContent = sinceText(span);
  return span;
}
function sinceText(span) {
  return t(span.dataset.kind, { t: duration(Date.now() - Number(span.dataset.since)) });
}
function tickClocks() {
  for (const span of document.querySelectorAll("[data-since]")) span.textContent = sinceText(span);
}

// Shopper text, masked. Returns `tag` holding the text and, when something was masked, a
// "show original" toggle. `limit` shortens both versions at the same place (masks keep lengths).
function masked(text, tag = "span", className = "", limit = 0) {
  const original = String(text ?? "");
  let safe = maskAbuse(original);
  let shown = original;
  if (limit && Array.from(original).length > limit) {
    shown = Array.from(original).slice(0, limit).join("") + "…";
    safe = Array.from(safe).slice(0, limit).join("") + "…";
  }
  const wrap = el(tag, { class: `masked ${className}`.trim() });
  const body = el("span", { class: "masked-text" }, wrap, safe);
  if (safe !== shown) {
    wrap.classList.add("has-abuse");
    const toggle = el("button", { type: "button", class: "reveal small", "aria-pressed": "false" }, wrap, t("reveal"));
    toggle.addEventListener("click", (event) => {
      event.stopPropagation();
      const reveal = toggle.getAttribute("aria-pressed") !== "true";
      toggle.setAttribute("aria-pressed", String(reveal));
      body.textContent = reveal ? shown : safe;
      wrap.classList.toggle("revealed", reveal);
    });
  }
  return wrap;
}

function announce(text) {
  const region = document.getElementById("status");
  clearTimeout(announce.clear);
  region.textContent = "";
  setTimeout(() => {
    region.textContent = text;
    announce.clear = setTimeout(() => (region.textContent = ""), 10_000);
  }, 50);
}

// Replaces a container's children, keeping keyboard focus on the control with the same data-key.
function refill(container, ...children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.closest("[data-key]")?.dataset.key : null;
  container.replaceChildren(...children);
  if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

// --- the API -------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.error = body && body.error;
    this.field = body && body.field;
    this.retryAfter = retryAfter;
  }
}

// `quiet`: a 401 is only an answer (used to ask whether we are signed in at all).
async function api(path, { method = "GET", body, quiet = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
  let response;
  try {
    response = await fetch(API + path, {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { error: "network", message: t("network") });
  }
  if (response.status === 401 && path !== "/login" && !quiet) {
    signedOut();
    throw new ApiError(401, { error: "unauthorized" });
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch { /* an empty or non-JSON body */ }
  if (!response.ok) throw new ApiError(response.status, data, response.headers.get("Retry-After"));
  return data;
}

function faq(locale) {
  if (!state.faqs[locale]) {
    state.faqs[locale] = api(`/faq/${encodeURIComponent(locale)}`).then((book) => {
      book.byId = new Map(book.entries.map((entry) => [entry.id, entry]));
      state.faqReady[locale] = book;
      return book;
    }).catch((error) => {
      delete state.faqs[locale];
      throw error;
    });
  }
  return state.faqs[locale];
}

function forgetFaq(locale) {
  delete state.faqs[locale];
  delete state.faqReady[locale];
}

// A topic is an FAQ entry id; show its question in the agent's language when it is known.
function topicName(topic, locale) {
  if (!topic) return t("noTopic");
  for (const lang of [state.lang, locale, ...LANGS]) {
    const entry = state.faqReady[lang]?.byId.get(topic);
    if (entry) return entry.question;
  }
  return topic;
}

async function agents() {
  if (!state.agents) {
    try {
      state.agents = (await api("/agents")).agents.map((a) => a.name);
    } catch (error) {
      if (error.status === 401) throw error;
      return [];
    }
  }
  return state.agents;
}

// --- sign-in state and the live stream -----------------------------------------------------------

function signedIn(name, csrf) {
  state.agent = name;
  state.csrf = csrf;
  state.agents = null;
  drawHeader();
  startStream();
  Promise.allSettled(LANGS.map(faq)).then(() => {
    state.casesKey = "";
    if (state.view === "work") loadQueue();
  });
}

function signedOut() {
  state.agent = null;
  state.csrf = null;
  stopStream();
  stopPolling();
  drawHeader();
  const hash = location.hash;
  if (hash && hash !== "#/login") state.after = hash;
  go("#/login");
}

// Shows a view by its address; also when the address is already that one.
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function startStream() {
  stopStream();
  if (typeof EventSource !== "function") return startPolling();
  const source = new EventSource(`${API}/stream`);
  state.source = source;
  source.addEventListener("open", () => {
    setLive(true);
    stopPolling();
    refreshSoon(true);
  });
  source.addEventListener("case", (event) => {
    let change;
    try {
      change = JSON.parse(event.data);
    } catch {
      return;
    }
    if (change.change === "created") announce(t("newCase", { id: change.case_id }));
    refreshSoon(change.case_id === state.caseId);
  });
  source.addEventListener("error", () => {
    setLive(false);
    if (source.readyState === EventSource.CLOSED && state.source === source) state.source = null;
    startPolling();
  });
}

function stopStream() {
  if (state.source) state.source.close();
  state.source = null;
  setLive(false);
}

function startPolling() {
  if (state.poll || !state.agent) return;
  state.poll = setInterval(() => {
    refreshSoon(true);
    if (!state.source) startStream();
  }, POLL_MS);
}

function stopPolling() {
  clearInterval(state.poll);
  state.poll = null;
}

function setLive(on) {
  const live = document.getElementById("live");
  live.dataset.state = on ? "on" : "off";
  live.hidden = !state.agent;
  document.getElementById("live-text").textContent = on ? t("live") : t("reconnecting");
}

// Many events in a burst make one refresh.
function refreshSoon(caseToo) {
  if (caseToo) state.caseStale = true;
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => {
    if (state.view !== "work") return;
    loadQueue();
    if (state.caseStale && state.caseId) loadCase(state.caseId);
    state.caseStale = false;
  }, REFRESH_DELAY_MS);
}

// --- header and routing --------------------------------------------------------------------------

function drawStatic() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-t-label]")) node.setAttribute("aria-label", t(node.dataset.tLabel));
  document.getElementById("lang-select").value = state.lang;
  drawHeader();
}

function drawHeader() {
  const on = Boolean(state.agent);
  document.getElementById("nav").hidden = !on;
  document.getElementById("logout").hidden = !on;
  const name = document.getElementById("agent-name");
  name.hidden = !on;
  name.textContent = on ? t("signedIn", { name: state.agent }) : "";
  setLive(Boolean(state.source && state.source.readyState === EventSource.OPEN));
  const current = state.view === "insights" ? "nav-insights" : state.view === "work" ? "nav-queue" : null;
  for (const id of ["nav-queue", "nav-insights"]) {
    const link = document.getElementById(id);
    if (id === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function setTitle(text) {
  document.title = `${text} · Kefu ${t("appName")}`;
}

function route({ focus = true } = {}) {
  const hash = location.hash || "#/queue";
  if (!state.agent) {
    if (hash !== "#/login") {
      state.after = hash;
      history.replaceState(null, "", "#/login");
    }
    showLogin();
    return;
  }
  if (hash === "#/login") {
    location.replace("#/queue");
    return;
  }
  const open = /^#\/case\/([A-Za-z0-9_-]{1,40})$/.exec(hash);
  if (hash === "#/insights") showInsights();
  else showWork(open ? open[1] : null, focus);
  drawHeader();
}

// --- login view ----------------------------------------------------------------------------------

function showLogin() {
  if (state.view === "login") return;
  state.view = "login";
  state.caseId = null;
  drawHeader();
  setTitle(t("signIn"));
  const main = document.getElementById("main");
  const box = el("section", { class: "login", "aria-labelledby": "login-title" });
  el("h1", { id: "login-title" }, box, t("loginTitle"));
  const form = el("form", { class: "login-form" }, box);
  const name = field(form, "login-name", t("name"), { autocomplete: "username", required: true });
  const password = field(form, "login-password", t("password"), {
    type: "password", autocomplete: "current-password", required: true,
  });
  const error = el("p", { id: "login-error", class: "error", role: "alert" }, form);
  const submit = el("button", { type: "submit", class: "primary" }, form, t("signIn"));
  for (const input of [name, password]) {
    input.setAttribute("aria-describedby", "login-error");
    input.addEventListener("input", () => {
      name.removeAttribute("aria-invalid");
      password.removeAttribute("aria-invalid");
    });
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    submit.disabled = true;
    let wait = 0;
    try {
      const answer = await api("/login", { method: "POST", body: { name: name.value.trim(), password: password.value } });
      signedIn(answer.name, answer.csrf_token);
      const next = state.after && state.after !== "#/login" ? state.after : "#/queue";
      state.after = null;
      go(next);
      return;
    } catch (e) {
      if (e.status === 401) {
        error.textContent = t("wrongLogin");
        name.setAttribute("aria-invalid", "true");
        password.setAttribute("aria-invalid", "true");
        password.select();
      } else if (e.status === 429) {
        wait = Math.max(1, parseInt(e.retryAfter, 10) || 60);
        error.textContent = t("tooMany", { t: duration(wait * 1000) });
      } else {
        error.textContent = t("loginFailed", { message: e.message });
      }
    }
    if (wait) setTimeout(() => (submit.disabled = false), wait * 1000);
    else submit.disabled = false;
  });
  main.replaceChildren(box);
  name.focus();
}

function field(parent, id, label, attrs = {}) {
  const row = el("p", { class: "field" }, parent);
  el("label", { for: id }, row, label);
  return el("input", { id, name: id, type: "text", ...attrs }, row);
}

// --- queue and case, side by side ----------------------------------------------------------------

function showWork(caseId, focus) {
  const fresh = state.view !== "work";
  state.view = "work";
  if (fresh) buildWork();
  const changed = state.caseId !== caseId;
  state.caseId = caseId;
  refs.work.dataset.case = caseId ? "open" : "none";
  if (changed) state.queueOpen = false;
  drawQueueToggle();
  markCurrentRow();
  setTitle(caseId ? t("caseTitle", { id: caseId }) : t("queueTitle"));
  if (!caseId) {
    refs.casePanel.replaceChildren(el("p", { class: "placeholder" }, null, t("chooseCase")));
    refs.caseFor = null;
    state.caseData = null;
    state.caseKey = "";
    if (focus && !fresh) refs.queueTitle.focus();
  } else if (changed || fresh) {
    state.caseData = null;
    state.caseKey = "";
    refs.caseFor = null;
    refs.casePanel.replaceChildren(el("p", { class: "placeholder" }, null, t("loading")));
    loadCase(caseId, { focus });
  }
  if (fresh) loadQueue();
}

function buildWork() {
  const main = document.getElementById("main");
  const work = el("div", { class: "work" });
  refs.work = work;

  const queue = el("section", { class: "queue-panel", "aria-labelledby": "queue-title" }, work);
  const head = el("div", { class: "queue-head" }, queue);
  refs.queueTitle = el("h1", { id: "queue-title", tabindex: "-1" }, head, t("queueTitle"));
  refs.queueCount = el("p", { class: "queue-count" }, head);
  refs.queueToggle = el("button", {
    type: "button", class: "secondary queue-toggle", "aria-controls": "queue-body", "aria-expanded": "false",
  }, head);
  refs.queueToggle.addEventListener("click", () => {
    state.queueOpen = !state.queueOpen;
    drawQueueToggle();
  });
  const body = el("div", { class: "queue-body", id: "queue-body" }, queue);
  body.append(filtersForm());
  refs.queueError = el("p", { class: "error", role: "alert" }, body);
  refs.queueList = el("ol", { class: "queue-list", "aria-labelledby": "queue-title" }, body);

  refs.casePanel = el("section", { class: "case-panel", "aria-label": t("caseTitle", { id: "" }).trim() }, work);
  main.replaceChildren(work);
  state.casesKey = "";
}

function drawQueueToggle() {
  if (!refs.queueToggle) return;
  refs.queueToggle.textContent = t("showQueue", { n: state.cases.length });
  refs.queueToggle.setAttribute("aria-expanded", String(state.queueOpen));
  refs.work.classList.toggle("queue-open", state.queueOpen);
}

function filtersForm() {
  const form = el("form", { class: "filters", "aria-label": t("filters") });
  form.addEventListener("submit", (event) => event.preventDefault());
  const status = select(form, "filter-status", t("status"), [
    ["open", t("st_open")], ["resolved", t("st_resolved")], ["all", t("st_all")],
  ], state.filters.status);
  refs.topicSelect = select(form, "filter-topic", t("topic"), [["", t("anyTopic")]], state.filters.topic);
  const locale = select(form, "filter-locale", t("locale"), [["", t("anyLocale")], ...LANGS.map((l) => [l, localeName(l)])],
    state.filters.locale);
  drawTopicOptions();
  for (const [control, key] of [[status, "status"], [refs.topicSelect, "topic"], [locale, "locale"]]) {
    control.addEventListener("change", () => {
      state.filters[key] = control.value;
      loadQueue();
    });
  }
  return form;
}

function select(parent, id, label, options, value) {
  const row = el("p", { class: "field" }, parent);
  el("label", { for: id }, row, label);
  const control = el("select", { id, "data-key": id }, row);
  for (const [v, text] of options) el("option", { value: v }, control, text);
  control.value = value;
  return control;
}

function drawTopicOptions() {
  const control = refs.topicSelect;
  if (!control) return;
  const chosen = state.filters.topic;
  const topics = [...state.topicsSeen];
  if (chosen && !topics.includes(chosen)) topics.push(chosen);
  const options = [["", t("anyTopic")], ...topics.map((id) => [id, topicName(id)])]
    .sort((a, b) => (a[0] === "" ? -1 : b[0] === "" ? 1 : a[1].localeCompare(b[1], state.lang)));
  const same = control.options.length === options.length &&
    options.every(([v, text], i) => control.options[i].value === v && control.options[i].textContent === text);
  if (same) return;
  control.replaceChildren(...options.map(([v, text]) => el("option", { value: v }, null, text)));
  control.value = chosen;
}

async function loadQueue() {
  const seq = ++state.queueSeq;
  const query = new URLSearchParams({ status: state.filters.status });
  if (state.filters.topic) query.set("topic", state.filters.topic);
  if (state.filters.locale) query.set("locale", state.filters.locale);
  let data;
  try {
    data = await api(`/cases?${query}`);
  } catch (error) {
    if (seq === state.queueSeq && error.status !== 401 && refs.queueError) {
      refs.queueError.textContent = t("loadFailed", { message: error.message });
    }
    return;
  }
  if (seq !== state.queueSeq || state.view !== "work") return;
  refs.queueError.textContent = "";
  state.cases = data.cases;
  for (const c of data.cases) if (c.escalation.topic) state.topicsSeen.add(c.escalation.topic);
  drawTopicOptions();
  const key = JSON.stringify(data.cases);
  if (key === state.casesKey) return;
  state.casesKey = key;
  drawQueue();
}

function drawQueue() {
  refs.queueCount.textContent = t("caseCount", { n: state.cases.length });
  drawQueueToggle();
  const rows = state.cases.map(caseRow);
  if (!rows.length) rows.push(el("li", { class: "empty" }, null, t("noCases")));
  refill(refs.queueList, ...rows);
}

function urgencyLevel(c) {
  const reasons = c.urgency_reasons || [];
  if (reasons.includes("anger") || reasons.length >= 2) return "high";
  return reasons.length ? "medium" : "low";
}

function waitingSince(c) {
  return c.first_reply_ms == null ? c.created_at_ms : c.last_activity_ms ?? c.created_at_ms;
}

function urgencyBadge(c, parent) {
  const badge = el("span", { class: "urgency", "data-level": urgencyLevel(c) }, parent);
  el("span", { class: "urgency-score" }, badge, t("urgency", { n: Math.round(Number(c.urgency) || 0) }));
  for (const reason of c.urgency_reasons || []) {
    const word = el("span", { class: "reason" }, badge);
    if (reason === "waiting") since(waitingSince(c), "r_waiting", word);
    else word.textContent = t(`r_${reason}`);
  }
  return badge;
}

// "shop.example/products/tea" for web addresses; anything else as it was given.
function pageText(url) {
  const safe = safeHttpUrl(url);
  if (!safe) return String(url || "");
  const parsed = new URL(safe);
  return parsed.host + parsed.pathname;
}

function caseRow(c) {
  const e = c.escalation;
  const row = el("li", { class: "case-row", "data-case": c.case_id, "data-level": urgencyLevel(c) });
  const top = el("div", { class: "row-top" }, row);
  el("a", { href: `#/case/${c.case_id}`, class: "case-link", "data-key": `case-${c.case_id}` }, top, c.case_id);
  urgencyBadge(c, top);
  if (c.status === "resolved") el("span", { class: "chip chip-done" }, top, t("st_resolved"));
  if (c.blocked) el("span", { class: "chip chip-blocked" }, top, t("blocked"));
  row.append(masked(firstLine(e.message), "p", "preview", 120));
  const meta = el("ul", { class: "row-meta" }, row);
  el("li", { class: "meta-topic" }, meta, topicName(e.topic, e.locale));
  el("li", { class: "meta-locale" }, meta, localeName(e.locale));
  if (e.order) el("li", { class: "meta-order" }, meta, `${e.order.order_number} · ${stateName(e.order.state)}`);
  if (e.page_url) el("li", { class: "meta-page" }, meta, pageText(e.page_url));
  const wait = el("li", { class: "meta-wait" }, meta);
  if (c.status === "open") since(waitingSince(c), c.first_reply_ms == null ? "waiting" : "ago", wait);
  else since(c.last_activity_ms ?? c.created_at_ms, "ago", wait);
  el("li", { class: "meta-assignee" }, meta, c.assignee ? `${t("assignee")}: ${c.assignee}` : t("unassigned"));
  if (c.case_id === state.caseId) markRow(row, true);
  row.addEventListener("click", (event) => {
    if (event.target.closest("a, button")) return;
    location.hash = `#/case/${c.case_id}`;
  });
  return row;
}

function firstLine(text) {
  return String(text || "").trim().split(/\r?\n/)[0];
}

function markRow(row, current) {
  row.classList.toggle("current", current);
  const link = row.querySelector(".case-link");
  if (current) link.setAttribute("aria-current", "true");
  else link.removeAttribute("aria-current");
}

function markCurrentRow() {
  if (!refs.queueList) return;
  for (const row of refs.queueList.querySelectorAll(".case-row")) markRow(row, row.dataset.case === state.caseId);
}

// --- the case view -------------------------------------------------------------------------------

async function loadCase(id, { focus = false } = {}) {
  const seq = ++state.caseSeq;
  let data;
  try {
    const [answer] = await Promise.all([
      api(`/cases/${encodeURIComponent(id)}`),
      agents(),
    ]);
    data = answer;
    await faq(data.case.escalation.locale).catch(() => null);
  } catch (error) {
    if (seq !== state.caseSeq || state.caseId !== id || error.status === 401) return;
    const text = error.status === 404 ? t("notFound", { id }) : t("loadFailed", { message: error.message });
    if (!state.caseData) refs.casePanel.replaceChildren(el("p", { class: "error", role: "alert" }, null, text));
    return;
  }
  if (seq !== state.caseSeq || state.caseId !== id || state.view !== "work") return;
  const key = JSON.stringify(data);
  if (key === state.caseKey && refs.caseFor === id) return;
  state.caseKey = key;
  state.caseData = data;
  drawCase(data);
  if (focus) refs.casePanel.querySelector("#case-title")?.focus();
}

function drawCase(data) {
  const c = data.case;
  if (refs.caseFor !== c.case_id) buildCase(c.case_id);
  refill(refs.caseHead, ...caseHeader(c));
  refill(refs.conversation, ...conversation(c, data.events || [], data.votes || [], data.matches));
  refill(refs.side, ...sideCards(c, data.votes || []));
}

function buildCase(id) {
  refs.caseFor = id;
  refs.caseHead = el("div", { class: "case-head" });
  // One column: conversation, order and contact, reply. Two: the reply under the conversation.
  const grid = el("div", { class: "case-grid" });
  refs.conversation = el("div", { class: "conversation" }, grid);
  refs.side = el("div", { class: "case-side" }, grid);
  grid.append(replyForm(id));
  refs.casePanel.replaceChildren(refs.caseHead, grid);
  refs.casePanel.setAttribute("aria-label", t("caseTitle", { id }));
}

function caseHeader(c) {
  const e = c.escalation;
  const title = el("div", { class: "case-title-row" });
  el("h2", { id: "case-title", tabindex: "-1", "data-key": "case-title" }, title, t("caseTitle", { id: c.case_id }));
  el("span", { class: `chip chip-${c.status}` }, title, t(`st_${c.status}`));
  if (c.blocked) el("span", { class: "chip chip-blocked" }, title, t("blocked"));
  if (c.status === "open") urgencyBadge(c, title);

  const facts = el("ul", { class: "case-facts" });
  el("li", {}, facts, t("handoff", { reason: t("reasons")[e.reason] || e.reason }));
  el("li", {}, facts, t("handedOffAt", { date: dateTime(c.created_at_ms) }));
  el("li", {}, facts, localeName(e.locale));
  el("li", {}, facts, topicName(e.topic, e.locale));

  const actions = el("div", { class: "case-actions" });
  const assign = el("p", { class: "field field-inline" }, actions);
  el("label", { for: "assign-select" }, assign, t("assignee"));
  const choice = el("select", { id: "assign-select", "data-key": "assign-select" }, assign);
  const names = [...(state.agents || [])];
  if (c.assignee && !names.includes(c.assignee)) names.unshift(c.assignee);
  if (!c.assignee) el("option", { value: "" }, choice, t("unassigned"));
  for (const name of names) el("option", { value: name }, choice, name);
  choice.value = state.assignChoice.get(c.case_id) ?? c.assignee ?? "";
  choice.addEventListener("change", () => state.assignChoice.set(c.case_id, choice.value));
  const reassign = el("button", { type: "button", class: "secondary", "data-key": "reassign" }, actions, t("reassign"));
  reassign.addEventListener("click", () => act(c, "reassign", { agent: choice.value }, reassign));

  const open = c.status === "open";
  const status = el("button", { type: "button", class: open ? "primary" : "secondary", "data-key": "status" }, actions,
    open ? t("resolve") : t("reopen"));
  status.addEventListener("click", () => act(c, open ? "resolve" : "reopen", undefined, status));

  const block = el("button", { type: "button", class: "danger", "data-key": "block", disabled: c.blocked }, actions,
    c.blocked ? t("blocked") : t("block"));
  block.addEventListener("click", async () => {
    if (await confirmDialog(t("blockTitle"), t("blockText"), t("blockConfirm"))) act(c, "block", undefined, block);
  });

  const save = el("button", { type: "button", class: "secondary", "data-key": "save-faq" }, actions, t("saveFaq"));
  save.addEventListener("click", () => openFaqDialog(c, maskAbuse(e.message), save));

  const error = el("p", { id: "case-error", class: "error", role: "alert" });
  if (refs.caseError && refs.caseErrorFor === c.case_id) error.textContent = refs.caseError;
  return [title, facts, actions, error];
}

// Resolve, reopen, reassign, block: POST, then say so and show the new state.
async function act(c, action, body, button) {
  const error = document.getElementById("case-error");
  refs.caseError = "";
  refs.caseErrorFor = c.case_id;
  if (error) error.textContent = "";
  if (action === "reassign" && !body.agent) {
    refs.caseError = t("chooseAgent");
    if (error) error.textContent = refs.caseError;
    return;
  }
  button.disabled = true;
  try {
    await api(`/cases/${encodeURIComponent(c.case_id)}/${action}`, { method: "POST", body });
  } catch (e) {
    button.disabled = false;
    if (e.status === 401) return;
    refs.caseError = t("failed", { message: e.message });
    const now = document.getElementById("case-error");
    if (now) now.textContent = refs.caseError;
    return;
  }
  state.assignChoice.delete(c.case_id);
  const words = {
    resolve: t("resolvedMsg", { id: c.case_id }),
    reopen: t("reopenedMsg", { id: c.case_id }),
    reassign: t("reassignedMsg", { id: c.case_id, name: body && body.agent }),
    block: t("blockedMsg", { id: c.case_id }),
  };
  announce(words[action]);
  await loadCase(c.case_id);
  button.disabled = false;
  refreshSoon(false);
}

function section(parent, title, className) {
  const id = `sec-${className}`;
  const box = el("section", { class: `card ${className}`, "aria-labelledby": id }, parent);
  el("h3", { id }, box, title);
  return box;
}

function conversation(c, events, votes, matches) {
  const e = c.escalation;
  const out = document.createDocumentFragment();

  const asked = section(out, t("message"), "asked");
  asked.append(masked(e.message, "p", "asked-text"));
  if (e.summary) {
    el("h4", {}, asked, t("summary"));
    asked.append(masked(e.summary, "p", "summary-text"));
  }

  const said = section(out, t("transcript"), "transcript");
  const lines = el("ol", { class: "lines" }, said);
  const book = state.faqReady[e.locale];
  const verdicts = new Map((matches?.lines || []).map((m) => [m.line, m]));
  (e.transcript || []).forEach((line, i) => lines.append(transcriptLine(c, line, votes, book, verdicts.get(i))));
  if (!lines.children.length) el("li", { class: "empty" }, lines, t("nothingYet"));

  const after = section(out, t("afterHandoff"), "events");
  const list = el("ol", { class: "lines events-list" }, after);
  for (const event of events) {
    const item = eventItem(event);
    if (item) list.append(item);
  }
  if (!list.children.length) el("li", { class: "empty" }, list, t("nothingYet"));
  return [out];
}

// The widget writes an FAQ answer as "[FAQ: question] [helpful] answer"; the vote mark is
// optional. Returns {question, mark, answer} or null.
function parseFaqLine(text) {
  const found = /^\[FAQ: ([^\]]*)\](?: \[(helpful|not helpful)\])?\s?([\s\S]*)$/.exec(text);
  if (!found) return null;
  return { question: found[1], mark: found[2] || null, answer: found[3] };
}

function entryFor(book, question) {
  if (!book) return null;
  return book.entries.find((entry) => entry.question === question || (entry.variants || []).includes(question)) || null;
}

function voteMark(helpful, parent) {
  const mark = el("span", { class: `vote ${helpful ? "vote-up" : "vote-down"}` }, parent);
  el("span", { "aria-hidden": "true" }, mark, helpful ? "👍 " : "👎 ");
  mark.append(helpful ? t("voteUp") : t("voteDown"));
  return mark;
}

// The matcher's verdict on a shopper's line (worked out by the server on the FAQ published when
// the case arrived): "Bot answered «question» · 87% sure", "suggested", or "was not sure".
function verdictLine(verdict, parent) {
  const key = { answer: "verdictAnswer", suggest: "verdictSuggest" }[verdict.action] || "verdictDecline";
  const p = el("p", { class: `verdict verdict-${verdict.action}`, "data-key": "verdict" }, parent);
  p.append(t(key, { q: verdict.question || "—", pct: verdict.confidence }));
  return p;
}

function transcriptLine(c, line, votes, book, verdict) {
  const item = el("li", { class: `line line-${line.from}` });
  const head = el("p", { class: "line-head" }, item);
  el("span", { class: "speaker" }, head, t(`from_${line.from}`));
  if (line.from === "shopper") {
    const save = el("button", { type: "button", class: "small" }, head, t("saveFaq"));
    save.addEventListener("click", () => openFaqDialog(c, maskAbuse(line.text), save));
    item.append(masked(line.text, "p", "line-text"));
    if (verdict) verdictLine(verdict, item);
    return item;
  }
  const answer = line.from === "bot" ? parseFaqLine(line.text) : null;
  if (!answer) {
    el("p", { class: "line-text" }, item, line.text);
    return item;
  }
  el("p", { class: "faq-label" }, item, t("faqAnswer", { q: answer.question }));
  el("p", { class: "line-text" }, item, answer.answer);
  const entry = entryFor(book, answer.question);
  const vote = entry ? votes.find((v) => v.entry_id === entry.id) : null;
  if (vote) voteMark(vote.helpful, item);
  else if (answer.mark) voteMark(answer.mark === "helpful", item);
  return item;
}

function eventItem(event) {
  const who = event.agent || t("someone");
  const kinds = {
    agent_reply: () => ["agent", t("ev_agent_reply", { agent: who }), false],
    shopper_message: () => ["shopper", t("ev_shopper_message"), true],
    held_message: () => ["held", t("ev_held"), true],
    resolved: () => ["status", t("ev_resolved", { agent: who }), null],
    reopened: () => ["status", t("ev_reopened", { agent: who }), null],
    // The server names the new assignee in `agent`.
    assigned: () => ["status", t("ev_assigned", { to: event.agent || event.text || t("unassigned") }), null],
  };
  if (!kinds[event.kind]) return null;
  const [style, label, shopperText] = kinds[event.kind]();
  const item = el("li", { class: `line event-${style}`, "data-kind": event.kind });
  const head = el("p", { class: "event-head" }, item);
  el("span", { class: "speaker" }, head, label);
  timeEl(event.at_ms, head);
  if (shopperText === true) item.append(masked(event.text, "p", "line-text"));
  else if (shopperText === false) el("p", { class: "line-text" }, item, event.text);
  return item;
}

function sideCards(c, votes) {
  const e = c.escalation;
  const out = document.createDocumentFragment();
  if (e.order) out.append(orderCard(e.order));

  const where = section(out, t("page"), "page");
  const url = safeHttpUrl(e.page_url);
  const line = el("p", { class: "page-url" }, where);
  if (url) el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, line, pageText(url));
  else line.textContent = e.page_url || t("notGiven");

  const reach = section(out, t("contact"), "contact");
  facts(reach, [[t("email"), e.contact?.email], [t("phone"), e.contact?.phone]]);

  const who = section(out, t("customer"), "customer");
  facts(who, [[t("customerName"), e.customer?.name], [t("email"), e.customer?.email], [t("customerId"), e.customer?.customer_id]]);

  const rated = section(out, t("votes"), "votes");
  if (!votes.length) el("p", { class: "muted" }, rated, t("noVotes"));
  else {
    const list = el("ul", { class: "vote-list" }, rated);
    const book = state.faqReady[e.locale];
    for (const vote of votes) {
      const item = el("li", {}, list);
      voteMark(vote.helpful, item);
      el("span", { class: "vote-entry" }, item, book?.byId.get(vote.entry_id)?.question || vote.entry_id);
    }
  }
  return [out];
}

function safeHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function facts(parent, rows) {
  const list = el("dl", { class: "facts" }, parent);
  for (const [label, value] of rows) {
    el("dt", {}, list, label);
    el("dd", { class: value ? "" : "muted" }, list, value ? String(value) : t("notGiven"));
  }
  return list;
}

function orderCard(order) {
  const box = section(document.createDocumentFragment(), t("order", { n: order.order_number }), "order");
  const title = box.querySelector("h3");
  el("span", { class: "chip chip-state", "data-state": order.state }, title, stateName(order.state));
  const rows = [
    [t("carrier"), order.carrier], [t("tracking"), order.tracking_number], [t("eta"), order.estimated_delivery],
    [t("updated"), order.updated_at_ms ? dateTime(order.updated_at_ms) : null],
  ];
  if (order.total_cents != null) rows.push([t("total"), money(order.total_cents, order.currency || "CNY")]);
  facts(box, rows.filter(([, value]) => value != null && value !== ""));
  if (order.items && order.items.length) {
    el("h4", {}, box, t("items"));
    const items = el("ul", { class: "items" }, box);
    for (const item of order.items) el("li", {}, items, `${item.name} × ${item.quantity}`);
  }
  if (order.events && order.events.length) {
    el("h4", {}, box, t("timeline"));
    const steps = el("ol", { class: "timeline" }, box);
    for (const step of order.events) {
      const item = el("li", { "data-state": step.state }, steps);
      el("strong", {}, item, stateName(step.state));
      el("span", { class: "muted" }, item, " ");
      timeEl(step.at_ms, item);
      if (step.note) el("p", { class: "note" }, item, step.note);
    }
  }
  return box;
}

// --- the reply box -------------------------------------------------------------------------------

function replyForm(caseId) {
  const form = el("form", { class: "card reply", "aria-labelledby": "reply-label" });
  el("label", { id: "reply-label", for: "reply-text" }, form, t("replyLabel"));
  const text = el("textarea", {
    id: "reply-text", name: "text", rows: "4", "aria-describedby": "reply-hint reply-count reply-error",
  }, form);
  text.value = state.drafts.get(caseId) || "";
  const foot = el("div", { class: "reply-foot" }, form);
  el("p", { id: "reply-hint", class: "muted" }, foot, t("replyHint"));
  const count = el("p", { id: "reply-count", class: "count" }, foot);
  const send = el("button", { type: "submit", class: "primary" }, foot, t("send"));
  const error = el("p", { id: "reply-error", class: "error", role: "alert" }, form);

  const recount = () => {
    const n = Array.from(text.value).length;
    count.textContent = t("chars", { n });
    count.classList.toggle("over", n > MAX_REPLY);
  };
  recount();
  text.addEventListener("input", () => {
    state.drafts.set(caseId, text.value);
    error.textContent = "";
    text.removeAttribute("aria-invalid");
    recount();
  });
  text.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (event.isComposing || event.keyCode === 229) return; // the IME is still choosing characters
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = text.value.trim();
    const problem = !value ? t("replyEmpty") : Array.from(value).length > MAX_REPLY ? t("replyTooLong") : "";
    if (problem) {
      error.textContent = problem;
      text.setAttribute("aria-invalid", "true");
      text.focus();
      return;
    }
    send.disabled = true;
    try {
      await api(`/cases/${encodeURIComponent(caseId)}/replies`, { method: "POST", body: { text: value } });
      text.value = "";
      state.drafts.delete(caseId);
      recount();
      announce(t("sent", { id: caseId }));
      if (state.caseId === caseId) await loadCase(caseId);
      refreshSoon(false);
    } catch (e) {
      if (e.status !== 401) {
        error.textContent = t("failed", { message: e.message });
        if (e.field) text.setAttribute("aria-invalid", "true");
      }
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

// --- dialogs -------------------------------------------------------------------------------------

function dialogShell(titleText) {
  const dialog = el("dialog", { class: "dialog", "aria-labelledby": "dialog-title" }, document.body);
  const form = el("form", { class: "dialog-form" }, dialog);
  el("h2", { id: "dialog-title" }, form, titleText);
  dialog.addEventListener("close", () => dialog.remove());
  return { dialog, form };
}

function confirmDialog(title, text, confirmLabel) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const { dialog, form } = dialogShell(title);
    el("p", {}, form, text);
    const buttons = el("div", { class: "dialog-actions" }, form);
    const cancel = el("button", { type: "button", class: "secondary" }, buttons, t("cancel"));
    el("button", { type: "submit", class: "danger" }, buttons, confirmLabel);
    let answer = false;
    cancel.addEventListener("click", () => dialog.close());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      answer = true;
      dialog.close();
    });
    dialog.addEventListener("close", () => {
      if (opener && opener.isConnected) opener.focus();
      resolve(answer);
    });
    dialog.showModal();
    cancel.focus();
  });
}

function latestAgentReply(c) {
  const events = state.caseData?.case?.case_id === c.case_id ? state.caseData.events || [] : [];
  const replies = events.filter((event) => event.kind === "agent_reply");
  if (replies.length) return replies[replies.length - 1].text;
  const said = (c.escalation.transcript || []).filter((line) => line.from === "agent");
  return said.length ? said[said.length - 1].text : "";
}

async function openFaqDialog(c, question, opener) {
  const locale = c.escalation.locale;
  let book = { entries: [], byId: new Map() };
  try {
    book = await faq(locale);
  } catch (error) {
    if (error.status === 401) return;
  }
  const { dialog, form } = dialogShell(t("faqTitle", { loc: localeName(locale) }));
  dialog.classList.add("faq-dialog");

  const q = textArea(form, "faq-question", t("faqQuestion"), question, 3);
  const modes = el("fieldset", { class: "modes" }, form);
  el("legend", {}, modes, t("faqMode"));
  const asVariant = radio(modes, "faq-mode-variant", "variant", t("faqVariant"));
  const asNew = radio(modes, "faq-mode-new", "new", t("faqNew"));
  const entryRow = el("p", { class: "field" }, form);
  el("label", { for: "faq-entry" }, entryRow, t("faqEntry"));
  const entry = el("select", { id: "faq-entry" }, entryRow);
  for (const item of book.entries) el("option", { value: item.id }, entry, `${item.question} (${item.id})`);
  const a = textArea(form, "faq-answer", t("faqAnswerLabel"), latestAgentReply(c), 5);
  q.lang = locale;
  a.lang = locale;
  const error = el("p", { id: "faq-error", class: "error", role: "alert" }, form);
  const buttons = el("div", { class: "dialog-actions" }, form);
  const cancel = el("button", { type: "button", class: "secondary" }, buttons, t("cancel"));
  const publish = el("button", { type: "submit", class: "primary" }, buttons, t("publish"));

  const topicEntry = book.byId.get(c.escalation.topic || "");
  if (topicEntry) entry.value = topicEntry.id;
  asVariant.disabled = !book.entries.length;
  (topicEntry ? asVariant : asNew).checked = true;
  // A variant keeps its entry's answer; a new entry needs one.
  const sync = () => {
    entry.disabled = !asVariant.checked;
    entryRow.hidden = !asVariant.checked;
    a.disabled = asVariant.checked;
    a.parentElement.hidden = asVariant.checked;
  };
  sync();
  asVariant.addEventListener("change", sync);
  asNew.addEventListener("change", sync);
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => opener && opener.isConnected && opener.focus());

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    for (const input of [q, a]) input.removeAttribute("aria-invalid");
    const question = q.value.trim();
    const answer = a.value.trim();
    if (!question || (asNew.checked && !answer)) {
      const bad = question ? a : q;
      bad.setAttribute("aria-invalid", "true");
      error.textContent = question ? t("faqNeedAnswer") : t("faqNeedQuestion");
      bad.focus();
      return;
    }
    publish.disabled = true;
    try {
      const base = `/faq/${encodeURIComponent(locale)}/entries`;
      const result = asVariant.checked
        ? await api(`${base}/${encodeURIComponent(entry.value)}/variants`, { method: "POST", body: { text: question } })
        : await api(base, { method: "POST", body: { question, answer, variants: [], keywords: [] } });
      forgetFaq(locale);
      dialog.close();
      announce(t("published", { v: result.version }));
    } catch (e) {
      publish.disabled = false;
      if (e.status === 401) return dialog.close();
      error.textContent = t("failed", { message: e.message });
      const bad = e.field === "answer" ? a : e.field === "question" || e.field === "text" ? q : null;
      if (bad) bad.setAttribute("aria-invalid", "true");
    }
  });
  dialog.showModal();
  q.focus();
}

function textArea(parent, id, label, value, rows) {
  const row = el("p", { class: "field" }, parent);
  el("label", { for: id }, row, label);
  const area = el("textarea", { id, rows: String(rows), "aria-describedby": "faq-error" }, row);
  area.value = value || "";
  return area;
}

function radio(parent, id, value, label) {
  const row = el("p", { class: "radio" }, parent);
  const input = el("input", { type: "radio", id, name: "faq-mode", value }, row);
  el("label", { for: id }, row, label);
  return input;
}

// --- insights ------------------------------------------------------------------------------------

async function showInsights() {
  state.view = "insights";
  state.caseId = null;
  refs.work = null;
  refs.queueToggle = null;
  refs.topicSelect = null;
  refs.queueList = null;
  setTitle(t("insightsTitle"));
  const main = document.getElementById("main");
  const page = el("div", { class: "insights-page" });
  const title = el("h1", { tabindex: "-1" }, page, t("insightsTitle"));
  const grid = el("div", { class: "insights" }, page);
  el("p", { class: "placeholder" }, grid, t("loading"));
  main.replaceChildren(page);
  title.focus();
  let data;
  try {
    [data] = await Promise.all([api("/insights"), Promise.allSettled(LANGS.map(faq))]);
  } catch (error) {
    if (error.status !== 401 && state.view === "insights") {
      grid.replaceChildren(el("p", { class: "error", role: "alert" }, null, t("loadFailed", { message: error.message })));
    }
    return;
  }
  if (state.view !== "insights") return;
  grid.replaceChildren(...insightCards(data));
}

function card(title, className) {
  const id = `ins-${className}`;
  const box = el("section", { class: `card insight ${className}`, "aria-labelledby": id });
  el("h2", { id }, box, title);
  return box;
}

function insightCards(data) {
  const cards = [];

  const deflect = card(t("deflection"), "deflection");
  const rate = data.deflection_rate;
  const figure = el("div", { class: "big-figure" }, deflect);
  if (rate == null) el("p", { class: "big-number" }, figure, "—");
  else {
    figure.append(donut(rate));
    el("p", { class: "big-number" }, figure, percent(rate));
  }
  el("p", { class: "muted" }, deflect, t("deflectionHelp"));
  el("p", {}, deflect, t("conversations", { n: data.conversations ?? 0, m: data.escalated ?? 0 }));
  cards.push(deflect);

  const median = card(t("medianReply"), "median");
  el("p", { class: "big-number" }, median, data.median_first_reply_ms == null ? "—" : duration(data.median_first_reply_ms));
  cards.push(median);

  const topics = card(t("byTopic"), "by-topic");
  topics.append(barChart(t("byTopic"), (data.escalations_by_topic || []).map((row) => ({
    label: row.key ? topicName(row.key) : t("noTopic"), value: row.count,
  }))));
  cards.push(topics);

  const reasons = card(t("byReason"), "by-reason");
  reasons.append(barChart(t("byReason"), (data.escalations_by_reason || []).map((row) => ({
    label: t("reasons")[row.key] || row.key, value: row.count,
  }))));
  cards.push(reasons);

  const helpful = card(t("helpfulRatio"), "helpful");
  helpful.append(ratioChart(t("helpfulRatio"), (data.helpful || []).map((row) => ({
    label: topicName(row.entry_id), up: row.up, down: row.down,
  }))));
  cards.push(helpful);

  const unanswered = card(t("unanswered"), "unanswered");
  const list = el("ol", { class: "unanswered-list" }, unanswered);
  for (const question of data.unanswered || []) {
    const item = el("li", {}, list);
    const head = el("p", { class: "unanswered-head" }, item);
    head.append(masked(question.text, "span", "unanswered-text"));
    el("span", { class: "chip" }, head, t("askedTimes", { n: question.count }));
    const examples = question.examples || [];
    if (examples.length) {
      const more = el("details", {}, item);
      el("summary", {}, more, t("examples", { n: examples.length }));
      const ul = el("ul", {}, more);
      for (const example of examples) ul.append(masked(example, "li"));
    }
  }
  if (!list.children.length) list.replaceWith(el("p", { class: "muted" }, null, t("noData")));
  cards.push(unanswered);
  return cards;
}

function donut(rate) {
  const radius = 52;
  const around = 2 * Math.PI * radius;
  const label = `${t("deflection")}: ${percent(rate)}`;
  const chart = svg("svg", { viewBox: "0 0 140 140", class: "donut", role: "img", "aria-label": label, focusable: "false" });
  svg("title", {}, chart, label);
  svg("circle", { cx: 70, cy: 70, r: radius, class: "donut-track" }, chart);
  const share = Math.min(1, Math.max(0, rate)) * around;
  svg("circle", {
    cx: 70, cy: 70, r: radius, class: "donut-value",
    "stroke-dasharray": `${share} ${around}`, transform: "rotate(-90 70 70)",
  }, chart);
  return chart;
}

// Labels longer than the chart's label column are shortened; the <title> and table keep them.
function shorten(text, room = 26) {
  let used = 0;
  let out = "";
  for (const ch of Array.from(text)) {
    used += /[\u1100-\uffff]/.test(ch) ? 2 : 1;
    if (used > room) return `${out}…`;
    out += ch;
  }
  return out;
}

const CHART = { width: 600, labelWidth: 190, barWidth: 300, row: 32 };

function chartFrame(caption, rows, describe) {
  const height = rows.length * CHART.row + 8;
  const summary = `${caption}: ${rows.map((row) => `${row.label} ${describe(row)}`).join("; ")}`;
  const chart = svg("svg", {
    viewBox: `0 0 ${CHART.width} ${height}`, class: "bars", role: "img", "aria-label": summary, focusable: "false",
  });
  svg("title", {}, chart, summary);
  return chart;
}

function barRow(chart, row, i, text) {
  const y = 4 + i * CHART.row;
  const group = svg("g", { class: "bar" }, chart);
  svg("title", {}, group, `${row.label}: ${text}`);
  svg("text", {
    x: CHART.labelWidth - 10, y: y + CHART.row / 2, "text-anchor": "end", "dominant-baseline": "central", class: "bar-label",
  }, group, shorten(row.label));
  return { group, y };
}

function barChart(caption, rows) {
  const figure = el("figure", { class: "chart" });
  if (!rows.length) {
    el("p", { class: "muted" }, figure, t("noData"));
    return figure;
  }
  const max = Math.max(1, ...rows.map((row) => row.value));
  const chart = chartFrame(caption, rows, (row) => String(row.value));
  rows.forEach((row, i) => {
    const { group, y } = barRow(chart, row, i, String(row.value));
    const width = Math.max(2, (row.value / max) * CHART.barWidth);
    svg("rect", { x: CHART.labelWidth, y: y + 6, width, height: CHART.row - 12, rx: 3, class: "bar-fill" }, group);
    svg("text", {
      x: CHART.labelWidth + width + 8, y: y + CHART.row / 2, "dominant-baseline": "central", class: "bar-value",
    }, group, String(row.value));
  });
  figure.append(chart, chartTable(caption, [t("colName"), t("colCount")], rows.map((row) => [row.label, row.value])));
  return figure;
}

function ratioChart(caption, rows) {
  const figure = el("figure", { class: "chart" });
  if (!rows.length) {
    el("p", { class: "muted" }, figure, t("noData"));
    return figure;
  }
  const describe = (row) => {
    const all = row.up + row.down;
    return t("helpfulValue", { p: all ? percent(row.up / all) : "—", up: row.up, all });
  };
  rows.sort((a, b) => ratio(a) - ratio(b));
  const chart = chartFrame(caption, rows, describe);
  rows.forEach((row, i) => {
    const { group, y } = barRow(chart, row, i, describe(row));
    const all = row.up + row.down;
    const up = all ? (row.up / all) * CHART.barWidth : 0;
    svg("rect", { x: CHART.labelWidth, y: y + 6, width: CHART.barWidth, height: CHART.row - 12, rx: 3, class: "bar-down" }, group);
    if (up) svg("rect", { x: CHART.labelWidth, y: y + 6, width: up, height: CHART.row - 12, rx: 3, class: "bar-up" }, group);
    svg("text", {
      x: CHART.labelWidth + CHART.barWidth + 8, y: y + CHART.row / 2, "dominant-baseline": "central", class: "bar-value",
    }, group, all ? percent(row.up / all) : "—");
  });
  const table = rows.map((row) => [row.label, row.up, row.down, row.up + row.down ? percent(ratio(row)) : "—"]);
  figure.append(chart, chartTable(caption, [t("colName"), t("colUp"), t("colDown"), t("colRatio")], table));
  return figure;
}

function ratio(row) {
  const all = row.up + row.down;
  return all ? row.up / all : 0;
}

function chartTable(caption, columns, rows) {
  const more = el("details", { class: "chart-table" });
  el("summary", {}, more, t("asTable"));
  const table = el("table", {}, more);
  el("caption", {}, table, caption);
  const head = el("tr", {}, el("thead", {}, table));
  for (const column of columns) el("th", { scope: "col" }, head, column);
  const body = el("tbody", {}, table);
  for (const row of rows) {
    const tr = el("tr", {}, body);
    row.forEach((cell, i) => el(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, tr, String(cell)));
  }
  return more;
}

// --- start ---------------------------------------------------------------------------------------

async function logout() {
  try {
    await api("/logout", { method: "POST" });
  } catch { /* signed out either way */ }
  announce(t("loggedOut"));
  state.drafts.clear();
  state.after = null;
  signedOut();
}

async function start() {
  drawStatic();
  document.getElementById("lang-select").addEventListener("change", (event) => {
    state.lang = event.target.value;
    try {
      localStorage.setItem(LANG_KEY, state.lang);
    } catch { /* remembered for this page only */ }
    state.view = null; // draw the view again in the new language
    refs.caseFor = null;
    drawStatic();
    route({ focus: false });
  });
  document.getElementById("logout").addEventListener("click", logout);
  document.querySelector(".skip").addEventListener("click", (event) => {
    event.preventDefault();
    document.getElementById("main").focus();
  });
  window.addEventListener("hashchange", () => route());
  setInterval(tickClocks, 30_000);
  try {
    const me = await api("/me", { quiet: true });
    signedIn(me.name, me.csrf_token);
  } catch { /* 401: the login view */ }
  route({ focus: false });
}

start();
