//! Devices plugged in or out while the desktop app is open reach the window without being asked:
//! the device lists and the status are pushed when what the audio host lists changes, and only
//! then. The host's list is given by the test (nothing here can plug a device in on demand).

use companion::desktop::hotplug::{self, Present};
use companion::desktop::{App, AppEvent, MemoryKeyStore};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(40);

fn devices(inputs: &[&str], default_input: Option<&str>) -> Present {
    Present {
        inputs: inputs.iter().map(|s| s.to_string()).collect(),
        outputs: vec!["default".into()],
        default_input: default_input.map(str::to_string),
        default_output: Some("default".into()),
        error: None,
    }
}

/// What the window was told: device lists and status pushes, in order.
fn window() -> (Arc<Mutex<Vec<&'static str>>>, companion::desktop::Notify) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let notify: companion::desktop::Notify = Arc::new(move |e: AppEvent| {
        let kind = match e {
            AppEvent::Devices(_) => "devices",
            AppEvent::Status(_) => "status",
            _ => return,
        };
        s.lock().unwrap().push(kind);
    });
    (seen, notify)
}

fn wait_for(seen: &Mutex<Vec<&'static str>>, n: usize) -> Vec<&'static str> {
    let until = Instant::now() + Duration::from_secs(5);
    while seen.lock().unwrap().len() < n && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    seen.lock().unwrap().clone()
}

#[test]
fn a_device_plugged_in_or_a_new_default_is_pushed_and_nothing_else_is() {
    let dir = tempfile::tempdir().unwrap();
    let (seen, notify) = window();
    let app = Arc::new(App::open(dir.path(), Arc::new(MemoryKeyStore::default()), notify).unwrap());
    let host = Arc::new(Mutex::new(devices(&["default"], Some("default"))));
    let h = host.clone();
    app.watch_hotplug_with(EVERY, move || h.lock().unwrap().clone());

    // Nothing changes: nothing is pushed.
    std::thread::sleep(EVERY * 6);
    assert!(seen.lock().unwrap().is_empty(), "{:?}", seen.lock().unwrap());

    *host.lock().unwrap() = devices(&["default", "hw:CARD=USB,DEV=0"], Some("default"));
    assert_eq!(wait_for(&seen, 2), ["devices", "status"]);
    *host.lock().unwrap() = devices(&["default", "hw:CARD=USB,DEV=0"], Some("hw:CARD=USB,DEV=0"));
    assert_eq!(wait_for(&seen, 4), ["devices", "status", "devices", "status"]);
    *host.lock().unwrap() = devices(&["default"], Some("default"));
    assert_eq!(wait_for(&seen, 6).len(), 6);
    std::thread::sleep(EVERY * 6);
    assert_eq!(seen.lock().unwrap().len(), 6, "one push per change");
}

#[test]
fn the_watch_ends_with_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let (_seen, notify) = window();
    let app = Arc::new(App::open(dir.path(), Arc::new(MemoryKeyStore::default()), notify).unwrap());
    let looks = Arc::new(Mutex::new(0u32));
    let l = looks.clone();
    app.watch_hotplug_with(EVERY, move || {
        *l.lock().unwrap() += 1;
        Present::default()
    });
    std::thread::sleep(EVERY * 4);
    assert!(*looks.lock().unwrap() >= 2, "the watch looks again and again");
    drop(app);
    std::thread::sleep(EVERY * 3);
    let after = *looks.lock().unwrap();
    std::thread::sleep(EVERY * 5);
    assert_eq!(*looks.lock().unwrap(), after, "no looking once the app is gone");
}

#[test]
fn the_real_host_lists_its_devices_without_failing() {
    // Whatever this machine has, listing it is cheap and never an error the watch trips on.
    let t = Instant::now();
    let p = hotplug::present();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(p, hotplug::present(), "two looks in a row see the same devices");
}
