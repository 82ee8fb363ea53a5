//! The intents the app can run, by the names the catalogue and the LLM use. A name is turned into
//! its kind once, when the catalogue is read, so a catalogue entry without a handler is refused at
//! start-up rather than when the LLM first calls it.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentKind {
    SubmitGoal,
    CreateTask,
    RescheduleTask,
    ListTasks,
    CompleteTask,
    PlanGoal,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("no intent is called {0:?}")]
pub struct UnknownIntent(pub String);

impl IntentKind {
    pub const ALL: [IntentKind; 6] = [
        IntentKind::SubmitGoal,
        IntentKind::CreateTask,
        IntentKind::RescheduleTask,
        IntentKind::ListTasks,
        IntentKind::CompleteTask,
        IntentKind::PlanGoal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            IntentKind::SubmitGoal => "submit_goal_intent",
            IntentKind::CreateTask => "create_task",
            IntentKind::RescheduleTask => "reschedule_task",
            IntentKind::ListTasks => "list_tasks",
            IntentKind::CompleteTask => "complete_task",
            IntentKind::PlanGoal => "plan_goal",
        }
    }
}

impl FromStr for IntentKind {
    type Err = UnknownIntent;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IntentKind::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| UnknownIntent(s.to_string()))
    }
}

impl fmt::Display for IntentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in IntentKind::ALL {
            assert_eq!(k.name().parse::<IntentKind>(), Ok(k));
        }
        assert_eq!("order_pizza".parse::<IntentKind>(), Err(UnknownIntent("order_pizza".into())));
    }
}
