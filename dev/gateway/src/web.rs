//! The web app on the API's own origin, as CloudFront serves it from S3 on AWS: files of
//! the built app (`web/dist`, or `WEB_DIST`) for GET and HEAD requests that no API route
//! takes, `index.html` for any other page path (the app routes by `#` fragment, so that is
//! `/` and stale links), and `/config.json`, which tells the app to sign in through
//! `POST /dev/login`. Paths under the API's own prefixes stay the API's: an unknown one is
//! still a 404 problem, never a page. Nothing outside the dist folder is ever read.

use std::path::{Path, PathBuf};

use edge::http::json_response;
use lambda_http::{Body, Request, Response};
use serde_json::json;

use crate::Route;

/// Where the built app is, relative to the working directory unless absolute.
pub fn dist_root() -> PathBuf {
    std::env::var_os("WEB_DIST").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("web/dist"))
}

/// The app's answer to `req`, or None when the request is the API's (a route matches, or
/// the path is under an API prefix), not a GET or HEAD, or the app is not built.
pub fn respond(routes: &[Route], req: &Request) -> Option<Response<Body>> {
    respond_from(&dist_root(), routes, req)
}

pub fn respond_from(root: &Path, routes: &[Route], req: &Request) -> Option<Response<Body>> {
    let method = req.method().as_str();
    let path = req.uri().path();
    if !matches!(method, "GET" | "HEAD") || is_api_path(routes, path) {
        return None;
    }
    if path == "/config.json" {
        let mut resp = json_response(200, json!({ "auth": "dev" }));
        resp.headers_mut().insert("cache-control", "no-store".parse().ok()?);
        return Some(resp);
    }
    let segments = resolve(path)?;
    let wanted = segments.iter().fold(root.to_path_buf(), |p, s| p.join(s));
    let file = if wanted.is_file() {
        wanted
    } else if segments.last().is_some_and(|s| s.contains('.')) {
        return Some(not_found());
    } else {
        root.join("index.html")
    };
    let file = inside(root, &file)?;
    let (encoding, bytes) = encoded(&file, req.headers().get("accept-encoding").and_then(|v| v.to_str().ok()))?;
    let immutable = segments.first().is_some_and(|s| s == "assets");
    let mut resp = file_response(&file, if method == "HEAD" { Vec::new() } else { bytes }, immutable);
    // Whatever was chosen, caches must key on what the client accepts.
    resp.headers_mut().insert("vary", http::HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        resp.headers_mut().insert("content-encoding", http::HeaderValue::from_static(encoding));
    }
    Some(resp)
}

/// The file as the client best accepts it: the build's brotli (`.br`) or gzip (`.gz`)
/// copy beside it when the client's Accept-Encoding names that coding (CloudFront picks
/// the same way, brotli first:
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/ServingCompressedFiles.html),
/// else the file itself.
fn encoded(file: &Path, accept: Option<&str>) -> Option<(Option<&'static str>, Vec<u8>)> {
    let accepts = |coding: &str| {
        accept.is_some_and(|a| {
            a.split(',').any(|part| {
                let mut it = part.split(';');
                let name = it.next().unwrap_or("").trim();
                let refused = it.any(|q| q.trim().replace(' ', "") == "q=0");
                name.eq_ignore_ascii_case(coding) && !refused
            })
        })
    };
    for (coding, suffix) in [("br", "br"), ("gzip", "gz")] {
        if accepts(coding) {
            let mut name = file.as_os_str().to_owned();
            name.push(format!(".{suffix}"));
            if let Ok(bytes) = std::fs::read(PathBuf::from(name)) {
                return Some((Some(coding), bytes));
            }
        }
    }
    std::fs::read(file).ok().map(|bytes| (None, bytes))
}

/// The URL path as safe file-name segments, or None for anything that could leave the
/// dist folder or name a hidden file: `..`, `.`-prefixed names, encoded slashes or
/// backslashes, NUL, invalid percent-encoding or UTF-8.
pub fn resolve(url_path: &str) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    for raw in url_path.split('/').filter(|s| !s.is_empty()) {
        let segment = percent_decode(raw)?;
        if segment.starts_with('.') || segment.contains(['/', '\\', '\0']) || segment.contains(':') {
            return None;
        }
        segments.push(segment);
    }
    Some(segments)
}

/// A second guard, against symbolic links: the file, resolved, is still under the root.
fn inside(root: &Path, file: &Path) -> Option<PathBuf> {
    let (root, file) = (root.canonicalize().ok()?, file.canonicalize().ok()?);
    file.starts_with(&root).then_some(file)
}

fn is_api_path(routes: &[Route], path: &str) -> bool {
    let first = path.split('/').find(|s| !s.is_empty()).unwrap_or("");
    routes.iter().any(|r| r.matches("GET", path) || r.path.split('/').find(|s| !s.is_empty()) == Some(first))
        || matches!(first, "dev" | ".well-known")
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file_response(file: &Path, bytes: Vec<u8>, immutable: bool) -> Response<Body> {
    Response::builder()
        .status(200)
        .header("content-type", content_type(file))
        .header("x-content-type-options", "nosniff")
        // Vite fingerprints everything under assets/; the rest must be revalidated.
        .header("cache-control", if immutable { "public, max-age=31536000, immutable" } else { "no-cache" })
        .body(Body::Binary(bytes))
        .expect("a response from valid parts")
}

fn not_found() -> Response<Body> {
    Response::builder()
        .status(404)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Body::Text("not found\n".into()))
        .expect("a response from valid parts")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Request {
        http::Request::builder().method("GET").uri(path).body(Body::Empty).unwrap()
    }

    fn routes() -> Vec<Route> {
        serde_json::from_value(json!([
            {"method": "GET", "path": "/concerts", "function": "availability", "public": true},
            {"method": "POST", "path": "/payments", "function": "payment"},
        ]))
        .unwrap()
    }

    fn dist() -> PathBuf {
        let root = std::env::temp_dir().join(format!("web-dist-{}", std::process::id()));
        std::fs::create_dir_all(root.join("assets")).unwrap();
        std::fs::write(root.join("index.html"), "<!doctype html><title>app</title>").unwrap();
        std::fs::write(root.join("assets/app-1a2b.js"), "console.log(1)").unwrap();
        root
    }

    #[test]
    fn paths_that_could_leave_the_dist_folder_are_refused() {
        for path in [
            "/../Cargo.toml",
            "/assets/../../etc/passwd",
            "/%2e%2e/secret",
            "/assets%2f..%2f..%2fetc",
            "/a%5c..%5cb",
            "/.env",
            "/x%00.js",
            "/C:/windows",
            "/%zz",
        ] {
            assert_eq!(resolve(path), None, "{path}");
        }
        assert_eq!(resolve("/assets/app-1a2b.js"), Some(vec!["assets".into(), "app-1a2b.js".into()]));
        assert_eq!(resolve("/"), Some(vec![]));
    }

    #[test]
    fn files_come_with_their_content_type_and_pages_fall_back_to_the_app() {
        let root = dist();
        let js = respond_from(&root, &routes(), &get("/assets/app-1a2b.js")).unwrap();
        assert_eq!(js.headers()["content-type"], "text/javascript; charset=utf-8");
        assert!(js.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        for page in ["/", "/index.html", "/some/page"] {
            let resp = respond_from(&root, &routes(), &get(page)).unwrap();
            assert_eq!(resp.headers()["content-type"], "text/html; charset=utf-8", "{page}");
            assert!(resp.body().as_ref().starts_with(b"<!doctype html>"));
        }
        assert_eq!(respond_from(&root, &routes(), &get("/missing.js")).unwrap().status(), 404);
        assert!(respond_from(&root, &routes(), &get("/../Cargo.toml")).is_none());
        let config = respond_from(&root, &routes(), &get("/config.json")).unwrap();
        assert_eq!(config.body().as_ref(), br#"{"auth":"dev"}"#);
    }

    #[test]
    fn a_client_that_accepts_brotli_or_gzip_gets_the_builds_compressed_copy() {
        let root = dist();
        std::fs::write(root.join("assets/app-1a2b.js.br"), "BR").unwrap();
        std::fs::write(root.join("assets/app-1a2b.js.gz"), "GZ").unwrap();
        let with = |accept: &str| {
            let req = http::Request::builder()
                .uri("/assets/app-1a2b.js")
                .header("accept-encoding", accept)
                .body(Body::Empty)
                .unwrap();
            respond_from(&root, &routes(), &req).unwrap()
        };
        for (accept, coding, body) in [
            ("gzip, deflate, br", Some("br"), &b"BR"[..]),
            ("gzip", Some("gzip"), b"GZ"),
            ("br;q=0, gzip", Some("gzip"), b"GZ"),
            ("identity", None, b"console.log(1)"),
        ] {
            let resp = with(accept);
            assert_eq!(resp.headers().get("content-encoding").map(|v| v.to_str().unwrap()), coding, "{accept}");
            assert_eq!(resp.body().as_ref(), body, "{accept}");
            assert_eq!(resp.headers()["vary"], "accept-encoding");
            assert_eq!(resp.headers()["content-type"], "text/javascript; charset=utf-8", "the file's own type");
        }
        let plain = respond_from(&root, &routes(), &get("/index.html")).unwrap();
        assert!(plain.headers().get("content-encoding").is_none(), "no copy, no coding");
    }

    #[test]
    fn the_api_keeps_its_paths() {
        let root = dist();
        assert!(respond_from(&root, &routes(), &get("/concerts")).is_none(), "a route");
        assert!(respond_from(&root, &routes(), &get("/concerts/unknown/thing")).is_none(), "under a prefix");
        assert!(respond_from(&root, &routes(), &get("/payments")).is_none(), "another method's route");
        assert!(respond_from(&root, &routes(), &get("/dev/login")).is_none());
        let post = http::Request::builder().method("POST").uri("/").body(Body::Empty).unwrap();
        assert!(respond_from(&root, &routes(), &post).is_none(), "only GET and HEAD");
        assert!(respond_from(Path::new("/nonexistent-dist"), &routes(), &get("/")).is_none(), "not built");
    }
}
