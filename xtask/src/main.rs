//! `cargo xtask`: the project's commands; `cargo xtask help` lists them and
//! `cargo xtask help COMMAND` (or `COMMAND --help`) explains one.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use xtask::{Mode, Target, corpus, default_specs, read_specs, root, upstream};

// Parsing, lowering and formatting allocate millions of small nodes; with
// glibc's allocator a fifth of the generator's CPU time went to malloc and
// free (callgrind, `BENCHMARKS.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The project's commands: generate the client, follow Twilio's spec, and
/// test and measure the generator.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generates the client: from spec/*.yaml into generated/, or from
    /// --spec files into a standalone crate in --out. Prints what changed in
    /// the API since the last run.
    Codegen {
        /// Write nothing; fail, naming each stale file, if any is out of date.
        #[arg(long)]
        check: bool,
        /// Print nothing but errors and skipped operations.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        specs: Specs,
    },
    /// Prints the API change report between the model the crate was last
    /// generated from and the specs as they are now, without writing.
    Report {
        #[command(flatten)]
        specs: Specs,
    },
    /// Stores new upstream specs in spec/upstream/, cuts the fragments again,
    /// regenerates generated/ and prints the API change report, which also
    /// goes into generated/CHANGELOG.md. Nothing changes if a spec fails to
    /// load; running it again with the same input changes nothing.
    UpdateSpec {
        /// A twilio-oai checkout, or upstream spec files (named
        /// twilio_chat_v2.yaml or twilio_conversations_v1.yaml, or
        /// DATE_COMMIT_ before either). The commit and date come from the
        /// checkout's git objects (git is never run), else from the name.
        #[arg(long, num_args = 1.., required_unless_present = "finish")]
        from: Vec<PathBuf>,
        /// The upstream commit the files were taken from (7 to 40 hex digits).
        #[arg(long)]
        commit: Option<String>,
        /// The date of that commit (YYYY-MM-DD).
        #[arg(long)]
        date: Option<String>,
        /// Only finish (or roll back) an update that was interrupted.
        #[arg(long, conflicts_with_all = ["from", "commit", "date"])]
        finish: bool,
        /// When the update changed something, write its change report (the
        /// new CHANGELOG entry) to this file, as the body of a pull
        /// request; when nothing changed, write nothing there. The weekly
        /// workflow (.github/workflows/follow-twilio.yml) runs this.
        #[arg(long, value_name = "FILE", conflicts_with = "finish")]
        report_to: Option<PathBuf>,
    },
    /// Calls every operation of every spec through the typed API of the
    /// crate generated from it, against Prism serving the spec with request
    /// validation on (static examples, then made-up answers): every call
    /// must be accepted and decode, unless tests/prism/faults.txt lists it
    /// with its evidence. Prints a table per spec.
    Contract {
        /// A spec file (repeatable).
        #[arg(long)]
        spec: Vec<PathBuf>,
        /// A folder of specs (repeatable; default: spec/upstream).
        #[arg(long)]
        dir: Vec<PathBuf>,
        /// How many runs with answers Prism makes up from the schemas.
        #[arg(long, default_value_t = 3)]
        dynamic: usize,
    },
    /// Builds and tests the published crates against the newest compatible
    /// version of every dependency, as a user without this repository's
    /// lock file gets them: `cargo update` in a copy of the repository,
    /// then clippy -D warnings (each TLS choice) and the client suites. A
    /// deprecation or a break upstream fails here before users see it.
    Newest,
    /// Publishes twilio-runtime, then twilio-bindings, for a version tag
    /// (`v0.2.0`, which must be the workspace's version). The release
    /// workflow (.github/workflows/release.yml) runs this after .ci/run;
    /// CI runs it with --dry-run.
    Release {
        /// The tag being released, `v` and the workspace's version.
        #[arg(long)]
        tag: String,
        /// Package and check both crates, publish nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Cuts the Bindings fragments in spec/ out of the upstream specs in
    /// spec/upstream/; with --history-from, cuts older upstream versions
    /// (DATE_COMMIT_NAME.yaml) into spec/history/ instead.
    Slice {
        /// A folder of older upstream versions (twilio-oai's history).
        #[arg(long)]
        history_from: Option<PathBuf>,
    },
    /// Walks the crate through every older upstream version in spec/history/
    /// (or the files given) in date order, then back to the committed specs,
    /// in one scratch copy, as a user regenerating release after release
    /// would. Each step's report must be true and mirror the reverse one;
    /// personal data stays redacted; no type may vanish once it appeared;
    /// the crate, its example and the README's example must compile after
    /// each step that changed the code; the crate must end with exactly the
    /// public names it started with.
    History {
        /// Older upstream spec files, in the order to walk them
        /// (default: spec/history/*.yaml, in date order).
        files: Vec<PathBuf>,
        /// Check the reports and names only; build nothing.
        #[arg(long)]
        no_build: bool,
        /// Walk as a user who adopted the generator at the oldest release:
        /// from an empty name lock, forward to spec/upstream/. Every step
        /// must keep every lock entry, every element the spec still has
        /// must keep its locked name, and no name may lack a meaningful
        /// base.
        #[arg(long)]
        forward: bool,
        /// With --forward: walk every spec of a twilio-oai folder
        /// (`history/` and `history-corpus/`, then `spec/`) forward, one
        /// standalone crate each, instead of the Bindings crate.
        #[arg(long, requires = "forward", value_name = "TWILIO_OAI")]
        corpus: Option<PathBuf>,
    },
    /// Generates a crate from every spec in the folders under target/corpus/,
    /// builds them with clippy -D warnings, counts their doctests (there must
    /// be none) and prints a table. Skipped operations go to stderr.
    Corpus {
        /// A folder of specs that must generate (default: spec/upstream and
        /// spec/history).
        #[arg(long)]
        dir: Vec<PathBuf>,
        /// A folder of specs that may end in a spec error instead.
        #[arg(long)]
        hostile: Vec<PathBuf>,
        /// Generate only; skip clippy and the doctest count.
        #[arg(long)]
        no_build: bool,
    },
    /// Runs mutants of the fragments and the hostile specs through the
    /// generator; any panic or hang is reported with the seed that reproduces
    /// it. Build with --release for speed.
    Fuzz {
        /// How long to run.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// The first seed (default: the clock).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Mutation testing with cargo-mutants 27 (`cargo install --locked
    /// cargo-mutants --version 27.0.0`): each mutant of runtime/src must fail
    /// its unit tests or the client suites; with --naming, each mutant of the
    /// naming code must fail the generator's unit tests or the suites of
    /// names, snapshots and reports. Writes mutants.out/ under the target
    /// directory; MUTANTS.md records the full runs.
    Mutants {
        /// Only mutants in code this diff touches (`git diff BASE -- runtime/src`,
        /// or with --naming the files it mutates).
        #[arg(long)]
        in_diff: Option<PathBuf>,
        /// The naming code instead of the runtime: `naming.rs`, `diff.rs` and
        /// the functions of `lower/` that pick names.
        #[arg(long)]
        naming: bool,
    },
    /// Measures the generator, the generated code and the client; writes
    /// BENCHMARKS.md. Runs itself in release mode.
    Bench {
        /// Skip compile times and take fewer samples.
        #[arg(long)]
        quick: bool,
    },
}

/// Which specs to generate from, and where to.
#[derive(clap::Args)]
struct Specs {
    /// A spec file (repeatable; default: spec/*.yaml).
    #[arg(long)]
    spec: Vec<PathBuf>,
    /// The directory of a standalone crate to write (default: generated/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The standalone crate's package name (default: from --out's name).
    #[arg(long, requires = "out")]
    name: Option<String>,
    /// How the standalone crate depends on twilio-runtime: `path` (its
    /// version, and this checkout's runtime/ by a path relative to the
    /// crate: builds only beside this checkout), `registry` (its version
    /// only: needs twilio-runtime published on crates.io, which it is not
    /// yet) or `vendored` (the runtime as `cargo package` makes it, written
    /// into DIR/twilio-runtime/ as a member of the crate's own workspace,
    /// with this checkout's Cargo.lock: the crate can move anywhere and
    /// needs no registry for twilio-runtime).
    #[arg(long, requires = "out", default_value = "path", value_parser = ["path", "registry", "vendored"])]
    runtime: String,
}

impl Specs {
    fn resolve(self) -> Result<(Vec<twilio_codegen::Input>, Target), String> {
        let root = root();
        let specs =
            if self.spec.is_empty() { default_specs(&root).map_err(|e| e.to_string())? } else { self.spec };
        let inputs = read_specs(&root, &specs).map_err(|e| e.to_string())?;
        if let Some(name) = self.name.as_deref().filter(|n| !xtask::valid_package_name(n)) {
            return Err(format!(
                "error: --name {name:?}: a package name is ASCII letters, digits, `-` and `_`, starting with a letter"
            ));
        }
        let runtime = match self.runtime.as_str() {
            "registry" => xtask::RuntimeDep::Registry,
            "vendored" => xtask::RuntimeDep::Vendored,
            _ => xtask::RuntimeDep::Path,
        };
        let target = match self.out {
            Some(dir) => Target::Standalone(xtask::Standalone {
                dir: std::path::absolute(&dir).unwrap_or(dir),
                name: self.name,
                runtime,
            }),
            None => Target::Workspace,
        };
        Ok((inputs, target))
    }
}

fn main() -> ExitCode {
    // openapiv3 panics on some malformed specs; the generator turns those
    // panics into spec errors, so their default report would only be noise.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info.location().is_some_and(|l| l.file().contains("openapiv3")) {
            default_hook(info);
        }
    }));
    let result = match Cli::parse().command {
        Command::Codegen { check, quiet, specs } => run_codegen(check, quiet, specs),
        Command::Report { specs } => run_report(specs),
        Command::UpdateSpec { from, commit, date, finish, report_to } => {
            run_update(&from, upstream::Given { commit, date }, finish, report_to.as_deref())
        }
        Command::Release { tag, dry_run } => run_release(&tag, dry_run),
        Command::Newest => xtask::newest::run(&root()).map_err(|e| e.to_string()),
        Command::Contract { spec, dir, dynamic } => run_contract(spec, dir, dynamic),
        Command::Slice { history_from: None } => run_slice(),
        Command::Slice { history_from: Some(dir) } => run_slice_history(&dir),
        Command::History { files, no_build, forward, corpus: Some(dir) } if forward => {
            let _ = (files, no_build);
            run_forward_corpus(&dir)
        }
        Command::History { files, no_build, forward, corpus: _ } => run_history(files, !no_build, forward),
        Command::Corpus { dir, hostile, no_build } => run_corpus(dir, hostile, !no_build),
        Command::Fuzz { seconds, seed } => run_fuzz(seconds, seed),
        Command::Bench { quick } => run_bench(quick),
        Command::Mutants { in_diff, naming } => run_mutants(in_diff, naming),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            xtask::tell!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run_codegen(check: bool, quiet: bool, specs: Specs) -> Result<(), String> {
    let mode = if check { Mode::Check } else { Mode::Write };
    let started = Instant::now();
    let root = root();
    let (inputs, target) = specs.resolve()?;
    // The old model is for the change report, which only a write prints; a
    // broken one is rebuilt by this run, so it only costs the report.
    let old = match (mode, xtask::generated_model(&root, &target)) {
        (Mode::Write, Ok(old)) => old,
        (Mode::Write, Err(error)) => {
            xtask::tell!("warning: no change report: {error}");
            None
        }
        (Mode::Check, _) => None,
    };
    let output = xtask::generate(&root, &inputs, &target).map_err(|e| e.to_string())?;
    let report = xtask::write_output(&root, &inputs, &output, &target, mode).map_err(|e| e.to_string())?;
    for line in report.skipped.iter().chain(&report.warnings) {
        xtask::tell!("{line}");
    }
    if mode == Mode::Check {
        let stale: Vec<String> = report
            .changed
            .iter()
            .map(|f| format!("{f} was not up-to-date, run `cargo xtask codegen`"))
            .chain(
                report
                    .removed
                    .iter()
                    .map(|f| format!("{f} is no longer generated, run `cargo xtask codegen`")),
            )
            .collect();
        if !stale.is_empty() {
            return Err(format!(
                "{}
`cargo xtask report` shows what changed in the API; `cargo xtask codegen` applies it.",
                stale.join("\n")
            ));
        }
    }
    if !quiet {
        if let Some((old_api, old_names)) = old {
            let changes = twilio_codegen::diff::diff(&old_api, &old_names, &output.api, &output.names);
            if !changes.is_empty() {
                xtask::tell!(
                    "{}",
                    twilio_codegen::diff::render(&changes, &xtask::crate_version(&root, &target))
                );
            }
        }
        let verb = if mode == Mode::Check { "checked" } else { "generated" };
        xtask::tell!(
            "{verb} {} files ({} lines) from {} specs in {:.1} ms: {} changed, {} removed, {} skipped operations",
            report.changed.len() + report.unchanged,
            report.lines,
            inputs.len(),
            started.elapsed().as_secs_f64() * 1e3,
            report.changed.len(),
            report.removed.len(),
            report.skipped.len(),
        );
    }
    Ok(())
}

fn run_report(specs: Specs) -> Result<(), String> {
    let root = root();
    let (inputs, target) = specs.resolve()?;
    let old = xtask::generated_model(&root, &target).map_err(|e| e.to_string())?.ok_or(
        "no model of the generated crate (src/generated/model.json): run `cargo xtask codegen` first",
    )?;
    let new = xtask::generate(&root, &inputs, &target).map_err(|e| e.to_string())?;
    let changes = twilio_codegen::diff::diff(&old.0, &old.1, &new.api, &new.names);
    xtask::say!("{}", twilio_codegen::diff::render(&changes, &xtask::crate_version(&root, &target)));
    Ok(())
}

fn run_update(
    from: &[PathBuf],
    given: upstream::Given,
    finish: bool,
    report_to: Option<&std::path::Path>,
) -> Result<(), String> {
    use xtask::transaction::Recovery;
    let root = root();
    let recovered = if finish {
        xtask::transaction::recover(&root, &mut |_| Ok(())).map_err(|e| e.to_string())?
    } else {
        let incoming = upstream::find_given(from, &given).map_err(|e| format!("error: {e}"))?;
        for spec in &incoming {
            if let Some(note) = &spec.note {
                xtask::tell!("{}: {}", spec.from.display(), twilio_codegen::docs::plain(note));
            }
        }
        let update = upstream::update(&root, &incoming).map_err(|e| e.to_string())?;
        xtask::say!("{}", update.report);
        for file in &update.written {
            xtask::tell!("wrote {file}");
        }
        if let (Some(path), false) = (report_to, update.written.is_empty()) {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            xtask::output::write_all(&[(path.clone(), update.report.clone().into_bytes())])
                .map_err(|e| e.to_string())?;
            xtask::tell!("wrote the change report to {}", path.display());
        }
        update.recovered
    };
    match recovered {
        Recovery::Nothing if finish => xtask::tell!("no interrupted update to finish"),
        Recovery::Nothing => {}
        Recovery::RolledBack => {
            xtask::tell!("an interrupted update had changed nothing: its journal is removed")
        }
        Recovery::Finished => xtask::tell!("an interrupted update is finished"),
    }
    Ok(())
}

fn run_contract(mut specs: Vec<PathBuf>, mut dirs: Vec<PathBuf>, dynamic: usize) -> Result<(), String> {
    let root = root();
    if specs.is_empty() && dirs.is_empty() {
        dirs.push(root.join(upstream::UPSTREAM_DIR));
    }
    for dir in &dirs {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        found.sort();
        specs.extend(found);
    }
    let started = Instant::now();
    let rows = xtask::contract::run(&root, &specs, dynamic, &mut |row| {
        xtask::tell!(
            "contract: {} — {} operations, {} calls, {} ok, {} failures, {} listed faults ({:.1} s){}",
            row.spec,
            row.operations,
            row.calls,
            row.ok,
            row.failures.len() + usize::from(row.broken.is_some()),
            row.faults.len(),
            row.seconds,
            row.broken.as_deref().map(|b| format!(": {}", xtask::terminal(b))).unwrap_or_default()
        )
    })
    .map_err(|e| e.to_string())?;
    xtask::say!("{}", xtask::contract::table(&rows));
    for (spec, lines) in xtask::contract::failures(&rows) {
        xtask::tell!("{spec}:");
        for line in lines {
            xtask::tell!("  {}", xtask::terminal(&line));
        }
    }
    xtask::tell!("contract: {} specs in {:.1} s", rows.len(), started.elapsed().as_secs_f64());
    if rows.iter().all(xtask::contract::Row::passed) {
        Ok(())
    } else {
        Err("contract: calls failed (see above)".to_owned())
    }
}

fn run_release(tag: &str, dry_run: bool) -> Result<(), String> {
    let root = root();
    let version = xtask::crate_version(&root, &Target::Workspace);
    if tag != format!("v{version}") {
        return Err(format!(
            "error: the tag {:?} is not `v{version}`, the version of twilio-runtime and twilio-bindings; \
             set the workspace's version and tag that",
            xtask::terminal(tag)
        ));
    }
    // One invocation: cargo publishes the runtime first, waits until the
    // registry has it, then the crate that depends on it.
    let mut publish = xtask::cargo(&root);
    publish.args(["publish", "-p", "twilio-runtime", "-p", "twilio-bindings"]);
    if dry_run {
        publish.arg("--dry-run");
    }
    let status = publish.status().map_err(|e| format!("error: cargo publish: {e}"))?;
    if !status.success() {
        return Err(format!("error: cargo publish failed ({status})"));
    }
    let what = if dry_run { "checked (dry run)" } else { "published" };
    xtask::tell!("twilio-runtime and twilio-bindings {version}: {what}");
    Ok(())
}

fn run_slice() -> Result<(), String> {
    let root = root();
    let upstream = upstream::stored(&root).map_err(|e| e.to_string())?;
    let fragments = upstream::cut(&upstream)?;
    let files: Vec<(std::path::PathBuf, Vec<u8>)> = fragments
        .iter()
        .map(|(file, text)| (["spec", file].iter().collect(), text.clone().into_bytes()))
        .collect();
    xtask::output::write_in(&root, &files).map_err(|e| e.to_string())?;
    for file in fragments.keys() {
        xtask::tell!("wrote spec/{file} from {}", upstream::UPSTREAM_DIR);
    }
    Ok(())
}

fn run_slice_history(dir: &std::path::Path) -> Result<(), String> {
    let root = root();
    let written = xtask::history::slice_all(&root, dir).map_err(|e| e.to_string())?;
    xtask::tell!("wrote {written} history slices and their sums to spec/history/");
    Ok(())
}

fn run_mutants(in_diff: Option<PathBuf>, naming: bool) -> Result<(), String> {
    let root = root();
    // The baseline is skipped: cargo-mutants 27 runs it with only the mutated
    // package's tests, where the workspace's suites do not exist; `cargo test`
    // is the baseline.
    let mut command = xtask::cargo(&root);
    command.args(["mutants", "--no-shuffle", "--baseline=skip", "--timeout=240", "--build-timeout=600"]);
    if naming {
        command.arg("--no-config").args(xtask::NAMING_MUTANTS);
    } else {
        // The files, test packages and test targets are in .cargo/mutants.toml.
        command.args(["--test-package=twilio-runtime", "--test-package=tests"]);
    }
    command.arg("--output").arg(xtask::target_dir(&root));
    if let Some(diff) = in_diff {
        command.arg("--in-diff").arg(std::path::absolute(&diff).unwrap_or(diff));
    }
    let status = command.status().map_err(|e| format!("cannot run cargo mutants: {e}"))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(2) => {
            Err("mutants were missed: see mutants.out/missed.txt under the target directory".to_owned())
        }
        Some(3) => Err("mutants timed out: see mutants.out/timeout.txt".to_owned()),
        _ => Err(format!(
            "cargo mutants failed ({status}); is it installed? \
             `cargo install --locked cargo-mutants --version 27.0.0`"
        )),
    }
}

fn run_forward_corpus(oai: &std::path::Path) -> Result<(), String> {
    let root = root();
    let started = Instant::now();
    let mut by_spec = xtask::forward::releases(&oai.join("history-corpus"), &oai.join("spec"))
        .map_err(|e| e.to_string())?;
    for (spec, files) in
        xtask::forward::releases(&oai.join("history"), &oai.join("spec")).map_err(|e| e.to_string())?
    {
        if files.len() > 1 {
            by_spec.insert(spec, files);
        }
    }
    xtask::say!(
        "| spec | releases | public names | names removed with their element | rewritten | lost | unnamed | failed | s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let (mut problems, mut steps) = (Vec::new(), 0);
    for (spec, files) in &by_spec {
        let dir = xtask::target_dir(&root).join("history/forward").join(spec.trim_end_matches(".yaml"));
        let walk = xtask::forward::walk_spec(&root, spec, files, &dir).map_err(|e| e.to_string())?;
        let p = &walk.problems;
        xtask::say!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} |",
            walk.spec,
            walk.steps,
            walk.names,
            walk.removed,
            p.rewritten.len(),
            p.lost.len(),
            p.unnamed.len(),
            p.failed.len(),
            walk.seconds
        );
        steps += walk.steps;
        problems.extend(p.lines().into_iter().map(|l| format!("{spec}: {l}")));
    }
    xtask::say!(
        "\nforward walks: {} specs, {steps} releases in {:.1} s; {} problems",
        by_spec.len(),
        started.elapsed().as_secs_f64(),
        problems.len()
    );
    for line in &problems {
        xtask::tell!("{}", xtask::terminal(line));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err("history --forward: names were not kept (see above)".to_owned())
    }
}

fn run_history(files: Vec<PathBuf>, build: bool, forward: bool) -> Result<(), String> {
    let root = root();
    let files =
        if files.is_empty() { xtask::history::versions(&root).map_err(|e| e.to_string())? } else { files };
    xtask::say!(
        "| step | version | breaking | non-breaking | build | s | result |\n|---:|---|---:|---:|---|---:|---|"
    );
    let mut n = 0;
    let scratch = xtask::target_dir(&root).join("history/walk");
    let walk = xtask::history::walk_from(&root, &scratch, &files, build, forward, &mut |step| {
        n += 1;
        xtask::say!(
            "| {n} | {} | {} | {} | {} | {:.1} | {} |",
            step.version,
            step.breaking,
            step.compatible,
            if step.built { "compiled" } else { "not built" },
            step.seconds,
            twilio_codegen::docs::plain(&step.result)
        );
    })
    .map_err(|e| e.to_string())?;
    xtask::say!(
        "\nhistory: {} steps in {:.1} s; public names missing at the end: {}, new at the end: {}, types that vanished: {}",
        walk.steps.len(),
        walk.seconds,
        walk.missing.len(),
        walk.extra.len(),
        walk.vanished.len()
    );
    for (what, list) in [("missing", &walk.missing), ("new", &walk.extra), ("vanished", &walk.vanished)] {
        for item in list {
            xtask::tell!("{what}: {item}");
        }
    }
    if walk.passed() { Ok(()) } else { Err("history: the walk failed (see the table)".to_owned()) }
}

fn run_corpus(dirs: Vec<PathBuf>, hostile: Vec<PathBuf>, build: bool) -> Result<(), String> {
    let root = root();
    let mut dirs: Vec<(PathBuf, bool)> = dirs.into_iter().map(|d| (d, false)).collect();
    if dirs.is_empty() {
        dirs = vec![(root.join(upstream::UPSTREAM_DIR), false), (root.join("spec/history"), false)];
    }
    dirs.extend(hostile.into_iter().map(|d| (d, true)));
    let started = Instant::now();
    let (rows, found) = corpus::run(&root, &dirs, build).map_err(|e| e.to_string())?;
    let table = corpus::table(&rows, &found);
    xtask::say!("{table}");
    let _ = xtask::output::write_in(
        &xtask::target_dir(&root),
        &[("corpus/report.md".into(), table.clone().into_bytes())],
    );
    xtask::tell!("corpus: {} specs in {:.1} s", rows.len(), started.elapsed().as_secs_f64());
    let failed: Vec<&str> = rows.iter().filter(|r| !r.passed()).map(|r| r.name.as_str()).collect();
    if !found.doctests.is_empty() {
        return Err(format!("spec text became doctests:\n{}", found.doctests.join("\n")));
    }
    if failed.is_empty() { Ok(()) } else { Err(format!("failed: {}", failed.join(", "))) }
}

fn run_fuzz(seconds: u64, seed: Option<u64>) -> Result<(), String> {
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    });
    let seeds = xtask::fuzz_seeds(&root()).map_err(|e| e.to_string())?;
    // Panics are findings; the report lists each once.
    std::panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    let stats = xtask::fuzz::run(
        &seeds,
        seed,
        std::time::Duration::from_secs(seconds),
        u64::MAX,
        xtask::fuzz::PER_MUTANT,
    );
    let elapsed = started.elapsed().as_secs_f64();
    xtask::tell!(
        "fuzz: seed {seed}: {} executions in {elapsed:.1} s ({:.0}/s): {} generated, {} rejected, {} findings",
        stats.executions,
        stats.executions as f64 / elapsed.max(1e-9),
        stats.generated,
        stats.rejected,
        stats.findings.len()
    );
    if stats.findings.is_empty() { Ok(()) } else { Err(stats.findings.join("\n")) }
}

/// How to read the generator tables, and where the time goes.
const READING: &str = "\
## Reading the generator figures

- Goals (issue 14): CPU on the fragments at least 4x below progenitor's; CPU on
  `twilio_chat_v2.yaml` within 2x of the parse floor; the fragments under 10 ms of wall
  time. The side-by-side table is the measure; the in-process table shows where the
  time goes.
- The parse floor is most of what a small run must spend: on the fragments it is about a
  fifth of progenitor's whole run, so 4x below progenitor leaves almost nothing for
  lowering, emitting and formatting. Formatting (syn parses the emitted tokens,
  prettyplease prints them) is the largest stage after parsing, as it is for progenitor.
- What was cut, by profile (`valgrind --tool=callgrind`, which counts instructions and
  so is steady on a noisy machine): the system allocator, a fifth of all instructions,
  is replaced by mimalloc in `xtask`; the spec is parsed without serde_path_to_error's
  path tracking, which runs again only to locate an error; `codegen` compares files by
  bytes and hashes each once, for the manifest.
- Large specs (over 384 KiB) are parsed in pieces on every core (path items in shares,
  components and the rest apart; any piece that fails falls back to one whole parse, so
  errors are reported as usual). Parts of every file are emitted and formatted on a
  worker per core from 64 parts up; below that one thread is cheaper.
- What is left, by the same profile: on `twilio_chat_v2.yaml`, syn's parse of the
  emitted tokens and prettyplease's printing alone cost 1.17x the parse floor (109M
  against 93M instructions), so within 2x of the floor needs formatting that does not go
  through syn and prettyplease. On the fragments, starting the process costs about
  1.7 ms of CPU (`xtask --help`) and the parse floor a fifth of progenitor's run, which
  leaves no room for 4x below progenitor.
- Paging (the client tables below): the stream hands each item out with one move, frees
  a used-up page before the next is decoded, makes room for as many items as the last
  page had, decodes bodies where reqwest read them, and follows each next-page URL once.
  For the same 10,000 items, callgrind counts 2.2% more instructions than the
  hand-written loop, down from 12%; what is left is mostly moving each item through the
  `Stream`. One process has a bias of its own that more rounds in it do not remove: the
  size of its environment moves its stack, and that alone moved the ratio from 0.94
  (under `cargo bench`) to 1.02 (run directly). The paging rounds are therefore pooled
  from eight processes, each with its environment padded differently across a page.
";

/// How to read the table beside the SDKs, and the profile behind its cuts.
const PEERS: &str = "\
### Reading the table beside the SDKs

- Goal (issue 23): `list().stream()` at most 1.10x the untyped hand loop's CPU at
  100,000 items. The untyped loop is the floor a user reaches by skipping the model
  (text as sent, no dates, no SIDs, no enums); the typed one decodes into this crate's
  `Binding` without the client around it.
- What was cut, by profile (`valgrind --tool=callgrind`, instructions, one child
  listing 10,000 items: `cargo bench -p tests --bench peers -- --serve`, then
  `--child WAY BASE IS0000000000000000000000000000000a 10000`). Before: stream 259.2M,
  typed loop 250.5M, untyped loop 226.3M. chrono's general RFC 3339 parser took 34.4M
  for the 20,000 date-times, about 1,700 instructions each: Twilio's one form
  (`2016-10-21T11:37:03Z`) is now read directly and any other text still goes to chrono,
  so what is accepted and every error are chrono's (`runtime/src/dates.rs`, tested
  against chrono on 20 forms). Enums now decode from borrowed text, copying only an
  unknown value. After: stream 227.0M, typed loop 218.5M, untyped loop 226.4M; the
  typed loop is now below the untyped one, which copies every date as a `String`.
- What is left: the client's own request path (headers, log URL, retry bookkeeping,
  the next-page check) is about 8.5M instructions over 200 pages, 4% of the run. Every
  Rust way spends about 19M instructions at start in rustls-platform-verifier reading
  the system's root certificates (the start column); the SDKs' start is their
  interpreter and imports.
- Peak RSS is the child's own high-water mark (`VmHWM`, or the SDK's runtime's
  figure); the Rust ways stream a page at a time, so it stays flat from 10,000 to
  100,000 items.
";

/// What each dependency of the generated crate is for.
const DEPENDENCIES: &str = "\
## Dependencies of `twilio-bindings`

`cargo tree -p twilio-bindings -e normal --depth 2` shows the tree; the crate itself
depends only on `twilio-runtime`, which depends on:

| crate | why |
|---|---|
| reqwest (`rustls-no-provider`, no default features) | HTTP client behind the `HttpClient` trait |
| rustls (`aws-lc-rs`, `prefer-post-quantum`), rustls-platform-verifier | TLS with the aws-lc-rs provider (X25519MLKEM768 key exchange preferred) and the platform's certificate checks, configured by the runtime without a process-wide provider: no system OpenSSL (feature `rustls`, the default; `rustls-ring` takes ring instead) |
| tokio (`time`) | sleeping between retries; reqwest's runtime |
| serde, serde_json | decoding responses, JSON bodies |
| futures-core, futures-util | the `Stream` of items across pages |
| url | parsing base URLs and next-page URLs, query encoding |
| percent-encoding | encoding path parameters as one segment |
| chrono (`serde`, `now`) | `date-time` fields (Twilio's own form read by `dates.rs`), `Retry-After` dates |
| thiserror | the error types |
| base64 | the HTTP Basic `Authorization` header |
| fastrand | jitter in retry backoff |
| bytes | response bodies, decoded where reqwest read them |

The generator's dependencies (openapiv3, serde_yaml, quote, syn, prettyplease, heck)
never reach users: they belong to `twilio-codegen` and `xtask`.
";

fn run_bench(quick: bool) -> Result<(), String> {
    let root = root();
    if cfg!(debug_assertions) {
        // Timings of a debug build mean nothing: run the release build.
        let status = xtask::cargo(&root)
            .args(["run", "--quiet", "--release", "-p", "xtask", "--", "bench"])
            .args(quick.then_some("--quick"))
            .status()
            .map_err(|e| e.to_string())?;
        return if status.success() { Ok(()) } else { Err("the release benchmark failed".to_owned()) };
    }
    let started = Instant::now();
    let generator = xtask::bench::run(&root, quick)?;
    // A benchmark of the tests package, run with `args`: its Markdown.
    let cargo_bench = |name: &str, args: &[&str]| -> Result<String, String> {
        let output = xtask::cargo(&root)
            .args(["bench", "--quiet", "-p", "tests", "--bench", name, "--"])
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!("the {name} benchmark failed:\n{}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    xtask::tell!("bench: the client, against a hand-written loop");
    let client = cargo_bench("client", &[])?;
    xtask::tell!("bench: beside Twilio's SDKs and hand loops, a process each");
    let peers = cargo_bench("peers", if quick { &["--rounds", "3"] } else { &[] })?;
    let machine = format!(
        "{} cores, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        std::env::consts::ARCH
    );
    let text = format!(
        "# Benchmarks\n\n\
         Measured by `cargo xtask bench` on one machine ({machine}) in one run, so the\n\
         figures compare side by side; the machine is shared and noisy, so read\n\
         ratios, not absolute times. Reproduce with:\n\n\
         ```sh\n\
         cargo xtask bench                               # everything below, writes this file\n\
         cargo xtask bench --quick                       # fewer rounds, no compile times\n\
         cargo bench -p tests --bench client             # the client tables only\n\
         cargo bench -p tests --bench peers              # the client beside Twilio's SDKs\n\
         ```\n\n\
         The parse floor is serde_yaml → openapiv3 alone, the least any\n\
         generator built on openapiv3 must spend. Benchmarks are not tests: nothing\n\
         here is asserted in the test suite.\n\n{generator}\n{READING}\n{client}\n{peers}\n{PEERS}\n{DEPENDENCIES}"
    );
    xtask::output::write_in(&root, &[("BENCHMARKS.md".into(), text.into_bytes())])
        .map_err(|e| e.to_string())?;
    xtask::tell!("wrote BENCHMARKS.md in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
