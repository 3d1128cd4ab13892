//! Traceback and frame objects: `exc.__traceback__`, `tb.tb_next`, `tb.tb_lineno`,
//! `tb.tb_frame.f_code.co_name`, and the third argument of `__exit__`.
//!
//! An exception keeps its traceback as a list of (code, line) entries, innermost first;
//! a traceback object is a view of that list from one entry outwards-in, made when a
//! script asks for it.

use super::types::getter;
use crate::value::object::{Class, Layout, Native, TracebackEntry};
use crate::value::{types, PyResult, Value};
use std::rc::Rc;

/// A traceback object: `entries` outermost first, this object being `entries[index]`.
struct TbData {
    entries: Rc<Vec<TracebackEntry>>,
    index: usize,
}

/// A frame object as tracebacks show it: its code and current line.
struct FrameData(TracebackEntry);

struct TbTypes {
    traceback: Rc<Class>,
    frame: Rc<Class>,
}

thread_local! {
    static TB_TYPES: TbTypes = make_types();
}

fn make_types() -> TbTypes {
    let object = types::with_types(|t| t.object.clone());
    let traceback = types::new_class("traceback", Some(&object), Layout::Native, false);
    let frame = types::new_class("frame", Some(&object), Layout::Native, false);
    getter(&traceback, "tb_lineno", |_, a, _| {
        Ok(Value::Int(tb_data(a)?.current().line as i64))
    });
    getter(&traceback, "tb_next", |_, a, _| {
        let d = tb_data(a)?;
        Ok(if d.index + 1 < d.entries.len() {
            new_tb(d.entries.clone(), d.index + 1)
        } else {
            Value::None
        })
    });
    getter(&traceback, "tb_frame", |_, a, _| {
        let entry = tb_data(a)?.current().clone();
        let class = TB_TYPES.with(|t| t.frame.clone());
        Ok(Value::native(Native::Object {
            class,
            payload: Box::new(FrameData(entry)),
        }))
    });
    getter(&traceback, "tb_lasti", |_, a, _| {
        tb_data(a)?;
        Ok(Value::Int(-1))
    });
    getter(&frame, "f_code", |_, a, _| {
        Ok(Value::native(Native::Code(frame_data(a)?.0.code.clone())))
    });
    getter(&frame, "f_lineno", |_, a, _| {
        Ok(Value::Int(frame_data(a)?.0.line as i64))
    });
    TbTypes { traceback, frame }
}

impl TbData {
    fn current(&self) -> &TracebackEntry {
        &self.entries[self.index]
    }
}

fn new_tb(entries: Rc<Vec<TracebackEntry>>, index: usize) -> Value {
    let class = TB_TYPES.with(|t| t.traceback.clone());
    Value::native(Native::Object {
        class,
        payload: Box::new(TbData { entries, index }),
    })
}

fn payload<T: 'static>(v: &Value) -> Option<&T> {
    match v {
        Value::Native(n) => match &**n {
            Native::Object { payload, .. } => payload.downcast_ref::<T>(),
            _ => None,
        },
        _ => None,
    }
}

fn tb_data(args: &[Value]) -> PyResult<&TbData> {
    let v = args.first().unwrap_or(crate::value::NONE_REF);
    payload::<TbData>(v)
        .ok_or_else(|| types::type_error("descriptor requires a 'traceback' object"))
}

fn frame_data(args: &[Value]) -> PyResult<&FrameData> {
    let v = args.first().unwrap_or(crate::value::NONE_REF);
    payload::<FrameData>(v).ok_or_else(|| types::type_error("descriptor requires a 'frame' object"))
}

fn code_of(args: &[Value]) -> PyResult<&Rc<crate::bytecode::Code>> {
    match args.first() {
        Some(Value::Native(n)) => match &**n {
            Native::Code(c) => Ok(c),
            _ => Err(types::type_error("descriptor requires a 'code' object")),
        },
        _ => Err(types::type_error("descriptor requires a 'code' object")),
    }
}

/// True for a traceback object.
pub fn is_traceback(v: &Value) -> bool {
    payload::<TbData>(v).is_some()
}

/// `exc.__traceback__`: None before the exception is raised.
pub fn traceback_of(exc: &Value) -> Value {
    let Some(data) = exc.exc_data() else {
        return Value::None;
    };
    let entries: Vec<TracebackEntry> = data.borrow().traceback.iter().rev().cloned().collect();
    if entries.is_empty() {
        return Value::None;
    }
    new_tb(Rc::new(entries), 0)
}

/// `exc.__traceback__ = tb` and `exc.with_traceback(tb)`: tb is a traceback or None.
pub fn set_traceback(exc: &Value, tb: &Value) -> PyResult<()> {
    let entries = if tb.is_none() {
        Vec::new()
    } else {
        match payload::<TbData>(tb) {
            Some(d) => d.entries[d.index..].iter().rev().cloned().collect(),
            None => {
                return Err(types::type_error(
                    "__traceback__ must be a traceback or None",
                ))
            }
        }
    };
    if let Some(data) = exc.exc_data() {
        data.borrow_mut().traceback = entries;
    }
    Ok(())
}

/// Installs the code object's attributes (`co_name`, `co_qualname`, `co_filename`,
/// `co_firstlineno`).
pub fn register() {
    types::with_types(|t| {
        let code = &t.code;
        getter(code, "co_name", |_, a, _| {
            Ok(Value::str(code_of(a)?.name.to_string()))
        });
        getter(code, "co_qualname", |_, a, _| {
            Ok(Value::str(code_of(a)?.qualname.to_string()))
        });
        getter(code, "co_filename", |_, a, _| {
            Ok(Value::str(code_of(a)?.filename.to_string()))
        });
        getter(code, "co_firstlineno", |_, a, _| {
            Ok(Value::Int(code_of(a)?.first_line as i64))
        });
    });
}
