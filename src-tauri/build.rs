// The Tauri config lives at the repository root (the project's layout), so the build runs from
// there; capabilities stay beside this crate.

#[path = "src/command_table.rs"]
mod command_table;

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=src/command_table.rs");
    let names: Vec<&'static str> = command_table::COMMANDS.iter().map(|c| c.1).collect();
    write_invoke_handler(&names);

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    println!("cargo:rerun-if-changed={}", root.join("tauri.conf.json").display());
    println!("cargo:rerun-if-changed=capabilities");
    if let Err(e) = std::env::set_current_dir(&root) {
        panic!("cannot enter {}: {e}", root.display());
    }
    // Declaring the commands makes each one need a permission; capabilities grant them.
    let manifest = tauri_build::AppManifest::new().commands(names.leak());
    let attrs = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(manifest);
    if let Err(e) = tauri_build::try_build(attrs) {
        panic!("tauri build failed: {e:#}");
    }
}

/// `$OUT_DIR/invoke_handler.rs`: `tauri::generate_handler!` over every listed command, for
/// `lib.rs` to include (the macro needs the functions' paths, which a table of strings cannot
/// give it at compile time).
fn write_invoke_handler(names: &[&str]) {
    let mut src = String::from("tauri::generate_handler![\n");
    for name in names {
        let _ = writeln!(src, "    commands::{name},");
    }
    src.push_str("]\n");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let path = out.join("invoke_handler.rs");
    if let Err(e) = std::fs::write(&path, src) {
        panic!("cannot write {}: {e}", path.display());
    }
}
