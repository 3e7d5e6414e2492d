//! What the setters of list parameters take: one value or several, in the
//! forms users hold them.
//!
//! Every generated setter of a list parameter (`binding_type`, `identity`)
//! takes `impl OneOrMany<T>`: one value, an array, a `Vec`, a slice or an
//! `Option` of them, adding to the values given before. Text parameters also
//! take `&str`s; SID parameters also take text, checked when the request is
//! sent ([`SidArg`](crate::SidArg)); generated enums that hold the same kind
//! of value take each other (their crates implement this trait for them).

use crate::sid::{Checked, Sid};

/// One value of a list parameter, or several.
pub trait OneOrMany<T> {
    /// Appends the values to `out`.
    fn extend_into(self, out: &mut Vec<T>);

    /// The values as a `Vec`.
    fn into_vec(self) -> Vec<T>
    where
        Self: Sized,
    {
        let mut out = Vec::new();
        self.extend_into(&mut out);
        out
    }
}

impl<T> OneOrMany<T> for T {
    fn extend_into(self, out: &mut Vec<T>) {
        out.push(self);
    }
}

impl<T, const N: usize> OneOrMany<T> for [T; N] {
    fn extend_into(self, out: &mut Vec<T>) {
        out.extend(self);
    }
}

impl<T> OneOrMany<T> for Vec<T> {
    fn extend_into(self, out: &mut Vec<T>) {
        out.extend(self);
    }
}

impl<T: Clone> OneOrMany<T> for &[T] {
    fn extend_into(self, out: &mut Vec<T>) {
        out.extend_from_slice(self);
    }
}

impl<T: Clone> OneOrMany<T> for &Vec<T> {
    fn extend_into(self, out: &mut Vec<T>) {
        out.extend_from_slice(self);
    }
}

impl<T> OneOrMany<T> for Option<T> {
    fn extend_into(self, out: &mut Vec<T>) {
        out.extend(self);
    }
}

/// Implements [`OneOrMany<$target>`] for `$one` and lists of it, each value
/// converted with `$convert`.
#[doc(hidden)]
#[macro_export]
macro_rules! one_or_many_from {
    ($target:ty, $one:ty, $convert:expr) => {
        impl $crate::OneOrMany<$target> for $one {
            fn extend_into(self, out: &mut Vec<$target>) {
                out.push(($convert)(self));
            }
        }

        impl<const N: usize> $crate::OneOrMany<$target> for [$one; N] {
            fn extend_into(self, out: &mut Vec<$target>) {
                out.extend(self.into_iter().map($convert));
            }
        }

        impl $crate::OneOrMany<$target> for Vec<$one> {
            fn extend_into(self, out: &mut Vec<$target>) {
                out.extend(self.into_iter().map($convert));
            }
        }

        impl $crate::OneOrMany<$target> for &[$one] {
            fn extend_into(self, out: &mut Vec<$target>) {
                out.extend(self.iter().cloned().map($convert));
            }
        }
    };
}

one_or_many_from!(String, &str, str::to_owned);
one_or_many_from!(String, &String, String::clone);

impl<T: Sid> OneOrMany<Checked<T>> for T {
    fn extend_into(self, out: &mut Vec<Checked<T>>) {
        out.push(Ok(self));
    }
}

impl<T: Sid, const N: usize> OneOrMany<Checked<T>> for [T; N] {
    fn extend_into(self, out: &mut Vec<Checked<T>>) {
        out.extend(self.into_iter().map(Ok));
    }
}

impl<T: Sid> OneOrMany<Checked<T>> for Vec<T> {
    fn extend_into(self, out: &mut Vec<Checked<T>>) {
        out.extend(self.into_iter().map(Ok));
    }
}

impl<T: Sid> OneOrMany<Checked<T>> for &str {
    fn extend_into(self, out: &mut Vec<Checked<T>>) {
        out.push(T::parse(self.to_owned()));
    }
}

impl<T: Sid> OneOrMany<Checked<T>> for String {
    fn extend_into(self, out: &mut Vec<Checked<T>>) {
        out.push(T::parse(self));
    }
}

impl<T: Sid, const N: usize> OneOrMany<Checked<T>> for [&str; N] {
    fn extend_into(self, out: &mut Vec<Checked<T>>) {
        out.extend(self.into_iter().map(|s| T::parse(s.to_owned())));
    }
}

impl<T: Sid> OneOrMany<Checked<T>> for Vec<&str> {
    fn extend_into(self, out: &mut Vec<Checked<T>>) {
        out.extend(self.into_iter().map(|s| T::parse(s.to_owned())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(values: impl OneOrMany<String>) -> Vec<String> {
        values.into_vec()
    }

    #[test]
    fn one_value_or_many() {
        assert_eq!(take("a"), ["a"]);
        assert_eq!(take(String::from("a")), ["a"]);
        let owned = String::from("a");
        assert_eq!(take(&owned), ["a"]);
        assert_eq!(take(["a", "b"]), ["a", "b"]);
        assert_eq!(take(vec!["a", "b"]), ["a", "b"]);
        assert_eq!(take(&["a", "b"][..]), ["a", "b"]);
        assert_eq!(take(vec![String::from("a")]), ["a"]);
        let list = vec![owned.clone()];
        assert_eq!(take(&list), ["a"]);
        assert_eq!(list.len(), 1, "borrowed, still there");
        assert_eq!(take(Some(owned)), ["a"]);
        assert_eq!(take(None::<String>), Vec::<String>::new());
        assert_eq!(take(&[String::from("a"), String::from("b")][..]), ["a", "b"]);
    }

    type TestSid = crate::sid::tests::TestSid;

    /// The SIDs given, each as text or the error's problem.
    fn sids(values: impl OneOrMany<Checked<TestSid>>) -> Vec<String> {
        let shown = |v: Checked<TestSid>| v.map_or_else(|e| format!("{:?}", e.problem), |s| s.to_string());
        values.into_vec().into_iter().map(shown).collect()
    }

    #[test]
    fn sid_lists_take_sids_and_text_checked_one_by_one() {
        let (a, b) = ("BS0123456789abcdef0123456789abcdef", "BSabcdef0123456789abcdef0123456789");
        let sid = |s: &str| TestSid::new(s).expect("valid");
        assert_eq!(sids(sid(a)), [a]);
        assert_eq!(sids([sid(a), sid(b)]), [a, b]);
        assert_eq!(sids(vec![sid(a), sid(b)]), [a, b]);
        assert_eq!(sids(a), [a]);
        assert_eq!(sids(String::from(b)), [b]);
        assert_eq!(sids([a, b]), [a, b]);
        assert_eq!(sids(vec![b, a]), [b, a]);
        // Text that is no SID stays in its place, as the problem it has.
        assert_eq!(sids(["BS1", a]), ["Length", a]);
        assert_eq!(sids(vec![a, "XX0123456789abcdef0123456789abcdef"]), [a, "Prefix"]);
        assert_eq!(sids(String::from("BS1")), ["Length"]);
    }
}
