//! Broken and hostile specs: each ends in a clear error that names the file
//! and the place, or in generated code (compiled by `cargo xtask corpus
//! --hostile`). Never a panic, a hang or a stack overflow.

use twilio_codegen::{Input, generate};

#[test]
fn hostile_specs() {
    let dir = xtask::root().join("tests/hostile");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("tests/hostile").flatten().map(|e| e.path()).collect();
    files.sort();
    assert!(files.len() >= 25, "the corpus has {} specs", files.len());
    for path in files {
        let name = format!("tests/hostile/{}", path.file_name().unwrap_or_default().to_string_lossy());
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let outcome = match generate(&[Input { name: name.clone(), text }]) {
            Err(error) => {
                assert!(error.to_string().starts_with(&name), "{error}");
                format!("error: {error}")
            }
            Ok(output) => {
                let mut text = String::new();
                for skip in &output.api.skipped {
                    text.push_str(&format!("skipped: {}: {}\n", skip.pointer, skip.reason));
                }
                for warning in &output.api.warnings {
                    text.push_str(&format!("warning: {}: {}\n", warning.pointer, warning.reason));
                }
                for (file, code) in &output.files {
                    if file != "mod.rs" {
                        text.push_str(&format!("==> {file}\n{code}"));
                    }
                }
                text
            }
        };
        insta::assert_snapshot!(stem, outcome);
    }
}
