//! The insights page's figures: deflection, hand-offs by topic and reason, time to the first
//! human reply, votes per entry, and unanswered questions grouped by similarity.

use crate::store::CaseStore;
use kefu_api::console::{Count, EntryHelpfulness, Insights, QuestionGroup};
use kefu_faq::script::Folding;
use kefu_faq::tokenize::{tokenize, TokenKind};
use std::collections::{HashMap, HashSet};

/// Unanswered questions read for grouping (the most recent).
const UNANSWERED_READ: u32 = 2_000;

/// Groups shown.
const GROUPS_SHOWN: usize = 20;

/// Examples shown per group.
const EXAMPLES_SHOWN: usize = 3;

/// Questions whose token sets overlap at least this much (Jaccard) say the same thing.
const SAME_QUESTION: f64 = 0.5;

/// The insights of the last `days` days at `now_ms`.
pub async fn insights(
    store: &dyn CaseStore,
    days: u32,
    now_ms: i64,
) -> Result<Insights, crate::store::StoreError> {
    let since = now_ms - i64::from(days) * 86_400_000;
    let counts = store.insight_counts(since).await?;
    let counted = |pairs: Vec<(String, u32)>| {
        pairs
            .into_iter()
            .map(|(key, count)| Count { key, count })
            .collect()
    };
    let questions: Vec<String> = store
        .recent_unanswered(UNANSWERED_READ)
        .await?
        .into_iter()
        .map(|q| q.text)
        .collect();
    Ok(Insights {
        days,
        conversations: counts.sessions,
        escalated: counts.escalated_sessions,
        deflection_rate: (counts.sessions > 0).then(|| {
            f64::from(counts.sessions - counts.escalated_sessions.min(counts.sessions))
                / f64::from(counts.sessions)
        }),
        escalations_by_topic: counted(counts.by_topic),
        escalations_by_reason: counted(counts.by_reason),
        median_first_reply_ms: median(counts.first_reply_waits_ms),
        helpful: store
            .entry_votes()
            .await?
            .into_iter()
            .map(|v| EntryHelpfulness {
                entry_id: v.entry_id,
                up: v.helpful,
                down: v.not_helpful,
            })
            .collect(),
        unanswered: group_questions(&questions),
    })
}

/// The median, `None` of nothing.
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2),
    }
}

/// Groups questions that share most of their meaningful tokens (the matcher's own tokens:
/// Simplified and Traditional, full-width and typos fold the same), largest groups first.
pub fn group_questions(questions: &[String]) -> Vec<QuestionGroup> {
    let folding = Folding::full();
    struct Group {
        tokens: HashSet<u64>,
        wordings: HashMap<String, u32>,
        count: u32,
    }
    let mut groups: Vec<Group> = Vec::new();
    for question in questions {
        let tokens: HashSet<u64> = tokenize(question, &folding)
            .into_iter()
            .filter(|t| !matches!(t.kind, TokenKind::StopWord | TokenKind::Trigram))
            .map(|t| t.hash)
            .collect();
        if tokens.is_empty() {
            continue;
        }
        let similar = groups.iter_mut().find(|g| {
            let shared = g.tokens.intersection(&tokens).count();
            let union = g.tokens.len() + tokens.len() - shared;
            shared as f64 >= SAME_QUESTION * union as f64
        });
        let wording = question.trim().to_owned();
        match similar {
            Some(group) => {
                group.count += 1;
                *group.wordings.entry(wording).or_default() += 1;
            }
            None => groups.push(Group {
                tokens,
                wordings: HashMap::from([(wording, 1)]),
                count: 1,
            }),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    groups
        .into_iter()
        .take(GROUPS_SHOWN)
        .map(|g| {
            let mut wordings: Vec<(String, u32)> = g.wordings.into_iter().collect();
            wordings.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let mut wordings = wordings.into_iter().map(|(text, _)| text);
            QuestionGroup {
                text: wordings.next().unwrap_or_default(),
                count: g.count,
                examples: wordings.take(EXAMPLES_SHOWN).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_questions_in_either_script_form_one_group() {
        let questions: Vec<String> = [
            "可以开增值税发票吗",
            "能开增值税发票吗",
            "可以開增值稅發票嗎",
            "你们支持花呗分期吗",
            "可以开增值税发票吗",
        ]
        .map(String::from)
        .to_vec();
        let groups = group_questions(&questions);
        assert_eq!(groups.len(), 2, "{groups:?}");
        assert_eq!(groups[0].count, 4);
        assert_eq!(groups[0].text, "可以开增值税发票吗");
        assert_eq!(groups[0].examples.len(), 2);
        assert_eq!(groups[1].text, "你们支持花呗分期吗");
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
    }
}
