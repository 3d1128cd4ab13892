//! format() for builtin values: the format-spec mini-language (see value/numfmt).

use crate::value::numfmt;
use crate::value::{types, PyResult, Value};
use crate::vm::ops;
use crate::vm::Vm;

/// format(v, spec) for builtin types.
pub fn format_builtin(vm: &mut Vm, v: &Value, spec: &str) -> PyResult<String> {
    let r = match v {
        Value::Bool(b) => numfmt::format_bool(*b, spec),
        Value::Int(_) | Value::BigInt(_) => {
            numfmt::format_int(&v.as_bigint().unwrap_or_default(), spec)
        }
        Value::Float(f) => numfmt::format_float(*f, spec),
        Value::Str(s) => numfmt::format_str(&s.text, spec),
        _ => {
            if spec.is_empty() {
                return ops::str_of(vm, v);
            }
            return Err(types::type_error(format!(
                "unsupported format string passed to {}.__format__",
                v.type_name()
            )));
        }
    };
    r.map_err(|msg| {
        if msg.is_empty() {
            types::memory_error("")
        } else if msg.contains("too large to convert") {
            types::overflow_error(msg)
        } else {
            types::value_error(msg)
        }
    })
}
