//! Server configuration: a TOML file (`--config`), `KEFU_*` environment variables over it, and
//! command-line flags over both. The file's keys are the flags' names (`bind`, `database`,
//! `cors_origins = [...]`, `hours`, …) plus `[[agents]]` accounts.

use crate::hours::{parse_holiday, parse_utc_offset, BusinessHours, Schedule, WeekdayHours};
use crate::orders::parse_orders_url;
use anyhow::Context;
use axum::http::Uri;
use clap::parser::ValueSource;
use clap::{CommandFactory, Parser};
use serde::Deserialize;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;

/// `kefu-server`: receives hand-offs from the Kefu widget and serves the widget itself.
#[derive(Parser, Clone, Debug)]
#[command(version, about)]
pub struct Config {
    /// A TOML file with any of these settings (keys as the flags' names, `_` or `-`) and
    /// `[[agents]]` accounts (`name`, `password_hash` from `kefu-agents hash`).
    #[arg(long, env = "KEFU_CONFIG")]
    pub config: Option<PathBuf>,

    /// Console accounts from the config file; kept in the database at start.
    #[arg(skip)]
    pub agents: Vec<AgentAccount>,

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

    /// A weekday's own hours, e.g. `sat=10:00-16:00` or `sun=closed` (repeat the flag, or
    /// comma-separate in the variable).
    #[arg(long = "weekday-hours", env = "KEFU_WEEKDAY_HOURS", value_delimiter = ',', value_parser = WeekdayHours::parse)]
    pub weekday_hours: Vec<WeekdayHours>,

    /// A day the team is off, `YYYY-MM-DD` (repeat the flag, or comma-separate in the variable).
    #[arg(long = "holiday", env = "KEFU_HOLIDAYS", value_delimiter = ',', value_parser = parse_holiday)]
    pub holidays: Vec<i64>,

    /// The shop's time zone as an offset from UTC, e.g. `+08:00`.
    #[arg(long, env = "KEFU_UTC_OFFSET", default_value = "+08:00", value_parser = parse_utc_offset, allow_hyphen_values = true)]
    pub utc_offset: i16,

    /// The shop's phone line for shoppers who would rather call, e.g. `400-820-8820`: each
    /// hand-off's receipt carries it.
    #[arg(long, env = "KEFU_HOTLINE", value_parser = parse_hotline)]
    pub hotline: Option<String>,

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

/// A phone number as shoppers dial it: 3 to 20 digits, with `+`, spaces, dashes, dots and
/// brackets allowed between them (`95338`, `400-820-8820`, `+86 (21) 5555 0100`).
fn parse_hotline(text: &str) -> Result<String, String> {
    let text = text.trim();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if (3..=20).contains(&digits)
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
    {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?} is not a phone number (3 to 20 digits, with + - . ( ) and spaces)"
        ))
    }
}

/// A console account of the config file.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AgentAccount {
    /// The sign-in name.
    pub name: String,
    /// An argon2 PHC string (`kefu-agents hash` prints one), never a password.
    pub password_hash: String,
}

impl Config {
    /// Reads the command line `args` (the program's name first) and the environment, then the
    /// `--config` file for every setting neither of them gave.
    pub fn load<I, T>(args: I) -> anyhow::Result<Config>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let matches = Config::command().try_get_matches_from(&args)?;
        let Some(path) = matches.get_one::<PathBuf>("config").cloned() else {
            return Ok(<Config as clap::FromArgMatches>::from_arg_matches(
                &matches,
            )?);
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the config file {}", path.display()))?;
        let mut table: toml::Table = text
            .parse()
            .with_context(|| format!("reading the config file {}", path.display()))?;
        let agents: Vec<AgentAccount> = match table.remove("agents") {
            Some(value) => value.try_into().with_context(|| {
                format!(
                    "{}: [[agents]] need a name and a password_hash",
                    path.display()
                )
            })?,
            None => Vec::new(),
        };
        for agent in &agents {
            anyhow::ensure!(
                agent.password_hash.starts_with("$argon2"),
                "{}: the password_hash of agent {:?} is not an argon2 hash (make one with `kefu-agents hash`)",
                path.display(),
                agent.name
            );
        }
        let command = Config::command();
        for (key, value) in table {
            let id = key.replace('-', "_");
            let arg = command
                .get_arguments()
                .find(|a| a.get_id().as_str() == id && a.get_long().is_some() && id != "config")
                .with_context(|| format!("{}: unknown setting {key:?}", path.display()))?;
            let given = matches!(
                matches.value_source(&id),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            );
            if given {
                continue;
            }
            let flag = format!("--{}", arg.get_long().unwrap_or_default());
            let values = match value {
                toml::Value::Array(items) => items,
                single => vec![single],
            };
            for value in values {
                match value {
                    toml::Value::Boolean(true) => args.push(flag.clone().into()),
                    toml::Value::Boolean(false) => {}
                    toml::Value::String(text) => args.extend([flag.clone().into(), text.into()]),
                    toml::Value::Integer(n) => {
                        args.extend([flag.clone().into(), n.to_string().into()])
                    }
                    other => anyhow::bail!(
                        "{}: {key:?} must be a string, number, boolean or a list of them, not {}",
                        path.display(),
                        other.type_str()
                    ),
                }
            }
        }
        let mut config = Config::try_parse_from(&args)
            .with_context(|| format!("a setting in {} is not valid", path.display()))?;
        config.agents = agents;
        Ok(config)
    }

    /// When the team works: `--hours`, `--weekday-hours`, `--holiday`, `--utc-offset`.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            daily: self.hours,
            weekdays: self.weekday_hours.clone(),
            holidays: self.holidays.clone(),
            utc_offset_minutes: self.utc_offset,
        }
    }

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
