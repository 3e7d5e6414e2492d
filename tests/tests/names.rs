//! Public names are API: they never hold a number the spec does not, and
//! the name lock keeps them when the spec changes shape (older Twilio specs
//! had no `mountName`, inline enums and no `operationId`).

use std::fs;
use std::path::PathBuf;

use twilio_codegen::naming::{NameLock, invented_numbers};
use twilio_codegen::{Input, generate, generate_locked};

fn specs(dirs: &[&str]) -> Vec<PathBuf> {
    let root = xtask::root();
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|dir| fs::read_dir(root.join(dir)).into_iter().flatten().flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn no_public_name_holds_a_number_the_spec_does_not() {
    let mut generated = 0;
    for path in specs(&["spec", "spec/upstream", "spec/history", "tests/hostile"]) {
        let text = String::from_utf8_lossy(&fs::read(&path).expect("readable")).into_owned();
        let Ok(output) = generate(&[Input { name: path.display().to_string(), text }]) else { continue };
        generated += 1;
        let invented = twilio_codegen::naming::invented_numbers_in(&output);
        assert!(invented.is_empty(), "{}: {invented:?}", path.display());
    }
    assert!(generated >= 20, "only {generated} specs generated");
}

#[test]
fn the_checker_finds_invented_numbers() {
    let lock: NameLock = [
        ("chat_v2 api".to_owned(), "ChatV2".to_owned()),
        ("chat_v2 type schema binding".to_owned(), "Binding2".to_owned()),
    ]
    .into();
    assert_eq!(invented_numbers(&lock).len(), 1);
}

/// The Bindings fragments as older Twilio specs shaped them: no
/// `mountName`, enums inline instead of `$ref`s to `*_enum_*` components.
fn older_shape() -> Vec<Input> {
    let root = xtask::root();
    xtask::default_specs(&root)
        .expect("spec/")
        .iter()
        .map(|path| {
            let text = fs::read_to_string(path).expect("readable");
            let mut out = String::new();
            for line in text.lines() {
                let trimmed = line.trim_start();
                let indent = &line[..line.len() - trimmed.len()];
                if trimmed.starts_with("mountName:") {
                    continue;
                }
                if let Some(target) = trimmed.strip_prefix("$ref: '#/components/schemas/") {
                    if target.contains("_enum_binding_type") {
                        out.push_str(&format!("{indent}type: string\n{indent}enum:\n"));
                        for value in ["gcm", "apn", "fcm"] {
                            out.push_str(&format!("{indent}- {value}\n"));
                        }
                        continue;
                    }
                }
                out.push_str(line);
                out.push('\n');
            }
            Input { name: path.display().to_string(), text: out }
        })
        .collect()
}

#[test]
fn the_name_lock_keeps_names_when_the_spec_changes_shape() {
    let root = xtask::root();
    let lock = xtask::name_lock(&root, &xtask::Target::Workspace).expect("generated/names.lock");
    assert!(!lock.is_empty(), "generated/names.lock is committed");
    let current = generate_locked(
        &xtask::read_specs(&root, &xtask::default_specs(&root).expect("spec/")).expect("specs"),
        &lock,
    )
    .expect("generates");
    let older = older_shape();
    assert!(older.iter().all(|i| !i.text.contains("mountName") && !i.text.contains("_enum_binding_type'")));

    // Without the lock the older shape renames what users call...
    let fresh = generate(&older).expect("generates");
    let chat = |o: &twilio_codegen::Output| o.api.domains["chat_v2"].clone();
    let accessors = |o: &twilio_codegen::Output| -> Vec<String> {
        chat(o).resources.values().map(|r| r.accessor.clone()).collect()
    };
    assert!(!accessors(&fresh).contains(&"user_bindings".to_owned()), "{:?}", accessors(&fresh));
    // ...with it, every name the current crate has stays.
    let locked = generate_locked(&older, &lock).expect("generates");
    for (key, name) in &current.names {
        if let Some(now) = locked.names.get(key) {
            assert_eq!(now, name, "{key}");
        }
    }
    assert!(accessors(&locked).contains(&"user_bindings".to_owned()));
    let user_list = chat(&locked)
        .resources
        .values()
        .flat_map(|r| r.operations.clone())
        .find(|o| o.operation_id == "ListUserBinding");
    let param = user_list
        .expect("ListUserBinding")
        .params
        .into_iter()
        .find(|p| p.name == "BindingType")
        .expect("filter");
    assert_eq!(
        param.ty,
        twilio_codegen::model::TypeRef::Array(Box::new(twilio_codegen::model::TypeRef::Named(
            "UserBindingType".into()
        )))
    );
    // The only change left is the one the shape really made: the inlined
    // Conversations enum lost `twilsock`.
    let changes = twilio_codegen::diff::diff(&current.api, &current.names, &locked.api, &locked.names);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert!(changes[0].rust.ends_with("ServiceBindingType::Twilsock"), "{changes:#?}");
}

#[test]
fn names_survive_a_walk_through_every_release_and_back() {
    // As `cargo xtask history` walks (without building): each step's report
    // is true and mirrored, nothing personal is unredacted, no type vanishes,
    // and the crate ends with exactly the names it started with.
    let root = xtask::root();
    let versions = xtask::history::versions(&root).expect("spec/history");
    assert!(versions.len() >= 29, "{} versions", versions.len());
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("history-walk");
    let walk =
        xtask::history::walk(&root, &dir, &versions, false, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(walk.steps.len(), versions.len() + 1);
    assert!(walk.passed(), "{walk:#?}");
    // Conversations' first release had no operationIds: the calls stayed.
    let first = fs::read_to_string(dir.join("generated/CHANGELOG.md")).expect("changelog");
    assert!(
        first.contains(
            "operationId `ListServiceBinding` is now `ListServicesBindings` (the call is unchanged)"
        )
    );
    assert!(!first.contains("operation removed"), "{first}");
}

/// The Bindings fragments without any `x-twilio` personal-data mark, as
/// specs before 2024 had them.
fn without_pii_marks() -> Vec<Input> {
    let root = xtask::root();
    xtask::read_specs(&root, &xtask::default_specs(&root).expect("spec/"))
        .expect("readable")
        .into_iter()
        .map(|input| {
            let mut out = String::new();
            let mut skip_indent: Option<usize> = None;
            for line in input.text.lines() {
                let indent = line.len() - line.trim_start().len();
                if let Some(at) = skip_indent {
                    if indent > at {
                        continue;
                    }
                    skip_indent = None;
                }
                if line.trim_start() == "x-twilio:" {
                    skip_indent = Some(indent);
                    continue;
                }
                out.push_str(line);
                out.push('\n');
            }
            Input { name: input.name, text: out }
        })
        .collect()
}

#[test]
fn personal_data_stays_personal_until_released() {
    let root = xtask::root();
    let lock = xtask::name_lock(&root, &xtask::Target::Workspace).expect("generated/names.lock");
    let specs = without_pii_marks();
    assert!(specs.iter().all(|s| !s.text.contains("pii")));
    let identity = |output: &twilio_codegen::Output| {
        let twilio_codegen::model::TypeDef::Struct(binding) = &output.api.domains["chat_v2"].types["Binding"]
        else {
            panic!("Binding is a struct")
        };
        let field = binding.fields.iter().find(|f| f.name == "identity").expect("identity").clone();
        (field.pii, field.pii_kept)
    };
    // Without a lock nothing is personal; with it, what was stays so.
    assert_eq!(identity(&generate(&specs).expect("generates")), (false, false));
    let kept = generate_locked(&specs, &lock).expect("generates");
    assert_eq!(identity(&kept), (true, true));
    let code = &kept.files["chat_v2.rs"];
    assert!(code.contains(r#".field("identity", &rt::Redacted)"#), "identity is redacted");
    let current = generate_locked(
        &xtask::read_specs(&root, &xtask::default_specs(&root).expect("spec/")).expect("specs"),
        &lock,
    )
    .expect("generates");
    let changes = twilio_codegen::diff::diff(&current.api, &current.names, &kept.api, &kept.names);
    let report = twilio_codegen::diff::render(&changes, "0.1.0");
    assert!(report.contains("Personal data kept by names.lock"), "{report}");
    assert!(changes.iter().all(|c| c.kind == twilio_codegen::diff::Kind::Kept && !c.breaking), "{report}");

    // The user releases it on purpose.
    let mut released = lock.clone();
    released
        .insert("chat_v2 pii field Binding identity".to_owned(), twilio_codegen::naming::RELEASED.to_owned());
    let output = generate_locked(&specs, &released).expect("generates");
    assert_eq!(identity(&output), (false, false));
    assert_eq!(output.names["chat_v2 pii field Binding identity"], "released", "the release is remembered");
}

#[test]
fn a_bad_lock_entry_is_named() {
    let root = xtask::root();
    let specs = xtask::read_specs(&root, &xtask::default_specs(&root).expect("spec/")).expect("specs");
    let lock = xtask::name_lock(&root, &xtask::Target::Workspace).expect("generated/names.lock");
    for (key, value) in [
        ("chat_v2 field Binding identity", "\u{456}dentity"),
        ("chat_v2 field Binding identity", "fn"),
        ("chat_v2 type item GET /v2/Services/{}/Bindings", "Option"),
        ("chat_v2 op ListBinding builder", "ListBindingRequest"),
    ] {
        let mut bad = lock.clone();
        bad.insert(key.to_owned(), value.to_owned());
        let error = generate_locked(&specs, &bad).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.starts_with("names.lock: at /") && error.contains(key), "{key} = {value}: {error}");
    }
}
