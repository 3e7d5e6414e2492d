//! SID newtypes: Twilio's identifiers, two capital letters and 32 hex digits.
//!
//! Generated crates declare one type per prefix and implement it with
//! [`impl_sid!`](crate::impl_sid!).
//! Building one from a string validates it; SIDs inside Twilio's responses are
//! kept as sent (see [`lenient`](crate::lenient)), so a SID format Twilio
//! introduces later never breaks a whole response.

/// What every SID type can do; implemented by [`impl_sid!`](crate::impl_sid!).
pub trait Sid: Sized {
    /// The two-letter prefix (`BS`).
    const PREFIX: &'static str;

    /// Wraps a value received from Twilio without checking it.
    fn from_server(value: String) -> Self;

    /// Checks and wraps a SID given as text.
    fn parse(value: String) -> Result<Self, SidError>;

    /// The SID as a string.
    fn as_str(&self) -> &str;
}

/// A SID as a request holds it: checked when given, so that a bad one
/// becomes the call's [`Error::InvalidSid`](crate::Error::InvalidSid) when
/// it is sent, never a panic where it was given.
pub type Checked<T> = Result<T, SidError>;

/// What a SID argument may be: the SID type itself or a reference to one,
/// or text (`&str`, `String`, `&String`), which is checked.
pub trait SidArg<T> {
    /// The SID, or why the text is not one.
    fn into_sid(self) -> Checked<T>;
}

impl<T: Sid> SidArg<T> for T {
    fn into_sid(self) -> Checked<T> {
        Ok(self)
    }
}

impl<T: Sid + Clone> SidArg<T> for &T {
    fn into_sid(self) -> Checked<T> {
        Ok(self.clone())
    }
}

impl<T: Sid> SidArg<T> for &str {
    fn into_sid(self) -> Checked<T> {
        T::parse(self.to_owned())
    }
}

impl<T: Sid> SidArg<T> for String {
    fn into_sid(self) -> Checked<T> {
        T::parse(self)
    }
}

impl<T: Sid> SidArg<T> for &String {
    fn into_sid(self) -> Checked<T> {
        T::parse(self.clone())
    }
}

/// A string that is not a SID of the expected kind. It says what is wrong
/// and how long the input was, never what it was: a user's identity typed
/// where a SID belongs must not reach a log through this error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid {type_name}: {problem} ({length} characters given); expected `{prefix}` followed by 32 hexadecimal digits"
)]
#[non_exhaustive]
pub struct SidError {
    /// The Rust type it was meant to be (`BindingSid`).
    pub type_name: &'static str,
    /// The expected prefix.
    pub prefix: &'static str,
    /// How many characters the rejected input had.
    pub length: usize,
    /// What is wrong with it.
    pub problem: SidProblem,
}

/// What is wrong with a rejected SID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SidProblem {
    /// Not 34 characters long.
    #[error("wrong length")]
    Length,
    /// Another prefix (another kind of SID, or none).
    #[error("wrong prefix")]
    Prefix,
    /// Something other than hexadecimal digits after the prefix.
    #[error("not hexadecimal after the prefix")]
    Digits,
}

/// Checks `value` against `prefix` followed by 32 hexadecimal digits.
pub fn check(value: &str, prefix: &'static str, type_name: &'static str) -> Result<(), SidError> {
    let bytes = value.as_bytes();
    let problem = if bytes.len() != prefix.len() + 32 {
        SidProblem::Length
    } else if !value.starts_with(prefix) {
        SidProblem::Prefix
    } else if !bytes[prefix.len()..].iter().all(u8::is_ascii_hexdigit) {
        SidProblem::Digits
    } else {
        return Ok(());
    };
    Err(SidError { type_name, prefix, length: value.chars().count(), problem })
}

/// Implements validation and conversions for a SID newtype
/// `pub struct Name(String);`: `new`, `FromStr`, `TryFrom<&str>`,
/// `TryFrom<String>` and `Deserialize` all check the value.
#[macro_export]
macro_rules! impl_sid {
    ($name:ident, $prefix:literal) => {
        impl $name {
            /// The two-letter prefix of this kind of SID.
            pub const PREFIX: &'static str = $prefix;

            /// Checks and wraps a SID.
            pub fn new(value: impl Into<String>) -> Result<Self, $crate::SidError> {
                let value = value.into();
                $crate::sid::check(&value, $prefix, stringify!($name))?;
                Ok($name(value))
            }

            /// The SID as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl $crate::sid::Sid for $name {
            const PREFIX: &'static str = $prefix;

            fn from_server(value: String) -> Self {
                $name(value)
            }

            fn parse(value: String) -> Result<Self, $crate::SidError> {
                $name::new(value)
            }

            fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl ::std::cmp::PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl ::std::cmp::PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl ::std::cmp::PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl ::std::cmp::PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::SidError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                $name::new(value)
            }
        }

        impl ::std::convert::TryFrom<&str> for $name {
            type Error = $crate::SidError;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                $name::new(value)
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::SidError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::new(value)
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::From<$name> for String {
            fn from(sid: $name) -> String {
                sid.0
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as $crate::serde::Deserialize>::deserialize(deserializer)?;
                $name::new(value).map_err(<D::Error as $crate::serde::de::Error>::custom)
            }
        }

        impl $crate::ParamValue for $name {
            fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
                out.push((key, self.0.clone()));
            }
        }
    };
}

#[cfg(test)]
pub(crate) mod tests {
    /// A test SID.
    #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct TestSid(String);

    crate::impl_sid!(TestSid, "BS");

    #[test]
    fn compares_with_strings() {
        let sid = TestSid::new("BS0123456789abcdefABCDEF0123456789").expect("valid");
        assert!(sid == "BS0123456789abcdefABCDEF0123456789");
        assert!(sid == *"BS0123456789abcdefABCDEF0123456789");
        let owned = String::from("BS0123456789abcdefABCDEF0123456789");
        assert!(sid == owned);
        assert!("BS0123456789abcdefABCDEF0123456789" == sid);
        assert!(sid != "BS0123456789abcdefABCDEF012345678a");
    }

    #[test]
    fn validates_on_every_way_in() {
        let good = "BS0123456789abcdefABCDEF0123456789";
        assert_eq!(TestSid::new(good).map(|s| s.to_string()), Ok(good.to_owned()));
        assert!(good.parse::<TestSid>().is_ok());
        assert!(TestSid::try_from(good.to_owned()).is_ok());
        assert!(serde_json::from_str::<TestSid>(&format!("{good:?}")).is_ok());
        let bad = [
            "",
            "BS",
            "IS0123456789abcdefABCDEF0123456789",
            "bs0123456789abcdefABCDEF0123456789",
            "BS0123456789abcdefABCDEF012345678",
            "BS0123456789abcdefABCDEF01234567890",
            "BS0123456789abcdefABCDEF012345678g",
            "BS0123456789abcdefABCDEF01234567é",
        ];
        for value in bad {
            assert!(TestSid::new(value).is_err(), "{value:?}");
            assert!(value.parse::<TestSid>().is_err(), "{value:?}");
            assert!(serde_json::from_str::<TestSid>(&format!("{value:?}")).is_err(), "{value:?}");
        }
        let message = TestSid::new("nope").err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            message,
            "invalid TestSid: wrong length (4 characters given); expected `BS` followed by 32 hexadecimal digits"
        );
        let problem = |v: &str| TestSid::new(v).err().map(|e| e.problem);
        assert_eq!(problem("IS0123456789abcdefABCDEF0123456789"), Some(super::SidProblem::Prefix));
        assert_eq!(problem("BS0123456789abcdefABCDEF012345678g"), Some(super::SidProblem::Digits));
        assert_eq!(problem("alice.smith@example.com"), Some(super::SidProblem::Length));
        // An identity typed where a SID belongs is never shown.
        let error = TestSid::new("alice.smith@example.com").expect_err("not a SID");
        assert!(!format!("{error} {error:?}").contains("alice"), "{error:?}");
    }
}
