//! Running the project's programs as named, timed steps; and the end-to-end run.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// The workspace root (the folder above `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// `PATH` with the project's npm tools and cargo's bin folder in front.
pub fn tool_path() -> OsString {
    let mut paths = vec![project_root().join("tools/node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        paths.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        paths.push(PathBuf::from(home).join(".cargo/bin"));
    }
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("paths without separators")
}

/// One named command, run from the project root with the tool path, timed.
pub struct Step {
    name: String,
    command: Command,
}

impl Step {
    pub fn new(name: &str) -> Self {
        Step {
            name: name.to_owned(),
            command: Command::new("true"),
        }
    }

    pub fn program(mut self, program: &str) -> Self {
        let mut command = Command::new(program);
        command.current_dir(project_root()).env("PATH", tool_path());
        self.command = command;
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Runs to the end; an error names the step.
    pub fn run(mut self) -> Result<(), String> {
        println!("\n==> {}", self.name);
        let started = Instant::now();
        let status = self
            .command
            .status()
            .map_err(|e| format!("{}: could not start: {e}", self.name))?;
        println!(
            "<== {} ({:.1} s)",
            self.name,
            started.elapsed().as_secs_f64()
        );
        if status.success() {
            Ok(())
        } else {
            Err(format!("{} failed ({status})", self.name))
        }
    }

    /// Runs and captures standard output, or `None` if the program is missing or fails.
    pub fn output(mut self) -> Option<String> {
        let out = self.command.stderr(Stdio::null()).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    pub fn spawn(mut self) -> Result<Child, String> {
        self.command
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: could not start: {e}", self.name))
    }
}

/// `cargo ARGS` as a step.
pub fn cargo(name: &str, args: &[&str]) -> Step {
    Step::new(name).program(env!("CARGO")).args(args)
}

/// Kills the server when the end-to-end run ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the real server on a free port with a throw-away SQLite file and runs the
/// Playwright tests against it in Debian's Chromium; then, with `postgres` (a server's URL),
/// the whole loop test again on a fresh PostgreSQL database.
pub fn end_to_end(postgres: Option<&str>) -> Result<(), String> {
    let root = project_root();
    let scratch = root.join("target/e2e");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("creating {scratch:?}: {e}"))?;
    let token = format!("e2e-{}", std::process::id());
    let database = format!("sqlite://{}", scratch.join("kefu.db").display());
    let mut server = Server(
        Step::new("server")
            .program(&root.join("target/debug/kefu-server").to_string_lossy())
            .args(["--bind", "127.0.0.1:0", "--demo", "--assets", "dist"])
            .args(["--database", &database, "--agent-token", &token])
            .env("RUST_LOG", "warn")
            .spawn()?,
    );
    let stdout = server.0.stdout.take().ok_or("server has no stdout")?;
    let mut stdout = BufReader::new(stdout);
    let mut first_line = String::new();
    stdout
        .read_line(&mut first_line)
        .map_err(|e| format!("reading the server's address: {e}"))?;
    // Keep draining: a closed pipe would kill the server at its next line of output.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = first_line
        .trim()
        .rsplit(' ')
        .next()
        .filter(|u| u.starts_with("http://"))
        .ok_or_else(|| format!("the server did not start: {first_line:?}"))?
        .to_owned();
    println!("server for end-to-end tests: {url}");
    Step::new("end-to-end tests (Playwright, headless Chromium, real server)")
        .program("node")
        .args([
            "--test",
            "--test-concurrency=1",
            "--test-timeout=120000",
            "tests/e2e/",
        ])
        .env("KEFU_URL", &url)
        .env("KEFU_AGENT_TOKEN", &token)
        .env("KEFU_SERVER_BIN", root.join("target/debug/kefu-server"))
        .env("CHROMIUM", crate::tools::CHROMIUM)
        .env("SCREENSHOT_DIR", root.join("target/screenshots"))
        .run()?;
    if let Some(postgres) = postgres {
        Step::new("end-to-end loop test on PostgreSQL")
            .program("node")
            .args(["--test", "--test-timeout=120000", "tests/e2e/loop.test.mjs"])
            .env("KEFU_URL", &url)
            .env("KEFU_AGENT_TOKEN", &token)
            .env("KEFU_E2E_POSTGRES", postgres)
            .env("KEFU_SERVER_BIN", root.join("target/debug/kefu-server"))
            .env("CHROMIUM", crate::tools::CHROMIUM)
            .env("SCREENSHOT_DIR", root.join("target/screenshots/postgres"))
            .run()?;
    }
    println!("screenshots: {}", root.join("target/screenshots").display());
    Ok(())
}
