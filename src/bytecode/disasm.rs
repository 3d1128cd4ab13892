//! The disassembler behind `aio --dump code`.

use super::code::Code;
use super::op::Op;
use crate::value::object::Native;
use crate::value::Value;
use std::fmt::Write;

/// Disassembles a code object and, after it, every code object among its constants.
pub fn disassemble(code: &Code) -> String {
    let mut out = String::new();
    disassemble_into(code, &mut out);
    out
}

fn disassemble_into(code: &Code, out: &mut String) {
    let _ = writeln!(
        out,
        "Disassembly of <code {} at line {}>:",
        code.qualname, code.first_line
    );
    let mut last_line = 0;
    for (i, op) in code.ops.iter().enumerate() {
        let line = code.line_at(i);
        let line_col = if line != last_line {
            format!("{line:>4}")
        } else {
            "    ".to_string()
        };
        last_line = line;
        let _ = writeln!(out, "{line_col} {i:>6} {}", describe(code, op));
    }
    for c in &code.consts {
        if let Value::Native(n) = c {
            if let Native::Code(inner) = &**n {
                out.push('\n');
                disassemble_into(inner, out);
            }
        }
    }
}

fn describe(code: &Code, op: &Op) -> String {
    let name = |i: &u32| {
        code.names
            .get(*i as usize)
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    let var = |i: &u32| {
        code.varnames
            .get(*i as usize)
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    let deref = |i: &u32| {
        code.cellvars
            .iter()
            .chain(code.freevars.iter())
            .nth(*i as usize)
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    let op_name = format!("{op:?}");
    let base = op_name.split('(').next().unwrap_or("").to_string();
    let detail = match op {
        Op::LoadConst(i) => code.consts.get(*i as usize).map(const_repr),
        Op::LoadFast(i) | Op::StoreFast(i) | Op::DeleteFast(i) => Some(var(i)),
        Op::LoadDeref(i)
        | Op::StoreDeref(i)
        | Op::DeleteDeref(i)
        | Op::LoadClosure(i)
        | Op::LoadClassDeref(i) => Some(deref(i)),
        Op::LoadGlobal(i)
        | Op::StoreGlobal(i)
        | Op::DeleteGlobal(i)
        | Op::LoadName(i)
        | Op::StoreName(i)
        | Op::DeleteName(i)
        | Op::LoadAttr(i)
        | Op::StoreAttr(i)
        | Op::DeleteAttr(i)
        | Op::LoadMethod(i)
        | Op::ImportName(i)
        | Op::ImportFrom(i) => Some(name(i)),
        Op::Binary(b) | Op::Inplace(b) => Some(b.symbol().to_string()),
        Op::Compare(c) => Some(c.symbol().to_string()),
        _ => None,
    };
    let arg = match op_name.find('(') {
        Some(p) if detail.is_none() => op_name[p + 1..op_name.len() - 1].to_string(),
        Some(p) => format!(
            "{} ({})",
            &op_name[p + 1..op_name.len() - 1],
            detail.unwrap_or_default()
        ),
        None => String::new(),
    };
    let arg = if matches!(op, Op::Binary(_) | Op::Inplace(_) | Op::Compare(_)) {
        match op {
            Op::Binary(b) | Op::Inplace(b) => b.symbol().to_string(),
            Op::Compare(c) => c.symbol().to_string(),
            _ => arg,
        }
    } else {
        arg
    };
    if arg.is_empty() {
        base
    } else {
        format!("{base:<20} {arg}")
    }
}

fn const_repr(v: &Value) -> String {
    match v {
        Value::None => "None".into(),
        Value::Undef => "<undefined>".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(b) => b.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Str(s) => format!("{:?}", s.text),
        Value::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(const_repr).collect();
            format!("({})", parts.join(", "))
        }
        Value::Native(n) => match &**n {
            Native::Code(c) => format!("<code {}>", c.qualname),
            Native::Ellipsis => "Ellipsis".into(),
            _ => "<object>".into(),
        },
        _ => "<object>".into(),
    }
}
