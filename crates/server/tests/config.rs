//! The config file (`--config kefu.toml`): its settings, what the environment and flags
//! override, agents' accounts, and clear errors for mistakes.

use kefu_server::config::Config;
use kefu_server::AppState;
use std::io::Write;

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

#[tokio::test]
async fn the_file_sets_what_flags_leave_and_agents_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let hash = kefu_server::auth::hash_password("file-password").unwrap();
    let config = file(&format!(
        r#"
bind = "127.0.0.1:0"
database = "sqlite://{}/k.db"
cors_origins = ["https://shop.example", "https://m.shop.example"]
hours = "09:00-21:00"
utc-offset = "+08:00"
hotline = "95338"
agent_token = "from-the-file"

[[agents]]
name = "wang"
password_hash = "{hash}"
"#,
        dir.path().display()
    ));
    let path = config.path().to_str().unwrap();
    let loaded = Config::load([
        "kefu-server",
        "--config",
        path,
        "--agent-token",
        "from-flag",
    ])
    .unwrap();
    assert_eq!(
        loaded.cors_origins,
        ["https://shop.example", "https://m.shop.example"]
    );
    assert!(loaded.hours.is_some());
    assert_eq!(loaded.hotline.as_deref(), Some("95338"));
    assert_eq!(loaded.agent_token.as_deref(), Some("from-flag"));
    assert_eq!(loaded.agents.len(), 1);

    let state = AppState::from_config(loaded).await.unwrap();
    let stored = state.store.agent_password_hash("wang").await.unwrap();
    assert_eq!(stored, Some(hash));
    assert!(kefu_server::auth::verify_password(
        "file-password",
        stored.as_deref()
    ));
}

#[test]
fn mistakes_in_the_file_are_named() {
    for (text, says) in [
        ("colour = \"red\"", "unknown setting \"colour\""),
        ("bind = \"nowhere\"", "not valid"),
        (
            "[[agents]]\nname = \"li\"\npassword_hash = \"hunter22\"",
            "not an argon2 hash",
        ),
        (
            "[[agents]]\nname = \"li\"",
            "need a name and a password_hash",
        ),
        ("bind = [1.5]", "must be a string"),
        ("bind = ", "reading the config file"),
    ] {
        let config = file(text);
        let err =
            Config::load(["kefu-server", "--config", config.path().to_str().unwrap()]).unwrap_err();
        assert!(format!("{err:#}").contains(says), "{text}: {err:#}");
    }
    let missing = Config::load(["kefu-server", "--config", "/nonexistent/kefu.toml"]).unwrap_err();
    assert!(format!("{missing:#}").contains("/nonexistent/kefu.toml"));
}
