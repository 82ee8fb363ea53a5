//! The spoken test set of `companion-bench local`: requests as users phrase them, with what a
//! correct understanding does. Times are relative to the benchmark's fixed "now" (Saturday
//! 28 November 2026, 10:00 in New York), as (days from today, hour, minute) in the user's zone.

pub enum Slot {
    /// The text contains these words (lowercase).
    Has(&'static str),
    /// A local date-time.
    At(u32, u32, u32),
    /// A day, days from today.
    Day(u32),
    /// A day, or a range, that covers today.
    CoversToday,
}

pub enum Expect {
    Call(&'static str, &'static [(&'static str, Slot)]),
    /// A question for a missing detail; nothing done.
    Ask,
    /// A reply; nothing done (a question also counts).
    Nothing,
}

pub struct Case {
    pub text: &'static str,
    pub expect: Expect,
}

use Expect::{Ask, Call, Nothing};
use Slot::{At, CoversToday, Day, Has};

const fn case(text: &'static str, expect: Expect) -> Case {
    Case { text, expect }
}

pub const CASES: &[Case] = &[
    case(
        "Remind me to call the dentist tomorrow at five pm.",
        Call("create_task", &[("title", Has("dentist")), ("scheduled_at", At(1, 17, 0))]),
    ),
    case(
        "Add a task to buy milk on Friday at nine thirty.",
        Call("create_task", &[("title", Has("milk")), ("scheduled_at", At(6, 9, 30))]),
    ),
    case(
        "Schedule a Spanish lesson in two hours.",
        Call("create_task", &[("title", Has("spanish")), ("scheduled_at", At(0, 12, 0))]),
    ),
    case(
        "Remind me to take out the trash tonight at eight.",
        Call("create_task", &[("title", Has("trash")), ("scheduled_at", At(0, 20, 0))]),
    ),
    case(
        "Create a task to pay the rent on Monday at ten am.",
        Call("create_task", &[("title", Has("rent")), ("scheduled_at", At(2, 10, 0))]),
    ),
    case(
        "I need to email Sarah tomorrow morning at seven.",
        Call("create_task", &[("title", Has("email")), ("scheduled_at", At(1, 7, 0))]),
    ),
    case(
        "Remind me to water the plants in thirty minutes.",
        Call("create_task", &[("title", Has("plants")), ("scheduled_at", At(0, 10, 30))]),
    ),
    case(
        "Add a gym session tomorrow at six in the evening.",
        Call("create_task", &[("title", Has("gym")), ("scheduled_at", At(1, 18, 0))]),
    ),
    case(
        "Book a haircut for Thursday at two pm.",
        Call("create_task", &[("title", Has("haircut")), ("scheduled_at", At(5, 14, 0))]),
    ),
    case(
        "Remind me to pick up the kids tomorrow at three thirty pm.",
        Call("create_task", &[("title", Has("kids")), ("scheduled_at", At(1, 15, 30))]),
    ),
    case(
        "Move the dentist to Monday at ten.",
        Call("reschedule_task", &[("task", Has("dentist")), ("new_time", At(2, 10, 0))]),
    ),
    case(
        "Reschedule buy milk to tomorrow at noon.",
        Call("reschedule_task", &[("task", Has("milk")), ("new_time", At(1, 12, 0))]),
    ),
    case(
        "Push the Spanish lesson to Friday at four pm.",
        Call("reschedule_task", &[("task", Has("spanish")), ("new_time", At(6, 16, 0))]),
    ),
    case(
        "Change the haircut to Wednesday at eleven am.",
        Call("reschedule_task", &[("task", Has("haircut")), ("new_time", At(4, 11, 0))]),
    ),
    case(
        "Can you move pay the rent to tomorrow at nine am?",
        Call("reschedule_task", &[("task", Has("rent")), ("new_time", At(1, 9, 0))]),
    ),
    case("What's on my list for tomorrow?", Call("list_tasks", &[("day", Day(1))])),
    case("What do I have today?", Call("list_tasks", &[("day", CoversToday)])),
    case("Show me my tasks for Monday.", Call("list_tasks", &[("day", Day(2))])),
    case("What are my tasks this week?", Call("list_tasks", &[("day", CoversToday)])),
    case("Do I have anything on Friday?", Call("list_tasks", &[("day", Day(6))])),
    case("I finished the Spanish lesson.", Call("complete_task", &[("task", Has("spanish"))])),
    case("Mark buy milk as done.", Call("complete_task", &[("task", Has("milk"))])),
    case("I'm done with the dentist.", Call("complete_task", &[("task", Has("dentist"))])),
    case("Check off pay the rent.", Call("complete_task", &[("task", Has("rent"))])),
    case("The haircut is done.", Call("complete_task", &[("task", Has("haircut"))])),
    case(
        "My goal is to learn Spanish in three months.",
        Call("submit_goal_intent", &[("goal_statement", Has("spanish")), ("timeline", Has("three months"))]),
    ),
    case(
        "I want to run a marathon by next summer.",
        Call("submit_goal_intent", &[("goal_statement", Has("marathon")), ("timeline", Has("summer"))]),
    ),
    case(
        "I'd like to read twenty books this year.",
        Call("submit_goal_intent", &[("goal_statement", Has("books")), ("timeline", Has("year"))]),
    ),
    case(
        "Set a goal to lose five kilos by March.",
        Call("submit_goal_intent", &[("goal_statement", Has("lose")), ("timeline", Has("march"))]),
    ),
    case(
        "My goal is to save money within six months.",
        Call("submit_goal_intent", &[("goal_statement", Has("save money")), ("timeline", Has("six months"))]),
    ),
    case("Add a task to call mom.", Ask),
    case("Remind me to buy flowers.", Ask),
    case("Move the dentist.", Ask),
    case("Set a goal to learn the piano.", Ask),
    case("Schedule something for tomorrow at five.", Nothing),
    case("What's the weather like today?", Nothing),
    case("Tell me a joke.", Nothing),
    case("Hello Flux, how are you?", Nothing),
    case("What time is it?", Nothing),
    case("Play some music please.", Nothing),
    case("Thank you, that's all.", Nothing),
    case("Who won the game last night?", Nothing),
];
