//! Static order files: orders encrypted one file per verifier, for shops without a server.
//!
//! They serve the widget's "static" order-lookup mode.
//!
//! [`export`] (the `kefu-static-orders` command) writes a folder the shop serves as plain files:
//!
//! - `kefu-orders.json`, the [`Manifest`]:
//!   `{"format":"kefu-static-orders/1","salt":"<salt>","iterations":<n>}`.
//! - For each order and each of its verifiers (the e-mail address, and the last 4 digits of the
//!   phone), one file `<name>.bin`. With
//!   `password` = the UTF-8 bytes of `normalize_order_number(number) + "\n" + normalize_verifier(verifier)`
//!   and `salt` = the UTF-8 bytes of the manifest's `salt` string,
//!   `derived` = PBKDF2-HMAC-SHA256(`password`, `salt`, `iterations`, 64 bytes);
//!   `<name>` is the lower-case hex of `derived[0..32]`, and the file holds a 12-byte random
//!   nonce followed by the AES-256-GCM ciphertext and 16-byte tag (no associated data) of the
//!   order's [`OrderStatus`] as JSON, under the key `derived[32..64]`.
//!
//! The browser derives the same 64 bytes from what the shopper typed (WebCrypto `deriveBits`
//! with PBKDF2 and SHA-256, 512 bits), fetches `<name>.bin` and decrypts it with AES-GCM: a
//! missing file means an unknown order or a wrong verifier alike. The files hold neither the
//! e-mail nor the phone, and only the order's own status; finding a file means guessing the
//! order number and a verifier, each guess costing `iterations` rounds of PBKDF2. A 4-digit
//! phone verifier has only 10 000 values, so the order number is the main secret: the number
//! of iterations is what makes trying numbers slow.
//!
//! [`derive()`] documents a known answer to check other implementations against.

use super::OrderRecord;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use anyhow::{bail, ensure, Context};
use kefu_api::orders::{
    normalize_order_number, normalize_verifier, OrderLookup, OrderStatus, MAX_ORDER_NUMBER_CHARS,
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::HashMap;
use std::fs;
use std::io::ErrorKind;
use std::path::Path;

/// The `format` of the manifest this module writes and reads.
pub const FORMAT: &str = "kefu-static-orders/1";

/// The manifest's file name in the output folder.
pub const MANIFEST_FILE: &str = "kefu-orders.json";

/// PBKDF2 iterations when none are given.
pub const DEFAULT_ITERATIONS: u32 = 100_000;

/// The fewest PBKDF2 iterations [`export`] and [`lookup`] accept.
pub const MIN_ITERATIONS: u32 = 1_000;

/// Length of the nonce at the start of every order file.
pub const NONCE_LEN: usize = 12;

/// Length of the AES-GCM tag at the end of every order file.
const TAG_LEN: usize = 16;

/// How the file names and keys of one export are derived: written to [`MANIFEST_FILE`] as
/// `{"format":"kefu-static-orders/1","salt":"<salt>","iterations":<n>}`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Manifest {
    /// The PBKDF2 salt; its UTF-8 bytes are the salt, exactly as written.
    pub salt: String,
    /// PBKDF2 iterations.
    pub iterations: u32,
}

/// The manifest as written: [`Manifest`] with its format first.
#[derive(Serialize, Deserialize)]
struct ManifestFile {
    format: String,
    salt: String,
    iterations: u32,
}

impl Manifest {
    /// A manifest with a fresh random salt (32 lower-case hex digits of 16 random bytes).
    pub fn random(iterations: u32) -> anyhow::Result<Manifest> {
        let salt = hex::encode(crate::random_bytes::<16>()?);
        Ok(Manifest { salt, iterations })
    }

    /// Refuses an empty salt and fewer than [`MIN_ITERATIONS`] iterations.
    pub fn check(&self) -> anyhow::Result<()> {
        ensure!(!self.salt.is_empty(), "the salt must not be empty");
        ensure!(
            self.iterations >= MIN_ITERATIONS,
            "the iterations must be at least {MIN_ITERATIONS} (got {})",
            self.iterations
        );
        Ok(())
    }

    /// The manifest's JSON, as written to [`MANIFEST_FILE`].
    pub fn to_json(&self) -> String {
        let file = ManifestFile {
            format: FORMAT.to_owned(),
            salt: self.salt.clone(),
            iterations: self.iterations,
        };
        serde_json::to_string(&file).expect("a manifest serialises")
    }

    /// Parses a manifest written by [`Manifest::to_json`], refusing another format and
    /// values [`Manifest::check`] refuses.
    pub fn from_json(json: &str) -> anyhow::Result<Manifest> {
        let file: ManifestFile = serde_json::from_str(json).context("malformed manifest")?;
        ensure!(
            file.format == FORMAT,
            "the manifest's format is {:?}, not {FORMAT:?}",
            file.format
        );
        let manifest = Manifest {
            salt: file.salt,
            iterations: file.iterations,
        };
        manifest.check()?;
        Ok(manifest)
    }

    /// Reads `dir`'s [`MANIFEST_FILE`].
    pub fn read(dir: &Path) -> anyhow::Result<Manifest> {
        let path = dir.join(MANIFEST_FILE);
        let json =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        Manifest::from_json(&json).with_context(|| format!("reading {}", path.display()))
    }
}

/// What PBKDF2 gives for one order and verifier: the file's name and its key.
#[derive(Clone, PartialEq, Eq)]
pub struct Derived {
    /// `derived[0..32]`, whose hex is the file's name ([`file_name`]).
    pub name: [u8; 32],
    /// `derived[32..64]`, the AES-256-GCM key of the file.
    pub key: [u8; 32],
}

impl Derived {
    /// The name of the file, `<hex of name>.bin`.
    pub fn file_name(&self) -> String {
        file_name(&self.name)
    }
}

/// Derives the file name and key of order `number` and `verifier` under `manifest`, or `None`
/// when the number normalises to nothing or the verifier is not one. Both are normalised
/// first ([`normalize_order_number`], [`normalize_verifier`]), so raw and normalised input
/// give the same result.
///
/// Known answer (checked by a test; other implementations must match it): number
/// `DD20261118-4471`, verifier `li.lei@example.com`, salt `kefu-test-salt`, 1000 iterations.
/// The password is `"DD202611184471\nli.lei@example.com"` and
///
/// - name: `74f2d008b4ba64a905c73ead1d1180945b323536e992c797df147f335444fce8`
///   (file `74f2d008b4ba64a905c73ead1d1180945b323536e992c797df147f335444fce8.bin`)
/// - key: `3b8eafb66c085dc279d81c72d7d7263af5c94b0846604825d74814294187c59f`
///
/// With verifier `8000` (password `"DD202611184471\n8000"`) the name is
/// `8035705969879d72ae24f379fa4f346d74180736365e0bd6e62d35b73d3fe449` and the key
/// `668f5a93269fabc720c3b3bd12d0a058ad37f47f6ad2062855be08aaa73776ce`.
pub fn derive(number: &str, verifier: &str, manifest: &Manifest) -> Option<Derived> {
    let number = normalize_order_number(number);
    if number.is_empty() {
        return None;
    }
    let verifier = normalize_verifier(verifier)?;
    Some(derive_normalized(&number, &verifier, manifest))
}

/// [`derive`] of a normalised number and verifier.
fn derive_normalized(number: &str, verifier: &str, manifest: &Manifest) -> Derived {
    let password = format!("{number}\n{verifier}");
    let mut derived = [0u8; 64];
    pbkdf2::pbkdf2_hmac::<Sha256>(
        password.as_bytes(),
        manifest.salt.as_bytes(),
        manifest.iterations,
        &mut derived,
    );
    let mut name = [0u8; 32];
    let mut key = [0u8; 32];
    name.copy_from_slice(&derived[..32]);
    key.copy_from_slice(&derived[32..]);
    Derived { name, key }
}

/// The file name of derived name bytes: their lower-case hex followed by `.bin`.
pub fn file_name(name: &[u8; 32]) -> String {
    format!("{}.bin", hex::encode(name))
}

/// The content of an order file: a random 12-byte nonce, then `status` as JSON encrypted
/// with AES-256-GCM under `key` (ciphertext followed by the 16-byte tag).
pub fn seal(status: &OrderStatus, key: &[u8; 32]) -> anyhow::Result<Vec<u8>> {
    seal_with_nonce(status, key, &crate::random_bytes::<NONCE_LEN>()?)
}

/// [`seal`] with a given nonce.
fn seal_with_nonce(
    status: &OrderStatus,
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
) -> anyhow::Result<Vec<u8>> {
    let plaintext = serde_json::to_vec(status).context("serialising an order")?;
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(nonce), plaintext.as_slice())
        .map_err(|_| anyhow::anyhow!("encrypting an order failed"))?;
    let mut file = Vec::with_capacity(NONCE_LEN + ciphertext.len());
    file.extend_from_slice(nonce);
    file.extend_from_slice(&ciphertext);
    Ok(file)
}

/// The order status in the content of an order file sealed under `key`, or `None` when the
/// content is too short, was sealed under another key, was changed, or is not an order.
pub fn open(bytes: &[u8], key: &[u8; 32]) -> Option<OrderStatus> {
    if bytes.len() < NONCE_LEN + TAG_LEN {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let plaintext = cipher.decrypt(Nonce::from_slice(nonce), ciphertext).ok()?;
    serde_json::from_slice(&plaintext).ok()
}

/// What [`export`] did.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ExportSummary {
    /// Orders written (with at least one file).
    pub orders: usize,
    /// Files written, one per order and verifier.
    pub files: usize,
    /// Orders left out, and verifiers an order had but that could not be used: one line
    /// each, naming the order by its position in the list (from 1), never by its number,
    /// e-mail or phone.
    pub warnings: Vec<String>,
}

/// One file to write: an order and one of its verifiers, both normalised.
struct Job<'a> {
    status: &'a OrderStatus,
    number: String,
    verifier: String,
}

/// The last 4 ASCII digits of `phone`, or `None` when it has fewer.
fn phone_last_digits(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let last = digits.get(digits.len().checked_sub(4)?..)?;
    normalize_verifier(&last.iter().collect::<String>())
}

/// The files of `records`, or the reason the list cannot be exported: an order number that
/// normalises to nothing, or two orders with the same normalised number. Orders that cannot
/// be looked up are left out with a warning.
fn plan<'a>(
    records: &'a [OrderRecord],
    summary: &mut ExportSummary,
) -> anyhow::Result<Vec<Job<'a>>> {
    let mut jobs = Vec::new();
    let mut positions: HashMap<String, usize> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        let position = index + 1;
        let number = normalize_order_number(&record.status.order_number);
        if number.is_empty() {
            bail!(
                "order {position} (of {}) has no order number",
                records.len()
            );
        }
        if let Some(first) = positions.insert(number.clone(), position) {
            bail!("orders {first} and {position} have the same order number");
        }
        if number.chars().count() > MAX_ORDER_NUMBER_CHARS {
            summary.warnings.push(format!(
                "order {position}: the order number is longer than {MAX_ORDER_NUMBER_CHARS} \
                 characters, which the widget does not look up; skipped"
            ));
            continue;
        }
        let mut verifiers = Vec::new();
        if let Some(email) = &record.email {
            match normalize_verifier(email) {
                Some(v) if v.contains('@') => verifiers.push(v),
                _ => summary.warnings.push(format!(
                    "order {position}: the e-mail is not an e-mail address; not used"
                )),
            }
        }
        if let Some(phone) = &record.phone {
            match phone_last_digits(phone) {
                Some(v) => verifiers.push(v),
                None => summary.warnings.push(format!(
                    "order {position}: the phone has fewer than 4 digits; not used"
                )),
            }
        }
        if verifiers.is_empty() {
            summary.warnings.push(format!(
                "order {position}: no usable e-mail or phone, so no one could look it up; skipped"
            ));
            continue;
        }
        summary.orders += 1;
        for verifier in verifiers {
            jobs.push(Job {
                status: &record.status,
                number: number.clone(),
                verifier,
            });
        }
    }
    Ok(jobs)
}

/// The name and content of every job's file, derived on all cores (PBKDF2 is the slow part).
fn seal_all(jobs: &[Job<'_>], manifest: &Manifest) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = jobs.len().div_ceil(threads.min(jobs.len()));
    std::thread::scope(|scope| {
        let workers: Vec<_> = jobs
            .chunks(chunk)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|job| {
                            let derived = derive_normalized(&job.number, &job.verifier, manifest);
                            Ok((derived.file_name(), seal(job.status, &derived.key)?))
                        })
                        .collect::<anyhow::Result<Vec<_>>>()
                })
            })
            .collect();
        let mut files = Vec::with_capacity(jobs.len());
        for worker in workers {
            let sealed = worker
                .join()
                .map_err(|_| anyhow::anyhow!("sealing the order files failed"))?;
            files.extend(sealed?);
        }
        Ok(files)
    })
}

/// Removes the `*.bin` files directly in `dir` (nothing else), returning how many.
fn remove_old_files(dir: &Path) -> anyhow::Result<usize> {
    let mut removed = 0;
    let entries = fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .with_context(|| format!("reading {}", path.display()))?;
        let is_bin = path.extension().is_some_and(|ext| ext == "bin");
        if is_bin && (kind.is_file() || kind.is_symlink()) {
            fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Writes the order files of `records` and the manifest to the folder `out` (created if
/// missing), replacing the `*.bin` files already there; nothing else in it is touched.
///
/// Refuses (before touching `out`) a manifest [`Manifest::check`] refuses, an order number
/// that normalises to nothing and two orders with the same number, naming orders by their
/// position in the list. Orders without a usable verifier are left out with a warning in the
/// summary.
pub fn export(
    records: &[OrderRecord],
    out: &Path,
    manifest: &Manifest,
) -> anyhow::Result<ExportSummary> {
    manifest.check()?;
    let mut summary = ExportSummary::default();
    let jobs = plan(records, &mut summary)?;
    let files = seal_all(&jobs, manifest)?;
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    remove_old_files(out)?;
    for (name, content) in &files {
        let path = out.join(name);
        fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
    }
    let path = out.join(MANIFEST_FILE);
    fs::write(&path, manifest.to_json() + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    summary.files = files.len();
    Ok(summary)
}

/// Looks an order up in an exported folder as the widget does: reads the manifest, derives
/// the file name from `number` and `verifier` (as the shopper typed them) and opens that one
/// file. `None` for an unknown order, a wrong verifier and input the widget would refuse;
/// an error when the manifest is missing or malformed, or the file cannot be read or opened.
pub fn lookup(dir: &Path, number: &str, verifier: &str) -> anyhow::Result<Option<OrderStatus>> {
    let manifest = Manifest::read(dir)?;
    let query = OrderLookup {
        order_number: number.to_owned(),
        verifier: verifier.to_owned(),
    };
    let Ok(query) = query.normalized() else {
        return Ok(None);
    };
    let derived = derive_normalized(&query.order_number, &query.verifier, &manifest);
    let path = dir.join(derived.file_name());
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
    };
    match open(&bytes, &derived.key) {
        Some(status) => Ok(Some(status)),
        None => bail!("{} does not open with its key", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_api::orders::OrderState;

    fn test_manifest() -> Manifest {
        Manifest {
            salt: "kefu-test-salt".into(),
            iterations: 1000,
        }
    }

    fn status(number: &str) -> OrderStatus {
        serde_json::from_value(serde_json::json!({
            "order_number": number,
            "state": "shipped",
            "carrier": "顺丰速运",
            "updated_at_ms": 1_795_183_500_000_i64,
            "events": [{"state": "shipped", "at_ms": 1_795_183_500_000_i64, "note": "已发货"}],
        }))
        .unwrap()
    }

    fn record(number: &str, email: Option<&str>, phone: Option<&str>) -> OrderRecord {
        OrderRecord {
            email: email.map(Into::into),
            phone: phone.map(Into::into),
            status: status(number),
        }
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn derive_matches_the_known_answer() {
        let manifest = test_manifest();
        let d = derive("DD20261118-4471", "li.lei@example.com", &manifest).unwrap();
        assert_eq!(
            hex::encode(d.name),
            "74f2d008b4ba64a905c73ead1d1180945b323536e992c797df147f335444fce8"
        );
        assert_eq!(
            hex::encode(d.key),
            "3b8eafb66c085dc279d81c72d7d7263af5c94b0846604825d74814294187c59f"
        );
        assert_eq!(
            d.file_name(),
            "74f2d008b4ba64a905c73ead1d1180945b323536e992c797df147f335444fce8.bin"
        );
        let phone = derive("DD20261118-4471", "8000", &manifest).unwrap();
        assert_eq!(
            phone.file_name(),
            "8035705969879d72ae24f379fa4f346d74180736365e0bd6e62d35b73d3fe449.bin"
        );
        assert_eq!(
            hex::encode(phone.key),
            "668f5a93269fabc720c3b3bd12d0a058ad37f47f6ad2062855be08aaa73776ce"
        );
    }

    #[test]
    fn derive_normalises_and_depends_on_every_input() {
        let manifest = test_manifest();
        let name = |number: &str, verifier: &str, manifest: &Manifest| {
            derive(number, verifier, manifest).map(|d| d.file_name())
        };
        let base = name("DD20261118-4471", "li.lei@example.com", &manifest).unwrap();
        assert_eq!(
            name(
                "ｄｄ２０２６１１１８－４４７１",
                " Li.Lei@Example.COM ",
                &manifest
            ),
            Some(base.clone())
        );
        for other in [
            name("DD20261118-4471", "han.meimei@example.com", &manifest),
            name("DD20261118-4472", "li.lei@example.com", &manifest),
            name("DD20261118-4471", "8000", &manifest),
            name(
                "DD20261118-4471",
                "li.lei@example.com",
                &Manifest {
                    salt: "other".into(),
                    ..test_manifest()
                },
            ),
            name(
                "DD20261118-4471",
                "li.lei@example.com",
                &Manifest {
                    iterations: 1001,
                    ..test_manifest()
                },
            ),
        ] {
            assert_ne!(other.unwrap(), base);
        }
        assert!(derive(" - ", "8000", &manifest).is_none());
        assert!(derive("DD1", "13800138000", &manifest).is_none());
    }

    #[test]
    fn seal_writes_nonce_then_aes_gcm_as_known() {
        let key: [u8; 32] =
            hex::decode("3b8eafb66c085dc279d81c72d7d7263af5c94b0846604825d74814294187c59f")
                .unwrap()
                .try_into()
                .unwrap();
        let nonce: [u8; 12] = std::array::from_fn(|i| i as u8);
        let minimal: OrderStatus =
            serde_json::from_str(r#"{"order_number":"A1","state":"placed","updated_at_ms":5}"#)
                .unwrap();
        let sealed = seal_with_nonce(&minimal, &key, &nonce).unwrap();
        // Computed independently (Python `cryptography`, AESGCM(key).encrypt(nonce, json, None)).
        assert_eq!(
            hex::encode(&sealed),
            "000102030405060708090a0bc537bd813014fd00a9045a4c20cf913a6f204b68f6a5b990ff06e7299b\
             6c2953ea1016c85950ac7d0f60379fe90ea42ad02090ac76809b685b1aed3a4cd09e2f5006aa4ffc86\
             8e26d06471b4c9906c9de30ada56586e52163b15bc4dd66f66"
        );
        assert_eq!(open(&sealed, &key), Some(minimal));
    }

    #[test]
    fn sealed_orders_open_only_intact_and_with_their_key() {
        let d = derive("DD1", "8000", &test_manifest()).unwrap();
        let order = status("DD1");
        let sealed = seal(&order, &d.key).unwrap();
        let plaintext = serde_json::to_vec(&order).unwrap();
        assert_eq!(sealed.len(), NONCE_LEN + plaintext.len() + TAG_LEN);
        assert_eq!(open(&sealed, &d.key), Some(order.clone()));
        // A fresh nonce each time.
        assert_ne!(seal(&order, &d.key).unwrap(), sealed);

        let other = derive("DD1", "8001", &test_manifest()).unwrap();
        assert_eq!(open(&sealed, &other.key), None);
        for at in [0, NONCE_LEN, sealed.len() - 1] {
            let mut tampered = sealed.clone();
            tampered[at] ^= 1;
            assert_eq!(open(&tampered, &d.key), None, "byte {at}");
        }
        assert_eq!(open(&sealed[..sealed.len() - 1], &d.key), None);
        assert_eq!(open(&sealed[..NONCE_LEN + TAG_LEN - 1], &d.key), None);
        assert_eq!(open(&[], &d.key), None);
    }

    #[test]
    fn manifests_round_trip_and_are_checked() {
        let manifest = test_manifest();
        assert_eq!(
            manifest.to_json(),
            r#"{"format":"kefu-static-orders/1","salt":"kefu-test-salt","iterations":1000}"#
        );
        assert_eq!(Manifest::from_json(&manifest.to_json()).unwrap(), manifest);
        let random = Manifest::random(DEFAULT_ITERATIONS).unwrap();
        assert_eq!(random.salt.len(), 32);
        assert!(random
            .salt
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_ne!(
            Manifest::random(DEFAULT_ITERATIONS).unwrap().salt,
            random.salt
        );

        for bad in [
            r#"{"format":"kefu-static-orders/2","salt":"s","iterations":1000}"#,
            r#"{"format":"kefu-static-orders/1","salt":"","iterations":1000}"#,
            r#"{"format":"kefu-static-orders/1","salt":"s","iterations":999}"#,
            r#"{"format":"kefu-static-orders/1","salt":"s"}"#,
            r#"{"salt":"s","iterations":1000}"#,
            "[]",
        ] {
            assert!(Manifest::from_json(bad).is_err(), "{bad}");
        }
        let err = Manifest {
            iterations: 10,
            ..test_manifest()
        }
        .check()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the iterations must be at least 1000 (got 10)"
        );
    }

    #[test]
    fn phones_give_their_last_4_digits() {
        assert_eq!(phone_last_digits("138 0013 8000").as_deref(), Some("8000"));
        assert_eq!(
            phone_last_digits("+1 (415) 555-0142").as_deref(),
            Some("0142")
        );
        assert_eq!(phone_last_digits("1234").as_deref(), Some("1234"));
        assert_eq!(phone_last_digits("12-3"), None);
        assert_eq!(phone_last_digits(""), None);
    }

    #[test]
    fn export_round_trips_and_replaces_only_bin_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("orders");
        let records = [
            record("DD1", Some("a@example.com"), Some("138 0013 8000")),
            record("DD-2", Some("b@example.com"), None),
            record("DD3", None, Some("12")),
            record("DD4", Some("not an address"), Some("0042")),
        ];
        let summary = export(&records, &out, &test_manifest()).unwrap();
        assert_eq!((summary.orders, summary.files), (3, 4));
        assert_eq!(
            summary.warnings,
            [
                "order 3: the phone has fewer than 4 digits; not used",
                "order 3: no usable e-mail or phone, so no one could look it up; skipped",
                "order 4: the e-mail is not an e-mail address; not used",
            ]
        );
        assert_eq!(Manifest::read(&out).unwrap(), test_manifest());

        let found = |number: &str, verifier: &str| {
            lookup(&out, number, verifier)
                .unwrap()
                .map(|s| s.order_number)
        };
        assert_eq!(found("dd1", "A@example.com").as_deref(), Some("DD1"));
        assert_eq!(found("DD1", "8000").as_deref(), Some("DD1"));
        assert_eq!(found("DD2", "b@example.com").as_deref(), Some("DD-2"));
        assert_eq!(found("DD4", "0042").as_deref(), Some("DD4"));
        assert_eq!(found("DD1", "b@example.com"), None);
        assert_eq!(found("DD2", "8000"), None);
        assert_eq!(found("DD3", "0012"), None);
        assert_eq!(found("DD1", "not a verifier"), None);
        assert_eq!(found("", "8000"), None);
        let full = lookup(&out, "DD1", "8000").unwrap().unwrap();
        assert_eq!(full, records[0].status);
        assert_eq!(full.state, OrderState::Shipped);

        // A re-export removes the old files, and only them.
        fs::write(out.join("index.html"), "keep").unwrap();
        fs::write(out.join("notes.bin.txt"), "keep").unwrap();
        fs::create_dir(out.join("dir.bin")).unwrap();
        let old: Vec<String> = names_in(&out)
            .into_iter()
            .filter(|n| n.len() == 68 && n.ends_with(".bin"))
            .collect();
        assert_eq!(old.len(), 4);
        let manifest = Manifest {
            salt: "second".into(),
            iterations: 1000,
        };
        let summary = export(&records[..1], &out, &manifest).unwrap();
        assert_eq!((summary.orders, summary.files), (1, 2));
        let names = names_in(&out);
        assert!(old.iter().all(|n| !names.contains(n)));
        for kept in ["index.html", "notes.bin.txt", "dir.bin", MANIFEST_FILE] {
            assert!(names.iter().any(|n| n == kept), "{kept}");
        }
        assert_eq!(names.len(), 2 + 4);
        assert_eq!(found("DD1", "8000").as_deref(), Some("DD1"));
        assert_eq!(found("DD2", "b@example.com"), None);
    }

    #[test]
    fn export_refuses_bad_lists_before_touching_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::write(out.join("old.bin"), "old").unwrap();
        let refuse = |records: &[OrderRecord], manifest: &Manifest| {
            export(records, out, manifest).unwrap_err().to_string()
        };
        let ok = record("DD1", Some("a@example.com"), None);
        assert_eq!(
            refuse(
                &[ok.clone(), record(" # - ", Some("b@example.com"), None)],
                &test_manifest()
            ),
            "order 2 (of 2) has no order number"
        );
        assert_eq!(
            refuse(
                &[
                    ok.clone(),
                    record("X", None, None),
                    record("dd-1", None, None)
                ],
                &test_manifest()
            ),
            "orders 1 and 3 have the same order number"
        );
        assert_eq!(
            refuse(
                std::slice::from_ref(&ok),
                &Manifest {
                    iterations: 999,
                    ..test_manifest()
                }
            ),
            "the iterations must be at least 1000 (got 999)"
        );
        assert_eq!(names_in(out), ["old.bin"]);
    }

    #[test]
    fn long_order_numbers_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let long = "1".repeat(MAX_ORDER_NUMBER_CHARS + 1);
        let summary = export(
            &[record(&long, Some("a@example.com"), None)],
            dir.path(),
            &test_manifest(),
        )
        .unwrap();
        assert_eq!((summary.orders, summary.files), (0, 0));
        assert_eq!(summary.warnings.len(), 1);
        assert!(!summary.warnings[0].contains(&long));
        assert_eq!(names_in(dir.path()), [MANIFEST_FILE]);
    }

    #[test]
    fn lookup_reports_a_missing_manifest_and_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(lookup(dir.path(), "DD1", "8000").is_err());
        export(
            &[record("DD1", None, Some("8000"))],
            dir.path(),
            &test_manifest(),
        )
        .unwrap();
        let name = derive("DD1", "8000", &test_manifest()).unwrap().file_name();
        let path = dir.path().join(name);
        let mut bytes = fs::read(&path).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        fs::write(&path, bytes).unwrap();
        let err = lookup(dir.path(), "DD1", "8000").unwrap_err();
        assert!(err.to_string().contains("does not open"), "{err}");
    }
}
