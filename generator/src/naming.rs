//! Turning spec names into Rust names: case conversion, keyword escaping,
//! singular forms and collision handling. Lowering calls these once per name.
//!
//! # The naming rules
//!
//! This is the one place they are written down; `lower` follows them.
//!
//! 1. Every public name comes from a stable key in the spec, never from the
//!    order things were found in: `x-twilio` `mountName`s and path segments
//!    for navigation, component schema names (or, for inline schemas, the
//!    owner and the field) for types, `operationId`s for operations, the
//!    parameter's name for parameters, the value for enum variants.
//! 2. Names are cased with `heck` (`snake_case` for methods, fields and
//!    modules, `UpperCamelCase` for types and variants); `<` and `>` are
//!    spelled `before` and `after`; keywords get the raw form or, where Rust
//!    has none, a trailing `_` (`Self` is `SelfValue`). A module is the
//!    API's product and first path segment (`chat_v2`); one that would be a
//!    keyword or one of the crate's own modules (`sid`, `mod`) gets `_api`.
//! 3. Navigation: a collection's accessor is its `mountName` (else its path
//!    segment) and a member's is the singular of it; when the two are
//!    spelled alike (`knowledge`), the collection's gets `_list`. Types are
//!    `{Member}Context` and `{Member}List`, qualified by the parent's name
//!    when taken.
//! 4. Operations: the method is the leading word of the `operationId`
//!    (`list`, `fetch`), else the whole of it; the builder is
//!    `{OperationId}Request`, and builders are named before any type, so a
//!    schema named like a builder is qualified instead. An operation without
//!    an `operationId` gets one from its method and path
//!    (`GET /v2/Services/{ServiceSid}/Bindings` is `ListServicesBindings`).
//! 5. Types: a component `x.y.resource_enum_field` is `ResourceField`, and
//!    any other component is its last dotted segment; an inline schema is
//!    its owner's name joined to its field. When that is taken, a component
//!    takes its full name and an inline schema its operation's or owner's.
//!    Two inline enums with the same name and the same values are one type;
//!    enums with different names stay apart even when their values agree, so
//!    that adding a value to one never splits a type users already name.
//! 6. Parameters: a parameter named like another in a different place is
//!    prefixed with its place (`form_account_sid`, `header_start_time`); one
//!    named like another in the same place gets words for its spelling
//!    (`start_time_underscored` beside `StartTime`).
//! 7. Enum variants: the value in `UpperCamelCase`; `Unknown` belongs to
//!    values this crate does not know, so a value `unknown` is
//!    `UnknownValue`; values spelled alike get words for how they are
//!    written (`MutedUpper`, `InProgressHyphenated`).
//! 8. SID types: `{Noun}Sid` after the noun used most often with the prefix,
//!    then the next most often, then `{Noun}{PREFIX}Sid`.
//! 9. Whatever still collides gets `Alt`, never a number; and the name lock
//!    ([`NameLock`]) comes first of all: a name once generated stays.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words with a meaning in Rust that a name must not be.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Spells out the characters that Twilio uses as operators in names, so that
/// `StartTime<` and `StartTime>` stay distinct from `StartTime`.
fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        match c {
            '<' => out.push_str(" Before "),
            '>' => out.push_str(" After "),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// The two cases identifiers come in.
#[derive(Clone, Copy)]
enum Case {
    Snake,
    Pascal,
}

/// Makes an identifier legal: never empty, never led by a digit, never a
/// keyword (raw form where Rust allows it, a trailing `_` where not).
fn legal(ident: String, case: Case) -> String {
    let (empty, digit_prefix) = match case {
        Case::Snake => ("unnamed", "n"),
        Case::Pascal => ("Unnamed", "V"),
    };
    let ident = if ident.is_empty() {
        empty.to_owned()
    } else if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{ident}")
    } else {
        ident
    };
    if ident == "Self" {
        // `Self_` would not be UpperCamelCase.
        "SelfValue".to_owned()
    } else if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// `snake_case` for fields, methods and modules.
pub fn snake(name: &str) -> String {
    legal(words(name).to_snake_case(), Case::Snake)
}

/// `UpperCamelCase` for types and variants.
pub fn pascal(name: &str) -> String {
    legal(words(name).to_upper_camel_case(), Case::Pascal)
}

/// The plain word behind an identifier, without `r#`.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The singular of an English plural in `snake_case`, for naming one member
/// of a collection (`services` → `service`). Leaves other words alone.
pub fn singular(plural: &str) -> String {
    let word = unraw(plural);
    let (head, last) = match word.rfind('_') {
        Some(i) => word.split_at(i + 1),
        None => ("", word),
    };
    let one = if let Some(stem) = last.strip_suffix("ies").filter(|s| s.len() > 1) {
        format!("{stem}y")
    } else if let Some(stem) = ["sses", "shes", "ches", "xes"]
        .iter()
        .find_map(|s| last.strip_suffix(s).map(|stem| (stem, &s[..s.len() - 2])))
    {
        format!("{}{}", stem.0, stem.1)
    } else if last.ends_with('s') && !["ss", "us", "is"].iter().any(|s| last.ends_with(s)) && last.len() > 1 {
        last[..last.len() - 1].to_owned()
    } else {
        last.to_owned()
    };
    legal(format!("{head}{one}"), Case::Snake)
}

/// Joins two snake-case names, writing their shared words once:
/// `user_binding` + `binding_type` → `user_binding_type`.
pub fn join_overlapping(first: &str, second: &str) -> String {
    let a: Vec<&str> = first.split('_').filter(|w| !w.is_empty()).collect();
    let b: Vec<&str> = second.split('_').filter(|w| !w.is_empty()).collect();
    let overlap = (1..=a.len().min(b.len())).rev().find(|&n| a[a.len() - n..] == b[..n]).unwrap_or(0);
    let mut all = a;
    all.extend(&b[overlap..]);
    all.join("_")
}

/// Hands out names in one namespace. A claim offers candidates in order of
/// preference, and the first free one wins. When every candidate is taken,
/// the last is extended with `Alt` (`_alt` in snake case) until it is free:
/// a name never gains a number that the spec does not have, and which name a
/// claimant gets depends only on the candidates, never on a counter.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Namespace { taken: reserved.into_iter().map(str::to_owned).collect() }
    }

    /// Whether `name` is free.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(unraw(name))
    }

    /// Claims `name`, or `name` with `Alt` added until free.
    pub fn claim(&mut self, name: &str) -> String {
        self.claim_first([name])
    }

    /// Claims the first free candidate; if none is, the last one with `Alt`
    /// added until free. Empty candidates are skipped.
    pub fn claim_first<S: AsRef<str>>(&mut self, candidates: impl IntoIterator<Item = S>) -> String {
        let mut last = String::new();
        for candidate in candidates {
            let candidate = candidate.as_ref();
            if candidate.is_empty() {
                continue;
            }
            if self.taken.insert(unraw(candidate).to_owned()) {
                return candidate.to_owned();
            }
            last = candidate.to_owned();
        }
        let base = unraw(&last);
        let snake_case = base.contains('_') || base.chars().all(|c| !c.is_ascii_uppercase());
        let mut name = base.trim_end_matches('_').to_owned();
        loop {
            name.push_str(if snake_case { "_alt" } else { "Alt" });
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
    }
}

/// Words that tell apart enum values spelled alike once in `UpperCamelCase`
/// (`muted`, `Muted`, `MUTED`; `in_progress`, `in-progress`): how the value
/// is written, for every claimant after the first.
pub fn spelling(value: &str) -> String {
    let mut words = String::new();
    for (c, word) in
        [('_', "Underscored"), ('-', "Hyphenated"), ('.', "Dotted"), (' ', "Spaced"), ('/', "Slashed")]
    {
        if value.contains(c) {
            words.push_str(word);
        }
    }
    if !words.is_empty() {
        return words;
    }
    let letters: Vec<char> = value.chars().filter(char::is_ascii_alphabetic).collect();
    if letters.len() > 1 && letters.iter().all(char::is_ascii_uppercase) {
        "Upper".to_owned()
    } else if letters.first().is_some_and(char::is_ascii_uppercase) {
        "Capitalized".to_owned()
    } else if !letters.is_empty() {
        "Lower".to_owned()
    } else {
        String::new()
    }
}

/// The names in `lock` that hold a number no key naming them does
/// (`Binding2` for `type schema binding`): there should be none.
pub fn invented_numbers(lock: &NameLock) -> Vec<(&String, &String)> {
    let runs = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_ascii_digit()).filter(|r| !r.is_empty()).map(str::to_owned).collect()
    };
    // The module prefix (`chat_v2`) speaks for the API's own name only, and
    // `2010-04-01` may become `20100401`.
    let own = |key: &str| -> String {
        let key = if key.ends_with(" api") { key } else { key.split_once(' ').map_or(key, |(_, rest)| rest) };
        format!("{key} {}", key.replace(|c: char| !c.is_alphanumeric(), ""))
    };
    let explains = |key: &str, name: &str| runs(name).iter().all(|run| own(key).contains(run.as_str()));
    // A type named at a use site may take its number from its schema's key.
    lock.iter()
        .filter(|(key, name)| !explains(key, name) && !lock.iter().any(|(k, n)| n == *name && explains(k, n)))
        .collect()
}

/// The word for where a parameter goes, in lock keys, place-prefixed names
/// and the change report (`form` in `form_account_sid`).
pub fn place(location: crate::model::Location) -> &'static str {
    use crate::model::Location;
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Form => "form",
        Location::Json => "body",
    }
}

/// The name lock: the Rust name of every public item already generated,
/// keyed by what the spec calls it (see `lower` for the keys), so that
/// regenerating from a changed spec keeps existing names. It is plain data;
/// lowering offers a locked name as the first candidate of every claim.
pub type NameLock = std::collections::BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        let cases = [
            ("ServiceSid", "service_sid"),
            ("BindingType", "binding_type"),
            ("PageSize", "page_size"),
            ("StartTime", "start_time"),
            ("StartTime<", "start_time_before"),
            ("StartTime>", "start_time_after"),
            ("Bindings.Email.Address", "bindings_email_address"),
            ("type", "r#type"),
            ("Type", "r#type"),
            ("self", "self_"),
            ("Super", "super_"),
            ("3dSecure", "n3d_secure"),
            ("", "unnamed"),
            ("Ünïcode", "n_code"),
            ("x-twilio", "x_twilio"),
        ];
        for (input, expected) in cases {
            assert_eq!(snake(input), expected, "snake({input:?})");
        }
    }

    #[test]
    fn pascal_names() {
        let cases = [
            ("chat.v2.service.binding", "ChatV2ServiceBinding"),
            ("binding_type", "BindingType"),
            ("in-progress", "InProgress"),
            ("removed_from_channel", "RemovedFromChannel"),
            ("1", "V1"),
            ("Self", "SelfValue"),
            ("", "Unnamed"),
            ("*/", "Unnamed"),
        ];
        for (input, expected) in cases {
            assert_eq!(pascal(input), expected, "pascal({input:?})");
        }
    }

    #[test]
    fn singular_names() {
        let cases = [
            ("services", "service"),
            ("bindings", "binding"),
            ("user_bindings", "user_binding"),
            ("entities", "entity"),
            ("addresses", "address"),
            ("boxes", "r#box"),
            ("status", "status"),
            ("analysis", "analysis"),
            ("data", "data"),
            ("configuration", "configuration"),
            ("types", "r#type"),
            // Too short a stem for the `-ies` rule.
            ("ties", "tie"),
            ("user_ties", "user_tie"),
            // A lone `s` is no plural.
            ("s", "s"),
            ("page_s", "page_s"),
        ];
        for (input, expected) in cases {
            assert_eq!(singular(input), expected, "singular({input:?})");
        }
    }

    #[test]
    fn overlapping_joins() {
        let cases = [
            ("binding", "binding_type", "binding_type"),
            ("user_binding", "binding_type", "user_binding_type"),
            ("service_binding", "binding_type", "service_binding_type"),
            ("channel", "type", "channel_type"),
            ("call", "call", "call"),
        ];
        for (a, b, expected) in cases {
            assert_eq!(join_overlapping(a, b), expected, "{a} + {b}");
        }
    }

    #[test]
    fn namespaces_never_hand_out_a_name_twice_nor_a_number() {
        let mut ns = Namespace::with_reserved(["Client"]);
        assert_eq!(ns.claim("Client"), "ClientAlt");
        assert_eq!(ns.claim("Binding"), "Binding");
        assert_eq!(ns.claim_first(["Binding", "UserBinding"]), "UserBinding");
        assert_eq!(ns.claim_first(["Binding", "UserBinding"]), "UserBindingAlt");
        assert_eq!(ns.claim("start_time"), "start_time");
        assert_eq!(ns.claim_first(["start_time", "header_start_time"]), "header_start_time");
        assert_eq!(ns.claim("start_time"), "start_time_alt");
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("r#type"), "type_alt");
        assert_eq!(ns.claim("self_"), "self_");
        assert_eq!(ns.claim("self_"), "self_alt");
        assert_eq!(ns.claim_first(["", "x"]), "x");
    }

    #[test]
    fn spellings_tell_alike_values_apart() {
        let cases = [
            ("muted", "Lower"),
            ("Muted", "Capitalized"),
            ("MUTED", "Upper"),
            ("in_progress", "Underscored"),
            ("in-progress", "Hyphenated"),
            ("A", "Capitalized"),
            ("1", ""),
        ];
        for (value, expected) in cases {
            assert_eq!(spelling(value), expected, "{value}");
        }
    }
}
