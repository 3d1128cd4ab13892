//! Introspection of suspended code: frame objects (`cr_frame`, `Task.get_stack()`),
//! the `cr_*` / `gi_*` / `ag_*` attributes of coroutines and generators, and the
//! `co_*` attributes of code objects.
//!
//! A frame object here is a snapshot (code and line) taken when it is asked for: aio
//! keeps no frame objects of its own, and a suspended generator's line cannot change
//! until it runs again.

use crate::bytecode::{Code, Op};
use crate::value::object::Native;
use crate::value::{types, Value};
use crate::vm::generator::{GenKind, GenState, Generator};
use std::rc::Rc;

/// The payload of a `frame` object.
pub struct FrameInfo {
    pub code: Rc<Code>,
    pub line: u32,
}

/// A frame object for `code` stopped at `line`.
pub fn frame_object(code: &Rc<Code>, line: u32) -> Value {
    let class = types::with_types(|t| t.frame.clone());
    Value::native(Native::Object {
        class,
        payload: Box::new(FrameInfo {
            code: code.clone(),
            line,
        }),
    })
}

fn frame_info(v: &Value) -> Option<&FrameInfo> {
    let Value::Native(n) = v else { return None };
    let Native::Object { payload, .. } = &**n else {
        return None;
    };
    payload.downcast_ref::<FrameInfo>()
}

/// `f_lineno`, `f_code`, `f_back` (None: a suspended frame has no caller) of a frame.
pub fn frame_attr(v: &Value, name: &str) -> Option<Value> {
    let f = frame_info(v)?;
    Some(match name {
        "f_lineno" => Value::Int(f.line as i64),
        "f_code" => Value::native(Native::Code(f.code.clone())),
        "f_back" => Value::None,
        _ => return None,
    })
}

/// The line a generator's own frame is at: its `def` line before it starts.
pub fn generator_line(g: &Generator) -> u32 {
    match g.frames.borrow().first() {
        Some(f) if g.state.get() == GenState::Suspended => f.line(),
        _ => g.code.first_line,
    }
}

/// The frame of a generator or coroutine (None once it has finished).
pub fn generator_frame(g: &Generator) -> Value {
    if g.state.get() == GenState::Finished {
        return Value::None;
    }
    frame_object(&g.code, generator_line(g))
}

/// What a suspended generator is delegating to (`yield from` / `await`), else None.
fn awaiting(g: &Generator) -> Value {
    if g.state.get() != GenState::Suspended {
        return Value::None;
    }
    let frames = g.frames.borrow();
    let Some(own) = frames.first() else {
        return Value::None;
    };
    // Delegating to a generator: its frames sit above ours. Waiting on a future or a
    // native awaitable: the instruction to resume is the YieldFrom itself.
    if frames.len() > 1 || (own.awaiting && matches!(own.code.ops.get(own.ip), Some(Op::YieldFrom)))
    {
        own.top().clone()
    } else {
        Value::None
    }
}

/// `cr_*` (coroutine), `gi_*` (generator) and `ag_*` (async generator) attributes.
pub fn generator_attr(g: &Generator, name: &str) -> Option<Value> {
    let (prefix, field) = name.split_at(name.find('_').map_or(0, |i| i + 1));
    let expected = match g.kind {
        GenKind::Coroutine => "cr_",
        GenKind::Generator => "gi_",
        GenKind::AsyncGenerator => "ag_",
    };
    if prefix != expected {
        return None;
    }
    let state = g.state.get();
    Some(match (g.kind, field) {
        (_, "running") => Value::Bool(state == GenState::Running),
        (_, "code") => Value::native(Native::Code(g.code.clone())),
        (_, "frame") => generator_frame(g),
        (GenKind::Coroutine, "await") | (GenKind::AsyncGenerator, "await") => awaiting(g),
        (GenKind::Generator, "yieldfrom") => awaiting(g),
        (GenKind::Coroutine, "suspended") | (GenKind::Generator, "suspended") => {
            Value::Bool(state == GenState::Suspended)
        }
        (GenKind::Coroutine, "origin") => Value::None,
        _ => return None,
    })
}

/// `co_name`, `co_qualname`, `co_filename`, `co_firstlineno` and the argument counts.
pub fn code_attr(code: &Code, name: &str) -> Option<Value> {
    Some(match name {
        "co_name" => Value::str(code.name.to_string()),
        "co_qualname" => Value::str(code.qualname.to_string()),
        "co_filename" => Value::str(code.filename.to_string()),
        "co_firstlineno" => Value::Int(code.first_line as i64),
        "co_argcount" => Value::Int(code.argcount as i64),
        "co_posonlyargcount" => Value::Int(code.posonlyargcount as i64),
        "co_kwonlyargcount" => Value::Int(code.kwonlyargcount as i64),
        "co_varnames" => Value::tuple(
            code.varnames
                .iter()
                .map(|s| Value::str(s.text().to_string()))
                .collect(),
        ),
        _ => return None,
    })
}

/// `<frame at 0x..., file 'x.aio', line 6, code main>` for a frame object.
pub fn frame_repr(v: &Value) -> Option<String> {
    let f = frame_info(v)?;
    Some(format!(
        "<frame at {:#x}, file '{}', line {}, code {}>",
        v.ptr().unwrap_or(0),
        f.code.filename,
        f.line,
        f.code.name
    ))
}
