//! The `kefu-static-orders` command, run as a program: the files it writes and how it fails.

use kefu_api::orders::normalize_order_number;
use kefu_server::orders::demo_orders;
use kefu_server::orders::static_files::{lookup, Manifest, MANIFEST_FILE};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kefu-static-orders"))
        .args(args)
        .output()
        .expect("kefu-static-orders runs")
}

fn export_demo(out: &Path, salt: &str) -> Output {
    let out = out.to_str().unwrap();
    let output = run(&[
        "--demo",
        "--iterations",
        "1000",
        "--salt",
        salt,
        "--out",
        out,
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn bin_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".bin"))
        .collect();
    names.sort();
    names
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn demo_export_is_found_by_either_verifier_and_hides_the_plain_values() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("static");
    let output = export_demo(&out, "s1");
    let demo = demo_orders().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        format!("10 orders (0 skipped), 20 files in {}\n", out.display())
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");

    let manifest = fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
    assert_eq!(
        manifest.trim_end(),
        r#"{"format":"kefu-static-orders/1","salt":"s1","iterations":1000}"#
    );
    assert_eq!(
        Manifest::read(&out).unwrap(),
        Manifest {
            salt: "s1".into(),
            iterations: 1000
        }
    );
    // Every demo order has an e-mail and a phone: two files each.
    assert_eq!(demo.len(), 10);
    assert_eq!(bin_files(&out).len(), 2 * demo.len());

    let first = &demo[0];
    assert_eq!(first.status.order_number, "DD20261118-4471");
    for (number, verifier) in [
        ("DD20261118-4471", "li.lei@example.com"),
        ("DD20261118-4471", "8000"),
        ("ＤＤ２０２６１１１８－４４７１", "li.lei@example.com"),
        ("ＤＤ２０２６１１１８－４４７１", "８０００"),
        ("dd 20261118 4471", " Li.Lei@Example.com "),
    ] {
        let found = lookup(&out, number, verifier).unwrap();
        assert_eq!(found.as_ref(), Some(&first.status), "{number} {verifier}");
    }
    for (number, verifier) in [
        ("DD20261118-4471", "han.meimei@example.com"),
        ("DD20261118-4471", "5678"),
        ("DD20261118-4471", "8001"),
        ("DD20261117-0932", "li.lei@example.com"),
        ("DD20261118-4472", "8000"),
        ("DD20261118-4471", "13800138000"),
    ] {
        assert_eq!(
            lookup(&out, number, verifier).unwrap(),
            None,
            "{number} {verifier}"
        );
    }
    // Every order by both its verifiers.
    for order in &demo {
        let number = &order.status.order_number;
        let email = order.email.as_deref().unwrap();
        let phone: String = order
            .phone
            .as_deref()
            .unwrap()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        for verifier in [email, &phone[phone.len() - 4..]] {
            let found = lookup(&out, number, verifier).unwrap();
            assert_eq!(found.as_ref(), Some(&order.status), "{number} {verifier}");
        }
    }

    // No file holds an e-mail or an order number in the clear.
    for entry in fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let bytes = fs::read(&path).unwrap();
        for order in &demo {
            let number = &order.status.order_number;
            let normalised = normalize_order_number(number);
            let email = order.email.as_deref().unwrap();
            for plain in [number.as_str(), normalised.as_str(), email] {
                assert!(!contains(&bytes, plain.as_bytes()), "{}", path.display());
            }
            let tracking = order.status.tracking_number.as_deref().unwrap_or("none");
            assert!(!contains(&bytes, tracking.as_bytes()));
        }
    }
}

#[test]
fn a_re_export_replaces_the_bin_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    fs::write(out.join("index.html"), "<p>shop</p>").unwrap();
    fs::write(out.join("stale.bin"), "stale").unwrap();
    export_demo(out, "s1");
    let first = bin_files(out);
    assert_eq!(first.len(), 20);
    assert!(!first.contains(&"stale.bin".to_owned()));

    // The same salt keeps the names (the contents get fresh nonces).
    let before = fs::read(out.join(&first[0])).unwrap();
    export_demo(out, "s1");
    assert_eq!(bin_files(out), first);
    assert_ne!(fs::read(out.join(&first[0])).unwrap(), before);

    // Another salt: a whole new set, none of the old names left.
    export_demo(out, "s2");
    let second = bin_files(out);
    assert_eq!(second.len(), 20);
    assert!(second.iter().all(|n| !first.contains(n)));
    assert_eq!(
        fs::read_to_string(out.join("index.html")).unwrap(),
        "<p>shop</p>"
    );
    assert!(lookup(out, "DD20261118-4471", "8000").unwrap().is_some());
}

#[test]
fn a_default_export_gets_a_random_salt() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let output = run(&["--demo", "--out", out, "--iterations", "1000"]);
    assert!(output.status.success());
    let manifest = Manifest::read(dir.path()).unwrap();
    assert_eq!(manifest.iterations, 1000);
    assert_eq!(manifest.salt.len(), 32);
    assert!(manifest
        .salt
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
}

#[test]
fn orders_from_a_file_with_warnings_that_name_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders.json");
    fs::write(
        &orders,
        r#"[
            {"order_number": "A-1", "email": "a@example.com", "phone": "+86 138 0013 8000",
             "state": "paid", "updated_at_ms": 1},
            {"order_number": "A-2", "phone": "12", "state": "placed", "updated_at_ms": 2}
        ]"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = run(&[
        "--orders",
        orders.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--iterations",
        "1000",
    ]);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("1 orders (1 skipped), 2 files in "),
        "{stdout}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("order 2:"), "{stderr}");
    for private in ["A-2", "A2", "12"] {
        assert!(!stderr.contains(private), "{stderr}");
    }
    assert_eq!(bin_files(&out).len(), 2);
    let found = lookup(&out, "a1", "8000").unwrap().unwrap();
    assert_eq!(found.order_number, "A-1");
}

/// Runs the command expecting it to fail, returning its stderr.
fn refused(args: &[&str]) -> String {
    let output = run(args);
    assert!(!output.status.success(), "{args:?} succeeded");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.trim().is_empty(), "{args:?}: no message");
    stderr
}

#[test]
fn bad_input_exits_non_zero_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();

    let missing = dir.path().join("missing.json");
    let stderr = refused(&["--orders", missing.to_str().unwrap(), "--out", out]);
    assert!(stderr.contains("missing.json"), "{stderr}");

    let malformed = dir.path().join("malformed.json");
    fs::write(
        &malformed,
        r#"[{"order_number": "DD1", "email": "secret@example.com", "state": "lost", "updated_at_ms": 1}]"#,
    )
    .unwrap();
    let stderr = refused(&["--orders", malformed.to_str().unwrap(), "--out", out]);
    assert!(stderr.contains("not a JSON list of orders"), "{stderr}");
    let bad_type = dir.path().join("bad-type.json");
    fs::write(
        &bad_type,
        r#"[{"order_number": "DD1", "state": "paid", "updated_at_ms": "secret@example.com"}]"#,
    )
    .unwrap();
    let stderr = refused(&["--orders", bad_type.to_str().unwrap(), "--out", out]);
    assert!(!stderr.contains("secret"), "{stderr}");
    let not_json = dir.path().join("not.json");
    fs::write(&not_json, "[{").unwrap();
    refused(&["--orders", not_json.to_str().unwrap(), "--out", out]);

    let empty_number = dir.path().join("empty-number.json");
    fs::write(
        &empty_number,
        r#"[{"order_number": "DD1", "email": "a@example.com", "state": "paid", "updated_at_ms": 1},
            {"order_number": " - ", "email": "b@example.com", "state": "paid", "updated_at_ms": 1}]"#,
    )
    .unwrap();
    let stderr = refused(&["--orders", empty_number.to_str().unwrap(), "--out", out]);
    assert!(
        stderr.contains("order 2 (of 2) has no order number"),
        "{stderr}"
    );

    let stderr = refused(&["--demo", "--iterations", "10", "--out", out]);
    assert!(stderr.contains("at least 1000"), "{stderr}");
    refused(&[
        "--demo",
        "--orders",
        malformed.to_str().unwrap(),
        "--out",
        out,
    ]);
    refused(&["--out", out]);
    refused(&["--demo"]);
    refused(&["--demo", "--salt", "", "--iterations", "1000", "--out", out]);

    // Nothing was written by any of them.
    assert!(!Path::new(out).exists());
}

#[test]
fn the_demo_pages_order_files_hold_every_demo_order() {
    // www/demo/orders is what the static demo page reads; it must match demo/orders.json.
    // Each order is found by one of its factors, in turn (100,000 iterations each).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/demo/orders");
    for (i, record) in demo_orders().unwrap().into_iter().enumerate() {
        let digits: String = record
            .phone
            .iter()
            .flat_map(|p| p.chars())
            .filter(char::is_ascii_digit)
            .collect();
        let factor = match i % 2 {
            0 => record.email.clone().unwrap(),
            _ => digits[digits.len() - 4..].to_owned(),
        };
        let found = lookup(&dir, &record.status.order_number, &factor).unwrap();
        assert_eq!(found.as_ref(), Some(&record.status), "order {i}");
    }
}
