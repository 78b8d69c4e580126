//! `kefu-agents`: manage the console's agent accounts in the server's database
//! (`add NAME`, `password NAME`, `list`), or prints a password's hash for a config file
//! (`hash`); passwords are read from standard input.

use anyhow::Context;
use clap::{Parser, Subcommand};
use kefu_server::{auth, now_ms, open_store};
use std::io::BufRead;

/// Manage the agent console's accounts.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Database URL, as given to kefu-server.
    #[arg(long, env = "KEFU_DATABASE", default_value = "sqlite://data/kefu.db")]
    database: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Adds an agent; the password (8 to 256 characters) is the first line of standard input.
    Add {
        /// The agent's sign-in name.
        name: String,
    },
    /// Gives an agent a new password (read like `add`) and signs them out everywhere.
    Password {
        /// The agent's sign-in name.
        name: String,
    },
    /// Lists the agents' names.
    List,
    /// Prints the argon2 hash of a password (read like `add`), for `[[agents]]` in a config file.
    Hash,
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Hash = cli.command {
        println!("{}", auth::hash_password(&read_password()?)?);
        return Ok(());
    }
    let store = open_store(&cli.database).await?;
    match cli.command {
        Command::Add { name } => {
            let name = name.trim();
            anyhow::ensure!(
                !name.is_empty() && name.chars().count() <= kefu_api::console::MAX_AGENT_NAME_CHARS,
                "a name has 1 to {} characters",
                kefu_api::console::MAX_AGENT_NAME_CHARS
            );
            let hash = auth::hash_password(&read_password()?)?;
            anyhow::ensure!(
                store.add_agent(name, &hash, now_ms()).await?,
                "there is already an agent named {name:?}"
            );
            println!("added agent {name}");
        }
        Command::Password { name } => {
            let hash = auth::hash_password(&read_password()?)?;
            anyhow::ensure!(
                store.set_agent_password(&name, &hash).await?,
                "there is no agent named {name:?}"
            );
            println!("changed the password of {name}");
        }
        Command::List => {
            for name in store.agent_names().await? {
                println!("{name}");
            }
        }
        // Answered above, before opening the database.
        Command::Hash => {}
    }
    Ok(())
}
