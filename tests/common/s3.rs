//! A real S3 server on 127.0.0.1 for the object-store tests: `s3s` (the S3 protocol:
//! SigV4 authentication, path-style requests, range GETs, multipart uploads) over
//! `s3s-fs` (objects as files in a temporary directory), served by hyper on its own
//! tokio runtime. A thin layer in front of it can answer chosen requests with 500
//! (`Faults`), to test retries.

#![allow(dead_code)] // each user (tests, the benchmark example) uses a part

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use sheikh_core::store::StoreConfig;

/// The access key the server accepts.
pub const ACCESS_KEY: &str = "sheikh-test";
/// Its secret.
pub const SECRET_KEY: &str = "sheikh-test-secret";
/// The bucket every server starts with.
pub const BUCKET: &str = "bucket";

/// Requests to answer with 500 instead of passing them to the server.
#[derive(Default)]
pub struct Faults {
    /// (substring of the request path, GET requests still to fail)
    plan: Mutex<Vec<(String, usize)>>,
    /// (substring of the request path, GET requests still to stall, for how long)
    stalls: Mutex<Vec<(String, usize, std::time::Duration)>>,
    served: AtomicUsize,
}

impl Faults {
    /// Answers the next `times` GET requests whose path contains `key` with 500.
    pub fn fail_gets(&self, key: &str, times: usize) {
        self.plan.lock().unwrap().push((key.to_string(), times));
    }

    /// Stalls the next `times` GET requests whose path contains `key` for `delay`
    /// before answering them (a slow server, for request timeouts).
    pub fn stall_gets(&self, key: &str, times: usize, delay: std::time::Duration) {
        self.stalls
            .lock()
            .unwrap()
            .push((key.to_string(), times, delay));
    }

    fn stall(&self, method: &hyper::Method, path: &str) -> Option<std::time::Duration> {
        if method != hyper::Method::GET {
            return None;
        }
        let mut stalls = self.stalls.lock().unwrap();
        for (key, left, delay) in stalls.iter_mut() {
            if *left > 0 && path.contains(key.as_str()) {
                *left -= 1;
                return Some(*delay);
            }
        }
        None
    }

    /// 500 answers given so far.
    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }

    fn take(&self, method: &hyper::Method, path: &str) -> bool {
        if method != hyper::Method::GET {
            return false;
        }
        let mut plan = self.plan.lock().unwrap();
        for (key, left) in plan.iter_mut() {
            if *left > 0 && path.contains(key.as_str()) {
                *left -= 1;
                self.served.fetch_add(1, Ordering::SeqCst);
                return true;
            }
        }
        false
    }
}

/// A running server; stopped when dropped.
pub struct S3Server {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Fault injection.
    pub faults: Arc<Faults>,
    /// The directory the objects live in (`root/bucket/key`), removed on drop.
    root: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl S3Server {
    /// Starts a server with one empty bucket, [`BUCKET`].
    pub fn start() -> Self {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(BUCKET)).unwrap();
        let fs = s3s_fs::FileSystem::new(root.path()).unwrap();
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let service = builder.build();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let faults = Arc::new(Faults::default());
        let shared = faults.clone();
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                // hyper writes headers and body separately: without TCP_NODELAY, Nagle's
                // algorithm and delayed ACKs add ~40 ms to small answers.
                let _ = stream.set_nodelay(true);
                let service = service.clone();
                let faults = shared.clone();
                tokio::spawn(async move {
                    let handler = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let service = service.clone();
                        let fail = faults.take(req.method(), req.uri().path());
                        let stall = faults.stall(req.method(), req.uri().path());
                        async move {
                            if let Some(delay) = stall {
                                tokio::time::sleep(delay).await;
                            }
                            if fail {
                                let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
                                    <Error><Code>InternalError</Code>\
                                    <Message>injected</Message></Error>";
                                return Ok(hyper::Response::builder()
                                    .status(500)
                                    .header("content-type", "application/xml")
                                    .body(s3s::Body::from(body.to_string()))
                                    .unwrap());
                            }
                            hyper::service::Service::call(&service, req).await
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), handler)
                        .await;
                });
            }
        });
        S3Server {
            endpoint,
            faults,
            root,
            _runtime: runtime,
        }
    }

    /// Settings that reach this server, with short retry backoffs.
    pub fn store_config(&self) -> StoreConfig {
        let options: BTreeMap<String, String> = [
            ("aws_endpoint", self.endpoint.as_str()),
            ("aws_allow_http", "true"),
            ("aws_access_key_id", ACCESS_KEY),
            ("aws_secret_access_key", SECRET_KEY),
            ("aws_region", "us-east-1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        StoreConfig {
            options,
            backoff_ms: 10,
            max_retries: 3,
            retry_timeout_secs: 20,
            ..StoreConfig::default()
        }
    }

    /// The directory the server keeps its buckets in (an object `KEY` of [`BUCKET`]
    /// is the file `root_dir()/bucket/KEY`).
    pub fn root_dir(&self) -> &std::path::Path {
        self.root.path()
    }

    /// `s3://bucket/KEY`.
    pub fn url(&self, key: &str) -> String {
        format!("s3://{BUCKET}/{key}")
    }
}
