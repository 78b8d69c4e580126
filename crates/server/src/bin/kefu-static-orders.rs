//! `kefu-static-orders`: writes the encrypted order files of the widget's static order-lookup mode.
//!
//! ```text
//! kefu-static-orders (--orders FILE | --demo) --out DIR [--salt S] [--iterations N]
//! ```
//!
//! Reads a JSON list of orders (as in `crates/server/demo/orders.json`), writes one file per
//! order and verifier plus `kefu-orders.json` to `DIR`, replacing the `*.bin` files already
//! there (see [`kefu_server::orders::static_files`]). Warnings go to stderr, a one-line
//! summary to stdout; e-mails, phones and order numbers are never printed.

use anyhow::Context;
use clap::{Args, Parser};
use kefu_server::orders::static_files::{self, Manifest, DEFAULT_ITERATIONS, MIN_ITERATIONS};
use kefu_server::orders::{demo_orders, OrderRecord};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Writes the encrypted order files for the Kefu widget's static order lookup (shops without
/// a server): one file per order and verifier, plus kefu-orders.json.
#[derive(Parser, Debug)]
#[command(name = "kefu-static-orders", version)]
struct Cli {
    #[command(flatten)]
    input: Input,
    /// The folder to write to (created if missing); its *.bin files are replaced.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The PBKDF2 salt written to kefu-orders.json (default: 32 random hex digits). Keep the
    /// previous one to keep file names stable across exports.
    #[arg(long, value_name = "S")]
    salt: Option<String>,
    /// PBKDF2 iterations (at least 1000).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ITERATIONS, value_parser = parse_iterations)]
    iterations: u32,
}

/// Where the orders come from.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
struct Input {
    /// A JSON list of orders: {"order_number", "email"?, "phone"?, "state", ...}.
    #[arg(long, value_name = "FILE")]
    orders: Option<PathBuf>,
    /// The demo shop's orders.
    #[arg(long)]
    demo: bool,
}

/// `--iterations`: a number of at least [`MIN_ITERATIONS`].
fn parse_iterations(value: &str) -> Result<u32, String> {
    let n: u32 = value
        .parse()
        .map_err(|_| format!("{value:?} is not a whole number"))?;
    if n < MIN_ITERATIONS {
        return Err(format!(
            "must be at least {MIN_ITERATIONS}, fewer makes guessing order numbers cheap"
        ));
    }
    Ok(n)
}

/// `message` with what lies between its first and last double quote left out: serde's
/// messages quote the offending value, which may be an e-mail or an order number.
fn redact_quoted(message: &str) -> String {
    match (message.find('"'), message.rfind('"')) {
        (Some(first), Some(last)) if first < last => {
            format!("{}\"…\"{}", &message[..first], &message[last + 1..])
        }
        _ => message.to_owned(),
    }
}

/// The orders in the JSON file at `path`.
fn read_orders(path: &Path) -> anyhow::Result<Vec<OrderRecord>> {
    let json =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&json).map_err(|err| {
        anyhow::anyhow!(
            "{} is not a JSON list of orders: {}",
            path.display(),
            redact_quoted(&err.to_string())
        )
    })
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let records = match &cli.input.orders {
        Some(path) => read_orders(path)?,
        None => demo_orders()?,
    };
    let manifest = match cli.salt {
        Some(salt) => Manifest {
            salt,
            iterations: cli.iterations,
        },
        None => Manifest::random(cli.iterations)?,
    };
    let summary = static_files::export(&records, &cli.out, &manifest)?;
    for warning in &summary.warnings {
        eprintln!("kefu-static-orders: warning: {warning}");
    }
    let skipped = records.len() - summary.orders;
    println!(
        "{} orders ({skipped} skipped), {} files in {}",
        summary.orders,
        summary.files,
        cli.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kefu-static-orders: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_left_out_of_messages() {
        assert_eq!(
            redact_quoted(r#"invalid type: string "li.lei@example.com", expected i64 at line 3"#),
            r#"invalid type: string "…", expected i64 at line 3"#
        );
        assert_eq!(
            redact_quoted("missing field `state` at line 9 column 3"),
            "missing field `state` at line 9 column 3"
        );
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
