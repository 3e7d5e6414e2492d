//! The checked-in `generated/` crate must be exactly what `cargo xtask codegen`
//! produces from `spec/`.

use xtask::{Mode, Report, Target, codegen, default_specs, read_specs, root};

fn check(edit: impl Fn(&mut Vec<twilio_codegen::Input>)) -> Report {
    let root = root();
    let specs = default_specs(&root).expect("spec/ is readable");
    let mut inputs = read_specs(&root, &specs).expect("specs are readable");
    edit(&mut inputs);
    codegen(&root, &inputs, &Target::Workspace, Mode::Check).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn generated_crate_is_up_to_date() {
    let report = check(|_| {});
    let stale: Vec<String> = report
        .changed
        .iter()
        .chain(&report.removed)
        .map(|f| format!("{f} was not up-to-date, run `cargo xtask codegen`"))
        .collect();
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

#[test]
fn a_changed_description_names_the_stale_file() {
    let report = check(|inputs| {
        let chat = inputs
            .iter_mut()
            .find(|i| i.name.ends_with("chat_v2_service_bindings.yaml"))
            .expect("the Chat fragment is in spec/");
        chat.text = chat.text.replace(
            "The SID of the Binding resource to fetch.",
            "The SID of the Binding resource to fetch, edited.",
        );
    });
    assert_eq!(report.changed, ["generated/src/generated/chat_v2.rs", "generated/src/generated/model.json"]);
    assert!(report.removed.is_empty());
}
