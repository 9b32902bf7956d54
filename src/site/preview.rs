//! `nbe serve`: a local preview of the site that rebuilds when the examples change.
//!
//! The site is rendered into memory and served from there, so no request can reach a file outside
//! it: a path names a key of [`Site::files`] or nothing. Paths that try to leave the site anyway
//! (`..`, `%2e%2e`, encoded slashes, targets that are not absolute paths) are refused outright with
//! 403 or 400, so probing shows up as a refusal rather than a quiet miss. Only loopback addresses
//! are accepted.
//!
//! HTTP is hyper's (HTTP/1.1 on a single-threaded tokio runtime); every connection is closed after
//! its response, or after [`HEADER_TIMEOUT`] when its headers have not all come by then. A
//! redirect (a directory without its slash) goes to a path with one leading slash, never to
//! another host. File events come from notify: the system's own watcher (inotify on Linux) where it
//! starts, else notify's poller, which compares modification times every [`POLL`] (also chosen
//! with `nbe serve --poll`). A burst of events is one rebuild, which runs on its own thread while
//! requests go on being answered from the previous rendering. Pages get a small script, added only
//! when served, that polls `/__nbe/version` and reloads the page when a rebuild lands.

use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::error::{Error, Result};

use super::Site;
use super::html::escape;

/// How often the polling watcher looks at modification times.
pub const POLL: Duration = Duration::from_millis(500);

/// How long the sources must be quiet before a rebuild starts: one save is often several events
/// (write, rename, attributes), which come within a few milliseconds of each other, and a
/// `git checkout` is many. Short, since it is part of every edit's wait: a rebuild of the shipped
/// catalog takes about 200 ms, and an edit should show in under 300 ms. Events that arrive later
/// only cause one more rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(60);

/// How long a connection may take to send its request's headers before it is closed: a browser
/// sends them at once, and a client that trickles them (or never finishes) must not hold a
/// connection, and its file descriptor, open for good.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// The path pages poll to learn that the site was rebuilt.
pub const VERSION_PATH: &str = "/__nbe/version";

/// Resolves `text` (like `127.0.0.1:8000` or `localhost:0`) and refuses anything but loopback.
pub fn loopback_addr(text: &str) -> Result<SocketAddr> {
    let addrs: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|e| {
            Error::Usage(format!(
                "cannot use --addr {text}: {e}; write it like 127.0.0.1:8000"
            ))
        })?
        .collect();
    match addrs.first() {
        Some(addr) if addrs.iter().all(|a| a.ip().is_loopback()) => Ok(*addr),
        _ => Err(Error::Usage(format!(
            "refusing to serve on {text}: nbe serve only listens on loopback addresses (127.0.0.1, [::1], localhost), \
             so the preview is never reachable from the network"
        ))),
    }
}

/// A rendering, or why there is none.
type Rendering = Arc<Result<Site>>;

/// The rendered site, or why it could not be rendered, with a number that grows on every rebuild.
///
/// Both live under one lock, so a request never pairs one rebuild's pages with another's version:
/// a page served with an old version reloads when the new one lands, and never shows old bytes
/// under a version it would not reload from.
pub struct State {
    current: Mutex<(Rendering, u64)>,
}

impl State {
    /// A state holding a first rendering.
    pub fn new(first: Result<Site>) -> Self {
        Self {
            current: Mutex::new((Arc::new(first), 1)),
        }
    }

    /// Replaces the site and bumps the version, so open pages reload.
    pub fn replace(&self, next: Result<Site>) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let version = current.1 + 1;
        *current = (Arc::new(next), version);
    }

    fn current(&self) -> (Rendering, u64) {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        (Arc::clone(&current.0), current.1)
    }
}

/// An HTTP response before it is written.
#[derive(Debug, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Response {
    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// Why a request target names nothing the server will look up.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not an absolute path, or not decodable.
    BadRequest(&'static str),
    /// A path that climbs out of the site or smuggles a separator.
    Forbidden(&'static str),
}

/// The key of [`Site::files`] a request path names; directories name their `index.html`.
pub fn site_key(target: &str) -> std::result::Result<String, Refusal> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let Some(path) = path.strip_prefix('/') else {
        return Err(Refusal::BadRequest("the request target must be an absolute path"));
    };
    let mut segments = Vec::new();
    for raw in path.split('/') {
        let segment = percent_decode(raw).ok_or(Refusal::BadRequest("malformed percent-encoding"))?;
        match segment.as_str() {
            "" | "." => {}
            ".." => return Err(Refusal::Forbidden("`..` would leave the site")),
            s if s.contains(['/', '\\', '\0']) || s.contains(':') => {
                return Err(Refusal::Forbidden("encoded separators are not allowed"));
            }
            _ => segments.push(segment),
        }
    }
    let mut key = segments.join("/");
    if path.is_empty() || path.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Ok(key)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = std::str::from_utf8(bytes.get(at + 1..at + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        // Sources, recordings and markers are shown as text rather than downloaded or run.
        _ => "text/plain; charset=utf-8",
    }
}

/// The script served pages get: reload when the version changes from the one the page was served with.
fn reload_script(version: u64) -> String {
    format!(
        "<script>(function(){{var seen=\"{version}\";function poll(){{fetch(\"{VERSION_PATH}\",{{cache:\"no-store\"}})\
         .then(function(r){{return r.text();}}).then(function(v){{if(v!==seen){{location.reload();}}}})\
         .catch(function(){{}}).finally(function(){{setTimeout(poll,700);}});}}poll();}})();</script>\n"
    )
}

/// The response to a GET (or HEAD) of `target`.
pub fn respond(state: &State, target: &str) -> Response {
    let (site, version) = state.current();
    if target.split('?').next() == Some(VERSION_PATH) {
        return Response::text(200, &version.to_string());
    }
    let key = match site_key(target) {
        Ok(key) => key,
        Err(Refusal::BadRequest(why)) => return Response::text(400, &format!("400 bad request: {why}\n")),
        Err(Refusal::Forbidden(why)) => return Response::text(403, &format!("403 forbidden: {why}\n")),
    };
    let site = match site.as_ref() {
        Ok(site) => site,
        Err(err) => {
            let body = format!(
                "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Build failed · nbe serve</title></head>\n\
                 <body>\n<h1>The site could not be built</h1>\n<pre>{}</pre>\n<p>Fix it and this page reloads.</p>\n{}</body>\n</html>\n",
                escape(&err.to_string()),
                reload_script(version)
            );
            return Response {
                status: 500,
                headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
                body: body.into_bytes(),
            };
        }
    };
    match site.files.get(&key) {
        Some(bytes) if key.ends_with(".html") => {
            let html = String::from_utf8_lossy(bytes);
            let script = reload_script(version);
            let body = match html.rfind("</body>") {
                Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
                None => format!("{html}{script}"),
            };
            Response {
                status: 200,
                headers: vec![("Content-Type", content_type(&key).into())],
                body: body.into_bytes(),
            }
        }
        Some(bytes) => Response {
            status: 200,
            headers: vec![("Content-Type", content_type(&key).into())],
            body: bytes.clone(),
        },
        None if site.files.contains_key(&format!("{key}/index.html")) => {
            // One leading slash: `//host/` would be a protocol-relative URL, off to another host.
            let path = target.split(['?', '#']).next().unwrap_or(target);
            Response {
                status: 301,
                headers: vec![("Location", format!("/{}/", path.trim_start_matches('/')))],
                body: Vec::new(),
            }
        }
        None => Response::text(404, &format!("404 not found: /{key} is not part of the site\n")),
    }
}

/// Answers one request; hyper writes the status line and `Content-Length`, leaves the body out of
/// a `HEAD` response and, with keep-alive off, adds `Connection: close` and closes.
fn answer(state: &State, request: &hyper::Request<hyper::body::Incoming>) -> hyper::Response<Full<Bytes>> {
    let response = match *request.method() {
        // The target as the client sent it (`Uri` keeps its text), so refusals see what was asked.
        hyper::Method::GET | hyper::Method::HEAD => respond(state, &request.uri().to_string()),
        _ => Response::text(
            405,
            "405 method not allowed: the preview only answers GET and HEAD\n",
        ),
    };
    let mut reply = hyper::Response::builder()
        .status(response.status)
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff");
    for (name, value) in response.headers {
        reply = reply.header(name, value);
    }
    reply
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| {
            // Only a header value nbe made itself could be refused (a redirect to a path holding a
            // control character); a plain 500 says so.
            let mut failed = hyper::Response::new(Full::new(Bytes::from_static(
                b"500: the response could not be made\n",
            )));
            *failed.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            failed
        })
}

/// Answers requests on `listener` until the process is stopped, one task per connection.
fn listen(listener: TcpListener, state: Arc<State>) -> Result<()> {
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::io("failed to set up the listening socket", e))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::io("failed to start the preview server", e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::io("failed to start the preview server", e))?;
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors, most likely: say so, and give open connections a
                    // moment to end.
                    eprintln!("nbe: cannot accept a connection: {err}");
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            let state = Arc::clone(&state);
            tokio::task::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let reply = answer(&state, &request);
                    async move { Ok::<_, Infallible>(reply) }
                });
                // A client that hangs up early is its own business; the server goes on.
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .keep_alive(false)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

/// How the watcher learns that the sources changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watching {
    /// The system's file events (inotify), falling back to polling when they cannot start.
    Events,
    /// Modification times compared every [`POLL`].
    Polling,
}

/// The directories a rebuild reads, watched recursively once they exist.
///
/// A root that does not exist yet (no `snapshots/` before the first recording) is waited for by watching its nearest existing parent inside the
/// repository without recursion; each batch of events then watches the roots that exist again.
struct Sources {
    repo: PathBuf,
    roots: Vec<PathBuf>,
    watcher: Box<dyn Watcher + Send>,
    /// Parents watched without recursion until the roots below them appear.
    waiting: Vec<PathBuf>,
}

impl Sources {
    /// Starts watching `roots`, sending `()` on `changed` for every event that touches one, with
    /// file events unless `watching` asks for polling or they cannot start.
    fn start(repo: &Path, roots: Vec<PathBuf>, watching: Watching, changed: Sender<()>) -> Option<Self> {
        let handler = {
            let (repo, roots) = (repo.to_path_buf(), roots.clone());
            move |event: notify::Result<notify::Event>| {
                if event.is_ok_and(|event| touches(&event, &repo, &roots)) {
                    let _ = changed.send(());
                }
            }
        };
        if watching == Watching::Events {
            let native = notify::RecommendedWatcher::new(handler.clone(), config()).and_then(|watcher| {
                let mut sources = Self::new(repo, &roots, Box::new(watcher));
                sources.refresh().map(|()| sources)
            });
            match native {
                Ok(sources) => return Some(sources),
                Err(why) => eprintln!(
                    "nbe: file events are not available ({why}); looking for changes every {} ms instead",
                    POLL.as_millis()
                ),
            }
        } else {
            eprintln!("nbe: looking for changes every {} ms (--poll)", POLL.as_millis());
        }
        // Modification times are kept to the second, so two saves within one would look alike;
        // comparing contents catches the second (the sources are small).
        let polled = notify::PollWatcher::new(
            handler,
            config().with_poll_interval(POLL).with_compare_contents(true),
        )
        .and_then(|poller| {
            let mut sources = Self::new(repo, &roots, Box::new(poller));
            sources.refresh().map(|()| sources)
        });
        match polled {
            Ok(sources) => Some(sources),
            Err(err) => {
                eprintln!("nbe: cannot watch the examples ({err}); restart nbe serve to see changes");
                None
            }
        }
    }

    fn new(repo: &Path, roots: &[PathBuf], watcher: Box<dyn Watcher + Send>) -> Self {
        Self {
            repo: repo.to_path_buf(),
            roots: roots.to_vec(),
            watcher,
            waiting: Vec::new(),
        }
    }

    /// Watches every root that exists recursively, and the nearest existing parent of every other.
    ///
    /// Roots are watched again every time: one removed and made again (`rm -rf snapshots` before
    /// a record) is a new directory that the old watch no longer sees.
    fn refresh(&mut self) -> notify::Result<()> {
        for root in &self.roots {
            if root.is_dir() {
                self.watcher.watch(root, RecursiveMode::Recursive)?;
                continue;
            }
            let parent = root
                .ancestors()
                .skip(1)
                .find(|dir| dir.is_dir() && dir.starts_with(&self.repo))
                .unwrap_or(&self.repo)
                .to_path_buf();
            if !self.waiting.contains(&parent) {
                self.watcher.watch(&parent, RecursiveMode::NonRecursive)?;
                self.waiting.push(parent);
            }
        }
        Ok(())
    }
}

/// How both watchers walk the roots: never through a symbolic link, so a link that leads out of
/// the repository (which the catalog refuses anyway) never has the watcher walk the disk.
fn config() -> notify::Config {
    notify::Config::default().with_follow_symlinks(false)
}

/// Whether `event` may change the site: a change (not a read, so the rebuild's own reads never
/// start another) to something under a root, or the creation of a root or of a directory above it.
/// Events beside the roots, like `nbe build` writing `site/` into the repository, are not.
fn touches(event: &notify::Event, repo: &Path, roots: &[PathBuf]) -> bool {
    !matches!(event.kind, EventKind::Access(_))
        && event.paths.iter().any(|path| {
            roots
                .iter()
                .any(|root| path.starts_with(root) || (root.starts_with(path) && path != repo))
        })
}

/// Rebuilds after every quiet batch of changes, for as long as the server runs.
fn rebuild_on_change(
    state: &State,
    mut sources: Option<Sources>,
    changes: &Receiver<()>,
    render: &dyn Fn() -> Result<Site>,
) {
    while changes.recv().is_ok() {
        while changes.recv_timeout(DEBOUNCE).is_ok() {}
        if let Some(sources) = sources.as_mut() {
            // A root that has just appeared is watched before it is read, so no edit is missed.
            if let Err(err) = sources.refresh() {
                eprintln!("nbe: cannot watch a new directory ({err}); restart nbe serve to see its changes");
            }
        }
        let started = Instant::now();
        let next = render();
        match &next {
            Ok(site) => eprintln!(
                "nbe: rebuilt {} pages in {} ms",
                site.pages,
                started.elapsed().as_millis()
            ),
            Err(err) => eprintln!("nbe: the rebuild failed: {err}"),
        }
        state.replace(next);
    }
}

/// Serves the site `render` makes on `listener` until the process is stopped, re-rendering when
/// anything under [`watched_dirs`] of `repo` changes.
pub fn serve(
    listener: TcpListener,
    repo: &Path,
    watching: Watching,
    render: impl Fn() -> Result<Site> + Send + 'static,
) -> Result<()> {
    let (changed, changes) = std::sync::mpsc::channel();
    // Watching starts before the first rendering, so an edit made while it runs is not lost.
    let sources = Sources::start(repo, watched_dirs(repo), watching, changed);
    let state = Arc::new(State::new(render()));
    {
        let state = Arc::clone(&state);
        std::thread::spawn(move || rebuild_on_change(&state, sources, &changes, &render));
    }
    listen(listener, state)
}

/// The directories whose changes trigger a rebuild.
pub fn watched_dirs(root: &Path) -> Vec<PathBuf> {
    vec![root.join("examples"), root.join("snapshots")]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        let mut site = Site::default();
        site.files.insert(
            "index.html".into(),
            b"<html><body><p>home</p></body></html>".to_vec(),
        );
        site.files
            .insert("topologies/index.html".into(), b"<body>t</body>".to_vec());
        site.files.insert("assets/site.css".into(), b"body{}".to_vec());
        State::new(Ok(site))
    }

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert!(loopback_addr("127.0.0.1:8000").is_ok());
        assert!(loopback_addr("[::1]:0").is_ok());
        assert!(loopback_addr("localhost:0").is_ok());
        let err = loopback_addr("0.0.0.0:8000").unwrap_err().to_string();
        assert!(err.contains("loopback"), "{err}");
        assert!(loopback_addr("192.0.2.1:80").is_err());
        assert!(loopback_addr("nonsense").is_err());
    }

    #[test]
    fn paths_map_to_site_keys() {
        assert_eq!(site_key("/").unwrap(), "index.html");
        assert_eq!(site_key("/topologies/").unwrap(), "topologies/index.html");
        assert_eq!(site_key("/assets/site.css?v=1").unwrap(), "assets/site.css");
        assert_eq!(site_key("/a%20b/./c").unwrap(), "a b/c");
    }

    #[test]
    fn traversal_is_refused() {
        for target in [
            "/../etc/passwd",
            "/assets/../../x",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/a/%2fetc%2fpasswd",
            "/..%5c..%5cwin.ini",
            "/C:%5cwin.ini",
        ] {
            assert!(matches!(site_key(target), Err(Refusal::Forbidden(_))), "{target}");
        }
        for target in ["etc/passwd", "http://evil/", "*", "/%zz", "/%c0%ae"] {
            assert!(
                matches!(site_key(target), Err(Refusal::BadRequest(_))),
                "{target}"
            );
        }
    }

    #[test]
    fn pages_get_the_reload_script_and_other_files_do_not() {
        let state = state();
        let page = respond(&state, "/");
        assert_eq!(page.status, 200);
        let html = String::from_utf8(page.body).unwrap();
        assert!(
            html.contains(VERSION_PATH) && html.ends_with("</script>\n</body></html>"),
            "{html}"
        );
        let css = respond(&state, "/assets/site.css");
        assert_eq!(css.body, b"body{}");
        assert_eq!(respond(&state, VERSION_PATH).body, b"1");
        state.replace(Err(Error::Usage("broken <meta.yaml>".into())));
        assert_eq!(respond(&state, VERSION_PATH).body, b"2");
        let failed = respond(&state, "/");
        assert_eq!(failed.status, 500);
        assert!(
            String::from_utf8(failed.body)
                .unwrap()
                .contains("broken &lt;meta.yaml&gt;")
        );
    }

    /// A site whose home page names the version it belongs to.
    fn numbered(n: u64) -> Site {
        let mut site = Site::default();
        site.files
            .insert("index.html".into(), format!("<body>{n}</body>").into_bytes());
        site
    }

    /// Races rebuilds against requests; with the site and its version kept apart this caught a page
    /// served under the version before its own in most runs, and it can never fail with them together.
    #[test]
    fn a_page_is_served_with_its_own_version() {
        let state = Arc::new(State::new(Ok(numbered(1))));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let start = Arc::new(std::sync::Barrier::new(3));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (state, done, start) = (Arc::clone(&state), Arc::clone(&done), Arc::clone(&start));
                std::thread::spawn(move || {
                    let mut mismatches = Vec::new();
                    start.wait();
                    while !done.load(std::sync::atomic::Ordering::SeqCst) {
                        let html = String::from_utf8(respond(&state, "/").body).unwrap();
                        let page = &html["<body>".len()..html.find("<script>").unwrap()];
                        let seen = html.split("var seen=\"").nth(1).unwrap();
                        let seen = &seen[..seen.find('"').unwrap()];
                        if page != seen {
                            mismatches.push(format!("page {page} served as version {seen}"));
                        }
                    }
                    mismatches
                })
            })
            .collect();
        start.wait();
        for n in 2..=20_000 {
            state.replace(Ok(numbered(n)));
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        for reader in readers {
            let mismatches = reader.join().unwrap();
            assert!(
                mismatches.is_empty(),
                "{:?}",
                &mismatches[..mismatches.len().min(5)]
            );
        }
    }

    #[test]
    fn directories_redirect_and_misses_are_404() {
        let state = state();
        let redirect = respond(&state, "/topologies");
        assert_eq!(redirect.status, 301);
        assert_eq!(redirect.headers, [("Location", "/topologies/".to_string())]);
        for target in ["//topologies", "///topologies?x", "//topologies#y"] {
            assert_eq!(
                respond(&state, target).headers,
                [("Location", "/topologies/".to_string())],
                "{target}"
            );
        }
        assert_eq!(respond(&state, "/etc/passwd").status, 404);
        assert_eq!(respond(&state, "/../etc/passwd").status, 403);
        assert_eq!(respond(&state, "etc/passwd").status, 400);
    }
}
