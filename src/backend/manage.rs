//! Tasks and goals edited by hand (the desktop app's Tasks screen), with the same checks the
//! intents apply to what the agent asks for: a clear sentence on bad input, nothing changed.

use super::{ApiError, Service};
use crate::intents::{when, Actor};
use crate::store::goals::UnknownGoalStatus;
use crate::store::{conversations, goals, tasks, GoalRow, GoalStatus, TaskRow, TaskStatus};
use serde::Deserialize;

/// A task as the user typed it; `scheduled_at` is ISO 8601, local to the user when no offset.
#[derive(Debug, Clone, Deserialize)]
pub struct TaskInput {
    pub title: String,
    pub scheduled_at: String,
    pub duration_minutes: Option<i64>,
    pub notes: Option<String>,
    /// Minutes before `scheduled_at` the task's reminder comes; `None` follows the settings.
    #[serde(default)]
    pub remind_before_minutes: Option<i64>,
}

impl Service {
    fn local_user(&self) -> Result<(String, chrono_tz::Tz), ApiError> {
        let s = self.settings();
        let now = self.clock().now();
        let user = self.store().write(|tx| super::checks::local_user_row(tx, &s, now))?;
        let tz = Actor::tz_of(&user);
        Ok((user.id, tz))
    }

    fn check_task(
        &self,
        t: &TaskInput,
        tz: chrono_tz::Tz,
    ) -> Result<chrono::DateTime<chrono::FixedOffset>, ApiError> {
        if t.title.trim().is_empty() {
            return Err(ApiError::Invalid("A task needs a title.".into()));
        }
        if t.title.len() > 500 || t.notes.as_deref().unwrap_or("").len() > 10_000 {
            return Err(ApiError::Invalid("The title or the notes are too long.".into()));
        }
        if let Some(m) = t.duration_minutes {
            if !(1..=1440).contains(&m) {
                return Err(ApiError::Invalid("The duration must be between 1 and 1440 minutes.".into()));
            }
        }
        if let Some(m) = t.remind_before_minutes {
            let max = i64::from(crate::config::MAX_REMINDER_LEAD_MINUTES);
            if !(0..=max).contains(&m) {
                return Err(ApiError::Invalid(format!(
                    "The reminder must come between 0 and {max} minutes before the task (not {m})."
                )));
            }
        }
        when::parse_time(&t.scheduled_at, tz).map_err(ApiError::Invalid)
    }

    pub fn create_task(&self, t: &TaskInput) -> Result<TaskRow, ApiError> {
        let (user_id, tz) = self.local_user()?;
        let at = self.check_task(t, tz)?;
        let id = uuid::Uuid::new_v4().to_string();
        let now = self.clock().now();
        self.store().write(|tx| {
            let new = tasks::NewTask {
                id: &id,
                user_id: &user_id,
                goal_id: None,
                title: t.title.trim(),
                notes: t.notes.as_deref().unwrap_or("").trim(),
                scheduled_at: at,
                duration_minutes: t.duration_minutes,
                source_call_id: None,
                remind_before_minutes: t.remind_before_minutes,
            };
            tasks::insert_task(tx, &new, now)
        })?;
        self.task(&id)
    }

    pub fn update_task(&self, id: &str, t: &TaskInput) -> Result<TaskRow, ApiError> {
        let (_, tz) = self.local_user()?;
        let at = self.check_task(t, tz)?;
        let now = self.clock().now();
        let found = self.store().write(|tx| {
            let notes = t.notes.as_deref().unwrap_or("").trim();
            let found = tasks::update_details(tx, id, t.title.trim(), notes, t.duration_minutes, now)?;
            if found {
                tasks::set_time(tx, id, at, now)?;
                tasks::set_remind_before(tx, id, t.remind_before_minutes, now)?;
            }
            Ok::<_, ApiError>(found)
        })?;
        if !found {
            return Err(no_task(id));
        }
        self.task(id)
    }

    pub fn set_task_done(&self, id: &str, done: bool) -> Result<TaskRow, ApiError> {
        let now = self.clock().now();
        let status = if done { TaskStatus::Done } else { TaskStatus::Pending };
        if !self.store().write(|tx| tasks::set_status(tx, id, status, now))? {
            return Err(no_task(id));
        }
        self.task(id)
    }

    pub fn delete_task(&self, id: &str) -> Result<(), ApiError> {
        if !self.store().write(|tx| tasks::delete_task(tx, id))? {
            return Err(no_task(id));
        }
        Ok(())
    }

    fn task(&self, id: &str) -> Result<TaskRow, ApiError> {
        self.store().read(|c| tasks::get_task(c, id))?.ok_or_else(|| no_task(id))
    }

    pub fn create_goal(&self, statement: &str, timeline: &str) -> Result<GoalRow, ApiError> {
        if statement.trim().is_empty() {
            return Err(ApiError::Invalid("A goal needs a statement.".into()));
        }
        let (user_id, _) = self.local_user()?;
        let id = uuid::Uuid::new_v4().to_string();
        let now = self.clock().now();
        self.store().write(|tx| {
            goals::insert_goal(tx, &id, &user_id, statement.trim(), timeline.trim(), None, now)
        })?;
        self.goal(&id)
    }

    pub fn set_goal_status(&self, id: &str, status: &str) -> Result<GoalRow, ApiError> {
        let status: GoalStatus =
            status.parse().map_err(|e: UnknownGoalStatus| ApiError::Invalid(e.to_string()))?;
        let now = self.clock().now();
        if !self.store().write(|tx| goals::set_goal_status(tx, id, status, now))? {
            return Err(no_goal(id));
        }
        self.goal(id)
    }

    pub fn delete_goal(&self, id: &str) -> Result<(), ApiError> {
        if !self.store().write(|tx| goals::delete_goal(tx, id))? {
            return Err(no_goal(id));
        }
        Ok(())
    }

    fn goal(&self, id: &str) -> Result<GoalRow, ApiError> {
        self.store().read(|c| goals::get_goal(c, id))?.ok_or_else(|| no_goal(id))
    }

    /// Deletes every finished conversation (open ones are live and kept); returns how many.
    pub fn delete_all_sessions(&self) -> Result<usize, ApiError> {
        Ok(self.store().write(|tx| conversations::delete_finished_conversations(tx))?)
    }
}

fn no_task(id: &str) -> ApiError {
    ApiError::NotFound(format!("Task {id} not found"))
}

fn no_goal(id: &str) -> ApiError {
    ApiError::NotFound(format!("Goal {id} not found"))
}
