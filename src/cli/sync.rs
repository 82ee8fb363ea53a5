//! `companion sync`: deliver everything the hosted plane has not got yet and exit, or show where
//! delivery stands (`--status`), or act on what waits for the user (`--retry`, `--discard`).

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};

use crate::desktop::OsKeychain;
use crate::launch::SyncToken;
use crate::sync::{manage, status, DrainEnd, Progress, Sync, SyncConfig, SyncLock, SyncStatus};
use crate::time::Clock;

#[derive(clap::Args)]
pub struct SyncArgs {
    /// Show what is pending, quarantined and when it last worked; send nothing.
    #[arg(long)]
    pub status: bool,
    /// With --status: one JSON object on stdout.
    #[arg(long, requires = "status")]
    pub json: bool,
    /// Give up after this many seconds (exit 1 with what is left).
    #[arg(long, value_name = "N")]
    pub max_seconds: Option<u64>,
    /// Put a quarantined item (its number from --status) back in line, or `all`; then deliver.
    #[arg(long, value_name = "ID|all")]
    pub retry: Option<String>,
    /// Drop a quarantined item (its number) for good; the plane will not get it.
    #[arg(long, value_name = "ID")]
    pub discard: Option<i64>,
    /// Try a conversation whose session the plane lost again.
    #[arg(long, value_name = "CONVERSATION")]
    pub retry_session: Option<String>,
    /// Give up on what a lost conversation still owes the plane (it stays on this computer).
    #[arg(long, value_name = "CONVERSATION")]
    pub discard_session: Option<String>,
}

pub fn run(data_dir: Option<&Path>, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let opened = super::context::open(data_dir)?;
    let settings = opened.service.settings();
    let store = opened.service.shared_store();
    let clock = Clock::System;
    let config = SyncConfig::from_settings(&settings);
    if args.status {
        let st = status::read(&store, config.is_some(), settings.sync.enabled, clock.now())?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&st)?);
        } else {
            print_status(&st, config.as_ref());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(id) = args.discard {
        if !manage::discard_item(&store, id)? {
            bail!("there is no item {id} waiting to be synced (see `companion sync --status`)");
        }
        println!("Item {id} discarded; the plane will not get it.");
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(conv) = &args.discard_session {
        let n = manage::discard_session(&store, conv, &clock)?;
        println!("{n} item(s) of conversation {conv} discarded.");
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(conv) = &args.retry_session {
        if !manage::retry_session(&store, conv, &clock)? {
            bail!("conversation {conv} has no lost session to retry (see `companion sync --status`)");
        }
    }
    if let Some(which) = &args.retry {
        let id = match which.as_str() {
            "all" => None,
            n => Some(
                n.parse::<i64>().map_err(|_| anyhow!("--retry takes an item number or `all`, not {n:?}"))?,
            ),
        };
        manage::retry_item(&store, id)?;
    }
    let config = config.ok_or_else(|| {
        anyhow!("no hosted plane is set up: set sync.url in settings.yaml or COMPANION_SYNC_URL, and COMPANION_SYNC_TOKEN")
    })?;
    let token = Arc::new(SyncToken::env_first(Arc::new(OsKeychain)));
    let deadline = args.max_seconds.map(|s| Instant::now() + Duration::from_secs(s));
    // One thread: the delivery chain and its connection never wait for each other's wake-ups.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let end = match SyncLock::try_acquire(&opened.data_dir)? {
        Some(_lock) => {
            let sync = Sync::new(store.clone(), &config, token, clock.clone());
            let bar = bar();
            let mut on_progress = |p: Progress| {
                bar.set_length(p.delivered + p.pending.max(0) as u64);
                bar.set_position(p.delivered);
            };
            let end = rt.block_on(sync.drain(deadline, &mut on_progress));
            bar.finish_and_clear();
            end?
        }
        None => {
            eprintln!("Another Flux process is syncing this data dir; waiting for it to finish.");
            rt.block_on(wait_for_other(&store, deadline))?
        }
    };
    match end {
        DrainEnd::Done => {
            println!("Synced: the plane has everything.");
            Ok(ExitCode::SUCCESS)
        }
        DrainEnd::Blocked(n) => {
            bail!("{n} item(s) wait for you: the plane refused some of them or lost their session; see `companion sync --status`")
        }
        DrainEnd::TimedOut(n, why) => match why {
            Some(why) => bail!("{n} item(s) not delivered in time; last error: {why}"),
            None => bail!("{n} item(s) not delivered in time"),
        },
    }
}

async fn wait_for_other(store: &crate::store::Store, deadline: Option<Instant>) -> anyhow::Result<DrainEnd> {
    loop {
        let pending = store.read(crate::store::outbox::pending)?.items;
        if pending == 0 {
            return Ok(DrainEnd::Done);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(DrainEnd::TimedOut(pending, None));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} syncing {pos}/{len} items [{bar:30}] {per_sec} {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn print_status(st: &SyncStatus, config: Option<&SyncConfig>) {
    let state =
        serde_json::to_value(st.state).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    println!("Sync: {}", state.replace('_', " "));
    if let Some(c) = config {
        println!("Plane: {} (user {})", c.url, c.user_id);
    }
    println!("Background sync: {}", if st.enabled { "on" } else { "off" });
    println!(
        "Pending: {} session(s), {} message(s), {} intent(s)",
        st.pending_sessions, st.pending_messages, st.pending_intents
    );
    println!("Last success: {}", st.last_success.as_deref().unwrap_or("never"));
    if let Some(e) = &st.last_error {
        println!("Last error: {e}");
    }
    if st.needs_sign_in {
        println!(
            "Needs sign-in: the plane refused the token; set a new one (COMPANION_SYNC_TOKEN or the app)."
        );
    }
    if let Some(t) = &st.rate_limited_until {
        println!("Rate limited until: {t}");
    }
    if let Some(o) = &st.orphan {
        println!("Orphan session: {o}");
    }
    for q in &st.quarantined {
        println!("Quarantined #{} ({} of {}): {}", q.id, q.kind.as_str(), q.conversation_id, q.reason);
    }
    for l in &st.lost_sessions {
        println!("Lost session of {}: {}", l.conversation_id, l.detail);
    }
}
