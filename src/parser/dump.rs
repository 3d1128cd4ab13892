//! `aio --dump ast`: the AST as an indented tree, one node per line.
//!
//! Each line is a node's kind, its scalar fields (`name='f'`, `op=Add`,
//! flags such as `async` as bare words) and its span `@line:col-line:col`
//! (lines 1-based, columns 0-based in characters). Child nodes follow,
//! indented by two, each under its field name: a single child on the same
//! line as its label (`left: Name id='a' @1:0-1:1`), a list as the label
//! alone with its elements below. Empty lists and absent optional fields
//! are left out. A node whose only child field is `value` shows that child
//! without a label. Constants are shown as Python's `repr` shows them.
//! The format is snapshot-tested: change it deliberately.

use crate::ast::*;
use crate::source::{SourceFile, Span};
use std::borrow::Borrow;
use std::fmt::Write;

/// The tree of a module, ending with a newline.
pub fn dump_module(module: &Module, src: &SourceFile) -> String {
    let mut d = Dumper {
        src,
        out: String::from("Module\n"),
    };
    d.stmts(1, "body", &module.body);
    d.out
}

/// The tree of one expression, ending with a newline.
pub fn dump_expr(e: &Expr, src: &SourceFile) -> String {
    let mut d = Dumper {
        src,
        out: String::new(),
    };
    d.expr(0, None, e);
    d.out
}

struct Dumper<'a> {
    src: &'a SourceFile,
    out: String,
}

impl Dumper<'_> {
    fn span(&self, s: Span) -> String {
        let (l1, c1) = self.src.line_col(s.start);
        let (l2, c2) = self.src.line_col(s.end);
        format!("@{l1}:{c1}-{l2}:{c2}")
    }

    /// Writes one line: indentation, optional label, then `header`.
    fn line(&mut self, indent: usize, label: Option<&str>, header: &str) {
        for _ in 0..indent {
            self.out.push_str("  ");
        }
        if let Some(label) = label {
            self.out.push_str(label);
            self.out.push_str(": ");
        }
        self.out.push_str(header);
        self.out.push('\n');
    }

    fn label(&mut self, indent: usize, label: &str) {
        self.line(indent, None, &format!("{label}:"));
    }

    fn stmts(&mut self, indent: usize, label: &str, body: &[Stmt]) {
        if body.is_empty() {
            return;
        }
        self.label(indent, label);
        for s in body {
            self.stmt(indent + 1, s);
        }
    }

    fn exprs(&mut self, indent: usize, label: &str, list: &[Expr]) {
        if list.is_empty() {
            return;
        }
        self.label(indent, label);
        for e in list {
            self.expr(indent + 1, None, e);
        }
    }

    /// A list whose entries may be missing (`kw_defaults`, dict keys).
    fn optional_exprs(&mut self, indent: usize, label: &str, list: &[Option<Expr>]) {
        if list.iter().all(Option::is_none) {
            return;
        }
        self.label(indent, label);
        for e in list {
            match e {
                Some(e) => self.expr(indent + 1, None, e),
                None => self.line(indent + 1, None, "None"),
            }
        }
    }

    fn opt(&mut self, indent: usize, label: &str, e: &Option<impl Borrow<Expr>>) {
        if let Some(e) = e {
            self.expr(indent, Some(label), e.borrow());
        }
    }

    fn stmt(&mut self, indent: usize, s: &Stmt) {
        let at = self.span(s.span);
        let i = indent + 1;
        match &s.kind {
            StmtKind::Expr(e) => {
                self.line(indent, None, &format!("Expr {at}"));
                self.expr(i, None, e);
            }
            StmtKind::Assign { targets, value } => {
                self.line(indent, None, &format!("Assign {at}"));
                self.exprs(i, "targets", targets);
                self.expr(i, Some("value"), value);
            }
            StmtKind::AugAssign { target, op, value } => {
                self.line(indent, None, &format!("AugAssign op={op:?} {at}"));
                self.expr(i, Some("target"), target);
                self.expr(i, Some("value"), value);
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                simple,
            } => {
                let flag = if *simple { " simple" } else { "" };
                self.line(indent, None, &format!("AnnAssign{flag} {at}"));
                self.expr(i, Some("target"), target);
                self.expr(i, Some("annotation"), annotation);
                self.opt(i, "value", value);
            }
            StmtKind::Delete(targets) => {
                self.line(indent, None, &format!("Delete {at}"));
                self.exprs(i, "targets", targets);
            }
            StmtKind::Pass => self.line(indent, None, &format!("Pass {at}")),
            StmtKind::Break => self.line(indent, None, &format!("Break {at}")),
            StmtKind::Continue => self.line(indent, None, &format!("Continue {at}")),
            StmtKind::Return(v) => {
                self.line(indent, None, &format!("Return {at}"));
                if let Some(v) = v {
                    self.expr(i, None, v);
                }
            }
            StmtKind::Raise { exc, cause } => {
                self.line(indent, None, &format!("Raise {at}"));
                self.opt(i, "exc", exc);
                self.opt(i, "cause", cause);
            }
            StmtKind::Global(names) => self.line(
                indent,
                None,
                &format!("Global names={} {at}", name_list(names)),
            ),
            StmtKind::Nonlocal(names) => self.line(
                indent,
                None,
                &format!("Nonlocal names={} {at}", name_list(names)),
            ),
            StmtKind::Assert { test, msg } => {
                self.line(indent, None, &format!("Assert {at}"));
                self.expr(i, Some("test"), test);
                self.opt(i, "msg", msg);
            }
            StmtKind::Import(names) => {
                self.line(indent, None, &format!("Import {at}"));
                self.aliases(i, names);
            }
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => {
                let module = module
                    .as_ref()
                    .map_or(String::new(), |m| format!(" module={}", py_str(m)));
                self.line(
                    indent,
                    None,
                    &format!("ImportFrom{module} level={level} {at}"),
                );
                self.aliases(i, names);
            }
            StmtKind::If { test, body, orelse } => {
                self.line(indent, None, &format!("If {at}"));
                self.expr(i, Some("test"), test);
                self.stmts(i, "body", body);
                self.stmts(i, "orelse", orelse);
            }
            StmtKind::While { test, body, orelse } => {
                self.line(indent, None, &format!("While {at}"));
                self.expr(i, Some("test"), test);
                self.stmts(i, "body", body);
                self.stmts(i, "orelse", orelse);
            }
            StmtKind::For {
                is_async,
                target,
                iter,
                body,
                orelse,
            } => {
                self.line(
                    indent,
                    None,
                    &format!("For{} {at}", flag(*is_async, "async")),
                );
                self.expr(i, Some("target"), target);
                self.expr(i, Some("iter"), iter);
                self.stmts(i, "body", body);
                self.stmts(i, "orelse", orelse);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                is_star,
            } => {
                self.line(indent, None, &format!("Try{} {at}", flag(*is_star, "star")));
                self.stmts(i, "body", body);
                if !handlers.is_empty() {
                    self.label(i, "handlers");
                    for h in handlers {
                        self.handler(i + 1, h);
                    }
                }
                self.stmts(i, "orelse", orelse);
                self.stmts(i, "finalbody", finalbody);
            }
            StmtKind::With {
                is_async,
                items,
                body,
            } => {
                self.line(
                    indent,
                    None,
                    &format!("With{} {at}", flag(*is_async, "async")),
                );
                self.label(i, "items");
                for item in items {
                    self.line(i + 1, None, "WithItem");
                    self.expr(i + 2, Some("context_expr"), &item.context_expr);
                    self.opt(i + 2, "optional_vars", &item.optional_vars);
                }
                self.stmts(i, "body", body);
            }
            StmtKind::FunctionDef(f) => {
                let name = py_str(&f.name);
                self.line(
                    indent,
                    None,
                    &format!("FunctionDef{} name={name} {at}", flag(f.is_async, "async")),
                );
                self.exprs(i, "decorators", &f.decorators);
                self.arguments(i, &f.args);
                self.opt(i, "returns", &f.returns);
                self.stmts(i, "body", &f.body);
            }
            StmtKind::ClassDef(c) => {
                self.line(
                    indent,
                    None,
                    &format!("ClassDef name={} {at}", py_str(&c.name)),
                );
                self.exprs(i, "decorators", &c.decorators);
                self.exprs(i, "bases", &c.bases);
                self.keywords(i, &c.keywords);
                self.stmts(i, "body", &c.body);
            }
        }
    }

    fn aliases(&mut self, indent: usize, names: &[Alias]) {
        self.label(indent, "names");
        for a in names {
            let asname = a
                .asname
                .as_ref()
                .map_or(String::new(), |n| format!(" asname={}", py_str(n)));
            let at = self.span(a.span);
            self.line(
                indent + 1,
                None,
                &format!("Alias name={}{asname} {at}", py_str(&a.name)),
            );
        }
    }

    fn handler(&mut self, indent: usize, h: &ExceptHandler) {
        let name = h
            .name
            .as_ref()
            .map_or(String::new(), |n| format!(" name={}", py_str(n)));
        let at = self.span(h.span);
        self.line(indent, None, &format!("ExceptHandler{name} {at}"));
        self.opt(indent + 1, "type", &h.typ);
        self.stmts(indent + 1, "body", &h.body);
    }

    fn keywords(&mut self, indent: usize, keywords: &[Keyword]) {
        if keywords.is_empty() {
            return;
        }
        self.label(indent, "keywords");
        for k in keywords {
            let arg = k
                .arg
                .as_ref()
                .map_or(String::new(), |a| format!(" arg={}", py_str(a)));
            let at = self.span(k.span);
            self.line(indent + 1, None, &format!("Keyword{arg} {at}"));
            self.expr(indent + 2, None, &k.value);
        }
    }

    fn arg(&mut self, indent: usize, label: Option<&str>, a: &Arg) {
        let at = self.span(a.span);
        self.line(indent, label, &format!("Arg name={} {at}", py_str(&a.name)));
        self.opt(indent + 1, "annotation", &a.annotation);
    }

    fn arguments(&mut self, indent: usize, a: &Arguments) {
        if *a == Arguments::default() {
            return;
        }
        self.line(indent, Some("args"), "Arguments");
        let i = indent + 1;
        for (label, list) in [("posonlyargs", &a.posonlyargs), ("args", &a.args)] {
            if !list.is_empty() {
                self.label(i, label);
                for arg in list {
                    self.arg(i + 1, None, arg);
                }
            }
        }
        if let Some(v) = &a.vararg {
            self.arg(i, Some("vararg"), v);
        }
        if !a.kwonlyargs.is_empty() {
            self.label(i, "kwonlyargs");
            for arg in &a.kwonlyargs {
                self.arg(i + 1, None, arg);
            }
        }
        self.optional_exprs(i, "kw_defaults", &a.kw_defaults);
        if let Some(k) = &a.kwarg {
            self.arg(i, Some("kwarg"), k);
        }
        self.exprs(i, "defaults", &a.defaults);
    }

    fn comprehensions(&mut self, indent: usize, generators: &[Comprehension]) {
        self.label(indent, "generators");
        for g in generators {
            self.line(
                indent + 1,
                None,
                &format!("Comprehension{}", flag(g.is_async, "async")),
            );
            self.expr(indent + 2, Some("target"), &g.target);
            self.expr(indent + 2, Some("iter"), &g.iter);
            self.exprs(indent + 2, "ifs", &g.ifs);
        }
    }

    fn expr(&mut self, indent: usize, label: Option<&str>, e: &Expr) {
        let at = self.span(e.span);
        let i = indent + 1;
        let head = |d: &mut Self, text: String| d.line(indent, label, &format!("{text} {at}"));
        match &e.kind {
            ExprKind::BoolOp { op, values } => {
                head(self, format!("BoolOp op={op:?}"));
                self.exprs(i, "values", values);
            }
            ExprKind::NamedExpr { target, value } => {
                head(self, format!("NamedExpr target={}", py_str(target)));
                self.expr(i, None, value);
            }
            ExprKind::BinOp { left, op, right } => {
                head(self, format!("BinOp op={op:?}"));
                self.expr(i, Some("left"), left);
                self.expr(i, Some("right"), right);
            }
            ExprKind::UnaryOp { op, operand } => {
                head(self, format!("UnaryOp op={op:?}"));
                self.expr(i, Some("operand"), operand);
            }
            ExprKind::Lambda { args, body } => {
                head(self, "Lambda".into());
                self.arguments(i, args);
                self.expr(i, Some("body"), body);
            }
            ExprKind::IfExp { test, body, orelse } => {
                head(self, "IfExp".into());
                self.expr(i, Some("test"), test);
                self.expr(i, Some("body"), body);
                self.expr(i, Some("orelse"), orelse);
            }
            ExprKind::Dict { keys, values } => {
                head(self, "Dict".into());
                self.optional_exprs(i, "keys", keys);
                self.exprs(i, "values", values);
            }
            ExprKind::Set(elts) => {
                head(self, "Set".into());
                self.exprs(i, "elts", elts);
            }
            ExprKind::ListComp { elt, generators } => {
                head(self, "ListComp".into());
                self.expr(i, Some("elt"), elt);
                self.comprehensions(i, generators);
            }
            ExprKind::SetComp { elt, generators } => {
                head(self, "SetComp".into());
                self.expr(i, Some("elt"), elt);
                self.comprehensions(i, generators);
            }
            ExprKind::GeneratorExp { elt, generators } => {
                head(self, "GeneratorExp".into());
                self.expr(i, Some("elt"), elt);
                self.comprehensions(i, generators);
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => {
                head(self, "DictComp".into());
                self.expr(i, Some("key"), key);
                self.expr(i, Some("value"), value);
                self.comprehensions(i, generators);
            }
            ExprKind::Await(v) => {
                head(self, "Await".into());
                self.expr(i, None, v);
            }
            ExprKind::Yield(v) => {
                head(self, "Yield".into());
                if let Some(v) = v {
                    self.expr(i, None, v);
                }
            }
            ExprKind::YieldFrom(v) => {
                head(self, "YieldFrom".into());
                self.expr(i, None, v);
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                let ops: Vec<String> = ops.iter().map(|o| format!("{o:?}")).collect();
                head(self, format!("Compare ops=[{}]", ops.join(", ")));
                self.expr(i, Some("left"), left);
                self.exprs(i, "comparators", comparators);
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                head(self, "Call".into());
                self.expr(i, Some("func"), func);
                self.exprs(i, "args", args);
                self.keywords(i, keywords);
            }
            ExprKind::FormattedValue {
                value,
                conversion,
                format_spec,
            } => {
                let conv = conversion.map_or(String::new(), |c| format!(" conversion='{c}'"));
                head(self, format!("FormattedValue{conv}"));
                self.expr(i, Some("value"), value);
                self.opt(i, "format_spec", format_spec);
            }
            ExprKind::JoinedStr(values) => {
                head(self, "JoinedStr".into());
                self.exprs(i, "values", values);
            }
            ExprKind::Constant(c) => head(self, format!("Constant value={}", py_constant(c))),
            ExprKind::Attribute { value, attr } => {
                head(self, format!("Attribute attr={}", py_str(attr)));
                self.expr(i, None, value);
            }
            ExprKind::Subscript { value, slice } => {
                head(self, "Subscript".into());
                self.expr(i, Some("value"), value);
                self.expr(i, Some("slice"), slice);
            }
            ExprKind::Starred(v) => {
                head(self, "Starred".into());
                self.expr(i, None, v);
            }
            ExprKind::Name(id) => head(self, format!("Name id={}", py_str(id))),
            ExprKind::List(elts) => {
                head(self, "List".into());
                self.exprs(i, "elts", elts);
            }
            ExprKind::Tuple(elts) => {
                head(self, "Tuple".into());
                self.exprs(i, "elts", elts);
            }
            ExprKind::Slice { lower, upper, step } => {
                head(self, "Slice".into());
                self.opt(i, "lower", lower);
                self.opt(i, "upper", upper);
                self.opt(i, "step", step);
            }
        }
    }
}

fn flag(on: bool, word: &str) -> String {
    if on {
        format!(" {word}")
    } else {
        String::new()
    }
}

fn name_list(names: &[String]) -> String {
    let items: Vec<String> = names.iter().map(|n| py_str(n)).collect();
    format!("[{}]", items.join(", "))
}

/// A constant as Python's `repr` writes it.
pub(crate) fn py_constant(c: &Constant) -> String {
    match c {
        Constant::None => "None".into(),
        Constant::True => "True".into(),
        Constant::False => "False".into(),
        Constant::Ellipsis => "Ellipsis".into(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => py_float(*f),
        Constant::Str(s) => py_str(s),
        Constant::Bytes(b) => py_bytes(b),
    }
}

/// `repr(float)`: the shortest round-tripping digits, in fixed notation for
/// exponents from -4 to 15 and scientific (`1e+16`) outside.
fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // `{:e}` gives the shortest digits: `-1.2345e-7`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let n = digits.len() as i32;
    if (-4..16).contains(&exp) {
        let body = if exp < 0 {
            format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
        } else if exp + 1 >= n {
            format!("{}{}.0", digits, "0".repeat((exp + 1 - n) as usize))
        } else {
            let (a, b) = digits.split_at((exp + 1) as usize);
            format!("{a}.{b}")
        };
        format!("{sign}{body}")
    } else {
        let m = if n > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{esign}{:02}", exp.abs())
    }
}

/// `repr(str)`: single quotes unless the text has `'` and no `"`.
pub(crate) fn py_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unprintable(c) => {
                let n = c as u32;
                let _ = if n <= 0xff {
                    write!(out, "\\x{n:02x}")
                } else if n <= 0xffff {
                    write!(out, "\\u{n:04x}")
                } else {
                    write!(out, "\\U{n:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Characters Python's `repr` escapes beyond ASCII: the C1 controls, the
/// non-breaking and other separators, and the unassigned/format ranges
/// most often met (a close approximation of `str.isprintable`).
fn is_unprintable(c: char) -> bool {
    matches!(c as u32,
        0x80..=0xa0 | 0xad | 0x2028 | 0x2029 | 0x200b..=0x200f | 0x202a..=0x202e
        | 0x2060..=0x2064 | 0xfeff | 0xd800..=0xdfff | 0xfff9..=0xfffb | 0xe000..=0xf8ff)
}

/// `repr(bytes)`.
pub(crate) fn py_bytes(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(quote as char);
    out
}
