//! The type vocabulary of WebAssembly as the embedding API presents it.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

/// The type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// Reserved for SIMD; no function of this build produces it.
    V128,
    /// A reference to a function (nullable).
    FuncRef,
    /// A reference to a host value (nullable).
    ExternRef,
}

impl ValType {
    /// True for `funcref` and `externref`.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// The type of a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefType {
    /// A reference to a function.
    FuncRef,
    /// A reference to a host value.
    ExternRef,
}

impl From<RefType> for ValType {
    fn from(ty: RefType) -> ValType {
        match ty {
            RefType::FuncRef => ValType::FuncRef,
            RefType::ExternRef => ValType::ExternRef,
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ValType::from(*self).fmt(f)
    }
}

/// A function signature. Cheap to clone.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FuncType {
    /// Parameters followed by results.
    types: Arc<[ValType]>,
    len_params: usize,
}

impl FuncType {
    /// A function type with these parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        let mut types: Vec<ValType> = params.into_iter().collect();
        let len_params = types.len();
        types.extend(results);
        FuncType {
            types: types.into(),
            len_params,
        }
    }

    /// The parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.types[..self.len_params]
    }

    /// The result types.
    pub fn results(&self) -> &[ValType] {
        &self.types[self.len_params..]
    }
}

impl fmt::Debug for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        if !self.params().is_empty() {
            f.write_str(" (param")?;
            for p in self.params() {
                write!(f, " {p}")?;
            }
            f.write_str(")")?;
        }
        if !self.results().is_empty() {
            f.write_str(" (result")?;
            for r in self.results() {
                write!(f, " {r}")?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")
    }
}

/// Whether a global can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutability {
    /// The value cannot change.
    Const,
    /// The value can be set.
    Var,
}

/// The type of a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalType {
    content: ValType,
    mutability: Mutability,
}

impl GlobalType {
    /// A global type.
    pub fn new(content: ValType, mutability: Mutability) -> Self {
        GlobalType {
            content,
            mutability,
        }
    }

    /// The type of the value.
    pub fn content(&self) -> ValType {
        self.content
    }

    /// Whether the value can change.
    pub fn mutability(&self) -> Mutability {
        self.mutability
    }
}

/// Size limits in units of pages (memories) or elements (tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

impl Limits {
    /// Whether `self`, the limits of a provided item, satisfy `required`, an import's limits.
    pub(crate) fn matches(&self, required: &Limits) -> bool {
        if self.min < required.min {
            return false;
        }
        match (self.max, required.max) {
            (_, None) => true,
            (Some(have), Some(want)) => have <= want,
            (None, Some(_)) => false,
        }
    }
}

/// The `minimum`, `maximum` and `limits` accessors of a type with limits (`what` they count).
macro_rules! limits_accessors {
    ($what:literal) => {
        #[doc = concat!("The minimum ", $what, ".")]
        pub fn minimum(&self) -> u64 {
            self.limits.min
        }

        #[doc = concat!("The maximum ", $what, ", if any.")]
        pub fn maximum(&self) -> Option<u64> {
            self.limits.max
        }

        pub(crate) fn limits(&self) -> &Limits {
            &self.limits
        }
    };
}

/// The type of a linear memory (sizes in 64 KiB pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryType {
    limits: Limits,
}

impl MemoryType {
    /// A memory type, in 64 KiB pages.
    pub fn new(min_pages: u64, max_pages: Option<u64>) -> Self {
        MemoryType {
            limits: Limits {
                min: min_pages,
                max: max_pages,
            },
        }
    }

    limits_accessors!("size in pages");
}

/// The type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableType {
    element: RefType,
    limits: Limits,
}

impl TableType {
    /// A table type.
    pub fn new(element: RefType, min: u64, max: Option<u64>) -> Self {
        TableType {
            element,
            limits: Limits { min, max },
        }
    }

    /// The type of the elements.
    pub fn element(&self) -> RefType {
        self.element
    }

    limits_accessors!("number of elements");
}

/// The type of anything a module imports or exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A global.
    Global(GlobalType),
    /// A linear memory.
    Memory(MemoryType),
    /// A table.
    Table(TableType),
}

impl ExternType {
    /// A short name of the kind: "function", "global", "memory" or "table".
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "function",
            ExternType::Global(_) => "global",
            ExternType::Memory(_) => "memory",
            ExternType::Table(_) => "table",
        }
    }
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(ty) => write!(f, "{ty}"),
            ExternType::Global(ty) => match ty.mutability {
                Mutability::Const => write!(f, "(global {})", ty.content),
                Mutability::Var => write!(f, "(global (mut {}))", ty.content),
            },
            ExternType::Memory(ty) => match ty.limits.max {
                Some(max) => write!(f, "(memory {} {})", ty.limits.min, max),
                None => write!(f, "(memory {})", ty.limits.min),
            },
            ExternType::Table(ty) => match ty.limits.max {
                Some(max) => write!(f, "(table {} {} {})", ty.limits.min, max, ty.element),
                None => write!(f, "(table {} {})", ty.limits.min, ty.element),
            },
        }
    }
}

/// An import of a module: where it comes from and what it must be.
#[derive(Debug, Clone)]
pub struct ImportType<'m> {
    pub(crate) module: &'m str,
    pub(crate) name: &'m str,
    pub(crate) ty: ExternType,
}

impl<'m> ImportType<'m> {
    /// The module name of the import.
    pub fn module(&self) -> &'m str {
        self.module
    }
    /// The field name of the import.
    pub fn name(&self) -> &'m str {
        self.name
    }
    /// The type of what is imported.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

/// An export of a module.
#[derive(Debug, Clone)]
pub struct ExportType<'m> {
    pub(crate) name: &'m str,
    pub(crate) ty: ExternType,
}

impl<'m> ExportType<'m> {
    /// The export's name.
    pub fn name(&self) -> &'m str {
        self.name
    }
    /// The type of what is exported.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}
