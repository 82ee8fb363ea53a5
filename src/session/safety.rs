//! What the session does when the user's words contain an emergency phrase: once per category
//! and conversation, show whom to call, tell the agent to answer with care, and flag the
//! conversation for Review.

use super::events::SessionEvent;
use super::runner::Runner;
use super::worker::Job;
use crate::safety::SafetyMatch;
use crate::voice::Instruction;

impl Runner {
    pub(super) fn on_safety_match(&mut self, found: SafetyMatch) {
        let Some(guard) = self.opts.safety.clone() else { return };
        if !self.safety_shown.insert(found.category.clone()) {
            return;
        }
        let notice = guard.notice(&found);
        // The category is logged, never the words that matched.
        tracing::info!(category = %notice.category, region = %notice.region, "safety notice shown");
        let instruction = Instruction { text: notice.instruction(), fixed_reply: notice.spoken_reply() };
        // Every later connection of this conversation starts with the instruction too.
        self.setup.system_prompt.push_str("\n\n");
        self.setup.system_prompt.push_str(&instruction.text);
        self.emit(SessionEvent::SafetyNotice { notice: notice.clone() });
        self.worker.push(Job::FlagSafety(notice.category));
        match self.link.as_ref().map(|l| l.send_instruction(&instruction)) {
            Some(Ok(())) | None => {}
            Some(Err(e)) => tracing::warn!(error = %e, "could not give the agent the safety instruction"),
        }
    }
}
