//! String enums that keep values they do not know.
//!
//! Twilio adds values to its enums (Conversations already sends `twilsock`,
//! which older docs lack). Generated enums are `#[non_exhaustive]` with an
//! `Unknown` variant, so a response with a new value still decodes; parsing
//! a user's string with `FromStr` accepts only known values, so a typo never
//! reaches the API.

use std::fmt;

/// A value an enum received from Twilio but does not know. Only
/// deserialization makes one, so sending it back is sending what Twilio sent.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    #[doc(hidden)]
    pub fn from_server(value: String) -> Self {
        UnknownValue(value)
    }

    /// The value as Twilio sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// A string that is not one of an enum's known values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a known {type_name} (known: {known})")]
pub struct UnknownVariant {
    /// The enum (`BindingType`).
    pub type_name: &'static str,
    /// The rejected text.
    pub value: String,
    /// The known values, comma-separated.
    pub known: String,
}

/// Implements `as_str`, `FromStr`, `Display`, serde and [`ParamValue`](crate::ParamValue)
/// for a generated enum with an `Unknown(UnknownValue)` variant.
#[macro_export]
macro_rules! string_enum {
    ($name:ident, $($variant:ident = $value:literal),* $(,)?) => {
        impl $name {
            /// The known values, as Twilio spells them.
            pub const KNOWN: &'static [&'static str] = &[$($value),*];

            /// The value as Twilio spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )*
                    $name::Unknown(value) => value.as_str(),
                }
            }

            /// The value Twilio spells `value`: a known one, or `Unknown`
            /// keeping the text (for conversions between enums).
            #[doc(hidden)]
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $value => $name::$variant, )*
                    _ => $name::Unknown($crate::UnknownValue::from_server(value.to_owned())),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownVariant;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    $( $value => Ok($name::$variant), )*
                    _ => Err($crate::UnknownVariant {
                        type_name: stringify!($name),
                        value: value.to_owned(),
                        known: $name::KNOWN.join(", "),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // Known values from borrowed text: only an unknown one is copied.
                struct Wire;
                impl $crate::serde::de::Visitor<'_> for Wire {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: $crate::serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::from_wire(value))
                    }
                    fn visit_string<E: $crate::serde::de::Error>(self, value: String) -> Result<$name, E> {
                        Ok(match value.as_str() {
                            $( $value => $name::$variant, )*
                            _ => $name::Unknown($crate::UnknownValue::from_server(value)),
                        })
                    }
                }
                deserializer.deserialize_str(Wire)
            }
        }

        impl $crate::ParamValue for $name {
            fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
                out.push((key, self.as_str().to_owned()));
            }
        }
    };
}

/// Converts `$source` into `$target`, two generated enums for the same kind
/// of value, by wire value: total, since a value `$target` does not know
/// becomes its `Unknown`, keeping the text. Also lets `$target`'s list
/// setters take `$source` values ([`OneOrMany`](crate::OneOrMany)).
#[macro_export]
macro_rules! enum_from {
    ($target:ty, $source:ty) => {
        impl ::std::convert::From<$source> for $target {
            fn from(value: $source) -> Self {
                <$target>::from_wire(value.as_str())
            }
        }

        impl ::std::convert::From<&$source> for $target {
            fn from(value: &$source) -> Self {
                <$target>::from_wire(value.as_str())
            }
        }

        $crate::one_or_many_from!($target, $source, <$target>::from);
    };
}

#[cfg(test)]
mod tests {
    use super::UnknownValue;

    /// A test enum.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Kind {
        /// `apn`
        Apn,
        /// `fcm`
        Fcm,
        /// Unknown.
        Unknown(UnknownValue),
    }

    crate::string_enum!(Kind, Apn = "apn", Fcm = "fcm");

    /// Another test enum, for the same kind of value.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Other {
        /// `apn`
        Apn,
        /// Unknown.
        Unknown(UnknownValue),
    }

    crate::string_enum!(Other, Apn = "apn");
    crate::enum_from!(Kind, Other);
    crate::enum_from!(Other, Kind);

    #[test]
    fn enums_for_the_same_values_convert_both_ways() {
        assert_eq!(Kind::from(Other::Apn), Kind::Apn);
        assert_eq!(Other::from(Kind::Apn), Other::Apn);
        let fcm = Other::from(&Kind::Fcm);
        assert_eq!(fcm.as_str(), "fcm", "a value it does not know keeps its text");
        assert_eq!(Kind::from(fcm), Kind::Fcm);
        let many: Vec<Kind> = crate::OneOrMany::into_vec([Other::Apn, Other::Apn]);
        assert_eq!(many, [Kind::Apn, Kind::Apn]);
        let one: Vec<Kind> = crate::OneOrMany::into_vec(Other::Apn);
        assert_eq!(one, [Kind::Apn]);
    }

    #[test]
    fn keeps_unknown_values_and_rejects_unknown_input() {
        let kinds: Vec<Kind> = serde_json::from_str(r#"["apn","twilsock"]"#).unwrap_or_default();
        assert_eq!(kinds[0], Kind::Apn);
        assert_eq!(kinds[1].as_str(), "twilsock");
        assert_eq!(serde_json::to_string(&kinds).unwrap_or_default(), r#"["apn","twilsock"]"#);
        assert_eq!("fcm".parse::<Kind>(), Ok(Kind::Fcm));
        let error = "twilsock".parse::<Kind>().err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(error, "\"twilsock\" is not a known Kind (known: apn, fcm)");
    }

    #[test]
    fn decodes_from_borrowed_escaped_and_owned_text() {
        let escaped: Vec<Kind> = serde_json::from_str(r#"["\u0061pn","tw\u0069lsock"]"#).expect("decodes");
        assert_eq!(escaped, [Kind::Apn, Kind::Unknown(UnknownValue::from_server("twilsock".to_owned()))]);
        // From a `Value`, serde hands over owned strings.
        let owned: Vec<Kind> =
            serde_json::from_value(serde_json::json!(["fcm", "twilsock"])).expect("decodes");
        assert_eq!(owned[0], Kind::Fcm);
        assert_eq!(owned[1].as_str(), "twilsock");
        let error = serde_json::from_str::<Kind>("7").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("expected a string"), "{error}");
        let error = serde_json::from_value::<Kind>(serde_json::json!(7)).err().map(|e| e.to_string());
        assert!(error.unwrap_or_default().contains("expected a string"));
    }

    #[test]
    fn unknown_values_debug_as_the_text_sent() {
        assert_eq!(format!("{:?}", UnknownValue::from_server("twilsock".to_owned())), r#""twilsock""#);
    }
}
