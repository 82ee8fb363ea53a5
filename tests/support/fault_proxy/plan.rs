//! Which fault each request meets: none, a script in order, or a seeded random mix.

use std::collections::VecDeque;
use std::time::Duration;

/// What the proxy does to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Forward and relay the answer.
    Pass,
    /// Reset the client connection without forwarding: the plane never saw the request.
    ResetBefore,
    /// Forward, read the whole answer (the plane committed), then reset the client connection
    /// without relaying it: committed, answer lost.
    LoseResponse,
    /// Answer `code` with `{"detail": "injected"}` (and `Retry-After` when given) without forwarding.
    Status { code: u16, retry_after: Option<u64> },
    /// Forward (the plane commits), then answer `code` instead of the real answer: an
    /// ambiguous outcome, as a gateway timing out after the plane acted.
    StatusAfterForward { code: u16 },
    /// Wait, then forward.
    Delay(Duration),
    /// Answer this literally without forwarding (a captive portal's HTML, a truncated JSON…).
    Garbage { status: u16, content_type: String, body: String },
}

/// A fault without its parameters, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultKind {
    Pass,
    ResetBefore,
    LoseResponse,
    Status,
    StatusAfterForward,
    Delay,
    Garbage,
}

impl Fault {
    pub fn kind(&self) -> FaultKind {
        match self {
            Fault::Pass => FaultKind::Pass,
            Fault::ResetBefore => FaultKind::ResetBefore,
            Fault::LoseResponse => FaultKind::LoseResponse,
            Fault::Status { .. } => FaultKind::Status,
            Fault::StatusAfterForward { .. } => FaultKind::StatusAfterForward,
            Fault::Delay(_) => FaultKind::Delay,
            Fault::Garbage { .. } => FaultKind::Garbage,
        }
    }

    /// Whether the plane receives the request under this fault.
    pub fn forwards(&self) -> bool {
        matches!(self, Fault::Pass | Fault::LoseResponse | Fault::StatusAfterForward { .. } | Fault::Delay(_))
    }

    pub fn status(code: u16) -> Fault {
        Fault::Status { code, retry_after: None }
    }

    pub fn garbage(status: u16, content_type: &str, body: &str) -> Fault {
        Fault::Garbage { status, content_type: content_type.into(), body: body.into() }
    }
}

/// Relative weights of the faults a random plan picks (all zero: every request passes).
/// `Mix { reset_before: 1, pass: 3, ..Mix::default() }` resets a quarter of the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mix {
    pub reset_before: u32,
    pub lose_response: u32,
    pub status_500: u32,
    /// 503 with `Retry-After: 1`.
    pub status_503: u32,
    /// 429 with `Retry-After: 1`.
    pub status_429: u32,
    /// Forwarded, then answered 502.
    pub status_after_forward: u32,
    pub delay: u32,
    pub pass: u32,
    /// How long a `delay` holds the request.
    pub delay_for: Duration,
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            reset_before: 0,
            lose_response: 0,
            status_500: 0,
            status_503: 0,
            status_429: 0,
            status_after_forward: 0,
            delay: 0,
            pass: 0,
            delay_for: Duration::from_millis(200),
        }
    }
}

impl Mix {
    fn pick(&self, roll: u64) -> Fault {
        let options = [
            (self.reset_before, Fault::ResetBefore),
            (self.lose_response, Fault::LoseResponse),
            (self.status_500, Fault::status(500)),
            (self.status_503, Fault::Status { code: 503, retry_after: Some(1) }),
            (self.status_429, Fault::Status { code: 429, retry_after: Some(1) }),
            (self.status_after_forward, Fault::StatusAfterForward { code: 502 }),
            (self.delay, Fault::Delay(self.delay_for)),
            (self.pass, Fault::Pass),
        ];
        let total: u64 = options.iter().map(|(w, _)| u64::from(*w)).sum();
        if total == 0 {
            return Fault::Pass;
        }
        let mut at = roll % total;
        for (weight, fault) in options {
            if at < u64::from(weight) {
                return fault;
            }
            at -= u64::from(weight);
        }
        Fault::Pass
    }
}

/// SplitMix64: a tiny seeded generator, so a failing random run replays from its seed.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[derive(Debug, Clone)]
enum Source {
    Script(VecDeque<Fault>),
    Random { rng: SplitMix64, mix: Mix },
}

/// Decides the fault of each request that matches its filter; the others pass and consume
/// nothing, so a script or a seed stays aligned with the requests it targets.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    source: Source,
    only: Option<(String, String)>,
}

impl FaultPlan {
    /// Every request passes.
    pub fn pass() -> Self {
        FaultPlan::script(Vec::new())
    }

    /// These faults in order, then `Pass` for ever.
    pub fn script(faults: Vec<Fault>) -> Self {
        FaultPlan { source: Source::Script(faults.into()), only: None }
    }

    /// Faults drawn from `mix` by a generator seeded with `seed`: the same requests in the same
    /// order meet the same faults.
    pub fn random(seed: u64, mix: Mix) -> Self {
        FaultPlan { source: Source::Random { rng: SplitMix64(seed), mix }, only: None }
    }

    /// Applies the plan only to requests with this method (e.g. "POST") whose path starts with
    /// `path_prefix`.
    pub fn only(mut self, method: &str, path_prefix: &str) -> Self {
        self.only = Some((method.to_string(), path_prefix.to_string()));
        self
    }

    pub(super) fn next(&mut self, method: &str, path: &str) -> Fault {
        if let Some((m, prefix)) = &self.only {
            if !method.eq_ignore_ascii_case(m) || !path.starts_with(prefix.as_str()) {
                return Fault::Pass;
            }
        }
        match &mut self.source {
            Source::Script(faults) => faults.pop_front().unwrap_or(Fault::Pass),
            Source::Random { rng, mix } => mix.pick(rng.next()),
        }
    }

    /// The faults the next `n` matching requests would meet, without consuming them.
    pub fn preview(&self, n: usize) -> Vec<Fault> {
        let mut copy = self.clone();
        copy.only = None;
        (0..n).map(|_| copy.next("", "")).collect()
    }
}
