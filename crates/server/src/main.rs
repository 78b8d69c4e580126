//! `kefu-server` binary: parse the command line, open the database, listen.

use kefu_server::{app, config::Config, AppState};
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match Config::load(std::env::args_os()) {
        Ok(config) => config,
        // Help, version and flag errors print as clap prints them.
        Err(err) => match err.downcast::<clap::Error>() {
            Ok(clap_error) => clap_error.exit(),
            Err(err) => return Err(err),
        },
    };
    let state = AppState::from_config(config.clone()).await?;
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    // The first line on stdout is the address: `cargo xtask` reads it when it picks port 0.
    println!("kefu-server listening on http://{addr}");
    if config.demo {
        println!("demo shop: http://{addr}/");
    }
    println!("agent console: http://{addr}/console/");
    if config.demo {
        println!(
            "console account (demo): {} / {}",
            kefu_server::config::DEMO_AGENT_NAME,
            kefu_server::config::DEMO_AGENT_PASSWORD
        );
    }
    if let Some(token) = state
        .agent_token
        .as_deref()
        .filter(|_| config.agent_token.is_none())
    {
        println!("agents' API token (demo): {token}");
    }
    // The client's address (for the order lookups' rate limits) comes from the connection.
    let feed = state.feed.clone();
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Live streams end, or the shutdown would wait for them for ever.
            feed.close();
        })
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
