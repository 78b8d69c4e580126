//! What goes over the wire: the built widget's `.br` and `.gz` copies and the FAQ bundle in
//! Brotli or gzip for browsers that accept them, the plain bytes for those that do not.

mod common;

use axum::body::Bytes;
use axum::http::{header, Request, StatusCode};
use common::{Reply, TestServer};
use flate2::{read::GzDecoder, write::GzEncoder, Compression};
use http_body_util::Full;
use std::io::{Read, Write};
use std::sync::Arc;

/// GET `path`, accepting `encodings` (as a browser's `Accept-Encoding`) if any.
async fn get(s: &TestServer, path: &str, encodings: &str) -> Reply {
    let mut request = Request::get(format!("{}{path}", s.base));
    if !encodings.is_empty() {
        request = request.header(header::ACCEPT_ENCODING, encodings);
    }
    s.send(request.body(Full::<Bytes>::default()).unwrap())
        .await
}

fn encoding(reply: &Reply) -> Option<&str> {
    reply
        .headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

#[tokio::test]
async fn widget_files_go_as_their_brotli_or_gzip_copies_to_browsers_that_accept_them() {
    let assets = tempfile::tempdir().unwrap();
    let script = "window.kefu = function () { return 'Talk to a human'; };\n".repeat(50);
    std::fs::write(assets.path().join("loader.js"), &script).unwrap();
    let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
    gzip.write_all(script.as_bytes()).unwrap();
    std::fs::write(assets.path().join("loader.js.gz"), gzip.finish().unwrap()).unwrap();
    // Not a real Brotli stream: the test only needs to see which copy is sent.
    std::fs::write(assets.path().join("loader.js.br"), b"brotli copy").unwrap();
    std::fs::write(assets.path().join("kefu.css"), ".kefu{color:red}").unwrap();
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = common::start(dir, &["--assets", assets.path().to_str().unwrap()], |_| {}).await;

    let brotli = get(&s, "/kefu/loader.js", "gzip, deflate, br, zstd").await;
    assert_eq!(
        encoding(&brotli),
        Some("br"),
        "Brotli first when both are accepted"
    );
    assert_eq!(brotli.body, b"brotli copy");

    let zipped = get(&s, "/kefu/loader.js", "gzip, deflate").await;
    assert_eq!(zipped.status, StatusCode::OK);
    assert_eq!(encoding(&zipped), Some("gzip"));
    assert!(
        zipped.body.len() < script.len() / 10,
        "{}",
        zipped.body.len()
    );
    assert_eq!(gunzip(&zipped.body), script.as_bytes());
    assert_eq!(
        zipped.headers[header::CONTENT_TYPE],
        "text/javascript",
        "the type of the file, not of its copy"
    );

    let plain = get(&s, "/kefu/loader.js", "").await;
    assert_eq!(encoding(&plain), None);
    assert_eq!(plain.body, script.as_bytes());
    // A cache in front must keep the copies apart.
    for reply in [&brotli, &zipped, &plain] {
        assert!(
            reply
                .headers
                .get_all(header::VARY)
                .iter()
                .any(|v| v.to_str().unwrap().contains("accept-encoding")),
            "{:?}",
            reply.headers
        );
    }

    // A file without a copy goes as it is, whatever the browser accepts.
    let css = get(&s, "/kefu/kefu.css", "gzip, br").await;
    assert_eq!(encoding(&css), None);
    assert_eq!(css.body, b".kefu{color:red}");

    // With no FAQ published, the built bundle goes as its copy too.
    std::fs::create_dir(assets.path().join("faq")).unwrap();
    std::fs::write(assets.path().join("faq/en.kfb"), b"KFB2 built bundle").unwrap();
    std::fs::write(assets.path().join("faq/en.kfb.br"), b"brotli bundle").unwrap();
    let bundle = get(&s, "/kefu/faq/en.kfb", "gzip, br").await;
    assert_eq!(encoding(&bundle), Some("br"));
    assert_eq!(bundle.body, b"brotli bundle");
    let plain = get(&s, "/kefu/faq/en.kfb", "").await;
    assert_eq!(plain.body, b"KFB2 built bundle");
    // Only a locale's bundle: no other file of the assets goes out by this route.
    std::fs::write(assets.path().join("faq/notes.kfb"), b"private").unwrap();
    for path in [
        "/kefu/faq/notes.kfb",
        "/kefu/faq/en.kfb.br",
        "/kefu/faq/..%2Floader.js",
    ] {
        assert_eq!(
            get(&s, path, "").await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_faq_bundle_is_gzipped_for_browsers_that_accept_it() {
    let s = common::server(&["--demo"]).await;
    for path in ["/kefu/faq/zh-CN.kfb", "/api/v1/faq/zh-CN"] {
        let plain = get(&s, path, "").await;
        assert_eq!(plain.status, StatusCode::OK, "{path}");
        assert_eq!(encoding(&plain), None, "{path}");
        assert!(plain.body.starts_with(b"KFB2"), "{path}");

        let zipped = get(&s, path, "gzip, deflate, br;q=0").await;
        assert_eq!(encoding(&zipped), Some("gzip"), "{path}");
        assert!(zipped.body.len() < plain.body.len() * 2 / 3, "{path}");
        assert_eq!(gunzip(&zipped.body), plain.body, "{path}");
        // Still revalidated by version.
        let etag = zipped.headers[header::ETAG].to_str().unwrap();
        let cached = Request::get(format!("{}{path}", s.base))
            .header(header::ACCEPT_ENCODING, "gzip")
            .header(header::IF_NONE_MATCH, etag)
            .body(Full::<Bytes>::default())
            .unwrap();
        let cached = s.send(cached).await;
        assert_eq!(cached.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(cached.body.is_empty(), "{path}");
    }
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
    out
}

/// GET `path` accepting `encodings` until the bundle comes in Brotli: the server makes a
/// version's Brotli copy in the background and, meanwhile, sends it as the browser would
/// otherwise get it (gzipped when accepted), never nothing.
async fn brotli_bundle(s: &TestServer, path: &str, encodings: &str, plain: &[u8]) -> Reply {
    for _ in 0..400 {
        let reply = get(s, path, encodings).await;
        assert_eq!(reply.status, StatusCode::OK, "{path} {encodings}");
        match encoding(&reply) {
            Some("br") => return reply,
            Some("gzip") => assert_eq!(gunzip(&reply.body), plain, "{path} {encodings}"),
            other => assert_eq!(
                (other, &reply.body[..]),
                (None, plain),
                "{path} {encodings}"
            ),
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{path}: no Brotli copy after 20 s");
}

#[tokio::test]
async fn the_faq_bundle_goes_in_brotli_to_browsers_that_accept_it() {
    let s = common::server(&["--demo"]).await;
    for path in ["/kefu/faq/en.kfb", "/api/v1/faq/en"] {
        let plain = get(&s, path, "").await;
        let zipped = get(&s, path, "gzip").await;
        for accepted in ["gzip, deflate, br, zstd", "BR;q=0.5", "br"] {
            let brotli = brotli_bundle(&s, path, accepted, &plain.body).await;
            assert_eq!(unbrotli(&brotli.body), plain.body, "{path} {accepted}");
            assert!(
                brotli.body.len() < zipped.body.len() * 9 / 10,
                "{path}: Brotli {} against gzip {}",
                brotli.body.len(),
                zipped.body.len()
            );
            assert_eq!(brotli.headers[header::ETAG], plain.headers[header::ETAG]);
            assert!(
                brotli.headers[header::VARY]
                    .to_str()
                    .unwrap()
                    .contains("accept-encoding"),
                "a cache in front must keep the encodings apart"
            );
        }
    }

    // A new version gets a new copy, not the last one's.
    let before = get(&s, "/api/v1/faq/en", "br").await;
    let entry = kefu_api::FaqFileEntry {
        id: String::new(),
        question: "Do you ship to Iceland?".to_owned(),
        variants: Vec::new(),
        keywords: Vec::new(),
        answer: "Yes, in 5 to 9 days.".to_owned(),
    };
    kefu_server::faq::change(s.state.store.as_ref(), kefu_api::Locale::En, 1, |file| {
        kefu_server::faq::add_entry(file, entry.clone())
    })
    .await
    .unwrap();
    let plain = get(&s, "/api/v1/faq/en", "").await;
    let after = brotli_bundle(&s, "/api/v1/faq/en", "br", &plain.body).await;
    assert_ne!(after.headers[header::ETAG], before.headers[header::ETAG]);
    assert_eq!(unbrotli(&after.body), plain.body);
    assert_ne!(unbrotli(&before.body), plain.body);
}
