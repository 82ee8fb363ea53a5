//! The tray icon: shows the conversation state in its tooltip and starts or stops talking.

use companion::desktop::{App, AppStatus, TalkMode};
use std::sync::Arc;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{Manager, Runtime};

const TRAY_ID: &str = "flux";

pub fn create<R: Runtime>(handle: &tauri::AppHandle<R>) -> tauri::Result<()> {
    let toggle = MenuItem::with_id(handle, "toggle", "Start talking", true, None::<&str>)?;
    let show = MenuItem::with_id(handle, "show", "Open Flux", true, None::<&str>)?;
    let quit = MenuItem::with_id(handle, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(handle, &[&toggle, &show, &quit])?;
    let icon = tauri::image::Image::from_bytes(include_bytes!("../icons/tray.png"))?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon)
        .tooltip("Flux: idle")
        .menu(&menu)
        .on_menu_event(|handle, event| match event.id().as_ref() {
            "toggle" => toggle_talk(handle),
            "show" => crate::show_main(handle),
            "quit" => {
                let _ = handle.state::<Arc<App>>().stop_talk();
                handle.exit(0);
            }
            _ => {}
        })
        .build(handle)?;
    Ok(())
}

fn toggle_talk<R: Runtime>(handle: &tauri::AppHandle<R>) {
    let app = handle.state::<Arc<App>>().inner().clone();
    if app.status().talking {
        let _ = app.stop_talk();
        return;
    }
    tauri::async_runtime::spawn(async move {
        if let Err(e) = app.start_talk(TalkMode::HandsFree).await {
            tracing::warn!("could not start talking from the tray: {e}");
        }
    });
}

/// Mirrors the state in the tray's tooltip, so it reads "Flux: listening" at a glance.
pub fn reflect<R: Runtime>(handle: &tauri::AppHandle<R>, s: &AppStatus) {
    if let Some(tray) = handle.tray_by_id(TRAY_ID) {
        let state = match (&s.state, s.talking) {
            (_, false) => "idle".to_string(),
            (Some(st), true) => serde_json::to_value(st)
                .ok()
                .and_then(|v| v.as_str().map(|x| x.replace('_', " ")))
                .unwrap_or_else(|| "talking".into()),
            (None, true) => "starting".into(),
        };
        let _ = tray.set_tooltip(Some(format!("Flux: {state}")));
    }
}
