//! Starting at login (the autostart plugin: an XDG autostart entry on Linux) and staying in the
//! tray when started that way. The decision is the core's `StartupSettings`.

use companion::config::{StartupSettings, AT_LOGIN_ARG};
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::AutoLaunchManager;

/// The login entry's name (`~/.config/autostart/flux-companion.desktop`).
const ENTRY: &str = "flux-companion";

pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_autostart::Builder::new().app_name(ENTRY).arg(AT_LOGIN_ARG).build()
}

/// Makes the system's login entry match the setting. Written again when on, so it follows the
/// program if it moved (a reinstall, a new package).
pub fn apply<R: Runtime>(handle: &AppHandle<R>, s: &StartupSettings) -> Result<(), String> {
    let Some(launcher) = handle.try_state::<AutoLaunchManager>() else {
        return Err("Settings saved, but starting at login is not available here".into());
    };
    let result = if s.at_login {
        launcher.enable()
    } else if launcher.is_enabled().unwrap_or(false) {
        launcher.disable()
    } else {
        Ok(())
    };
    result.map_err(|e| {
        let what = if s.at_login { "added to" } else { "removed from" };
        format!("Settings saved, but Flux could not be {what} the programs started at login: {e}")
    })
}

/// Opens the main window at launch unless Flux was started at login to stay in the tray.
pub fn show_at_launch<R: Runtime>(handle: &AppHandle<R>, s: &StartupSettings) {
    if s.show_window(std::env::args()) {
        crate::show_main(handle);
    }
}
