//! The execution engine: translation to the internal IR and the interpreter that runs it.

mod exec;
mod fuse;
mod ir;
mod num;
mod translate;

pub(crate) use exec::{call, Frame};
pub(crate) use ir::Listing;
pub(crate) use translate::{
    translate_function, validate_again, validate_function, CompiledFunc, FuncTranslatorAllocs,
};
