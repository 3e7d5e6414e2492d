//! Large specs are parsed in pieces on every core; the result must be
//! exactly what one parse of the whole document gives.

#[test]
fn split_parsing_equals_one_parse_on_every_twilio_spec() {
    let root = xtask::root();
    let mut split = 0;
    let mut files: Vec<_> = ["spec/upstream", "spec/history"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("the specs").flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let whole: openapiv3::OpenAPI = serde_yaml::from_str(&text).expect("Twilio's specs parse");
        // The split is the same whatever the machine: 2 and 4 workers here.
        for workers in [2, 4] {
            if let Some(pieces) = twilio_codegen::load::parse_in_parallel_with(&text, workers) {
                assert!(pieces == whole, "{} differs when parsed in pieces by {workers}", path.display());
                split += 1;
            }
        }
        assert!(twilio_codegen::load::parse_in_parallel_with(&text, 1).is_none(), "one worker never splits");
    }
    assert!(split >= 12, "only {split} splits: the specs were not large enough to split");
}

#[test]
fn split_parsing_equals_one_parse_on_mutants() {
    let text =
        std::fs::read_to_string(xtask::root().join("spec/upstream/twilio_chat_v2.yaml")).expect("readable");
    let mut rng = fastrand::Rng::with_seed(7);
    let mut compared = 0;
    for _ in 0..60 {
        let mutant = xtask::fuzz::mutate_text(&mut rng, &text);
        if let Some(pieces) = twilio_codegen::load::parse_in_parallel_with(&mutant, 2 + compared % 3) {
            let whole: Result<openapiv3::OpenAPI, _> = serde_yaml::from_str(&mutant);
            assert!(
                whole.as_ref().is_ok_and(|w| *w == pieces),
                "a mutant parsed in pieces differs: {whole:?}"
            );
            compared += 1;
        }
    }
    assert!(compared > 0, "no mutant was split");
}
