//! The `companion` command line. Each room adds its subcommands in a file of its own here; this
//! file only parses and dispatches. Errors become one clear line on stderr and a non-zero exit.

mod audio;
mod context;
mod goals;
mod models;
mod review;
mod serve;
mod sync;
mod table;
mod talk;
mod talk_print;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "companion",
    version,
    about = "Flux Companion: a voice companion that keeps your goals and tasks"
)]
pub struct Cli {
    /// Where sessions, settings and tasks live (default: the OS data dir).
    #[arg(long, global = true, env = "COMPANION_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the control-plane REST API on 127.0.0.1.
    Serve(serve::ServeArgs),
    /// Past conversations.
    #[command(subcommand)]
    Sessions(review::SessionsCmd),
    /// Full-text search across every conversation.
    Search(review::SearchArgs),
    /// Export one conversation as Markdown, JSON, SRT or VTT.
    Export(review::ExportArgs),
    /// Tasks the assistant keeps for you.
    #[command(subcommand)]
    Tasks(review::TasksCmd),
    /// Goals you set, with their plans (milestones) and progress.
    #[command(subcommand)]
    Goals(goals::GoalsCmd),
    /// List audio input and output devices with their default formats.
    Devices(audio::DevicesArgs),
    /// Record from a microphone through the capture path into a WAV file.
    Record(audio::RecordArgs),
    /// Play a WAV file through the playback path (waits until it has been heard).
    Play(audio::PlayArgs),
    /// Talk with Flux: microphone and speakers (or WAV files) until Ctrl-C.
    Talk(talk::TalkArgs),
    /// The local voice models: where they are, which are installed, whether they are whole.
    Models(models::ModelsArgs),
    /// Deliver conversations to the hosted plane (sync.url, COMPANION_SYNC_TOKEN) and exit.
    Sync(sync::SyncArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let result = match cli.command {
        Command::Serve(args) => serve::run(cli.data_dir.as_deref(), args),
        Command::Sessions(cmd) => review::sessions(cli.data_dir.as_deref(), cmd),
        Command::Search(args) => review::search(cli.data_dir.as_deref(), args),
        Command::Export(args) => review::export(cli.data_dir.as_deref(), args),
        Command::Tasks(cmd) => review::tasks(cli.data_dir.as_deref(), cmd),
        Command::Goals(cmd) => goals::run(cli.data_dir.as_deref(), cmd),
        Command::Devices(args) => audio::devices(args),
        Command::Record(args) => audio::record(args),
        Command::Play(args) => audio::play(args),
        Command::Talk(args) => talk::run_talk(cli.data_dir.as_deref(), args),
        Command::Models(args) => models::run(cli.data_dir.as_deref(), args),
        Command::Sync(args) => sync::run(cli.data_dir.as_deref(), args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and each of its causes once. Many of the rooms' errors end their own message with
/// their cause (so a plain `{e}` says it too), and `{e:#}` would print it a second time.
fn describe(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Logs go to stderr (stdout is for results and `--json`); `RUST_LOG` tunes them.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,companion=info"));
    // Colour codes only for a terminal: a log piped to a file or another program stays plain.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn a_cause_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotADirectory, "Not a directory");
        let named = crate::store::StoreError::DataDir { path: "/x/y".into(), source: io };
        assert_eq!(describe(&named.into()), "cannot create the data directory /x/y: Not a directory");
        // A cause the message does not name is still said.
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let wrapped = anyhow::Error::new(io).context("cannot open the models");
        assert_eq!(describe(&wrapped), "cannot open the models: gone");
    }
}
