//! The settings of an engine, from the C API's list of settings (`wrt_config_settings!`): the
//! `Config` struct, how it reaches the C setters, and what the bindings need to present each
//! setting (its name, kind and documentation) without spelling it out again.

use wrt::wrt_config_t;

use crate::error::{check, Error, ErrorKind, Result};

/// What a setting holds, as the bindings present it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingKind {
    /// A `bool`, false unless set.
    Flag,
    /// An optional `bool`; unset keeps the C API's default.
    Bool,
    /// An optional non-negative integer (a count or a size); unset keeps the C API's default.
    Int,
}

/// A value given to [`Config::set`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingInput {
    /// Unset: the C API's default (false for a [`SettingKind::Flag`]).
    Default,
    Bool(bool),
    Int(u64),
}

/// One setting of [`Config`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The name of the field of `Config` (and of the C setter without `wrt_config_`).
    pub name: &'static str,
    pub kind: SettingKind,
    /// Whether a compiled module depends on the setting (otherwise only stores do).
    pub compile: bool,
    /// One line of documentation.
    pub doc: &'static str,
}

impl Setting {
    /// The name in camel case (`maxCallDepth`), as JavaScript spells it.
    pub fn camel_case_name(&self) -> String {
        let mut out = String::with_capacity(self.name.len());
        let mut upper = false;
        for c in self.name.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// The type of a field of [`Config`]: how it reaches its C setter.
pub trait SettingValue: Copy {
    /// The C setter's argument.
    type C;
    const KIND: SettingKind;
    /// The argument to pass, if the C setter is to be called.
    fn to_c(self) -> Option<Self::C>;
    /// The field's value for `input`; `Err` names what the setting takes.
    fn from_input(input: SettingInput) -> std::result::Result<Self, &'static str>;
    /// The field's value as an input (`Default` when unset).
    fn to_input(self) -> SettingInput;
}

impl SettingValue for bool {
    type C = bool;
    const KIND: SettingKind = SettingKind::Flag;
    fn to_c(self) -> Option<bool> {
        Some(self)
    }
    fn from_input(input: SettingInput) -> std::result::Result<bool, &'static str> {
        match input {
            SettingInput::Default => Ok(false),
            SettingInput::Bool(b) => Ok(b),
            SettingInput::Int(_) => Err("a boolean"),
        }
    }
    fn to_input(self) -> SettingInput {
        SettingInput::Bool(self)
    }
}

/// What an optional setting holds (`Option<Self>` is the field's type).
pub trait Scalar: Copy {
    const KIND: SettingKind;
    /// The value for an input that is not `Default`; `Err` names what the setting takes.
    fn from_input(input: SettingInput) -> std::result::Result<Self, &'static str>;
    fn to_input(self) -> SettingInput;
}

impl Scalar for bool {
    const KIND: SettingKind = SettingKind::Bool;
    fn from_input(input: SettingInput) -> std::result::Result<bool, &'static str> {
        <bool as SettingValue>::from_input(input)
    }
    fn to_input(self) -> SettingInput {
        SettingInput::Bool(self)
    }
}

impl Scalar for u64 {
    const KIND: SettingKind = SettingKind::Int;
    fn from_input(input: SettingInput) -> std::result::Result<u64, &'static str> {
        match input {
            SettingInput::Int(n) => Ok(n),
            SettingInput::Default | SettingInput::Bool(_) => Err("a non-negative integer"),
        }
    }
    fn to_input(self) -> SettingInput {
        SettingInput::Int(self)
    }
}

impl Scalar for usize {
    const KIND: SettingKind = SettingKind::Int;
    fn from_input(input: SettingInput) -> std::result::Result<usize, &'static str> {
        usize::try_from(u64::from_input(input)?)
            .map_err(|_| "an integer that fits the platform's size_t")
    }
    fn to_input(self) -> SettingInput {
        SettingInput::Int(self as u64)
    }
}

impl<T: Scalar> SettingValue for Option<T> {
    type C = T;
    const KIND: SettingKind = T::KIND;
    fn to_c(self) -> Option<T> {
        self
    }
    fn from_input(input: SettingInput) -> std::result::Result<Self, &'static str> {
        match input {
            SettingInput::Default => Ok(None),
            input => T::from_input(input).map(Some),
        }
    }
    fn to_input(self) -> SettingInput {
        self.map_or(SettingInput::Default, T::to_input)
    }
}

macro_rules! config {
    ($( $cfn:ident => $name:ident: $field:ty = $default:tt, $when:ident, $doc:literal; )*) => {
        /// The settings of an engine. Plain data: `Engine::new` hands them to the C API
        /// (`wrt_config_*`); `None` keeps the C API's default.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct Config {
            $(
                #[doc = $doc]
                #[doc = concat!("(`", stringify!($cfn), "`)")]
                pub $name: $field,
            )*
        }

        impl Default for Config {
            fn default() -> Config {
                Config { $( $name: $default, )* }
            }
        }

        impl Config {
            /// Every setting, in the C API's order.
            pub const SETTINGS: &'static [Setting] = &[$(
                Setting {
                    name: stringify!($name),
                    kind: <$field as SettingValue>::KIND,
                    compile: config!(@compile $when),
                    doc: $doc,
                },
            )*];

            /// Sets the setting called `name` (see [`Config::SETTINGS`]).
            pub fn set(&mut self, name: &str, input: SettingInput) -> Result {
                let wrong = |what: &str| {
                    Error::new(ErrorKind::InvalidArgument, format!("{name} must be {what}"))
                };
                match name {
                    $( stringify!($name) => {
                        self.$name = SettingValue::from_input(input).map_err(wrong)?;
                    } )*
                    _ => {
                        return Err(Error::new(
                            ErrorKind::NotFound,
                            format!("there is no setting `{name}`"),
                        ))
                    }
                }
                Ok(())
            }

            /// The value of the setting called `name`, if there is one.
            pub fn get(&self, name: &str) -> Option<SettingInput> {
                match name {
                    $( stringify!($name) => Some(SettingValue::to_input(self.$name)), )*
                    _ => None,
                }
            }

            /// Applies every setting to `c` through its C setter.
            ///
            /// # Safety
            /// `c` must be a live configuration that only this thread uses.
            pub(crate) unsafe fn apply(&self, c: *mut wrt_config_t) -> Result {
                $(
                    if let Some(value) = SettingValue::to_c(self.$name) {
                        // SAFETY: `c` is live and unshared (caller's contract).
                        unsafe { check(wrt::$cfn(c, value)) }?;
                    }
                )*
                Ok(())
            }
        }
    };
    (@compile compile) => { true };
    (@compile run) => { false };
}
wrt::wrt_config_settings!(bindings => config);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_set_and_read_by_name() {
        let mut c = Config::default();
        c.set("max_call_depth", SettingInput::Int(7)).unwrap();
        c.set("consume_fuel", SettingInput::Bool(true)).unwrap();
        c.set("lazy_translation", SettingInput::Bool(false))
            .unwrap();
        assert_eq!(c.max_call_depth, Some(7));
        assert!(c.consume_fuel);
        assert_eq!(c.lazy_translation, Some(false));
        assert_eq!(c.get("memory_budget"), Some(SettingInput::Default));
        c.set("lazy_translation", SettingInput::Default).unwrap();
        assert_eq!(c.lazy_translation, None);
        let wrong = c.set("deterministic", SettingInput::Int(1)).unwrap_err();
        assert_eq!(wrong.kind(), ErrorKind::InvalidArgument);
        assert_eq!(
            c.set("nonsense", SettingInput::Int(1)).unwrap_err().kind(),
            ErrorKind::NotFound
        );
        let names: Vec<_> = Config::SETTINGS.iter().map(|s| s.name).collect();
        assert!(names.contains(&"max_table_elements"));
        // C only: the bindings have `memory_budget` (unset means unlimited) instead.
        assert!(!names.contains(&"unlimited_memory"));
    }
}
