//! Snapshots of the model and the emitted code for each Bindings fragment,
//! so that every change to what the generator produces is reviewed.

use twilio_codegen::{Input, generate};

fn fragment(name: &str) -> twilio_codegen::Output {
    let path = xtask::root().join("spec").join(name);
    let text = std::fs::read_to_string(&path).expect("fragment is readable");
    generate(&[Input { name: format!("spec/{name}"), text }]).unwrap_or_else(|e| panic!("{e}"))
}

fn snapshot(name: &str, module: &str) {
    let output = fragment(name);
    let stem = name.trim_end_matches(".yaml");
    insta::assert_yaml_snapshot!(format!("{stem}_model"), output.api);
    insta::assert_snapshot!(format!("{stem}_code"), output.files[&format!("{module}.rs")]);
}

#[test]
fn chat_v2_service_bindings() {
    snapshot("chat_v2_service_bindings.yaml", "chat_v2");
}

#[test]
fn chat_v2_user_bindings() {
    snapshot("chat_v2_user_bindings.yaml", "chat_v2");
}

#[test]
fn conversations_v1_service_bindings() {
    snapshot("conversations_v1_service_bindings.yaml", "conversations_v1");
}

#[test]
fn output_is_byte_identical_across_runs() {
    let first = fragment("chat_v2_user_bindings.yaml").files;
    for _ in 0..3 {
        assert_eq!(fragment("chat_v2_user_bindings.yaml").files, first);
    }
}
