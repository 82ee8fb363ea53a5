//! `companion serve`: the REST API on 127.0.0.1 until Ctrl-C or SIGTERM.

use crate::backend::idempotency::Route;
use crate::backend::{api_token, http};
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one; the chosen port is printed).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// For tests of sync clients only: ignore `Idempotency-Key` on this POST route, as a plane
    /// that does not implement the header (repeatable).
    #[arg(long, hide = true, value_enum, value_name = "ROUTE")]
    pub ignore_idempotency_key: Vec<KeyedRoute>,
}

/// The POST routes that honour `Idempotency-Key`, as the hidden flag names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyedRoute {
    Messages,
    Intents,
    Session,
}

impl From<KeyedRoute> for Route {
    fn from(r: KeyedRoute) -> Self {
        match r {
            KeyedRoute::Messages => Route::Messages,
            KeyedRoute::Intents => Route::Intents,
            KeyedRoute::Session => Route::Session,
        }
    }
}

pub fn run(data_dir: Option<&Path>, args: ServeArgs) -> anyhow::Result<ExitCode> {
    // The host lock is held for the life of the server: only then may open sessions be
    // declared dead.
    let opened = super::context::open_host(data_dir)?;
    let token = api_token::load_or_create(&opened.data_dir)?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    // The first sweep ran when the data dir was opened; a server may run for weeks.
    let _retention = match opened.host {
        Some(_) => Some(crate::launch::RetentionTimer::start(opened.service.clone(), crate::launch::DAILY)?),
        None => None,
    };
    // Conversations this server stores reach the hosted plane too when sync is on.
    let _sync = crate::launch::start_background(
        &opened.data_dir,
        opened.service.shared_store(),
        &opened.service.settings(),
        Arc::new(crate::launch::SyncToken::env_first(Arc::new(crate::desktop::OsKeychain))),
        rt.handle(),
    );
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
        let addr = listener.local_addr()?;
        println!("Listening on http://{addr}");
        println!(
            "Bearer token: ${} or the file {}",
            api_token::ENV,
            api_token::path_in(&opened.data_dir).display()
        );
        let options = http::Options {
            ignore_idempotency_key: args.ignore_idempotency_key.iter().map(|&r| r.into()).collect(),
        };
        for r in &options.ignore_idempotency_key {
            println!("Ignoring Idempotency-Key on {} (testing)", r.as_str());
        }
        http::serve_with(listener, opened.service.clone(), token, options, shutdown_signal()).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
