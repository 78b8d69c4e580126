//! A throw-away PostgreSQL server for the tests: Debian's `postgresql`, a fresh cluster in a
//! temporary folder on a free loopback port, stopped and deleted when dropped.

use crate::tools;
use std::fs;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a fresh cluster may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running throw-away server; [`Postgres::url`] names its `postgres` database.
pub struct Postgres {
    child: Child,
    dir: PathBuf,
    url: String,
}

/// The `postgres` account's user and group ids, from `/etc/passwd`.
fn postgres_account() -> Result<(u32, u32), String> {
    let passwd = fs::read_to_string("/etc/passwd").map_err(|e| format!("/etc/passwd: {e}"))?;
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&"postgres") && fields.len() > 3)
        .and_then(|fields| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
        .ok_or_else(|| "no `postgres` account (Debian's postgresql package makes it)".to_owned())
}

/// A command that runs as the `postgres` account when this process is root, since PostgreSQL
/// refuses to run as root; as anyone else, as them.
fn command(program: &Path, account: Option<(u32, u32)>) -> Command {
    let mut command = Command::new(program);
    if let Some((uid, gid)) = account {
        command.uid(uid).gid(gid);
    }
    command
}

/// A loopback port nothing listens on now.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

impl Postgres {
    /// Installs Debian's `postgresql` if missing, makes a cluster and starts it.
    pub fn start() -> Result<Self, String> {
        let bin = tools::ensure_postgres()?;
        let started = Instant::now();
        let root = tools::is_root();
        let account = if root {
            Some(postgres_account()?)
        } else {
            None
        };
        let dir = std::env::temp_dir().join(format!("kefu-postgres-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if let Some((uid, gid)) = account {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", dir.display()))?;
        }
        let data = dir.join("data");
        let initdb = command(&bin.join("initdb"), account)
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "kefu",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .stdout(Stdio::null())
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !initdb.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&initdb.stderr)
            ));
        }
        let port = free_port()?;
        let log = fs::File::create(dir.join("postgres.log")).map_err(|e| e.to_string())?;
        if let Some((uid, gid)) = account {
            std::os::unix::fs::chown(dir.join("postgres.log"), Some(uid), Some(gid))
                .map_err(|e| e.to_string())?;
        }
        // Durability is not wanted from a server that lives for one test run.
        let child = command(&bin.join("postgres"), account)
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(&dir)
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
            ])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("postgres: {e}"))?;
        let server = Postgres {
            child,
            dir,
            url: format!("postgres://kefu@127.0.0.1:{port}/postgres"),
        };
        while !server.is_ready(&bin, port) {
            if started.elapsed() > START_TIMEOUT {
                let log = fs::read_to_string(server.dir.join("postgres.log")).unwrap_or_default();
                return Err(format!("PostgreSQL did not start: {log}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        println!(
            "PostgreSQL {} on port {port}, ready in {:.1} s",
            bin.display(),
            started.elapsed().as_secs_f64()
        );
        Ok(server)
    }

    /// The URL of the server's `postgres` database (user `kefu`, no password, loopback only).
    pub fn url(&self) -> &str {
        &self.url
    }

    fn is_ready(&self, bin: &Path, port: u16) -> bool {
        Command::new(bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGQUIT: PostgreSQL's immediate shutdown, which also ends its backends.
        let _ = Command::new("kill")
            .args(["-QUIT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}
