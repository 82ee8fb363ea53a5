//! `plan_goal`: the milestones the language model proposes become the goal's tasks, due at the
//! end of their weeks; bad plans change nothing and say why; a call id runs once; undo removes
//! the whole plan.

#[path = "support/intent_kit.rs"]
mod intent_kit;

use companion::intents::{self, CancelOutcome};
use companion::store::{goals, tasks, CallStatus, TaskRow};
use intent_kit::Fixture;
use serde_json::{json, Value};

fn with_goal(f: &Fixture, statement: &str) -> String {
    let n = f.store.read(goals::list_goals).unwrap().len();
    let out = f.call(
        &format!("goal-{n}"),
        "submit_goal_intent",
        json!({"goal_statement": statement, "timeline": "3 months"}),
    );
    assert_eq!(out.status, CallStatus::Executed, "{}", out.result);
    f.store.read(goals::list_goals).unwrap().pop().unwrap().id
}

fn milestones(n: usize) -> Value {
    Value::Array((1..=n).map(|i| json!({"title": format!("Step {i}"), "week": i})).collect())
}

fn plan_of(f: &Fixture, goal_id: &str) -> Vec<TaskRow> {
    f.store.read(|c| tasks::tasks_of_goal(c, goal_id)).unwrap()
}

#[test]
fn a_plan_becomes_the_goals_milestones_due_at_the_end_of_their_weeks() {
    let f = Fixture::new();
    let goal = with_goal(&f, "Learn Spanish");
    let out = f.call(
        "plan-1",
        "plan_goal",
        json!({"goal": "learn spanish", "milestones": [
            {"title": "Hold a five-minute conversation", "week": 12},
            {"title": "Learn 100 common words", "week": 1},
            {"title": "Order food in Spanish", "week": "4"},
        ]}),
    );
    assert_eq!(out.status, CallStatus::Executed, "{}", out.result);
    assert!(out.result.starts_with("Planned Learn Spanish in 3 milestones"), "{}", out.result);
    assert!(out.result.contains("first, Learn 100 common words by Monday 30 November"), "{}", out.result);

    let plan = plan_of(&f, &goal);
    let got: Vec<(&str, String)> =
        plan.iter().map(|t| (t.title.as_str(), t.scheduled_at.at().to_rfc3339())).collect();
    // Monday 23 November in Madrid; week N is due at 09:00 local, 7 x N days later (February is
    // still winter time).
    assert_eq!(
        got,
        [
            ("Learn 100 common words", "2026-11-30T09:00:00+01:00".to_string()),
            ("Order food in Spanish", "2026-12-21T09:00:00+01:00".to_string()),
            ("Hold a five-minute conversation", "2027-02-15T09:00:00+01:00".to_string()),
        ]
    );
    assert!(plan.iter().all(|t| t.goal_id.as_deref() == Some(goal.as_str())));
    assert_eq!(plan[1].notes, "Week 4 of the plan.");
    // Only the goal's own tasks: an ordinary task is not a milestone.
    f.call("t-1", "create_task", json!({"title": "Dentist", "scheduled_at": "2026-11-24T10:00:00"}));
    assert_eq!(plan_of(&f, &goal).len(), 3);
}

#[test]
fn bad_plans_change_nothing_and_say_why() {
    let f = Fixture::new();
    with_goal(&f, "Learn Spanish");
    with_goal(&f, "Run a marathon");
    let cases = [
        (json!({"goal": "Learn Spanish", "milestones": milestones(1)}), "between 2 and 12"),
        (json!({"goal": "Learn Spanish", "milestones": milestones(13)}), "between 2 and 12"),
        (json!({"goal": "Learn Spanish"}), "needs 'milestones'"),
        (json!({"goal": "Learn Spanish", "milestones": "one, two"}), "must be a list"),
        (json!({"goal": "Learn Spanish", "milestones": [{"title": "a", "week": 1}, 7]}), "item 2 is not"),
        (
            json!({"goal": "Learn Spanish", "milestones": [{"title": "a", "week": 1}, {"title": "b"}]}),
            "item 2 of 'milestones' needs 'week'",
        ),
        (
            json!({"goal": "Learn Spanish", "milestones": [{"title": "a", "week": 1}, {"title": "b", "week": 53}]}),
            "between 1 and 52",
        ),
        (
            json!({"goal": "Learn Spanish", "milestones": [{"title": "", "week": 1}, {"title": "b", "week": 2}]}),
            "must not be empty",
        ),
        (
            json!({"goal": "Learn Spanish", "milestones": [{"title": "a", "week": 1, "why": "x"}, {"title": "b", "week": 2}]}),
            "no field 'why'",
        ),
        (
            json!({"goal": "Learn Spanish", "milestones": [{"title": "a".repeat(121), "week": 1}, {"title": "b", "week": 2}]}),
            "at most 120",
        ),
        (json!({"goal": "Knit a scarf", "milestones": milestones(3)}), "couldn't find a goal"),
    ];
    for (i, (args, why)) in cases.iter().enumerate() {
        let out = f.call(&format!("bad-{i}"), "plan_goal", args.clone());
        assert_eq!(out.status, CallStatus::Failed, "{args}: {}", out.result);
        assert!(out.result.contains(why), "{args}: {}", out.result);
    }
    assert!(f.tasks().is_empty(), "a refused plan stores nothing");
}

#[test]
fn a_goal_is_planned_once_and_a_call_id_runs_once() {
    let f = Fixture::new();
    let goal = with_goal(&f, "Learn Spanish");
    let args = json!({"goal": goal, "milestones": milestones(4)});
    let first = f.call("plan-1", "plan_goal", args.clone());
    assert_eq!(first.status, CallStatus::Executed, "{}", first.result);
    let again = f.call("plan-1", "plan_goal", args.clone());
    assert!(again.replayed && again.result == first.result);
    let second = f.call("plan-2", "plan_goal", args);
    assert_eq!(second.status, CallStatus::Failed);
    assert!(second.result.contains("already has a plan of 4 milestones"), "{}", second.result);
    assert_eq!(plan_of(&f, &goal).len(), 4);
}

#[test]
fn undo_removes_the_whole_plan_and_nothing_else() {
    let f = Fixture::new();
    let goal = with_goal(&f, "Learn Spanish");
    f.call("t-1", "create_task", json!({"title": "Dentist", "scheduled_at": "2026-11-24T10:00:00"}));
    f.call("plan-1", "plan_goal", json!({"goal": "Spanish", "milestones": milestones(5)}));
    // A milestone edited by hand since is still part of the plan.
    let edited = plan_of(&f, &goal)[0].id.clone();
    f.store
        .write(|tx| tasks::set_status(tx, &edited, companion::store::TaskStatus::Done, f.clock.now()))
        .unwrap();

    let undone = intents::cancel(&f.store, "plan-1", None, "plan_goal", &f.clock).unwrap();
    assert_eq!(undone, CancelOutcome::Reverted);
    assert!(plan_of(&f, &goal).is_empty());
    let left: Vec<String> = f.tasks().into_iter().map(|t| t.title).collect();
    assert_eq!(left, ["Dentist"]);
    assert_eq!(f.store.read(goals::list_goals).unwrap().len(), 1, "the goal stays");
    // Planned anew after the undo.
    let again = f.call("plan-2", "plan_goal", json!({"goal": "Spanish", "milestones": milestones(2)}));
    assert_eq!(again.status, CallStatus::Executed, "{}", again.result);
}

#[test]
fn two_goals_matching_the_words_are_an_ambiguity() {
    let f = Fixture::new();
    with_goal(&f, "Learn Spanish grammar");
    with_goal(&f, "Learn Spanish vocabulary");
    let out = f.call("plan-1", "plan_goal", json!({"goal": "spanish", "milestones": milestones(2)}));
    assert_eq!(out.status, CallStatus::Failed);
    assert!(out.result.contains("matches 2 goals") && out.result.contains("Which one?"), "{}", out.result);
}

#[test]
fn companion_goals_show_prints_the_plan_and_its_progress() {
    let f = Fixture::new();
    let goal = with_goal(&f, "Learn Spanish");
    f.call("plan-1", "plan_goal", json!({"goal": "Spanish", "milestones": milestones(3)}));
    let first = plan_of(&f, &goal)[0].id.clone();
    f.store
        .write(|tx| tasks::set_status(tx, &first, companion::store::TaskStatus::Done, f.clock.now()))
        .unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_companion"))
            .args(args)
            .env("COMPANION_DATA_DIR", f._dir.path())
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let shown = run(&["goals", "show", "spanish"]);
    assert!(shown.starts_with("Learn Spanish\n"), "{shown}");
    assert!(shown.contains("1 of 3 done"), "{shown}");
    let rows: Vec<&str> = shown.lines().filter(|l| l.contains("Step ")).collect();
    assert_eq!(rows.len(), 3, "{shown}");
    assert!(
        rows[0].contains("Step 1") && rows[0].contains("done") && rows[0].contains("2026-11-30"),
        "{shown}"
    );
    let json: Value = serde_json::from_str(&run(&["goals", "show", &goal, "--json"])).unwrap();
    assert_eq!((json["done"].clone(), json["milestones"].as_array().map(Vec::len)), (json!(1), Some(3)));
    assert!(run(&["goals", "list"]).contains("1 of 3 done"));
}
