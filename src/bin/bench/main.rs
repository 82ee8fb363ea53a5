//! `companion-bench`: prints the speed and memory figures the product has targets for. Run with
//! `cargo run --release --features bench --bin companion-bench -- [store|http|audio|agent|local|sync|soak|all]
//! [--messages N] [--data-dir DIR] [--provider deepgram|openai] [--turns N] [--minutes N]
//! [--pace P]`. `--data-dir` keeps the store's history there and reuses it on the next run.
//! `all` runs every one but `sync` (a 100,000-message delivery, a 10 s idle window and 20 s of
//! live writes: about a minute and a half) and `soak` (memory, open files and per-frame latency
//! of an N-minute `companion talk`, default 60, at P times real time, default 1), which run on
//! request.

mod agent;
mod agent_openai;
mod corpus;
mod frame_lateness;
mod http;
mod local;
mod local_score;
mod local_set;
mod local_talk;
mod soak;
mod soak_probe;
mod soak_wav;
mod stats;
mod store;
mod store_retention;
mod store_search;
mod sync;
mod sync_plane;
mod thread_cpu;

use companion::audio::Speedup;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map(String::as_str).unwrap_or("all");
    let messages = args
        .iter()
        .position(|a| a == "--messages")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000usize);
    let provider = args
        .iter()
        .position(|a| a == "--provider")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .unwrap_or("deepgram");
    let turns = args
        .iter()
        .position(|a| a == "--turns")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(12usize);
    let keep = args
        .iter()
        .position(|a| a == "--data-dir")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let run = |name: &str| what == name || what == "all";
    let result = (|| -> anyhow::Result<()> {
        if run("store") {
            store::run(messages, keep.as_deref())?;
        }
        if run("http") {
            http::run()?;
        }
        if run("audio") {
            print!("{}", companion::audio::bench::run());
        }
        if run("agent") {
            print!("{}", agent::run(provider));
        }
        if run("local") {
            print!("{}", local::run(turns)?);
        }
        if what == "sync" {
            sync::run()?;
        }
        if what == "soak" {
            let minutes = args
                .iter()
                .position(|a| a == "--minutes")
                .and_then(|i| args.get(i + 1))
                .and_then(|n| n.parse().ok())
                .unwrap_or(60u64);
            // The same factor, and the same check, as `companion talk --pace`.
            let pace = match args.iter().position(|a| a == "--pace") {
                None => Speedup::REAL_TIME,
                Some(i) => Speedup::parse(args.get(i + 1).map_or("", String::as_str))?,
            };
            soak::run(minutes, pace)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
