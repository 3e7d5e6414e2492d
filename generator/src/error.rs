//! Errors that point at the place in a spec that is wrong.

use std::fmt;

/// A problem with a spec, located by file, JSON pointer and, where the parser
/// reports one, line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The spec file as the user named it.
    pub file: String,
    /// JSON pointer to the offending node (`/paths/~1v2~1Services/get`).
    pub pointer: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Error {
    /// An error at `pointer` in `file`.
    pub fn at(file: &str, pointer: &Pointer, message: impl Into<String>) -> Self {
        Error { file: file.to_owned(), pointer: pointer.to_string(), line: None, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, ": at {pointer}: {}", self.message)
    }
}

impl std::error::Error for Error {}

/// A JSON pointer under construction (RFC 6901), escaping `~` and `/`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    /// The document root.
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// This pointer with one more reference token.
    pub fn join(&self, token: impl fmt::Display) -> Self {
        let token = token.to_string();
        let mut pointer = String::with_capacity(self.0.len() + token.len() + 1);
        pointer.push_str(&self.0);
        pointer.push('/');
        if token.contains(['~', '/']) {
            pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
        } else {
            pointer.push_str(&token);
        }
        Pointer(pointer)
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Builds a pointer from plain tokens, so `ptr!["paths", path, "get"]` reads
/// like the place it names.
#[macro_export]
macro_rules! ptr {
    ($($token:expr),* $(,)?) => {
        $crate::error::Pointer::root()$(.join($token))*
    };
}
