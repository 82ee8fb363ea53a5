//! Review commands: sessions, search, export, tasks. Read-only and offline; `--json`
//! prints machine-readable output for scripts, tables otherwise.

use super::table::Table;
use crate::export::{self, Format};
use anyhow::Context;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum SessionsCmd {
    /// Newest first.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// One session: transcript, function calls, metrics.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
pub struct SearchArgs {
    pub query: String,
    #[arg(long, default_value_t = 20)]
    pub limit: i64,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    pub id: String,
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
pub enum TasksCmd {
    List {
        #[arg(long)]
        json: bool,
    },
}

pub(super) fn print_json<T: Serialize>(v: &T) -> anyhow::Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(ExitCode::SUCCESS)
}

pub fn sessions(dir: Option<&Path>, cmd: SessionsCmd) -> anyhow::Result<ExitCode> {
    let svc = super::context::open(dir)?.service;
    match cmd {
        SessionsCmd::List { limit, json } => {
            let rows = svc.list_sessions(limit)?;
            if json {
                return print_json(&rows);
            }
            let mut t = Table::new(&["ID", "STARTED", "DURATION", "STATUS", "MESSAGES", "FIRST WORDS"]);
            for r in rows {
                let mut status = match &r.end_reason {
                    Some(why) if r.status.as_str() == "interrupted" => format!("interrupted ({why})"),
                    _ => r.status.as_str().to_string(),
                };
                let duration = crate::time::duration_words(&r.started_at, r.ended_at.as_deref());
                if r.safety_notice {
                    status.push_str(", safety notice shown");
                }
                t.row(vec![
                    r.id,
                    r.started_at,
                    duration,
                    status,
                    r.message_count.to_string(),
                    r.first_words.unwrap_or_else(|| "(no words)".into()),
                ]);
            }
            print!("{}", t.render());
        }
        SessionsCmd::Show { id, json } => {
            let d = svc.session_detail(&id)?;
            if json {
                return print_json(&d);
            }
            print!("{}", export::render(&d, Format::Md));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn search(dir: Option<&Path>, args: SearchArgs) -> anyhow::Result<ExitCode> {
    // Punctuation alone (or nothing) would find nothing: say why rather than "no match".
    if crate::store::search::fts_query(&args.query).is_none() {
        anyhow::bail!("{:?} has no words to search for; give one or more words", args.query);
    }
    let svc = super::context::open(dir)?.service;
    let marks = if args.json { ("[", "]") } else { ("\x1b[1m", "\x1b[0m") };
    let hits = svc.search(&args.query, args.limit, marks)?;
    if args.json {
        return print_json(&hits);
    }
    if hits.is_empty() {
        println!("No messages match {:?}.", args.query);
    }
    for h in hits {
        println!("{}  {}  {:<9} {}", h.conversation_id, h.created_at, h.role, h.snippet.replace('\n', " "));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(dir: Option<&Path>, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let svc = super::context::open(dir)?.service;
    let d = svc.session_detail(&args.id)?;
    let text = export::render(&d, args.format);
    match args.output {
        Some(path) => {
            crate::config::write_atomically(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn tasks(dir: Option<&Path>, cmd: TasksCmd) -> anyhow::Result<ExitCode> {
    let svc = super::context::open(dir)?.service;
    let TasksCmd::List { json } = cmd;
    let rows = svc.tasks()?;
    if json {
        return print_json(&rows);
    }
    let mut t = Table::new(&["WHEN", "TITLE", "MIN", "STATUS", "ID"]);
    for r in rows {
        let mins = r.duration_minutes.map(|m| m.to_string()).unwrap_or_default();
        t.row(vec![r.scheduled_at.to_string(), r.title, mins, r.status.as_str().to_string(), r.id]);
    }
    print!("{}", t.render());
    Ok(ExitCode::SUCCESS)
}
