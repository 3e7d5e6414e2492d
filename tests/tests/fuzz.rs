//! A bounded, deterministic fuzzing run: mutants of real specs must end in
//! generated code or a spec error, never a panic. Long runs: `cargo xtask fuzz`.

use std::time::Duration;

#[test]
fn mutants_never_panic() {
    let seeds = xtask::fuzz_seeds(&xtask::root()).expect("seed specs are readable");
    let stats = xtask::fuzz::run(&seeds, 20261121, Duration::from_secs(20), 300);
    assert!(stats.findings.is_empty(), "{}", stats.findings.join("\n"));
    assert!(stats.executions >= 50, "ran only {} mutants", stats.executions);
    assert!(stats.generated > 0 && stats.rejected > 0, "{stats:?}");
}
