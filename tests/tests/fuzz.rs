//! A bounded, deterministic fuzzing run: mutants of real specs must end in
//! generated code or a spec error, never a panic. Long runs: `cargo xtask fuzz`.

use std::time::Duration;

#[test]
fn mutants_never_panic() {
    let seeds = xtask::fuzz_seeds(&xtask::root()).expect("seed specs are readable");
    let stats = xtask::fuzz::run(&seeds, 20261121, Duration::from_secs(20), 300, xtask::fuzz::PER_MUTANT);
    assert!(stats.findings.is_empty(), "{}", stats.findings.join("\n"));
    assert!(stats.executions >= 50, "ran only {} mutants", stats.executions);
    assert!(stats.generated > 0 && stats.rejected > 0, "{stats:?}");
}

#[test]
fn a_mutant_that_runs_too_long_is_a_finding() {
    // A budget no mutant can meet stands in for a hang.
    let seeds = xtask::fuzz_seeds(&xtask::root()).expect("seed specs are readable");
    let stats = xtask::fuzz::run(&seeds, 7, Duration::from_secs(20), 50, Duration::from_nanos(1));
    assert_eq!(stats.findings.len(), 1, "{stats:?}");
    assert!(stats.findings[0].contains("hang"), "{stats:?}");
    // Quick mutants may still beat a nanosecond; the run stops at the first hang.
    let last = format!("run {}: hang", stats.executions - 1);
    assert!(stats.findings[0].contains(&last), "the run stops at a hang: {stats:?}");
    assert!(stats.executions < 50, "{stats:?}");
}
