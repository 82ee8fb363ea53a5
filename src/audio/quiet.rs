//! Keeps the system audio libraries' own messages off stderr, so a user reads only ours.
//!
//! libasound prints an error for every absent card or unreachable server it meets while it
//! resolves PCM names ("Cannot get card index for 0", "PulseAudio: Unable to connect"), whether
//! or not the caller can cope. Those go to the debug log instead. The `jack` and `oss` PCMs are
//! not probed at all when devices are listed: opening them wakes libjack, which prints to stderr
//! through its own channel, and the OSS emulation, which fails on every system without
//! `/dev/dsp`.

/// ALSA PCMs that are not opened to list devices; still usable when chosen by exact id.
const UNPROBED: [&str; 2] = ["jack", "oss"];

/// Whether `companion devices` (and the app's device lists) may open this device to read its
/// default config.
pub fn probe(id: Option<&str>) -> bool {
    !id.is_some_and(|id| UNPROBED.contains(&id))
}

/// Routes libasound's error messages to the debug log; done once, before the first ALSA call.
pub fn silence_alsa() {
    #[cfg(any(target_os = "linux", target_os = "dragonfly", target_os = "freebsd", target_os = "netbsd"))]
    alsa::install();
}

#[cfg(any(target_os = "linux", target_os = "dragonfly", target_os = "freebsd", target_os = "netbsd"))]
mod alsa {
    use std::ffi::{c_char, c_int, CStr};
    use std::sync::Once;

    use alsa_sys::snd_lib_error_handler_t;

    /// libasound's handler type is C-variadic (the message's printf arguments follow `fmt`),
    /// which stable Rust cannot define. This handler takes only the five fixed arguments: they
    /// are integers and pointers, passed in the same registers whether or not a call is variadic
    /// on every C ABI libasound runs on, and the trailing arguments are the caller's to clean
    /// up. It logs the unformatted template, which is enough to tell what ALSA complained of.
    unsafe extern "C" fn log_error(
        file: *const c_char,
        line: c_int,
        function: *const c_char,
        err: c_int,
        fmt: *const c_char,
    ) {
        // SAFETY: libasound passes NUL-terminated static strings or null.
        let text = |p: *const c_char| match p.is_null() {
            true => Default::default(),
            false => unsafe { CStr::from_ptr(p) }.to_string_lossy(),
        };
        let (file, function, template) = (text(file), text(function), text(fmt));
        tracing::debug!(target: "alsa", %file, line, %function, err, %template, "libasound error");
    }

    pub fn install() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            type Fixed = unsafe extern "C" fn(*const c_char, c_int, *const c_char, c_int, *const c_char);
            type Variadic =
                unsafe extern "C" fn(*const c_char, c_int, *const c_char, c_int, *const c_char, ...);
            // SAFETY: see `log_error`; both are `extern "C"` function pointers of the same size.
            let handler: snd_lib_error_handler_t =
                Some(unsafe { std::mem::transmute::<Fixed, Variadic>(log_error as Fixed) });
            // SAFETY: sets a process-wide pointer in libasound; the handler lives forever.
            unsafe { alsa_sys::snd_lib_error_set_handler(handler) };
        });
    }
}
