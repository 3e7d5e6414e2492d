//! Stoplight Prism, the mock server Twilio tests its SDKs against, started
//! on a free loopback port for one spec and stopped when dropped (also when
//! a check panics). It is installed from `tests/prism/package.json` and its
//! lock file (`npm ci`) on first use.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Prism may take to listen: it parses the whole spec first.
const START: Duration = Duration::from_secs(120);

/// Prism's command, installed with `npm ci` in `tests/prism` if it is not
/// there yet.
pub fn binary(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("tests/prism");
    let binary = dir.join("node_modules/.bin/prism");
    if !binary.exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .map_err(|e| format!("Prism is not installed and `npm ci` in tests/prism could not run: {e}"))?;
        if !status.success() {
            return Err("`npm ci` in tests/prism failed: Prism cannot be installed".to_owned());
        }
    }
    Ok(binary)
}

/// A running Prism, killed when dropped.
pub struct Prism {
    child: Child,
    port: u16,
}

impl Prism {
    /// Starts Prism on `spec` with request validation on (`--errors`),
    /// listening on 127.0.0.1 only.
    pub fn start(root: &Path, spec: &Path) -> Result<Prism, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| format!("no free port: {e}"))?;
        let mut child = Command::new(binary(root)?)
            .args([
                "mock",
                &spec.display().to_string(),
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--errors",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start Prism: {e}"))?;
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                let mut output = String::new();
                if let Some(stderr) = child.stderr.take() {
                    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                        output.push_str(&line);
                        output.push('\n');
                    }
                }
                return Err(format!("Prism exited ({status}) before listening:\n{output}"));
            }
            if started.elapsed() > START {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("Prism did not listen on port {port} within {START:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Prism logs every request; drain its output so it never blocks.
        for stream in [
            child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child.stderr.take().map(|s| Box::new(s) as _),
        ]
        .into_iter()
        .flatten()
        {
            std::thread::spawn(move || for _ in BufReader::new(stream).lines() {});
        }
        Ok(Prism { child, port })
    }

    /// Where it listens.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
