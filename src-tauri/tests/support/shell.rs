//! The desktop shell on Tauri's mock runtime, with the core `App` on a fresh data dir and real
//! IPC: what the command tests call.

use companion::desktop::{App, AppEvent, MemoryKeyStore};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

pub struct Shell {
    _dir: tempfile::TempDir,
    pub app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub events: Arc<Mutex<Vec<AppEvent>>>,
}

pub fn shell() -> Shell {
    // The key must come from the keychain only, never from the developer's environment.
    std::env::remove_var("DEEPGRAM_API_KEY");
    std::env::remove_var("OPENAI_API_KEY");
    // Nor may the test machine's voice models (talking on this computer is not tested here).
    std::env::remove_var("COMPANION_MODELS_DIR");
    let dir = tempfile::tempdir().unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let core = App::open(
        dir.path(),
        Arc::new(MemoryKeyStore::default()),
        Arc::new(move |e| sink.lock().unwrap().push(e)),
    )
    .unwrap();
    let app = flux_desktop::setup(mock_builder(), Arc::new(core)).build(mock_context(noop_assets())).unwrap();
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    Shell { _dir: dir, app, window, events }
}

impl Shell {
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, String> {
        let res = get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        );
        match res {
            Ok(body) => Ok(body.deserialize::<Value>().unwrap()),
            Err(e) => Err(e.as_str().map(str::to_string).unwrap_or_else(|| e.to_string())),
        }
    }
}
