//! Finding the task or goal the user means: by id, or by words said approximately ("the spanish
//! lesson", "spanish class"). Two equally good matches are an ambiguity, never a guess.

use crate::store::{GoalRow, GoalStatus, TaskRow, TaskStatus};

fn normalise(s: &str) -> Vec<String> {
    const FILLER: &[&str] = &["the", "a", "an", "my", "task", "to"];
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !FILLER.contains(w))
        .map(str::to_string)
        .collect()
}

/// How well `query` names `title`: 0 is no match; higher is better.
fn score(query: &[String], title: &[String]) -> u32 {
    if query.is_empty() || title.is_empty() {
        return 0;
    }
    if query == title {
        return 100;
    }
    let contained = |a: &[String], b: &[String]| a.iter().all(|w| b.contains(w));
    if contained(query, title) {
        return 80;
    }
    // Word by word, with typos forgiven: "spanish lessons" ~ "spanish lesson".
    let hits =
        query.iter().filter(|q| title.iter().any(|t| strsim::normalized_levenshtein(q, t) >= 0.75)).count();
    let coverage = hits * 100 / query.len().max(title.len());
    if hits == query.len() {
        60 + (coverage as u32) / 10
    } else if coverage >= 50 {
        30 + (coverage as u32) / 10
    } else {
        0
    }
}

/// Something the user names by id or by its words: a task (its title), a goal (its statement).
pub trait Named {
    fn id(&self) -> &str;
    fn words(&self) -> &str;
    /// Wins a tie: what a spoken request is almost always about (a pending task, an active goal).
    fn preferred(&self) -> bool;
}

impl Named for TaskRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn words(&self) -> &str {
        &self.title
    }
    fn preferred(&self) -> bool {
        self.status == TaskStatus::Pending
    }
}

impl Named for GoalRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn words(&self) -> &str {
        &self.statement
    }
    fn preferred(&self) -> bool {
        self.status == GoalStatus::Active
    }
}

pub enum Match<'a, T = TaskRow> {
    One(&'a T),
    None,
    Ambiguous(Vec<&'a T>),
}

/// Picks among `items`. A preferred one (a pending task) wins over another with the same score.
pub fn find<'a, T: Named>(items: &'a [T], query: &str) -> Match<'a, T> {
    let q = query.trim();
    if let Some(t) = items.iter().find(|t| t.id() == q) {
        return Match::One(t);
    }
    let words = normalise(q);
    let rank = |t: &T| score(&words, &normalise(t.words())) * 2 + u32::from(t.preferred());
    let best = items.iter().map(rank).max().unwrap_or(0);
    if best < 2 {
        return Match::None;
    }
    let top: Vec<&T> = items.iter().filter(|t| rank(t) == best).collect();
    match top.as_slice() {
        [one] => Match::One(one),
        _ => Match::Ambiguous(top),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, title: &str, status: TaskStatus) -> TaskRow {
        TaskRow {
            id: id.into(),
            user_id: "u".into(),
            goal_id: None,
            title: title.into(),
            notes: String::new(),
            scheduled_at: crate::time::OffsetTime::parse("2026-11-24T10:00:00+00:00").unwrap(),
            duration_minutes: None,
            status,
            completed_at: None,
            created_at: String::new(),
            remind_before_minutes: None,
        }
    }

    fn found(tasks: &[TaskRow], q: &str) -> Option<String> {
        match find(tasks, q) {
            Match::One(t) => Some(t.id.clone()),
            _ => None,
        }
    }

    #[test]
    fn forgiving_matches() {
        let tasks = vec![
            task("1", "Spanish lesson", TaskStatus::Pending),
            task("2", "Call mom", TaskStatus::Pending),
            task("3", "Gym session", TaskStatus::Pending),
        ];
        assert_eq!(found(&tasks, "2").as_deref(), Some("2"));
        assert_eq!(found(&tasks, "spanish lesson").as_deref(), Some("1"));
        assert_eq!(found(&tasks, "the Spanish Lesson!").as_deref(), Some("1"));
        assert_eq!(found(&tasks, "spanish").as_deref(), Some("1"));
        assert_eq!(found(&tasks, "spanish lessons").as_deref(), Some("1"));
        assert_eq!(found(&tasks, "my gym").as_deref(), Some("3"));
        assert!(matches!(find(&tasks, "dentist"), Match::None));
    }

    #[test]
    fn two_equal_matches_are_ambiguous_but_pending_beats_done() {
        let tasks = vec![
            task("1", "Gym morning", TaskStatus::Pending),
            task("2", "Gym evening", TaskStatus::Pending),
        ];
        assert!(matches!(find(&tasks, "gym"), Match::Ambiguous(v) if v.len() == 2));
        let tasks = vec![task("1", "Gym", TaskStatus::Done), task("2", "Gym", TaskStatus::Pending)];
        assert_eq!(found(&tasks, "gym").as_deref(), Some("2"));
    }
}
