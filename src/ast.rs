//! The abstract syntax tree: plain data with source spans, no behaviour.
//!
//! The shapes follow CPython's `ast` module closely (same node names, same
//! fields) so that readers who know Python's AST can read `aio --dump ast`.
//! Expression context (load / store / del) is not stored: the compiler knows
//! it from where an expression sits.

use crate::source::Span;
use num_bigint::BigInt;

/// An identifier as written in the source.
pub type Name = String;

/// A whole program (file or interactive input).
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub body: Vec<Stmt>,
}

/// One statement with its span (first token to last token, excluding NEWLINE).
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub span: Span,
    pub kind: StmtKind,
}

/// The statement forms of the aio subset.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// An expression evaluated for its effect (`f()`, `await x`, a docstring).
    Expr(Expr),
    /// `a = b = value`: one or more targets, assigned left to right.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    /// `target op= value`.
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `target: annotation [= value]`; `simple` is true for a bare name target.
    AnnAssign {
        target: Expr,
        annotation: Expr,
        value: Option<Expr>,
        simple: bool,
    },
    /// `del a, b[0], c.d`.
    Delete(Vec<Expr>),
    Pass,
    Break,
    Continue,
    /// `return [value]`.
    Return(Option<Expr>),
    /// `raise [exc [from cause]]`.
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    /// `global a, b`.
    Global(Vec<Name>),
    /// `nonlocal a, b`.
    Nonlocal(Vec<Name>),
    /// `assert test[, msg]`.
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    /// `import a.b [as c], d`.
    Import(Vec<Alias>),
    /// `from [.]*module import names`; `module` is None for `from . import x`.
    /// A single alias named `*` is a star import.
    ImportFrom {
        module: Option<Name>,
        names: Vec<Alias>,
        level: u32,
    },
    /// `if test: body [elif ...] [else: orelse]` (elif chains nest in orelse).
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `while test: body [else: orelse]`.
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `[async] for target in iter: body [else: orelse]`.
    For {
        is_async: bool,
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `try` with handlers, else and finally; `is_star` for `except*`.
    Try {
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
        is_star: bool,
    },
    /// `[async] with a as x, b: body`.
    With {
        is_async: bool,
        items: Vec<WithItem>,
        body: Vec<Stmt>,
    },
    /// `[async] def name(args) [-> returns]: body`, with decorators.
    FunctionDef(Box<FunctionDef>),
    /// `class name(bases, keywords): body`, with decorators.
    ClassDef(Box<ClassDef>),
}

/// A function definition (also used by the compiler for lambdas' shape).
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub is_async: bool,
    pub name: Name,
    pub args: Arguments,
    pub body: Vec<Stmt>,
    pub decorators: Vec<Expr>,
    pub returns: Option<Expr>,
}

/// A class definition.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassDef {
    pub name: Name,
    pub bases: Vec<Expr>,
    pub keywords: Vec<Keyword>,
    pub body: Vec<Stmt>,
    pub decorators: Vec<Expr>,
}

/// `name [as asname]` in an import; `name` may be dotted (`a.b.c`).
#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    pub span: Span,
    pub name: Name,
    pub asname: Option<Name>,
}

/// `except [type [as name]]: body`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptHandler {
    pub span: Span,
    pub typ: Option<Expr>,
    pub name: Option<Name>,
    pub body: Vec<Stmt>,
}

/// `context_expr [as optional_vars]` in a with statement.
#[derive(Debug, Clone, PartialEq)]
pub struct WithItem {
    pub context_expr: Expr,
    pub optional_vars: Option<Expr>,
}

/// A parameter list, in CPython's layout: `defaults` belong to the last
/// positional parameters (posonly then args); `kw_defaults[i]` to `kwonlyargs[i]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Arguments {
    pub posonlyargs: Vec<Arg>,
    pub args: Vec<Arg>,
    pub vararg: Option<Arg>,
    pub kwonlyargs: Vec<Arg>,
    pub kw_defaults: Vec<Option<Expr>>,
    pub kwarg: Option<Arg>,
    pub defaults: Vec<Expr>,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub span: Span,
    pub name: Name,
    pub annotation: Option<Expr>,
}

/// `name=value` in a call or class header; `arg` is None for `**value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyword {
    pub span: Span,
    pub arg: Option<Name>,
    pub value: Expr,
}

/// One expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

/// The expression forms of the aio subset.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `a and b and c` / `a or b`.
    BoolOp { op: BoolOp, values: Vec<Expr> },
    /// `target := value`.
    NamedExpr { target: Name, value: Box<Expr> },
    /// `left op right`.
    BinOp {
        left: Box<Expr>,
        op: BinOp,
        right: Box<Expr>,
    },
    /// `op operand`.
    UnaryOp { op: UnaryOp, operand: Box<Expr> },
    /// `lambda args: body`.
    Lambda {
        args: Box<Arguments>,
        body: Box<Expr>,
    },
    /// `body if test else orelse`.
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    /// `{k: v, **m}`: a None key is a `**` unpacking of the value.
    Dict {
        keys: Vec<Option<Expr>>,
        values: Vec<Expr>,
    },
    /// `{a, b, *c}`.
    Set(Vec<Expr>),
    /// `[elt for ...]`.
    ListComp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `{elt for ...}`.
    SetComp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `{key: value for ...}`.
    DictComp {
        key: Box<Expr>,
        value: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `(elt for ...)`.
    GeneratorExp {
        elt: Box<Expr>,
        generators: Vec<Comprehension>,
    },
    /// `await value`.
    Await(Box<Expr>),
    /// `yield [value]`.
    Yield(Option<Box<Expr>>),
    /// `yield from value`.
    YieldFrom(Box<Expr>),
    /// `left op1 c1 op2 c2 ...` (chained comparison).
    Compare {
        left: Box<Expr>,
        ops: Vec<CmpOp>,
        comparators: Vec<Expr>,
    },
    /// `func(args, keywords)`; `*x` arguments appear as `Starred` in args.
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        keywords: Vec<Keyword>,
    },
    /// One `{value!conversion:format_spec}` field of an f-string.
    /// `conversion` is one of 's', 'r', 'a'; `format_spec` is a JoinedStr.
    FormattedValue {
        value: Box<Expr>,
        conversion: Option<char>,
        format_spec: Option<Box<Expr>>,
    },
    /// An f-string: literal `Constant::Str` parts and `FormattedValue` parts.
    JoinedStr(Vec<Expr>),
    /// A literal.
    Constant(Constant),
    /// `value.attr`.
    Attribute { value: Box<Expr>, attr: Name },
    /// `value[slice]` (a tuple of indices is a Tuple, `a:b` is a Slice).
    Subscript { value: Box<Expr>, slice: Box<Expr> },
    /// `*value` in a call, display or assignment target.
    Starred(Box<Expr>),
    /// A variable reference.
    Name(Name),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `(a, b)` or `a, b`.
    Tuple(Vec<Expr>),
    /// `lower:upper:step` inside a subscript.
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
}

/// A literal value. Adjacent string literals are already concatenated.
#[derive(Debug, Clone, PartialEq)]
pub enum Constant {
    None,
    True,
    False,
    Ellipsis,
    Int(BigInt),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
}

/// `for target in iter if cond ...` inside a comprehension.
#[derive(Debug, Clone, PartialEq)]
pub struct Comprehension {
    pub target: Expr,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
    pub is_async: bool,
}

/// `and` / `or`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    And,
    Or,
}

/// Binary arithmetic and bitwise operators (also the augmented forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mult,
    MatMult,
    Div,
    Mod,
    Pow,
    LShift,
    RShift,
    BitOr,
    BitXor,
    BitAnd,
    FloorDiv,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Invert,
    Not,
    UAdd,
    USub,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}

impl BinOp {
    /// The operator as written (`+`, `//`, ...).
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mult => "*",
            BinOp::MatMult => "@",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::BitAnd => "&",
            BinOp::FloorDiv => "//",
        }
    }
}

impl CmpOp {
    /// The operator as written (`<`, `not in`, ...).
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

impl Expr {
    pub fn new(span: Span, kind: ExprKind) -> Expr {
        Expr { span, kind }
    }
}

impl Stmt {
    pub fn new(span: Span, kind: StmtKind) -> Stmt {
        Stmt { span, kind }
    }
}
