//! What Flux says back: short sentences meant to be spoken, and the questions for missing slots.

use super::draft::{Draft, Need};
use super::night;
use super::rules::Topic;
use super::spoken_time::When;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub(crate) const CAN_DO: &str =
    "I can add tasks, move them, list them, mark them done, and record your goals.";
pub(crate) const DROPPED: &str = "Okay, I've dropped that.";
pub(crate) const GAVE_UP: &str =
    "Sorry, I still couldn't understand, so I've left that for now. You can start again any time.";
const SORRY: &str = "Sorry, I didn't catch that.";

pub(crate) fn say(topic: Topic, now: DateTime<Utc>, tz: Tz) -> String {
    let local = now.with_timezone(&tz);
    match topic {
        Topic::Nothing => SORRY.into(),
        Topic::Greeting => format!("Hello! {CAN_DO} What would you like to do?"),
        Topic::Thanks => "You're welcome!".into(),
        Topic::Okay | Topic::Cancel => "Okay.".into(),
        Topic::Bye => "Bye! Talk to you soon.".into(),
        Topic::Help => format!("{CAN_DO} For example, say: remind me to call mom tomorrow at 5 pm."),
        Topic::Time => format!("It's {}.", local.format("%H:%M")),
        Topic::Date => format!("It's {}.", local.format("%A %-d %B")),
        Topic::KeepOpen => "Okay, I'll leave it as it is.".into(),
        Topic::Delete => format!("Sorry, I can't delete tasks offline. {CAN_DO}"),
        Topic::Repeating => "Sorry, I can't set repeating tasks yet; I can add one at a time, like: remind me to take my pills tomorrow at 8.".into(),
        Topic::UnclearDay => {
            "Sorry, which day do you mean? You can say today, tomorrow, Friday or this week.".into()
        }
        Topic::Unknown => format!("Sorry, I can't help with that offline. {CAN_DO}"),
    }
}

/// The question for a missing slot. `retry`: the last answer could not be used.
pub(crate) fn question(draft: &Draft, need: Need, retry: bool, now: DateTime<Utc>, tz: Tz) -> String {
    if let Some(t) = night::time(draft).filter(|_| need == Need::Confirm) {
        return night::question(t, retry, now);
    }
    let ask = match (draft, need) {
        (Draft::Create { title, when, .. }, Need::Time) => {
            time_question(*when, &format!("schedule {}", title.as_deref().unwrap_or("it")), retry, now, tz)
        }
        (Draft::Move { task, when }, Need::Time) => {
            time_question(*when, &format!("move {}", task.as_deref().unwrap_or("it")), retry, now, tz)
        }
        (Draft::Create { .. }, _) => "What should I call the task?".into(),
        (Draft::Move { .. }, _) => "Which task should I move?".into(),
        (Draft::Complete { .. }, _) => "Which task did you finish?".into(),
        (Draft::Goal { .. }, Need::Timeline) => {
            let example = if retry { " For example: in three months, or by next summer." } else { "" };
            format!("By when do you want to reach that goal?{example}")
        }
        (Draft::Goal { .. } | Draft::List(_), _) => "What's the goal you'd like to reach?".into(),
    };
    let unusable_time = matches!(draft.when(), Some(When::At(_) | When::Unclear));
    if retry && !(need == Need::Time && unusable_time) {
        format!("{SORRY} {ask}")
    } else {
        ask
    }
}

fn time_question(when: When, act: &str, retry: bool, now: DateTime<Utc>, tz: Tz) -> String {
    let example = if retry { " For example: tomorrow at 3 pm." } else { "" };
    match when {
        When::Day(d) => format!("What time {} should I {act}?{example}", speak_day(d, now, tz)),
        When::At(_) => format!("That time has already passed. When should I {act}?{example}"),
        When::Unclear => format!("Sorry, I couldn't tell when you meant. When should I {act}?{example}"),
        When::Nothing => format!("When should I {act}?{example}"),
    }
}

fn speak_day(d: NaiveDate, now: DateTime<Utc>, tz: Tz) -> String {
    let today = now.with_timezone(&tz).date_naive();
    if d == today {
        "today".into()
    } else if today.succ_opt() == Some(d) {
        "tomorrow".into()
    } else {
        d.format("on %A %-d %B").to_string()
    }
}
