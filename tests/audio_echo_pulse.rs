//! Echo cancellation on a real audio server: a private PulseAudio where the microphone hears
//! the speakers. Flux plays into the null sink `spk`; a loopback with 120 ms of latency carries
//! its monitor into a second null sink `room`, whose monitor is the default microphone; the
//! user's voice is played into `room` too. The desktop app talks to the fake agent (energy VAD,
//! barge-in on user speech during a reply) through the real cpal devices.
//!
//! With `cancel`, a long reply triggers no barge-in; with `off` it does (the negative control);
//! with `cancel`, the user talking during the reply still does.

mod support;

#[allow(dead_code)]
#[path = "support/echo_path.rs"]
mod echo_path;

use std::sync::Arc;
use std::time::Duration;

use companion::config::secret::Secret;
use companion::config::{EchoSetting, Settings};
use companion::desktop::{App, AppEvent, KeyName, KeyStore, MemoryKeyStore, TalkMode};
use companion::session::{SessionEvent, SessionStats};
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::pulse::{pulse_or_skip, Pulse};
use support::{fake_grant, speech};

const TOKEN: &str = "agent-token-echo";
const REPLY_MS: u32 = 6_000;

fn pactl(pulse: &Pulse, args: &[&str]) {
    let s = pulse.cmd("pactl").args(args).status().expect("pactl runs");
    assert!(s.success(), "pactl {args:?} failed");
}

/// The room: the speakers' sound reaches the microphone 120 ms later.
fn build_room(pulse: &Pulse) {
    pactl(pulse, &["load-module", "module-null-sink", "sink_name=room", "rate=48000"]);
    pactl(pulse, &["load-module", "module-loopback", "source=spk.monitor", "sink=room", "latency_msec=120"]);
    pactl(pulse, &["load-module", "module-virtual-source", "source_name=roommic", "master=room.monitor"]);
    pactl(pulse, &["set-default-source", "roommic"]);
}

struct Run {
    barge_ins: u32,
    speech_starts: u32,
    /// The app showed "Flux can hear itself".
    told: bool,
    stats: Option<SessionStats>,
}

/// One conversation: the greeting, a pause, a long reply, a pause. `user` is played into the
/// room `user_after` into the reply.
async fn converse(
    pulse: &Pulse,
    voice: &Arc<Vec<i16>>,
    echo: EchoSetting,
    user: Option<&std::path::Path>,
) -> Run {
    let grant = fake_grant::start(TOKEN, 200).await;
    let mut cfg =
        FakeConfig::new(TOKEN, vec![Step::Sleep(3_000), Step::Reply { ms: REPLY_MS }, Step::Sleep(60_000)]);
    cfg.reply_voice = voice.clone();
    cfg.idle_timeout = Duration::from_secs(60);
    let fake = FakeAgent::start(cfg).await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.deepgram.api_url = grant.url.clone();
    settings.deepgram.agent_url = fake.url();
    settings.audio.echo = echo;
    settings.save(dir.path()).unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    keys.set(KeyName::Deepgram, &Secret::new(fake_grant::KEY).unwrap()).unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let notify = Arc::new(move |e: AppEvent| {
        if let AppEvent::Session(s) = e {
            sink.lock().unwrap().push((std::time::Instant::now(), s));
        }
    });
    let app = Arc::new(App::open(dir.path(), keys, notify).unwrap());
    app.clone().start_talk(TalkMode::HandsFree).await.expect("the conversation starts");
    // Wait for the reply to start (the fake counts audio it sends).
    let t0 = tokio::time::Instant::now();
    let opened = std::time::Instant::now();
    let greeting = fake.log().audio_bytes_out;
    while fake.log().audio_bytes_out <= greeting + 48_000 && fake.log().barge_ins == 0 {
        assert!(t0.elapsed() < Duration::from_secs(30), "the reply did not start: {:?}", fake.log());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("  {echo:?}: the reply started at +{:.2} s", opened.elapsed().as_secs_f64());
    if let Some(wav) = user {
        tokio::time::sleep(Duration::from_millis(2_000)).await;
        let s = pulse.cmd("paplay").args(["--device=room", wav.to_str().unwrap()]).status().expect("paplay");
        assert!(s.success());
    }
    tokio::time::sleep(Duration::from_millis(u64::from(REPLY_MS) + 1_000)).await;
    app.stop_talk().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = fake.log();
    let seen = seen.lock().unwrap();
    // The states and warnings, for the log when an assertion fails.
    for (at, e) in seen.iter() {
        if matches!(e, SessionEvent::State { .. } | SessionEvent::Warning { .. }) {
            eprintln!("  {echo:?} +{:.2} s: {e:?}", at.duration_since(opened).as_secs_f64());
        }
    }
    let seen: Vec<SessionEvent> = seen.iter().map(|(_, e)| e.clone()).collect();
    let told = seen.iter().any(|e| {
        matches!(e, SessionEvent::Warning { code, description }
            if code == "ECHO_HEARD" && description == companion::audio::echo::ECHO_HEARD_NOTICE)
    });
    let stats = seen.iter().rev().find_map(|e| match e {
        SessionEvent::SessionStats { stats } => Some(*stats),
        _ => None,
    });
    Run { barge_ins: log.barge_ins, speech_starts: log.speech_starts, told, stats }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flux_does_not_hear_itself_through_the_room() {
    let Some(pulse) = pulse_or_skip() else { return };
    pulse.apply_to_process();
    std::env::remove_var("COMPANION_DEEPGRAM_API_URL");
    std::env::remove_var("COMPANION_DEEPGRAM_AGENT_URL");
    build_room(&pulse);
    let dir = tempfile::tempdir().unwrap();
    let reply = echo_path::speech(dir.path(), "reply", "en-us", echo_path::REPLY, 24_000);
    let voice: Arc<Vec<i16>> = Arc::new(reply.iter().map(|v| (v * 32767.0) as i16).collect());
    let user = speech::make(dir.path(), &[(0.0, echo_path::USER)], 0.2);

    let off = converse(&pulse, &voice, EchoSetting::Off, None).await;
    eprintln!("off: {} barge-ins, {} speech starts", off.barge_ins, off.speech_starts);
    assert!(
        off.barge_ins >= 1,
        "negative control: without cancellation the reply must be taken for the user"
    );

    let cancel = converse(&pulse, &voice, EchoSetting::Cancel, None).await;
    eprintln!("cancel: {} barge-ins, {} speech starts", cancel.barge_ins, cancel.speech_starts);
    assert_eq!(cancel.barge_ins, 0, "Flux heard itself through the echo canceller");
    assert!(!cancel.told, "with cancellation on, the notice is not shown");
    let stats = cancel.stats.expect("the session's stats");
    eprintln!(
        "cancel: echo reduction {:?} dB, delay {:?} ms, false barge-ins avoided {}",
        stats.echo_reduction_db, stats.echo_delay_ms, stats.false_barge_ins_avoided
    );
    assert!(stats.echo_reduction_db.is_some_and(|db| db >= 20), "{stats:?}");
    assert!(stats.false_barge_ins_avoided >= 1, "{stats:?}");

    let talk = converse(&pulse, &voice, EchoSetting::Cancel, Some(&user)).await;
    eprintln!("cancel with the user talking: {} barge-ins", talk.barge_ins);
    assert!(talk.barge_ins >= 1, "the user talking over the reply must still interrupt it");
}
