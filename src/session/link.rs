//! Opening (and re-opening) the agent connection for a session.

use std::sync::Arc;
use std::time::Duration;

use super::traits::{ControlError, ControlPlane};
use crate::agent::{connect, AgentConnection, AgentError, AgentSetup, Auth, ConnectConfig, Settings};

/// Why a connection attempt failed, and whether another attempt could succeed.
#[derive(Debug)]
pub struct LinkError {
    pub message: String,
    pub retriable: bool,
    pub agent: Option<AgentError>,
    pub control: Option<ControlError>,
}

impl LinkError {
    fn from_agent(e: AgentError) -> Self {
        LinkError { message: e.to_string(), retriable: e.is_retriable(), agent: Some(e), control: None }
    }
    fn from_control(e: ControlError) -> Self {
        let retriable = matches!(e, ControlError::Unavailable(_) | ControlError::Other(_));
        LinkError {
            message: format!("could not get a new agent token: {e}"),
            retriable,
            agent: None,
            control: Some(e),
        }
    }
}

/// Exponential backoff: `base`, 2×, 4× … capped at `max`. `attempt` starts at 1.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(16);
    base.saturating_mul(factor).min(max)
}

/// Connects with `token`, or with a freshly minted one when `token` is `None` (reconnects:
/// the token from session start only lives about 30 s).
pub async fn open(
    control: Arc<dyn ControlPlane>,
    token: Option<String>,
    mut config: ConnectConfig,
    setup: AgentSetup,
) -> Result<AgentConnection, LinkError> {
    let token = match token {
        Some(t) => t,
        None => tokio::task::spawn_blocking(move || control.mint_token())
            .await
            .map_err(|e| LinkError::from_control(ControlError::other(e.to_string())))?
            .map_err(LinkError::from_control)?,
    };
    config.auth = Auth::Bearer(token);
    let settings = Settings::from_setup(&setup).map_err(LinkError::from_agent)?;
    connect(&config, &settings).await.map_err(LinkError::from_agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let b = Duration::from_millis(250);
        let m = Duration::from_secs(2);
        let got: Vec<_> = (1..=6).map(|a| backoff(a, b, m).as_millis()).collect();
        assert_eq!(got, vec![250, 500, 1000, 2000, 2000, 2000]);
    }
}
