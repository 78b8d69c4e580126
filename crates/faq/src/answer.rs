//! Answers as a short list of allow-listed nodes (paragraphs, list items, text, bold, links):
//! Markdown is turned into nodes when the FAQ is published, and the widget only walks them.
//!
//! Encoded as text: nodes split by U+001E, a node's tag and fields by U+001F. Nothing in it is
//! HTML: the widget makes every text a text node, and a link's address was checked here.

const NODE: char = '\u{1e}';
const FIELD: char = '\u{1f}';

/// One piece of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node<'a> {
    /// Starts a paragraph.
    Paragraph,
    /// Starts a list item (consecutive items form one list).
    Item,
    /// Plain text.
    Text(&'a str),
    /// Bold text.
    Bold(&'a str),
    /// A link; `href` is `http(s)://`, `mailto:`, `tel:`, or starts with `/` or `#`.
    Link {
        /// What the link says.
        text: &'a str,
        /// Where it goes.
        href: &'a str,
    },
}

/// The nodes of an encoded answer. Text that was never encoded (no separators) is one
/// paragraph of plain text, so older bundles and plain answers still read.
pub fn nodes(encoded: &str) -> impl Iterator<Item = Node<'_>> {
    let plain = !encoded.contains(FIELD) && !encoded.contains(NODE);
    let mut first = plain.then_some(Node::Text(encoded));
    let mut rest = (!plain).then(|| encoded.split(NODE));
    std::iter::from_fn(move || {
        if let Some(node) = first.take() {
            return Some(node);
        }
        loop {
            let mut fields = rest.as_mut()?.next()?.split(FIELD);
            let node = match (fields.next(), fields.next(), fields.next()) {
                (Some("p"), None, None) => Node::Paragraph,
                (Some("li"), None, None) => Node::Item,
                (Some("t"), Some(text), None) => Node::Text(text),
                (Some("b"), Some(text), None) => Node::Bold(text),
                (Some("a"), Some(text), Some(href)) if safe_href(href) => Node::Link { text, href },
                (Some("a"), Some(text), Some(_)) => Node::Text(text),
                _ => continue,
            };
            return Some(node);
        }
    })
}

/// The answer as plain text: for matching, transcripts and summaries. Items start on a new
/// line with "- ".
pub fn plain(encoded: &str) -> String {
    let mut out = String::new();
    for node in nodes(encoded) {
        match node {
            Node::Paragraph | Node::Item if !out.is_empty() => out.push('\n'),
            _ => {}
        }
        match node {
            Node::Paragraph => {}
            Node::Item => out.push_str("- "),
            Node::Text(text) | Node::Bold(text) | Node::Link { text, .. } => out.push_str(text),
        }
    }
    out
}

/// Whether a link may be shown: web, mail and phone links, and links within the shop's site.
pub fn safe_href(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    let relative = (lower.starts_with('/') && !lower.starts_with("//")) || lower.starts_with('#');
    !href.chars().any(char::is_control)
        && (relative
            || ["https://", "http://", "mailto:", "tel:"]
                .iter()
                .any(|scheme| lower.starts_with(scheme)))
}

/// Builds an encoded answer node by node.
#[derive(Default)]
pub struct Encoder(String);

impl Encoder {
    /// Appends a node; separators and other control characters in its text become spaces.
    pub fn push(&mut self, node: Node<'_>) {
        let fields: &[&str] = match node {
            Node::Paragraph => &["p"],
            Node::Item => &["li"],
            Node::Text(text) => &["t", text],
            Node::Bold(text) => &["b", text],
            Node::Link { text, href } => &["a", text, href],
        };
        if !self.0.is_empty() {
            self.0.push(NODE);
        }
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.0.push(FIELD);
            }
            self.0.extend(
                field
                    .chars()
                    .map(|c| if c.is_control() && c != '\n' { ' ' } else { c }),
            );
        }
    }

    /// The encoded answer.
    pub fn finish(self) -> String {
        self.0
    }
}

/// Turns an FAQ author's Markdown into nodes: paragraphs, bullet and numbered lists, bold,
/// links with a safe address. Everything else becomes plain text: raw HTML shows as the
/// characters typed, a link to `javascript:` as its words.
#[cfg(feature = "markdown")]
pub fn from_markdown(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Encoder::default();
    let mut bold = 0usize;
    let mut link: Option<(String, String)> = None;
    let mut opened_block = false;
    let text = |out: &mut Encoder, s: &str, bold: usize, link: &mut Option<(String, String)>| {
        if let Some((words, _)) = link {
            words.push_str(s);
        } else if bold > 0 {
            out.push(Node::Bold(s));
        } else {
            out.push(Node::Text(s));
        }
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Paragraph) if !opened_block => out.push(Node::Paragraph),
            Event::Start(Tag::Paragraph) => opened_block = false,
            Event::Start(Tag::Item) => {
                out.push(Node::Item);
                // The item's own paragraph (a loose list) must not start a new block.
                opened_block = true;
            }
            Event::Start(Tag::Heading { .. } | Tag::HtmlBlock) => out.push(Node::Paragraph),
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((String::new(), dest_url.to_string()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((words, href)) = link.take() {
                    if safe_href(&href) {
                        out.push(Node::Link {
                            text: &words,
                            href: &href,
                        });
                    } else {
                        text(&mut out, &words, bold, &mut None);
                    }
                }
            }
            Event::Text(s) | Event::Code(s) | Event::Html(s) | Event::InlineHtml(s) => {
                opened_block = false;
                text(&mut out, &s, bold, &mut link);
            }
            Event::SoftBreak | Event::HardBreak => text(&mut out, " ", bold, &mut link),
            _ => {}
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_answers_read_as_one_text() {
        assert_eq!(
            nodes("付款后 48 小时内发货。").collect::<Vec<_>>(),
            [Node::Text("付款后 48 小时内发货。")]
        );
        assert_eq!(plain("ok"), "ok");
    }

    #[test]
    fn unsafe_links_read_as_their_words_and_unknown_nodes_are_skipped() {
        let mut e = Encoder::default();
        e.push(Node::Paragraph);
        e.push(Node::Link {
            text: "x",
            href: "javascript:alert(1)",
        });
        e.push(Node::Link {
            text: "y",
            href: "//evil.example",
        });
        let encoded = format!("{}\u{1e}img\u{1f}src", e.finish());
        assert_eq!(
            nodes(&encoded).collect::<Vec<_>>(),
            [Node::Paragraph, Node::Text("x"), Node::Text("y")]
        );
    }

    #[test]
    fn safe_addresses() {
        for ok in [
            "https://a.example/x",
            "HTTP://a",
            "/kefu/demo/#returns",
            "#top",
            "mailto:a@b.c",
            "tel:400",
        ] {
            assert!(safe_href(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "data:text/html,x",
            "//evil",
            "vbscript:x",
            "/a\nb",
            "",
        ] {
            assert!(!safe_href(bad), "{bad:?}");
        }
    }

    #[cfg(feature = "markdown")]
    #[test]
    fn markdown_becomes_allow_listed_nodes() {
        let encoded = from_markdown(
            "退货请看 **7 天内**：\n\n- 未拆封\n- 附上 [退货说明](/kefu/demo/#returns)\n\n<script>alert(1)</script>\n\nsee [x](javascript:alert(1))",
        );
        assert_eq!(
            nodes(&encoded).collect::<Vec<_>>(),
            [
                Node::Paragraph,
                Node::Text("退货请看 "),
                Node::Bold("7 天内"),
                Node::Text("："),
                Node::Item,
                Node::Text("未拆封"),
                Node::Item,
                Node::Text("附上 "),
                Node::Link {
                    text: "退货说明",
                    href: "/kefu/demo/#returns"
                },
                Node::Paragraph,
                Node::Text("<script>alert(1)</script>\n"),
                Node::Paragraph,
                Node::Text("see "),
                Node::Text("x"),
            ]
        );
        assert_eq!(plain(&encoded).lines().next(), Some("退货请看 7 天内："));
    }
}
