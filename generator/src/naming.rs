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
//!    then the next most often, then `{Noun}{PREFIX}Sid`; prefixes the lock
//!    names claim first.
//! 9. A collision takes a name from the spec's structure: a navigation type
//!    the whole path in words (`AccountsBySidContext` beside a singleton's
//!    `AccountContext`), a member's accessor its identifier
//!    (`account_by_sid`), a path parameter its node's name (`tool_id` under
//!    `{id}`). Whatever still collides gets `Alt` on that base, never a
//!    number and never a name of `Alt` alone; a claim with every candidate
//!    promised to other items (rule 11) takes its last, most structural
//!    one, with `Alt`.
//!
//! # The name lock
//!
//! The rules above pick a *first* name. After that the name lock
//! ([`NameLock`], `names.lock`) decides, so that a public name, once
//! generated, stays through every release a user regenerates from:
//!
//! 10. Lock keys are what releases keep, never what they rename: an
//!     operation is its HTTP method and normalized path
//!     (`op GET /v2/Services/{}/Bindings builder`), a parameter its
//!     operation, place and wire name (`param GET /v2/Services/{}/Bindings
//!     query BindingType`), a field its owner's Rust name and wire name, a
//!     navigation node its normalized path, a variant its enum's Rust name
//!     and wire value, a SID type its prefix. A type is keyed by the places
//!     that use it (`type field Binding binding_type`, `type param …`,
//!     `type item GET …`); its component (`type schema …`) is only a hint,
//!     consulted after them. `operationId`s and component names may help
//!     pick a first name (rules 4 and 5), never decide an existing one.
//! 11. A name the lock gives an item comes first of all its candidates, and
//!     no other item may take it, even while that item is absent.
//! 12. Enums met at several places under one locked name are one enum with
//!     every value any place lists: Twilio has moved the same enum between
//!     inline schemas and `*_enum_*` components, and changed value order.
//! 13. The lock never forgets: an entry this release does not use stays,
//!     so an item that comes back gets its old name.
//! 14. Personal data stays personal: a field or parameter `x-twilio.pii`
//!     once marked has a `pii …` entry ([`PERSONAL`]) and stays redacted
//!     when a later or earlier spec drops the mark, until the user sets the
//!     entry to [`RELEASED`].
//! 15. The lock is read as untrusted input ([`check_lock`]): every key must
//!     be one of the kinds above and every name a Rust identifier of its
//!     kind, ASCII only (no confusables), and no prelude or runtime name.
//! 16. The lock never rewrites an entry: a release only adds entries. When
//!     places the lock named apart come to share one schema (Twilio moved
//!     inline enums into `*_enum_*` components), the type takes the name its
//!     schema's entry locks, else the name most of its places lock (a tie:
//!     the first place in key order), found by lowering the domain once
//!     before naming; every other place keeps its name as an alias of the
//!     type (`pub type BindingType = ServiceBindingType;`), so code that
//!     names it still compiles, and the report says so in one line. A later
//!     release that gives the places types of their own again gives each
//!     its own name back. A place whose locked name another type holds now
//!     uses that other type, which the report says as the place's change of
//!     type. A node that leads to no operation is dropped and leaves no
//!     entry.
//! 17. Required values are named where they are given: every parameter an
//!     operation requires (beside its path's, which navigation takes) is a
//!     setter of its request builder, as optional ones are, and `send()`
//!     fails naming the first one missing, sending nothing. The operation's
//!     method takes no arguments, so two values of one type cannot be
//!     swapped, and one convention holds however many values there are.

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
    } else if let Some((stem, end)) = [("sses", "ss"), ("shes", "sh"), ("ches", "ch"), ("xes", "x")]
        .iter()
        .find_map(|(plural, end)| last.strip_suffix(plural).map(|stem| (stem, end)))
    {
        format!("{stem}{end}")
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
    /// added until free. Empty candidates are skipped; a name always has a
    /// base before any `Alt`.
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
        // Never a bare suffix: a claim without a candidate is named for
        // what it is not (callers always offer one; this is the floor).
        if last.is_empty() {
            last = "Unnamed".to_owned();
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

/// [`invented_numbers`] of a generation: numbers in an `operationId` (which
/// the lock no longer keys on) explain the names taken from it.
pub fn invented_numbers_in(output: &crate::Output) -> Vec<(String, String)> {
    let mut lock = output.names.clone();
    for domain in output.api.domains.values() {
        for op in domain.resources.values().flat_map(|r| &r.operations) {
            // Keyed by role, not by the name itself, which would explain any number.
            for (role, name) in [("builder", &op.builder_name), ("method", &op.method_name)] {
                lock.insert(
                    format!("{} operationId {} {role}", domain.module, op.operation_id),
                    name.clone(),
                );
            }
        }
    }
    invented_numbers(&lock).into_iter().map(|(k, v)| (k.clone(), v.clone())).collect()
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
/// and the personal-data marks once given, keyed by what releases keep
/// (rules 10 to 15), so that regenerating from a changed spec keeps
/// existing names. It is plain data; lowering offers a locked name as the
/// first candidate of every claim.
pub type NameLock = std::collections::BTreeMap<String, String>;

/// A `pii …` lock entry's value: the item stays personal data.
pub const PERSONAL: &str = "personal";

/// A `pii …` lock entry's value the user sets to release an item the spec
/// no longer marks.
pub const RELEASED: &str = "released";

/// What a lock entry's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A type: `UpperCamelCase`, not a reserved name.
    Type,
    /// A variant: `UpperCamelCase`, not `Unknown`.
    Variant,
    /// A method, field, parameter or accessor: `snake_case`, raw if a keyword.
    Value,
    /// `personal` or `released`.
    Mark,
}

/// Type names a generated crate never declares: names of the prelude and of
/// the runtime that generated modules use unqualified.
pub const RESERVED_TYPES: &[&str] = &[
    "Box", "Client", "Err", "Error", "None", "Ok", "Option", "Page", "Request", "Result", "Self", "Some",
    "String", "Vec",
];

/// HTTP methods as lock keys spell them.
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// What `key` (without its module) must hold, or why it is no key this
/// generator writes.
fn expected(rest: &str) -> Result<Expect, &'static str> {
    // A wire name comes last and is spec text: it may hold spaces, so it is
    // one word or more (`_, ..`).
    let words: Vec<&str> = rest.split(' ').collect();
    let path = |p: &str| p.starts_with('/') && !p.contains(char::is_whitespace);
    let op = |m: &str, p: &str| METHODS.contains(&m) && path(p);
    let place = |p: &str| ["path", "query", "header", "form", "body"].contains(&p);
    match words.as_slice() {
        ["api"] => Ok(Expect::Type),
        ["node", p, "accessor"] if path(p) => Ok(Expect::Value),
        ["node", p, "type"] if path(p) => Ok(Expect::Type),
        ["path", p, _, ..] if path(p) => Ok(Expect::Value),
        ["op", m, p, "method"] if op(m, p) => Ok(Expect::Value),
        ["op", m, p, "builder" | "required"] if op(m, p) => Ok(Expect::Type),
        ["param", m, p, pl, _, ..] if op(m, p) && place(pl) => Ok(Expect::Value),
        ["field", _, _, ..] => Ok(Expect::Value),
        ["variant", _, _, ..] => Ok(Expect::Variant),
        ["type", "schema", _, ..] => Ok(Expect::Type),
        ["type", "field", _, _, ..] => Ok(Expect::Type),
        ["type", "param", m, p, pl, _, ..] if op(m, p) && place(pl) => Ok(Expect::Type),
        ["type", "response" | "item" | "body", m, p] if op(m, p) => Ok(Expect::Type),
        ["pii", "field", _, _, ..] => Ok(Expect::Mark),
        ["pii", "param", m, p, pl, _, ..] if op(m, p) && place(pl) => Ok(Expect::Mark),
        ["op" | "param" | "type", ..] => {
            Err("not a key this generator writes (an older lock keyed by operationId?)")
        }
        _ => Err("not a key this generator writes"),
    }
}

/// Whether `name` is an ASCII Rust identifier of the kind `expect` wants.
fn identifier(name: &str, expect: Expect) -> Result<(), &'static str> {
    let (raw, word) = match name.strip_prefix("r#") {
        Some(word) => (true, word),
        None => (false, name),
    };
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err("not an ASCII Rust identifier");
    }
    if word.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("starts with a digit");
    }
    if NOT_RAW.contains(&word) || (KEYWORDS.contains(&word) && !raw) {
        return Err("a Rust keyword");
    }
    if raw && !KEYWORDS.contains(&word) {
        return Err("a raw identifier that is no keyword");
    }
    let camel = word.starts_with(|c: char| c.is_ascii_uppercase()) && !word.contains('_');
    match expect {
        Expect::Type | Expect::Variant if !camel => Err("not an UpperCamelCase name"),
        Expect::Type if RESERVED_TYPES.contains(&word) => Err("a name of the prelude or the runtime"),
        Expect::Variant if word == "Unknown" => {
            Err("`Unknown`, which holds the values the crate does not know")
        }
        Expect::Value if word.bytes().any(|b| b.is_ascii_uppercase()) || word == "_" => {
            Err("not a snake_case name")
        }
        _ => Ok(()),
    }
}

/// Checks a lock read back from disk: every key of a kind this generator
/// writes, every name a Rust identifier of its kind. Returns the first bad
/// entry as (key, value, why).
pub fn check_lock(lock: &NameLock) -> Result<(), (String, String, String)> {
    for (key, value) in lock {
        let bad = |why: &str| Err((key.clone(), value.clone(), why.to_owned()));
        // A key is spec text (wire names may hold anything, and hostile
        // specs do), used only to look names up and shown only escaped; the
        // lock file as a whole is read within a bound. Values become code.
        if let Some(prefix) = key.strip_prefix("sid ") {
            if prefix.len() != 2 || !prefix.bytes().all(|b| b.is_ascii_uppercase()) {
                return bad("not a SID prefix");
            }
            if let Err(why) = identifier(value, Expect::Type) {
                return bad(why);
            }
            continue;
        }
        let Some((module, rest)) = key.split_once(' ') else { return bad("not a key this generator writes") };
        if identifier(module, Expect::Value).is_err() || module.starts_with("r#") {
            return bad("not a module name");
        }
        let expect = match expected(rest) {
            Ok(expect) => expect,
            Err(why) => return bad(why),
        };
        let checked = match expect {
            Expect::Mark if value == PERSONAL || value == RELEASED => Ok(()),
            Expect::Mark => Err("neither `personal` nor `released`"),
            other => identifier(value, other),
        };
        if let Err(why) = checked {
            return bad(why);
        }
    }
    Ok(())
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
    fn locks_read_back_are_checked_entry_by_entry() {
        let good: NameLock = [
            ("chat_v2 api", "ChatV2"),
            ("chat_v2 op GET /v2/Services/{}/Bindings builder", "ListBindingRequest"),
            ("chat_v2 op GET /v2/Services/{}/Bindings method", "list"),
            ("chat_v2 param GET /v2/Services/{}/Bindings query BindingType", "binding_type"),
            ("chat_v2 type param GET /v2/Services/{}/Bindings query BindingType", "BindingType"),
            ("chat_v2 type item GET /v2/Services/{}/Bindings", "Binding"),
            ("chat_v2 field Binding type", "r#type"),
            ("chat_v2 variant BindingType apn", "Apn"),
            ("chat_v2 variant Kind in progress", "InProgressSpaced"),
            ("chat_v2 pii field Binding identity", "personal"),
            ("chat_v2 pii param GET /v2/Services/{}/Bindings query Identity", "released"),
            ("sid BS", "BindingSid"),
            // Wire names are spec text: spaces, markup and newlines included.
            ("api_v1 field Thing a <img src=x onerror=alert(1)>", "a_img_src_x"),
            ("api_v1 field Thing tick`name\n```", "tick_name"),
            ("api_v1 pii field Thing a b", "personal"),
            ("api_v1 type schema thing <b> `x` y", "ThingBXY"),
            ("api_v1 param GET /v1/Things query Odd Name", "odd_name"),
            // One of every kind of key, with a value of its kind.
            ("chat_v2 node /v2/Services/{} accessor", "service"),
            ("chat_v2 node /v2/Services/{} type", "ServiceContext"),
            ("chat_v2 path /v2/Services/{} ServiceSid", "service_sid"),
            ("chat_v2 op POST /v2/Services/{}/Bindings required", "CreateBindingRequired"),
            ("chat_v2 op PUT /v2/Services/{} method", "update"),
            ("chat_v2 op PATCH /v2/Services/{} method", "r#move"),
            ("chat_v2 op DELETE /v2/Services/{} builder", "DeleteServiceRequest"),
            ("chat_v2 param POST /v2/Services form FriendlyName", "friendly_name"),
            ("chat_v2 param POST /v2/Services header X-Twilio-Webhook-Enabled", "x_twilio_webhook_enabled"),
            ("chat_v2 param POST /v2/Services body body", "body"),
            ("chat_v2 param GET /v2/Services/{} path Sid", "sid"),
            ("chat_v2 type schema chat.v2.service.binding", "Binding"),
            ("chat_v2 type field Binding binding_type", "BindingType"),
            ("chat_v2 type param GET /v2/Services/{}/Bindings header X-Kind", "Kind"),
            ("chat_v2 type response GET /v2/Services/{}", "Service"),
            ("chat_v2 type body POST /v2/Services", "ServiceBody"),
            ("chat_v2 type schema unknown", "Unknown"),
            ("chat_v2 pii param GET /v2/Services/{}/Bindings query Identity", "personal"),
            ("r_type api", "RType"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(check_lock(&good), Ok(()));
        let bad = [
            ("chat_v2 api", "Option", "prelude"),
            ("chat_v2 api", "String", "prelude"),
            ("chat_v2 field Binding identity", "\u{456}dentity", "ASCII"),
            ("chat_v2 field Binding identity", "type", "keyword"),
            ("chat_v2 field Binding identity", "r#self", "keyword"),
            ("chat_v2 field Binding identity", "r#identity", "raw"),
            ("chat_v2 field Binding identity", "Identity", "snake_case"),
            ("chat_v2 field Binding identity", "a b", "ASCII"),
            ("chat_v2 field Binding identity", "9a", "digit"),
            ("chat_v2 api", "chat_v2", "UpperCamelCase"),
            ("chat_v2 variant X y", "Unknown", "Unknown"),
            ("chat_v2 op ListBinding builder", "ListBindingRequest", "older lock"),
            ("chat_v2 pii field Binding identity", "yes", "personal"),
            ("chat_v2 frobnicate", "x", "not a key"),
            ("sid bs", "BindingSid", "SID prefix"),
            ("Chat v2", "ChatV2", "module"),
            ("r#type api", "Type", "module"),
            ("Chat_v2 api", "ChatV2", "module"),
            ("sid BSX", "BindingSid", "SID prefix"),
            ("sid B", "BindingSid", "SID prefix"),
            ("sid BS", "binding_sid", "UpperCamelCase"),
            ("chat_v2 api", "Chat_V2", "UpperCamelCase"),
            ("chat_v2 field Binding x", "_", "snake_case"),
            ("chat_v2 field Binding x", "x-y", "ASCII"),
            ("chat_v2 field Binding x", "", "ASCII"),
            ("chat_v2 field Binding x", "r#", "ASCII"),
            ("chat_v2 field Binding", "x", "not a key"),
            ("chat_v2 variant BindingType", "Apn", "not a key"),
            ("chat_v2 variant BindingType apn", "apn", "UpperCamelCase"),
            ("chat_v2 pii field Binding", "personal", "not a key"),
            ("chat_v2 pii field Binding identity", "Personal", "personal"),
            ("chat_v2 node v2/Services accessor", "service", "not a key"),
            ("chat_v2 node /v2/Ser\tvices accessor", "service", "not a key"),
            ("chat_v2 node /v2/Services accessor", "Service", "snake_case"),
            ("chat_v2 node v2/Services type", "ServiceList", "not a key"),
            ("chat_v2 node /v2/Services type", "service_list", "UpperCamelCase"),
            ("chat_v2 path v2/Services Sid", "sid", "not a key"),
            ("chat_v2 path /v2/Services/{} Sid", "Sid", "snake_case"),
            ("chat_v2 op GET v2/Services method", "list", "older lock"),
            ("chat_v2 op FETCH /v2/Services method", "list", "older lock"),
            ("chat_v2 op GET /v2/Services method", "List", "snake_case"),
            ("chat_v2 op GET v2/Services builder", "ListServiceRequest", "older lock"),
            ("chat_v2 op GET /v2/Services builder", "list", "UpperCamelCase"),
            ("chat_v2 op GET /v2/Services required", "list", "UpperCamelCase"),
            ("chat_v2 param GET v2/Services query X", "x", "older lock"),
            ("chat_v2 param GET /v2/Services cookie X", "x", "older lock"),
            ("chat_v2 param GET /v2/Services query", "x", "older lock"),
            ("chat_v2 param GET /v2/Services query X", "X", "snake_case"),
            ("chat_v2 type schema", "X", "older lock"),
            ("chat_v2 type schema x", "x", "UpperCamelCase"),
            ("chat_v2 type field Binding", "X", "older lock"),
            ("chat_v2 type field Binding x", "x", "UpperCamelCase"),
            ("chat_v2 type param GET v2/Services query X", "X", "older lock"),
            ("chat_v2 type param GET /v2/Services cookie X", "X", "older lock"),
            ("chat_v2 type param GET /v2/Services query X", "x", "UpperCamelCase"),
            ("chat_v2 type item GET v2/Services", "Binding", "older lock"),
            ("chat_v2 type item GET /v2/Services", "binding", "UpperCamelCase"),
            ("chat_v2 pii param GET v2/Services query X", "personal", "not a key"),
            ("chat_v2 pii param GET /v2/Services cookie X", "personal", "not a key"),
            ("chat_v2 pii param GET /v2/Services query X", "kept", "personal"),
        ];
        for (key, value, why) in bad {
            let lock: NameLock = [(key.to_owned(), value.to_owned())].into();
            let error = check_lock(&lock).expect_err(key);
            assert!(error.2.contains(why), "{key} = {value}: {error:?}");
        }
    }

    #[test]
    fn only_numbers_no_key_holds_are_invented() {
        let lock = |entries: &[(&str, &str)]| -> NameLock {
            entries.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        let invented = |entries: &[(&str, &str)]| -> Vec<String> {
            invented_numbers(&lock(entries)).into_iter().map(|(k, _)| k.clone()).collect()
        };
        // The module's number names the API, not what is in it.
        assert_eq!(invented(&[("chat_v2 api", "ChatV2")]), Vec::<String>::new());
        assert_eq!(invented(&[("chat_v2 field Binding v", "v2")]), ["chat_v2 field Binding v"]);
        assert_eq!(invented(&[("chat_v2 type schema binding", "Binding2")]), ["chat_v2 type schema binding"]);
        assert_eq!(invented(&[("chat_v2 type schema binding_v2", "BindingV2")]), Vec::<String>::new());
        assert_eq!(invented(&[("chat_v2 field Binding page_size", "page_size")]), Vec::<String>::new());
        // `2010-04-01` may be written `20100401`; `2010` alone is no run of it.
        assert_eq!(
            invented(&[("api_v2010 type schema api.v2010-04-01.x", "X20100401")]),
            Vec::<String>::new()
        );
        assert_eq!(
            invented(&[("api_v2010 type schema api.v2010.x", "X20100401")]),
            ["api_v2010 type schema api.v2010.x"]
        );
        // A name used at a site takes its number from its schema's key.
        assert_eq!(
            invented(&[("m type field A b", "Thing2"), ("m type schema thing2", "Thing2")]),
            Vec::<String>::new()
        );
        assert_eq!(
            invented(&[("m type field A b", "Thing2"), ("m type schema thing", "Thing2")]),
            ["m type field A b", "m type schema thing"]
        );
    }

    #[test]
    fn operation_ids_explain_the_names_taken_from_them() {
        let spec = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://api.twilio.com'}]\n\
                    paths:\n  /v1/Certs:\n    get:\n      operationId: FetchCertV4\n      responses: {'204': {description: OK}}\n";
        let (api, names) =
            crate::lower::lower(&[crate::load::load("t.yaml", spec).expect("loads")], &NameLock::new())
                .expect("lowers");
        let key = "api_v1 op GET /v1/Certs builder";
        assert_eq!(names[key], "FetchCertV4Request");
        assert!(!invented_numbers(&names).is_empty(), "the lock's keys hold no 4");
        let output = crate::Output { api, names, files: Default::default() };
        assert_eq!(invented_numbers_in(&output), Vec::new());
        // A number the operationId does not hold is invented.
        let spec = crate::load::load("t.yaml", spec).expect("loads");
        let lock: NameLock = [(key.to_owned(), "FetchCertV5Request".to_owned())].into();
        let (api, names) = crate::lower::lower(&[spec], &lock).expect("lowers");
        let output = crate::Output { api, names, files: Default::default() };
        let name = "FetchCertV5Request".to_owned();
        assert_eq!(
            invented_numbers_in(&output),
            [(key.to_owned(), name.clone()), ("api_v1 operationId FetchCertV4 builder".to_owned(), name)]
        );
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
