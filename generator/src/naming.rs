//! Turning spec names into Rust names: case conversion, keyword escaping,
//! singular forms and collision handling. Lowering calls these once per name.

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
    if NOT_RAW.contains(&ident.as_str()) {
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

/// Hands out names in one namespace, adding `2`, `3`, … to later claimants
/// of a taken name, so that two spec names never become one Rust name.
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

    /// Claims `name`, or the first free `name2`, `name3`, … (`name_2` for
    /// snake case names).
    pub fn claim(&mut self, name: &str) -> String {
        let base = unraw(name);
        if self.taken.insert(base.to_owned()) {
            return name.to_owned();
        }
        let sep = if base.contains('_') || base.chars().all(|c| !c.is_ascii_uppercase()) { "_" } else { "" };
        let stem = base.trim_end_matches('_');
        (2..)
            .map(|n| format!("{stem}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_default()
    }
}

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
            ("Self", "Self_"),
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
    fn namespaces_never_hand_out_a_name_twice() {
        let mut ns = Namespace::with_reserved(["Client"]);
        assert_eq!(ns.claim("Client"), "Client2");
        assert_eq!(ns.claim("Binding"), "Binding");
        assert_eq!(ns.claim("Binding"), "Binding2");
        assert_eq!(ns.claim("start_time"), "start_time");
        assert_eq!(ns.claim("start_time"), "start_time_2");
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("r#type"), "type_2");
        assert_eq!(ns.claim("self_"), "self_");
        assert_eq!(ns.claim("self_"), "self_2");
    }
}
