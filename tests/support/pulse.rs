//! A private PulseAudio (user mode, its own runtime dir) with a null sink `spk` and a virtual
//! source `mic` made from the sink's monitor: a real audio server with no sound card. cpal talks
//! ALSA; ALSA reaches PulseAudio through the `pulse` plugin (libasound2-plugins), selected by an
//! `.asoundrc` in the temporary HOME. If it cannot start, tests fail when `CI` is set and are
//! skipped (with the reason on stderr) otherwise.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Pulse {
    child: Child,
    env: Vec<(String, PathBuf)>,
    _dir: tempfile::TempDir,
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Pulse {
    pub fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    pub fn start() -> Result<Pulse, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let run = dir.path().join("run");
        let home = dir.path().join("home");
        for d in [&run, &home] {
            std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700));
        }
        std::fs::write(home.join(".asoundrc"), "pcm.!default { type pulse }\nctl.!default { type pulse }\n")
            .map_err(|e| e.to_string())?;
        let socket = run.join("pulse").join("native");
        let env = vec![
            ("XDG_RUNTIME_DIR".to_owned(), run.clone()),
            ("HOME".to_owned(), home.clone()),
            ("PULSE_SERVER".to_owned(), PathBuf::from(format!("unix:{}", socket.display()))),
        ];
        let mut c = Command::new("pulseaudio");
        for (k, v) in &env {
            if k != "PULSE_SERVER" {
                c.env(k, v);
            }
        }
        c.args([
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--use-pid-file=no",
            "--log-target=stderr",
            "--load=module-native-protocol-unix",
            "--load=module-null-sink sink_name=spk rate=48000",
            "--load=module-virtual-source source_name=mic master=spk.monitor",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        let child = c.spawn().map_err(|e| format!("cannot run pulseaudio: {e} (apt install pulseaudio)"))?;
        let pulse = Pulse { child, env, _dir: dir };
        let t0 = Instant::now();
        loop {
            let ok = pulse.cmd("pactl").arg("info").stdout(Stdio::null()).stderr(Stdio::null()).status();
            match ok {
                Ok(s) if s.success() => break,
                Err(e) => return Err(format!("cannot run pactl: {e} (apt install pulseaudio-utils)")),
                _ if t0.elapsed() > Duration::from_secs(15) => {
                    return Err("pulseaudio did not answer within 15 s".into())
                }
                _ => std::thread::sleep(Duration::from_millis(100)),
            }
        }
        for args in [["set-default-sink", "spk"], ["set-default-source", "mic"]] {
            let s = pulse.cmd("pactl").args(args).status().map_err(|e| e.to_string())?;
            if !s.success() {
                return Err(format!("pactl {} failed", args.join(" ")));
            }
        }
        Ok(pulse)
    }
}

pub fn pulse_or_skip() -> Option<Pulse> {
    match Pulse::start() {
        Ok(p) => Some(p),
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("this test needs a private PulseAudio, which failed: {e}")
        }
        Err(e) => {
            eprintln!("skipping: no private PulseAudio ({e})");
            None
        }
    }
}

impl Pulse {
    /// Kills the server, as if the audio system died under the app.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Points this process's own audio (cpal through ALSA's pulse plugin) at the private server.
    /// Call before the first audio call of the test binary: ALSA reads its config once.
    pub fn apply_to_process(&self) {
        for (k, v) in &self.env {
            std::env::set_var(k, v);
        }
    }
}
