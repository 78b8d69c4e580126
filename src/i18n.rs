//! The widget's words in zh-CN, zh-TW and en; one `Texts` table per locale.

use kefu_api::Locale;

/// Every sentence the widget shows, in one language.
#[derive(Debug)]
pub struct Texts {
    /// Panel title.
    pub title: &'static str,
    /// The "talk to a human" button.
    pub human: &'static str,
    /// Accessible label of the close button.
    pub close: &'static str,
    /// Accessible label of the conversation.
    pub conversation: &'static str,
    /// The bot's first line.
    pub greeting: &'static str,
    /// The bot's honest answer when it does not know.
    pub not_sure: &'static str,
    /// The bot's "not sure" above the closest FAQ questions.
    pub not_sure_topics: &'static str,
    /// The bot's line when the shopper asked for a person.
    pub handing_over: &'static str,
    /// Composer placeholder and label.
    pub ask_placeholder: &'static str,
    /// Composer send button.
    pub send: &'static str,
    /// Hand-off form heading.
    pub form_title: &'static str,
    /// Hand-off form: message label.
    pub form_message: &'static str,
    /// Hand-off form: the FAQ topic the conversation was about.
    pub form_topic: &'static str,
    /// The order card, as the transcript names it.
    pub order_card: &'static str,
    /// Hand-off form: contact label.
    pub form_contact: &'static str,
    /// Hand-off form: hint under the contact field.
    pub form_contact_hint: &'static str,
    /// Hand-off form: submit.
    pub form_send: &'static str,
    /// Hand-off form: cancel.
    pub form_cancel: &'static str,
    /// Shown while the hand-off is being sent.
    pub sending: &'static str,
    /// Receipt heading.
    pub receipt_title: &'static str,
    /// Receipt: label before the case number.
    pub receipt_case: &'static str,
    /// Receipt: nobody ahead in the queue.
    pub receipt_next: &'static str,
    /// Receipt: label before the queue position.
    pub receipt_position: &'static str,
    /// Receipt: how the reply arrives.
    pub receipt_reply_here: &'static str,
    /// Failure heading.
    pub failed_title: &'static str,
    /// Failure: no network or server unreachable.
    pub failed_queued: &'static str,
    /// Title of the sheet while a hand-off waits in the outbox.
    pub queued_title: &'static str,
    /// Names the shop's person above their replies.
    pub agent_name: &'static str,
    /// Between a label and its value: full-width in Chinese.
    pub colon: &'static str,
    /// Outside business hours, before the opening time.
    pub closed_before: &'static str,
    /// Outside business hours, after the opening time.
    pub closed_after: &'static str,
    /// Failure: something unexpected.
    pub failed_unexpected: &'static str,
    /// Failure: retry button.
    pub retry: &'static str,
    /// Label before the hotline number.
    pub hotline: &'static str,
    /// Validation: empty hand-off message.
    pub error_message_empty: &'static str,
    /// Validation: message too long.
    pub error_message_long: &'static str,
    /// Validation: contact is neither e-mail nor phone.
    pub error_contact: &'static str,
    /// Asks for a vote under an answer.
    pub did_it_help: &'static str,
    /// The "yes, it helped" vote.
    pub helped: &'static str,
    /// The "no, it did not" vote.
    pub not_helped: &'static str,
    /// Thanks after a vote.
    pub vote_thanks: &'static str,
    /// Offers a person without being asked.
    pub offer_human: &'static str,
    /// How a "yes" vote reads in the case summary.
    pub voted_helpful: &'static str,
    /// How a "no" vote reads in the case summary.
    pub voted_not_helpful: &'static str,
    /// Label of the summary field in the hand-off form.
    pub form_summary: &'static str,
    /// Label of the suggestions shown while typing.
    pub suggestions: &'static str,
    /// The bot's line when the team closed the case.
    pub resolved: &'static str,
    /// The bot's line when a follow-up did not reach the team.
    pub not_delivered: &'static str,
    /// Composer placeholder and label while a case is open: messages go to the team.
    pub followup_placeholder: &'static str,
    /// Receipt: before the expected wait in minutes.
    pub wait_before: &'static str,
    /// Receipt: after the expected wait in minutes.
    pub wait_after: &'static str,
}

/// There is one `Texts` per language, always borrowed as `&'static`: two are the same
/// language exactly when they are the same table (a field-by-field comparison would cost
/// 1.4 KB of wasm).
impl PartialEq for Texts {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Texts {}

const ZH_CN: Texts = Texts {
    title: "在线客服",
    human: "转人工",
    close: "关闭",
    conversation: "对话记录",
    greeting: "您好！请问有什么可以帮您？随时可以点「转人工」找真人客服。",
    not_sure: "抱歉，我不太确定您的意思。您可以换个说法，或点「转人工」由真人客服为您解答。",
    not_sure_topics: "我不太确定您的意思，您是想问这些吗？也可以点「转人工」。",
    handing_over: "好的，马上为您转接人工客服。",
    ask_placeholder: "请输入您的问题",
    send: "发送",
    form_title: "转人工客服",
    form_message: "您想咨询什么？",
    form_topic: "相关问题",
    order_card: "查订单",
    form_contact: "联系方式（选填：邮箱或手机号）",
    form_contact_hint: "客服回复会显示在这里；留下联系方式，离开页面也能收到回复。",
    form_send: "提交",
    form_cancel: "取消",
    sending: "正在提交…",
    receipt_title: "已转人工",
    receipt_case: "工单号",
    receipt_next: "您是下一位，客服很快回复。",
    receipt_position: "前面排队人数",
    receipt_reply_here: "客服的回复会显示在这里；有补充可以直接在下方发送。",
    failed_title: "暂时无法提交",
    failed_queued: "暂时连不上客服系统。您的请求已保存在本机，恢复连接后会自动发送，只会提交一次，无需重复操作。",
    queued_title: "已排队，稍后自动发送",
    agent_name: "人工客服",
    colon: "：",
    closed_before: "现在是客服休息时间，我们 ",
    closed_after: " 上班后会第一时间回复您。",
    failed_unexpected: "出了点问题，您的内容没有丢失，请稍后重试。",
    retry: "重试",
    hotline: "客服热线",
    error_message_empty: "请简单说明您需要什么帮助。",
    error_message_long: "内容太长，请精简到 2000 字以内。",
    error_contact: "请填写有效的邮箱或手机号，或留空。",
    did_it_help: "这个回答有帮助吗？",
    helped: "有帮助",
    not_helped: "没帮助",
    vote_thanks: "谢谢您的反馈！",
    offer_human: "看起来我没能帮上忙。要不要请真人客服来处理？",
    voted_helpful: "（有帮助）",
    voted_not_helpful: "（没帮助）",
    form_summary: "对话摘要（会一并发给客服，可修改）",
    suggestions: "猜您想问",
    resolved: "客服已将这个问题标记为已解决。还有问题可以继续问我，或再次转人工。",
    not_delivered: "上面这条消息没有发出去，请检查网络后再发一次，或拨打客服热线。",
    followup_placeholder: "补充说明，客服会看到",
    wait_before: "预计约 ",
    wait_after: " 分钟内回复。",
};

const ZH_TW: Texts = Texts {
    title: "線上客服",
    human: "轉人工",
    close: "關閉",
    conversation: "對話紀錄",
    greeting: "您好！請問有什麼可以幫您？隨時可以點「轉人工」找真人客服。",
    not_sure: "抱歉，我不太確定您的意思。您可以換個說法，或點「轉人工」由真人客服為您解答。",
    not_sure_topics: "我不太確定您的意思，您是想問這些嗎？也可以點「轉人工」。",
    handing_over: "好的，馬上為您轉接真人客服。",
    ask_placeholder: "請輸入您的問題",
    send: "送出",
    form_title: "轉人工客服",
    form_message: "您想詢問什麼？",
    form_topic: "相關問題",
    order_card: "查訂單",
    form_contact: "聯絡方式（選填：Email 或手機號碼）",
    form_contact_hint: "客服回覆會顯示在這裡；留下聯絡方式，離開頁面也能收到回覆。",
    form_send: "送出",
    form_cancel: "取消",
    sending: "正在送出…",
    receipt_title: "已轉人工",
    receipt_case: "案件編號",
    receipt_next: "您是下一位，客服很快回覆。",
    receipt_position: "前面排隊人數",
    receipt_reply_here: "客服的回覆會顯示在這裡；有補充可以直接在下方傳送。",
    failed_title: "暫時無法送出",
    failed_queued: "暫時連不上客服系統。您的請求已保存在本機，恢復連線後會自動送出，只會送出一次，無需重複操作。",
    queued_title: "已排隊，稍後自動送出",
    agent_name: "真人客服",
    colon: "：",
    closed_before: "現在是客服休息時間，我們 ",
    closed_after: " 上班後會第一時間回覆您。",
    failed_unexpected: "發生問題，您的內容沒有遺失，請稍後重試。",
    retry: "重試",
    hotline: "客服專線",
    error_message_empty: "請簡單說明您需要什麼協助。",
    error_message_long: "內容太長，請精簡到 2000 字以內。",
    error_contact: "請填寫有效的 Email 或手機號碼，或留空。",
    did_it_help: "這個回答有幫助嗎？",
    helped: "有幫助",
    not_helped: "沒幫助",
    vote_thanks: "謝謝您的回饋！",
    offer_human: "看起來我沒能幫上忙。要不要請真人客服來處理？",
    voted_helpful: "（有幫助）",
    voted_not_helpful: "（沒幫助）",
    form_summary: "對話摘要（會一併傳給客服，可修改）",
    suggestions: "猜您想問",
    resolved: "客服已將這個問題標記為已解決。還有問題可以繼續問我，或再次轉人工。",
    not_delivered: "上面這則訊息沒有送出，請檢查網路後再傳一次，或撥打客服專線。",
    followup_placeholder: "補充說明，客服會看到",
    wait_before: "預計約 ",
    wait_after: " 分鐘內回覆。",
};

const EN: Texts = Texts {
    title: "Support",
    human: "Talk to a human",
    close: "Close",
    conversation: "Conversation",
    greeting: "Hi! How can we help? You can reach a person at any time with \"Talk to a human\".",
    not_sure: "Sorry, I'm not sure I understood. Try other words, or press \"Talk to a human\" and a person will answer.",
    not_sure_topics: "I'm not sure I understood. Did you mean one of these? Or press \"Talk to a human\".",
    handing_over: "Sure, connecting you with a person now.",
    ask_placeholder: "Type your question",
    send: "Send",
    form_title: "Talk to a human",
    form_message: "What do you need help with?",
    form_topic: "About",
    order_card: "Order status",
    form_contact: "Contact (optional: e-mail or phone)",
    form_contact_hint: "Replies appear here; leave a contact to get them after you leave the page.",
    form_send: "Send",
    form_cancel: "Cancel",
    sending: "Sending…",
    receipt_title: "A person will help you",
    receipt_case: "Case number",
    receipt_next: "You are next in line; we will reply shortly.",
    receipt_position: "People ahead of you",
    receipt_reply_here: "Replies appear here; you can add more below.",
    failed_title: "Could not send yet",
    failed_queued: "We cannot reach our support system right now. Your request is saved on this device and will be sent by itself, once, as soon as the connection is back.",
    queued_title: "Queued: it will be sent automatically",
    agent_name: "Support team",
    colon: ": ",
    closed_before: "Our team is away right now. We open at ",
    closed_after: " and will reply first thing.",
    failed_unexpected: "Something went wrong. Nothing you wrote is lost; please try again.",
    retry: "Try again",
    hotline: "Hotline",
    error_message_empty: "Please say briefly what you need help with.",
    error_message_long: "That is too long; please keep it under 2,000 characters.",
    error_contact: "Enter a valid e-mail or phone number, or leave it empty.",
    did_it_help: "Did this help?",
    helped: "Yes",
    not_helped: "No",
    vote_thanks: "Thanks for telling us!",
    offer_human: "It looks like I could not help. Shall a person take over?",
    voted_helpful: "(helped)",
    voted_not_helpful: "(did not help)",
    form_summary: "Summary for the agent (you can edit it)",
    suggestions: "Suggested questions",
    resolved: "The team marked this as resolved. Ask me anything else, or ask for a person again.",
    not_delivered: "The message above did not reach the team. Please check your connection and send it again, or call us.",
    followup_placeholder: "Write to the team",
    wait_before: "Expected reply in about ",
    wait_after: " min.",
};

/// The texts for `locale`.
pub fn texts(locale: Locale) -> &'static Texts {
    match locale {
        Locale::ZhCn => &ZH_CN,
        Locale::ZhTw => &ZH_TW,
        Locale::En => &EN,
    }
}

/// Picks the UI locale: an explicit setting wins, then the page's `lang`, then the browser's
/// languages in order, then Simplified Chinese.
///
/// ```
/// use kefu_api::Locale;
/// use kefu_widget::i18n::choose_locale;
/// assert_eq!(choose_locale("auto", "zh-Hant", &["en-US"]), Locale::ZhTw);
/// assert_eq!(choose_locale("en", "zh-CN", &[]), Locale::En);
/// assert_eq!(choose_locale("auto", "", &["fr-FR", "en-GB"]), Locale::En);
/// assert_eq!(choose_locale("auto", "de", &["fr"]), Locale::ZhCn);
/// ```
pub fn choose_locale(setting: &str, page_lang: &str, browser: &[&str]) -> Locale {
    std::iter::once(setting)
        .chain(std::iter::once(page_lang))
        .chain(browser.iter().copied())
        .find_map(Locale::from_tag)
        .unwrap_or_default()
}
