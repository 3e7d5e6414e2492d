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
        if let Some(pieces) = twilio_codegen::load::parse_in_parallel(&text) {
            let whole: openapiv3::OpenAPI = serde_yaml::from_str(&text).expect("Twilio's specs parse");
            assert!(pieces == whole, "{} differs when parsed in pieces", path.display());
            split += 1;
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(split >= 6 || cores < 2, "only {split} specs were large enough to split");
}

#[test]
fn split_parsing_equals_one_parse_on_mutants() {
    let text =
        std::fs::read_to_string(xtask::root().join("spec/upstream/twilio_chat_v2.yaml")).expect("readable");
    let mut rng = fastrand::Rng::with_seed(7);
    let mut compared = 0;
    for _ in 0..60 {
        let mutant = xtask::fuzz::mutate_text(&mut rng, &text);
        if let Some(pieces) = twilio_codegen::load::parse_in_parallel(&mutant) {
            let whole: Result<openapiv3::OpenAPI, _> = serde_yaml::from_str(&mutant);
            assert!(
                whole.as_ref().is_ok_and(|w| *w == pieces),
                "a mutant parsed in pieces differs: {whole:?}"
            );
            compared += 1;
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(compared > 0 || cores < 2);
}
