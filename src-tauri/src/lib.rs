//! Flux Companion's desktop shell: wires the core's `App` into Tauri commands, events, a tray
//! icon, a global push-to-talk shortcut and a single-instance window. Behaviour lives in the core.

pub mod commands;
mod keychain;
mod tray;

use companion::desktop::{App, AppEvent, KeyStore, Notify};
use std::sync::Arc;
use tauri::{Builder, Emitter, Manager, Runtime};

pub const SESSION_EVENT: &str = "session-event";
pub const STATUS_EVENT: &str = "app-status";
/// Hold to talk, anywhere on the desktop.
pub const PUSH_TO_TALK_SHORTCUT: &str = "CommandOrControl+Shift+Space";

/// Registers the app state and the commands; tests call it with the mock runtime.
pub fn setup<R: Runtime>(builder: Builder<R>, app: Arc<App>) -> Builder<R> {
    builder.manage(app).invoke_handler(app_commands!())
}

/// Sends core events to every window; the handle is filled in once Tauri has started.
pub fn notifier<R: Runtime>(slot: Arc<std::sync::OnceLock<tauri::AppHandle<R>>>) -> Notify {
    Arc::new(move |event: AppEvent| {
        let Some(handle) = slot.get() else { return };
        let result = match &event {
            AppEvent::Session(e) => handle.emit(SESSION_EVENT, e),
            AppEvent::Status(s) => {
                tray::reflect(handle, s);
                handle.emit(STATUS_EVENT, s)
            }
        };
        if let Err(e) = result {
            tracing::warn!("could not send an event to the window: {e}");
        }
    })
}

pub fn run() {
    let _ =
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("warn,companion=info,flux_desktop=info")
            }))
            .with_writer(std::io::stderr)
            .try_init();
    let data_dir = match companion::config::resolve_data_dir(None) {
        Ok(d) => d,
        Err(e) => fail(&e.to_string()),
    };
    let slot = Arc::new(std::sync::OnceLock::new());
    let keys: Arc<dyn KeyStore> = Arc::new(keychain::OsKeychain);
    let app = match App::open(&data_dir, keys, notifier(slot.clone())) {
        Ok(a) => Arc::new(a),
        Err(e) => fail(&format!("cannot open {}: {e}", data_dir.display())),
    };
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|handle, _args, _cwd| show_main(handle)))
        .plugin(shortcut_plugin());
    let result = setup(builder, app)
        .setup(move |tauri_app| {
            let _ = slot.set(tauri_app.handle().clone());
            tray::create(tauri_app.handle())?;
            register_shortcut(tauri_app.handle());
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window keeps Flux in the tray; Quit is in the tray menu.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if window.label() == "main" {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        fail(&format!("the app stopped: {e}"));
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(1);
}

pub(crate) fn show_main<R: Runtime>(handle: &tauri::AppHandle<R>) {
    if let Some(w) = handle.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

fn shortcut_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_global_shortcut::ShortcutState;
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|handle, _shortcut, event| {
            let app = handle.state::<Arc<App>>();
            app.push_to_talk(event.state() == ShortcutState::Pressed);
        })
        .build()
}

/// A desktop without global shortcuts (Wayland without a portal, a taken combination) keeps the
/// in-window hold-to-talk button; the failure is logged, never fatal.
fn register_shortcut<R: Runtime>(handle: &tauri::AppHandle<R>) {
    use tauri_plugin_global_shortcut::GlobalShortcutExt;
    if let Err(e) = handle.global_shortcut().register(PUSH_TO_TALK_SHORTCUT) {
        tracing::warn!("push-to-talk shortcut {PUSH_TO_TALK_SHORTCUT} unavailable: {e}");
    }
}
