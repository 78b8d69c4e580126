//! Server configuration from the command line, with `KEFU_*` environment overrides.

use crate::hours::{parse_utc_offset, BusinessHours};
use crate::orders::parse_orders_url;
use axum::http::Uri;
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// `kefu-server`: receives hand-offs from the Kefu widget and serves the widget itself.
#[derive(Parser, Clone, Debug)]
#[command(version, about)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, env = "KEFU_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Database URL: `sqlite://PATH` (created if missing) or `postgres://…`.
    #[arg(long, env = "KEFU_DATABASE", default_value = "sqlite://data/kefu.db")]
    pub database: String,

    /// Folder with the built widget (Trunk's `dist/`), served under `/kefu/`.
    #[arg(long, env = "KEFU_ASSETS", default_value = "dist")]
    pub assets: PathBuf,

    /// Origins allowed to call the API from other sites, e.g. `https://shop.example`
    /// (repeat the flag, or comma-separate in the variable).
    #[arg(long = "cors-origin", env = "KEFU_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Bearer token for the agents' API (`/api/v1/agent/…`); without it that API is closed.
    #[arg(long, env = "KEFU_AGENT_TOKEN", hide_env_values = true)]
    pub agent_token: Option<String>,

    /// Serve the demo shop at `/`, load the demo orders, publish the demo FAQ, create the
    /// console account `demo` (password `kefu-demo`) when there is no account, and unless a
    /// token is given, open the agents' API with the token `demo-agent`.
    #[arg(long, env = "KEFU_DEMO")]
    pub demo: bool,

    /// When people answer, in the shop's time zone, e.g. `09:00-21:00`. Outside these hours a
    /// receipt tells the shopper when the team opens. Without it, people are always there.
    #[arg(long, env = "KEFU_HOURS", value_parser = BusinessHours::parse)]
    pub hours: Option<BusinessHours>,

    /// The shop's time zone as an offset from UTC, e.g. `+08:00`.
    #[arg(long, env = "KEFU_UTC_OFFSET", default_value = "+08:00", value_parser = parse_utc_offset, allow_hyphen_values = true)]
    pub utc_offset: i16,

    /// The shop's order system, e.g. `http://orders.internal:8000/kefu/lookup`: order lookups
    /// are POSTed there as JSON (README, "Orders"). Without it, the server answers from its
    /// own `orders` table (which `--demo` fills with demo orders).
    #[arg(long, env = "KEFU_ORDERS_URL", value_parser = parse_orders_url)]
    pub orders_url: Option<Uri>,

    /// A folder of FAQ files (`zh-CN.json`, `zh-TW.json`, `en.json`) published at start for
    /// each locale that has no published FAQ yet; after that the console edits them.
    #[arg(long, env = "KEFU_FAQ_DIR")]
    pub faq_dir: Option<PathBuf>,
}

impl Config {
    /// The agents' token in force: the configured one, or the demo's.
    pub fn effective_agent_token(&self) -> Option<String> {
        self.agent_token
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| self.demo.then(|| DEMO_AGENT_TOKEN.to_owned()))
    }
}

/// The agents' token of the demo, printed at start.
pub const DEMO_AGENT_TOKEN: &str = "demo-agent";

/// The console account `--demo` creates when there is none, printed at start.
pub const DEMO_AGENT_NAME: &str = "demo";

/// The password of [`DEMO_AGENT_NAME`].
pub const DEMO_AGENT_PASSWORD: &str = "kefu-demo";
