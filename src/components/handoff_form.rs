//! The short hand-off form: what the shopper needs, the conversation's summary (editable), and
//! an optional e-mail or phone.

use crate::i18n::Texts;
use crate::state::FormField as Field;
use kefu_api::{limits, Contact};
use yew::prelude::*;

/// Properties of [`HandoffForm`].
#[derive(PartialEq, Properties)]
pub struct HandoffFormProps {
    /// The UI words.
    pub texts: &'static Texts,
    /// The FAQ question the conversation was about, if any.
    #[prop_or_default]
    pub topic: Option<AttrValue>,
    /// The message field.
    pub message: AttrValue,
    /// The summary field.
    pub summary: AttrValue,
    /// The contact field.
    pub contact: AttrValue,
    /// A field changed.
    pub onedit: Callback<(Field, String)>,
    /// The shopper sent a valid form, with the parsed contact.
    pub onsubmit: Callback<Option<Contact>>,
    /// The shopper closed the form.
    pub oncancel: Callback<()>,
}

/// A problem with one field, and what the shopper is told.
type Problem = (Field, &'static str);

/// Checks the form with the same rules the server applies.
fn check(texts: &'static Texts, message: &str, contact: &str) -> Result<Option<Contact>, Problem> {
    if message.trim().is_empty() {
        return Err((Field::Message, texts.error_message_empty));
    }
    if message.chars().count() > limits::MAX_MESSAGE_CHARS {
        return Err((Field::Message, texts.error_message_long));
    }
    Contact::parse(contact).map_err(|_| (Field::Contact, texts.error_contact))
}

/// The form; focuses the message on open and shows one clear error at a time.
#[component]
pub fn HandoffForm(props: &HandoffFormProps) -> Html {
    let error = use_state(|| None::<Problem>);
    let message_ref = use_node_ref();
    {
        let message_ref = message_ref.clone();
        use_effect_with((), move |_| {
            if let Some(area) = message_ref.cast::<web_sys::HtmlElement>() {
                let _ = area.focus();
            }
        });
    }
    let texts = props.texts;
    // Editing a field clears the error: it was about what the shopper is now changing.
    let edit = |field: Field| {
        let (onedit, error) = (props.onedit.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            // Text areas and inputs both carry `value`; read it without a cast per kind.
            let value = e
                .target()
                .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok())
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            error.set(None);
            onedit.emit((field, value));
        })
    };
    let onsubmit = {
        let error = error.clone();
        let onsubmit = props.onsubmit.clone();
        let (message, contact) = (props.message.clone(), props.contact.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match check(texts, &message, &contact) {
                Ok(contact) => {
                    error.set(None);
                    onsubmit.emit(contact);
                }
                Err(why) => error.set(Some(why)),
            }
        })
    };
    let oncancel = {
        let oncancel = props.oncancel.clone();
        Callback::from(move |_: MouseEvent| oncancel.emit(()))
    };
    let invalid = |field| (error.map(|(f, _)| f) == Some(field)).then_some("true");
    html! {
        <form class="kefu-sheet kefu-form" aria-labelledby="kefu-form-title" novalidate=true {onsubmit}>
            <h3 id="kefu-form-title" class="kefu-sheet-title">{ texts.form_title }</h3>
            if let Some(topic) = &props.topic {
                <p class="kefu-topic">{ texts.form_topic }{ texts.colon }<strong>{ topic.as_str() }</strong></p>
            }
            <label class="kefu-label" for="kefu-form-message">{ texts.form_message }</label>
            <textarea
                id="kefu-form-message"
                class="kefu-field"
                rows="3"
                maxlength={kefu_api::decimal(limits::MAX_MESSAGE_CHARS as u64)}
                aria-invalid={invalid(Field::Message)}
                aria-describedby="kefu-form-error"
                value={props.message.clone()}
                oninput={edit(Field::Message)}
                ref={message_ref}
            />
            <label class="kefu-label" for="kefu-form-summary">{ texts.form_summary }</label>
            <textarea
                id="kefu-form-summary"
                class="kefu-field kefu-summary"
                rows="3"
                maxlength={kefu_api::decimal(limits::MAX_SUMMARY_CHARS as u64)}
                value={props.summary.clone()}
                oninput={edit(Field::Summary)}
            />
            <label class="kefu-label" for="kefu-form-contact">{ texts.form_contact }</label>
            <input
                id="kefu-form-contact"
                class="kefu-field"
                type="text"
                inputmode="email"
                autocomplete="email"
                aria-invalid={invalid(Field::Contact)}
                aria-describedby="kefu-form-hint kefu-form-error"
                value={props.contact.clone()}
                oninput={edit(Field::Contact)}
            />
            <p id="kefu-form-hint" class="kefu-hint">{ texts.form_contact_hint }</p>
            <p id="kefu-form-error" class="kefu-error" role="alert">{ error.map(|(_, why)| why).unwrap_or_default() }</p>
            <div class="kefu-actions">
                <button type="button" class="kefu-secondary" onclick={oncancel}>{ texts.form_cancel }</button>
                <button type="submit" class="kefu-primary">{ texts.form_send }</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::texts;
    use kefu_api::Locale;

    #[test]
    fn the_form_says_what_is_wrong_in_the_shoppers_language() {
        let t = texts(Locale::ZhCn);
        assert_eq!(
            check(t, " ", ""),
            Err((Field::Message, t.error_message_empty))
        );
        assert_eq!(
            check(t, &"字".repeat(2_001), ""),
            Err((Field::Message, t.error_message_long))
        );
        assert_eq!(
            check(t, "退货", "not a contact"),
            Err((Field::Contact, t.error_contact))
        );
        assert_eq!(check(t, "退货", ""), Ok(None));
        assert!(matches!(check(t, "退货", "13800138000"), Ok(Some(_))));
    }
}
