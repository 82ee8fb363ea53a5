//! Turns that must never run anything: questions, chat, negations, plans, statements about
//! other things, unsupported requests, and requests missing what they need. And what Flux says
//! back instead.

use super::tests::one;
use crate::understand::Reply;

/// Turns that must not run anything: questions, chat, negations, unsupported requests, and
/// requests missing what they need.
const MUST_NOT_ACT: &[&str] = &[
    "what time is it",
    "tell me about my task list app",
    "what's the weather tomorrow",
    "I didn't finish the report",
    "I haven't done the laundry yet",
    "I'm not done with the report",
    "did I finish the report",
    "is the report done",
    "have I completed my homework",
    "don't remind me to call mom",
    "tell me a joke",
    "what's on TV tonight",
    "check the weather",
    "mark my words",
    "call mom",
    "I want to learn Spanish",
    "I want to call mom in two hours",
    "I needed to call the dentist yesterday at 5",
    "I need to think about it",
    "cancel my dentist appointment",
    "delete all my tasks",
    "play some music",
    "set an alarm for 7",
    "how are you",
    "hello",
    "thanks",
    "what can you do",
    "what is done",
    "nothing is done yet",
    "remind me",
    "I finished",
    "move it to 5 pm",
    "add a task for tomorrow at 3",
    "schedule the meeting",
    "remind me to call mom at 5 and buy milk at 6",
    "remind me to call mom this morning",
    "move the dentist back by an hour",
    "move the haircut to Wednesday at 11 pm",
    "remind me to call mom at 3 am",
    "",
    "um",
    "?!",
    "I'm going to Paris next week",
    "I will be in Paris next week",
    "I want to sleep in tomorrow",
    "book club is at 7",
    "schedule is full",
    "check if the report is done",
    "I think the report is done",
    "Mark is done",
    "Mark is coming at 5",
    "done deal",
    "we're done here",
    "I'm done talking",
    "I'm done with you",
    "I finished it",
    "move on",
    "remind me what my tasks are",
    "remind me to water the plants every morning",
    "wake me up at 7",
    "set a timer for 10 minutes",
    "what's happening",
    "how's the weather looking",
    "what does the weather look like tomorrow",
    "I'm going to the gym at 6",
    "next year I will travel",
    "the call went well",
];

#[test]
fn turns_that_must_not_act() {
    for text in MUST_NOT_ACT {
        let got = one(text);
        assert!(!matches!(got, Reply::Call { .. }), "{text:?} ran {got:?}");
    }
}

#[test]
fn what_is_said_back() {
    let say = |text: &str| match one(text) {
        Reply::Say(s) => s,
        other => panic!("{text}: {other:?}"),
    };
    assert!(say("hello").starts_with("Hello!") && say("hi").contains("mark them done"));
    assert_eq!(say("what time is it"), "It's 10:00.");
    assert_eq!(say("what's the date today"), "It's Tuesday 24 November.");
    assert!(say("what's the weather like").contains("I can add tasks"));
    assert_eq!(say("I didn't finish the report"), "Okay, I'll leave it as it is.");
    assert!(say("delete the dentist").contains("can't delete"));
    assert_eq!(say("thank you so much"), "You're welcome!");
    let ask = |text: &str| match one(text) {
        Reply::Ask(s) => s,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(ask("Add a task for the dentist"), "When should I schedule the dentist?");
    assert_eq!(ask("add a task for tomorrow at 3"), "What should I call the task?");
    assert_eq!(ask("I finished"), "Which task did you finish?");
    assert_eq!(ask("My goal is to learn Spanish"), "By when do you want to reach that goal?");
    assert_eq!(ask("move it to 5 pm"), "Which task should I move?");
    assert_eq!(
        ask("remind me to call mom on Friday"),
        "What time on Friday 27 November should I schedule call mom?"
    );
    assert!(ask("remind me to call mom this morning").starts_with("That time has already passed."));
}
