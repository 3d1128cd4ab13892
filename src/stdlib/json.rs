//! The `json` module: `dumps`/`loads` (and `dump`/`load` on objects with write/read),
//! `JSONEncoder` for `cls=` subclasses, and `JSONDecodeError` as `json.decoder` defines it.

use super::builtins::arity;
use crate::value::object::{Class, Layout};
use crate::value::types::{self, new_class};
use crate::value::{Dict, PyResult, Symbol, Value};
use crate::vm::{ops, Vm};

use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

thread_local! {
    static CLASSES: (Rc<Class>, Rc<Class>) = make_classes();
}

fn make_classes() -> (Rc<Class>, Rc<Class>) {
    let value_error = types::with_types(|t| t.value_error.clone());
    let err = new_class(
        "JSONDecodeError",
        Some(&value_error),
        Layout::Exception,
        false,
    );
    let mut err = Rc::try_unwrap(err).unwrap_or_else(|_| unreachable!("fresh class"));
    err.module = "json.decoder".to_string();
    let err = Rc::new(err);
    types::set_class_attr(
        &err,
        "__init__",
        Value::builtin("__init__", decode_error_init),
    );
    let object = types::with_types(|t| t.object.clone());
    let enc = new_class("JSONEncoder", Some(&object), Layout::Object, true);
    let mut enc = Rc::try_unwrap(enc).unwrap_or_else(|_| unreachable!("fresh class"));
    enc.module = "json.encoder".to_string();
    let enc = Rc::new(enc);
    types::set_class_attr(&enc, "__init__", Value::builtin("__init__", encoder_init));
    types::set_class_attr(&enc, "encode", Value::builtin("encode", encoder_encode));
    types::set_class_attr(&enc, "default", Value::builtin("default", encoder_default));
    types::set_class_attr(&enc, "item_separator", Value::str(", "));
    types::set_class_attr(&enc, "key_separator", Value::str(": "));
    (err, enc)
}

fn decode_error_class() -> Rc<Class> {
    CLASSES.with(|c| c.0.clone())
}

fn encoder_class() -> Rc<Class> {
    CLASSES.with(|c| c.1.clone())
}

fn kwarg<'a>(kwargs: Kw<'a>, name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(k, _)| k.with(|s| s == name))
        .map(|(_, v)| v)
}

/// Fills a JSONDecodeError's message and its msg/doc/pos/lineno/colno attributes.
fn fill_decode_error(exc: &Value, msg: &str, doc: &Value, pos: usize) {
    let (lineno, colno) = match doc.as_str() {
        Some(text) => {
            let before: Vec<char> = text.chars().take(pos).collect();
            let lineno = before.iter().filter(|c| **c == '\n').count() + 1;
            let colno = match before.iter().rposition(|c| *c == '\n') {
                Some(nl) => pos - nl,
                None => pos + 1,
            };
            (lineno, colno)
        }
        None => (1, pos + 1),
    };
    let full = format!("{msg}: line {lineno} column {colno} (char {pos})");
    if let Value::Instance(i) = exc {
        if let Some(d) = &i.exc {
            d.borrow_mut().args = vec![Value::str(full)];
        }
        let dict = &i.dict;
        dict.insert(Symbol::new("msg"), Value::str(msg));
        dict.insert(Symbol::new("doc"), doc.clone());
        dict.insert(Symbol::new("pos"), Value::Int(pos as i64));
        dict.insert(Symbol::new("lineno"), Value::Int(lineno as i64));
        dict.insert(Symbol::new("colno"), Value::Int(colno as i64));
    }
}

fn decode_error(msg: &str, doc: &Value, pos: usize) -> Value {
    let e = types::new_exception(&decode_error_class(), Vec::new());
    fill_decode_error(&e, msg, doc, pos);
    e
}

fn decode_error_init(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let mut all: Vec<Value> = args.iter().skip(1).cloned().collect();
    for name in ["msg", "doc", "pos"].iter().skip(all.len()) {
        if let Some(v) = kwarg(kwargs, name) {
            all.push(v.clone());
        }
    }
    if all.len() != 3 {
        let missing: Vec<&str> = ["msg", "doc", "pos"]
            .iter()
            .skip(all.len())
            .copied()
            .collect();
        return Err(types::type_error(format!(
            "JSONDecodeError.__init__() missing {} required positional argument{}: {}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            missing
                .iter()
                .map(|m| format!("'{m}'"))
                .collect::<Vec<_>>()
                .join(" and ")
        )));
    }
    let msg = ops::str_of(vm, &all[0])?;
    let pos = ops::index_of(vm, &all[2], "pos")?.max(0) as usize;
    fill_decode_error(&args[0], &msg, &all[1], pos);
    Ok(Value::None)
}

/// How to encode: the JSONEncoder settings.
struct Encoder {
    skipkeys: bool,
    ensure_ascii: bool,
    check_circular: bool,
    allow_nan: bool,
    sort_keys: bool,
    indent: Option<String>,
    item_sep: String,
    key_sep: String,
    default: Option<Value>,
    markers: Vec<usize>,
    depth: usize,
}

const ENCODER_PARAMS: &[&str] = &[
    "skipkeys",
    "ensure_ascii",
    "check_circular",
    "allow_nan",
    "sort_keys",
    "indent",
    "separators",
    "default",
];

impl Encoder {
    fn from_kwargs(vm: &mut Vm, kwargs: Kw) -> PyResult<Encoder> {
        for (k, _) in kwargs {
            if !k.with(|s| ENCODER_PARAMS.contains(&s)) {
                return Err(types::type_error(format!(
                    "JSONEncoder.__init__() got an unexpected keyword argument '{k}'"
                )));
            }
        }
        let flag = |vm: &mut Vm, name: &str, default: bool| -> PyResult<bool> {
            match kwarg(kwargs, name) {
                Some(v) => ops::truthy(vm, v),
                None => Ok(default),
            }
        };
        let skipkeys = flag(vm, "skipkeys", false)?;
        let ensure_ascii = flag(vm, "ensure_ascii", true)?;
        let check_circular = flag(vm, "check_circular", true)?;
        let allow_nan = flag(vm, "allow_nan", true)?;
        let sort_keys = flag(vm, "sort_keys", false)?;
        let indent = kwarg(kwargs, "indent").cloned().unwrap_or(Value::None);
        let separators = kwarg(kwargs, "separators").cloned().unwrap_or(Value::None);
        let default = kwarg(kwargs, "default").cloned().filter(|d| !d.is_none());
        Encoder::new(
            vm,
            skipkeys,
            ensure_ascii,
            check_circular,
            allow_nan,
            sort_keys,
            &indent,
            &separators,
            default,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        vm: &mut Vm,
        skipkeys: bool,
        ensure_ascii: bool,
        check_circular: bool,
        allow_nan: bool,
        sort_keys: bool,
        indent: &Value,
        separators: &Value,
        default: Option<Value>,
    ) -> PyResult<Encoder> {
        let indent = match indent {
            Value::None => None,
            Value::Str(s) => Some(s.text.clone()),
            v if v.is_int() => Some(" ".repeat(ops::index_of(vm, v, "indent")?.max(0) as usize)),
            other => {
                return Err(types::type_error(format!(
                    "can't multiply sequence by non-int of type '{}'",
                    other.type_name()
                )))
            }
        };
        let (item_sep, key_sep) = match separators {
            Value::None => (
                if indent.is_some() { "," } else { ", " }.to_string(),
                ": ".to_string(),
            ),
            other => {
                let parts = ops::unpack(vm, other, 2, None)?;
                let as_text = |v: &Value| -> PyResult<String> {
                    match v {
                        Value::Str(s) => Ok(s.text.clone()),
                        other => Err(types::type_error(format!(
                            "make_encoder() argument 6 must be str, not {}",
                            other.type_name()
                        ))),
                    }
                };
                (as_text(&parts[0])?, as_text(&parts[1])?)
            }
        };
        Ok(Encoder {
            skipkeys,
            ensure_ascii,
            check_circular,
            allow_nan,
            sort_keys,
            indent,
            item_sep,
            key_sep,
            default,
            markers: Vec::new(),
            depth: 0,
        })
    }

    fn float_str(&self, f: f64) -> PyResult<String> {
        if f.is_finite() {
            return Ok(ops::float_repr(f));
        }
        if !self.allow_nan {
            return Err(types::value_error(
                "Out of range float values are not JSON compliant",
            ));
        }
        Ok(if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_string())
    }

    fn string(&self, s: &str, out: &mut String) {
        encode_string(s, self.ensure_ascii, out);
    }

    fn enter(&mut self, vm: &mut Vm, v: &Value) -> PyResult<Option<usize>> {
        self.depth += 1;
        if self.depth + vm.depth > vm.recursion_limit {
            return Err(types::recursion_error(
                "maximum recursion depth exceeded while encoding a JSON object",
            ));
        }
        if !self.check_circular {
            return Ok(None);
        }
        let id = v.ptr().unwrap_or(0);
        if self.markers.contains(&id) {
            return Err(types::value_error("Circular reference detected"));
        }
        self.markers.push(id);
        Ok(Some(id))
    }

    fn leave(&mut self, id: Option<usize>) {
        self.depth -= 1;
        if let Some(id) = id {
            if let Some(p) = self.markers.iter().rposition(|m| *m == id) {
                self.markers.remove(p);
            }
        }
    }

    fn newline(&self, level: usize, out: &mut String) {
        if let Some(ind) = &self.indent {
            out.push('\n');
            for _ in 0..level {
                out.push_str(ind);
            }
        }
    }

    fn encode(&mut self, vm: &mut Vm, v: &Value, level: usize, out: &mut String) -> PyResult<()> {
        match v {
            Value::Str(s) => self.string(&s.text, out),
            Value::None => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::BigInt(_) => out.push_str(&ops::repr(vm, v)?),
            Value::Float(f) => out.push_str(&self.float_str(*f)?),
            Value::List(_) | Value::Tuple(_) => {
                let items = match v {
                    Value::List(l) => l.borrow().clone(),
                    Value::Tuple(t) => (**t).clone(),
                    _ => Vec::new(),
                };
                if items.is_empty() {
                    out.push_str("[]");
                    return Ok(());
                }
                let id = self.enter(vm, v)?;
                out.push('[');
                self.newline(level + 1, out);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&self.item_sep);
                        self.newline(level + 1, out);
                    }
                    self.encode(vm, item, level + 1, out)?;
                }
                self.newline(level, out);
                out.push(']');
                self.leave(id);
            }
            Value::Dict(d) => {
                let mut entries: Vec<(Value, Value)> = d
                    .borrow()
                    .iter()
                    .map(|e| (e.key.clone(), e.value.clone()))
                    .collect();
                if entries.is_empty() {
                    out.push_str("{}");
                    return Ok(());
                }
                let id = self.enter(vm, v)?;
                if self.sort_keys {
                    let mut pairs: Vec<Value> = entries
                        .iter()
                        .map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()]))
                        .collect();
                    super::builtins::sort_values(vm, &mut pairs, None, false)?;
                    entries = pairs
                        .into_iter()
                        .map(|p| match &p {
                            Value::Tuple(t) => (t[0].clone(), t[1].clone()),
                            _ => (Value::None, Value::None),
                        })
                        .collect();
                }
                out.push('{');
                self.newline(level + 1, out);
                let mut first = true;
                for (k, val) in entries {
                    let key = match &k {
                        Value::Str(s) => s.text.clone(),
                        Value::Float(f) => self.float_str(*f)?,
                        Value::Bool(true) => "true".into(),
                        Value::Bool(false) => "false".into(),
                        Value::None => "null".into(),
                        Value::Int(i) => i.to_string(),
                        Value::BigInt(_) => ops::repr(vm, &k)?,
                        _ if self.skipkeys => continue,
                        other => {
                            return Err(types::type_error(format!(
                                "keys must be str, int, float, bool or None, not {}",
                                other.type_name()
                            )))
                        }
                    };
                    if !first {
                        out.push_str(&self.item_sep);
                        self.newline(level + 1, out);
                    }
                    first = false;
                    self.string(&key, out);
                    out.push_str(&self.key_sep);
                    self.encode(vm, &val, level + 1, out)?;
                }
                self.newline(level, out);
                out.push('}');
                self.leave(id);
            }
            _ => {
                let id = self.enter(vm, v)?;
                let converted = match self.default.clone() {
                    Some(f) => vm.call(&f, std::slice::from_ref(v))?,
                    None => return Err(not_serializable(v)),
                };
                self.encode(vm, &converted, level, out)?;
                self.leave(id);
            }
        }
        Ok(())
    }
}

fn not_serializable(v: &Value) -> Value {
    types::type_error(format!(
        "Object of type {} is not JSON serializable",
        v.type_name()
    ))
}

/// A JSON string literal: `ensure_ascii` escapes everything outside printable ASCII
/// (with surrogate pairs), otherwise only quotes, backslashes and control characters.
pub fn encode_string(s: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ensure_ascii && (c as u32) > 0x7e => {
                let n = c as u32;
                if n >= 0x10000 {
                    let v = n - 0x10000;
                    out.push_str(&format!(
                        "\\u{:04x}\\u{:04x}",
                        0xd800 | (v >> 10),
                        0xdc00 | (v & 0x3ff)
                    ));
                } else {
                    out.push_str(&format!("\\u{n:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn dumps(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(if args.is_empty() {
            types::type_error("dumps() missing 1 required positional argument: 'obj'")
        } else {
            types::type_error(format!(
                "dumps() takes 1 positional argument but {} were given",
                args.len()
            ))
        });
    }
    Ok(Value::str(encode_with_kwargs(vm, &args[0], kwargs)?))
}

/// Encodes with dumps-style keyword arguments (`cls=` runs that encoder's `encode`).
fn encode_with_kwargs(vm: &mut Vm, obj: &Value, kwargs: Kw) -> PyResult<String> {
    let cls = kwarg(kwargs, "cls").cloned().filter(|c| !c.is_none());
    let rest: Vec<(Symbol, Value)> = kwargs
        .iter()
        .filter(|(k, _)| k.with(|s| s != "cls"))
        .cloned()
        .collect();
    if let Some(cls) = cls {
        let enc = vm.call_kw(&cls, &[], &rest)?;
        let encode = ops::getattr(vm, &enc, Symbol::new("encode"))?;
        let r = vm.call(&encode, std::slice::from_ref(obj))?;
        return match r {
            Value::Str(ref s) => Ok(s.text.clone()),
            other => Ok(ops::str_of(vm, &other)?),
        };
    }
    let mut enc = Encoder::from_kwargs(vm, &rest)?;
    let mut out = String::new();
    enc.encode(vm, obj, 0, &mut out)?;
    Ok(out)
}

fn dump(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "dump() takes 2 positional arguments but {} were given",
            args.len()
        )));
    }
    let text = encode_with_kwargs(vm, &args[0], kwargs)?;
    let write = ops::getattr(vm, &args[1], Symbol::new("write"))?;
    vm.call(&write, &[Value::str(text)])?;
    Ok(Value::None)
}

fn encoder_init(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(types::type_error(format!(
            "JSONEncoder.__init__() takes 1 positional argument but {} were given",
            args.len()
        )));
    }
    for (k, _) in kwargs {
        if !k.with(|s| ENCODER_PARAMS.contains(&s)) {
            return Err(types::type_error(format!(
                "JSONEncoder.__init__() got an unexpected keyword argument '{k}'"
            )));
        }
    }
    let this = &args[0];
    let set = |vm: &mut Vm, name: &str, v: Value| ops::setattr(vm, this, Symbol::new(name), v);
    for (name, default) in [
        ("skipkeys", false),
        ("ensure_ascii", true),
        ("check_circular", true),
        ("allow_nan", true),
        ("sort_keys", false),
    ] {
        let v = kwarg(kwargs, name).cloned().unwrap_or(Value::Bool(default));
        set(vm, name, v)?;
    }
    let indent = kwarg(kwargs, "indent").cloned().unwrap_or(Value::None);
    set(vm, "indent", indent.clone())?;
    match kwarg(kwargs, "separators").filter(|s| !s.is_none()) {
        Some(seps) => {
            let parts = ops::unpack(vm, seps, 2, None)?;
            set(vm, "item_separator", parts[0].clone())?;
            set(vm, "key_separator", parts[1].clone())?;
        }
        None if !indent.is_none() => set(vm, "item_separator", Value::str(","))?,
        None => {}
    }
    if let Some(d) = kwarg(kwargs, "default").filter(|d| !d.is_none()) {
        set(vm, "default", d.clone())?;
    }
    Ok(Value::None)
}

fn encoder_encode(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    arity("encode", args, 2, 2)?;
    let this = &args[0];
    let mut get = |name: &str| ops::getattr(vm, this, Symbol::new(name));
    let skipkeys = get("skipkeys")?;
    let ensure_ascii = get("ensure_ascii")?;
    let check_circular = get("check_circular")?;
    let allow_nan = get("allow_nan")?;
    let sort_keys = get("sort_keys")?;
    let indent = get("indent")?;
    let item_sep = get("item_separator")?;
    let key_sep = get("key_separator")?;
    let default = get("default")?;
    let separators = Value::tuple(vec![item_sep, key_sep]);
    let skipkeys = ops::truthy(vm, &skipkeys)?;
    let ensure_ascii = ops::truthy(vm, &ensure_ascii)?;
    let check_circular = ops::truthy(vm, &check_circular)?;
    let allow_nan = ops::truthy(vm, &allow_nan)?;
    let sort_keys = ops::truthy(vm, &sort_keys)?;
    let mut enc = Encoder::new(
        vm,
        skipkeys,
        ensure_ascii,
        check_circular,
        allow_nan,
        sort_keys,
        &indent,
        &separators,
        Some(default),
    )?;
    let mut out = String::new();
    enc.encode(vm, &args[1], 0, &mut out)?;
    Ok(Value::str(out))
}

fn encoder_default(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    arity("default", args, 2, 2)?;
    Err(not_serializable(&args[1]))
}

/// The decoding state: the document as characters and the hooks.
struct Decoder<'a> {
    chars: Vec<char>,
    doc: Value,
    object_hook: Option<&'a Value>,
    object_pairs_hook: Option<&'a Value>,
    parse_float: Option<&'a Value>,
    parse_int: Option<&'a Value>,
    parse_constant: Option<&'a Value>,
    depth: usize,
}

/// Why a value could not be scanned: "Expecting value" at a position, or a raised error.
enum ScanError {
    NoValue(usize),
    Raised(Value),
}

impl From<Value> for ScanError {
    fn from(e: Value) -> ScanError {
        ScanError::Raised(e)
    }
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl Decoder<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(is_ws) {
            i += 1;
        }
        i
    }

    fn err(&self, msg: &str, pos: usize) -> ScanError {
        ScanError::Raised(decode_error(msg, &self.doc, pos))
    }

    fn matches(&self, i: usize, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(k, c)| self.at(i + k) == Some(c))
    }

    fn constant(&self, vm: &mut Vm, name: &str, value: f64) -> Result<Value, ScanError> {
        match self.parse_constant {
            Some(f) => Ok(vm.call(f, &[Value::str(name)])?),
            None => Ok(Value::Float(value)),
        }
    }

    fn scan(&mut self, vm: &mut Vm, i: usize) -> Result<(Value, usize), ScanError> {
        let Some(c) = self.at(i) else {
            return Err(ScanError::NoValue(i));
        };
        match c {
            '"' => {
                let (s, end) = self.scan_string(i + 1)?;
                Ok((Value::str(s), end))
            }
            '{' => self.nested(vm, i, true),
            '[' => self.nested(vm, i, false),
            'n' if self.matches(i, "null") => Ok((Value::None, i + 4)),
            't' if self.matches(i, "true") => Ok((Value::Bool(true), i + 4)),
            'f' if self.matches(i, "false") => Ok((Value::Bool(false), i + 5)),
            'N' if self.matches(i, "NaN") => Ok((self.constant(vm, "NaN", f64::NAN)?, i + 3)),
            'I' if self.matches(i, "Infinity") => {
                Ok((self.constant(vm, "Infinity", f64::INFINITY)?, i + 8))
            }
            '-' if self.matches(i, "-Infinity") => {
                Ok((self.constant(vm, "-Infinity", f64::NEG_INFINITY)?, i + 9))
            }
            _ => self.scan_number(vm, i),
        }
    }

    fn nested(&mut self, vm: &mut Vm, i: usize, object: bool) -> Result<(Value, usize), ScanError> {
        self.depth += 1;
        if self.depth + vm.depth > vm.recursion_limit {
            let what = if object { "object" } else { "array" };
            return Err(ScanError::Raised(types::recursion_error(format!(
                "maximum recursion depth exceeded while decoding a JSON {what} from a unicode string"
            ))));
        }
        let r = if object {
            self.scan_object(vm, i + 1)
        } else {
            self.scan_array(vm, i + 1)
        };
        self.depth -= 1;
        r
    }

    fn scan_number(&self, vm: &mut Vm, start: usize) -> Result<(Value, usize), ScanError> {
        let digit = |i: usize| self.at(i).is_some_and(|c| c.is_ascii_digit());
        let mut i = start;
        if self.at(i) == Some('-') {
            i += 1;
        }
        match self.at(i) {
            Some('1'..='9') => {
                i += 1;
                while digit(i) {
                    i += 1;
                }
            }
            Some('0') => i += 1,
            _ => return Err(ScanError::NoValue(start)),
        }
        let mut is_float = false;
        if self.at(i) == Some('.') && digit(i + 1) {
            is_float = true;
            i += 2;
            while digit(i) {
                i += 1;
            }
        }
        if matches!(self.at(i), Some('e' | 'E')) {
            let e_start = i;
            i += 1;
            if matches!(self.at(i), Some('-' | '+')) {
                i += 1;
            }
            let digits_start = i;
            while digit(i) {
                i += 1;
            }
            if i > digits_start {
                is_float = true;
            } else {
                i = e_start;
            }
        }
        let text: String = self.chars[start..i].iter().collect();
        let v = if is_float {
            match self.parse_float {
                Some(f) => vm.call(f, &[Value::str(text)])?,
                None => Value::Float(text.parse::<f64>().unwrap_or(f64::NAN)),
            }
        } else {
            match self.parse_int {
                Some(f) => vm.call(f, &[Value::str(text)])?,
                None => match text.parse::<i64>() {
                    Ok(n) => Value::Int(n),
                    Err(_) => {
                        if text.trim_start_matches('-').len() > 4300 {
                            return Err(ScanError::Raised(types::value_error(format!(
                                "Exceeds the limit (4300 digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
                                text.trim_start_matches('-').len()
                            ))));
                        }
                        Value::from_bigint(text.parse::<num_bigint::BigInt>().unwrap_or_default())
                    }
                },
            }
        };
        Ok((v, i))
    }

    fn hex4(&self, i: usize) -> Option<u32> {
        let mut n = 0u32;
        for k in 0..4 {
            n = n * 16 + self.at(i + k)?.to_digit(16)?;
        }
        Some(n)
    }

    /// A string body starting after the opening quote; returns the text and the index after
    /// the closing quote (CPython's C scanner's errors and positions).
    fn scan_string(&self, start: usize) -> Result<(String, usize), ScanError> {
        let begin = start - 1;
        let len = self.chars.len();
        let mut out = String::new();
        let mut i = start;
        loop {
            let Some(c) = self.at(i) else {
                return Err(self.err("Unterminated string starting at", begin));
            };
            match c {
                '"' => return Ok((out, i + 1)),
                '\\' => {
                    let next = i + 1;
                    let Some(e) = self.at(next) else {
                        return Err(self.err("Unterminated string starting at", begin));
                    };
                    if e != 'u' {
                        let ch = match e {
                            '"' => '"',
                            '\\' => '\\',
                            '/' => '/',
                            'b' => '\u{8}',
                            'f' => '\u{c}',
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            _ => return Err(self.err("Invalid \\escape", i)),
                        };
                        out.push(ch);
                        i = next + 1;
                        continue;
                    }
                    let digits = next + 1;
                    let mut end = digits + 4;
                    if end >= len {
                        return Err(self.err("Invalid \\uXXXX escape", next));
                    }
                    let Some(mut code) = self.hex4(digits) else {
                        return Err(self.err("Invalid \\uXXXX escape", next));
                    };
                    if (0xd800..=0xdbff).contains(&code)
                        && end + 6 < len
                        && self.at(end) == Some('\\')
                        && self.at(end + 1) == Some('u')
                    {
                        let Some(low) = self.hex4(end + 2) else {
                            return Err(self.err("Invalid \\uXXXX escape", end + 1));
                        };
                        if (0xdc00..=0xdfff).contains(&low) {
                            code = 0x10000 + (((code - 0xd800) << 10) | (low - 0xdc00));
                            end += 6;
                        }
                    }
                    // A lone surrogate has no UTF-8 form: it decodes as U+FFFD.
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    i = end;
                }
                c if (c as u32) < 0x20 => return Err(self.err("Invalid control character at", i)),
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
    }

    fn scan_object(&mut self, vm: &mut Vm, start: usize) -> Result<(Value, usize), ScanError> {
        let mut pairs: Vec<(Value, Value)> = Vec::new();
        let mut i = self.skip_ws(start);
        if self.at(i) != Some('}') {
            loop {
                if self.at(i) != Some('"') {
                    return Err(self.err("Expecting property name enclosed in double quotes", i));
                }
                let (key, next) = self.scan_string(i + 1)?;
                i = self.skip_ws(next);
                if self.at(i) != Some(':') {
                    return Err(self.err("Expecting ':' delimiter", i));
                }
                i = self.skip_ws(i + 1);
                let (value, next) = self.scan(vm, i)?;
                pairs.push((Value::str(key), value));
                i = self.skip_ws(next);
                if self.at(i) == Some('}') {
                    break;
                }
                if self.at(i) != Some(',') {
                    return Err(self.err("Expecting ',' delimiter", i));
                }
                i = self.skip_ws(i + 1);
            }
        }
        let end = i + 1;
        if let Some(hook) = self.object_pairs_hook {
            let list = Value::list(
                pairs
                    .into_iter()
                    .map(|(k, v)| Value::tuple(vec![k, v]))
                    .collect(),
            );
            return Ok((vm.call(hook, &[list])?, end));
        }
        let d = crate::value::new_dict_rc(Dict::new());
        for (k, v) in pairs {
            ops::dict_set(vm, &d, k, v)?;
        }
        let mut result = Value::Dict(d);
        if let Some(hook) = self.object_hook {
            result = vm.call(hook, &[result])?;
        }
        Ok((result, end))
    }

    fn scan_array(&mut self, vm: &mut Vm, start: usize) -> Result<(Value, usize), ScanError> {
        let mut items = Vec::new();
        let mut i = self.skip_ws(start);
        if self.at(i) != Some(']') {
            loop {
                let (value, next) = self.scan(vm, i)?;
                items.push(value);
                i = self.skip_ws(next);
                if self.at(i) == Some(']') {
                    break;
                }
                if self.at(i) != Some(',') {
                    return Err(self.err("Expecting ',' delimiter", i));
                }
                i = self.skip_ws(i + 1);
            }
        }
        Ok((Value::list(items), i + 1))
    }
}

const DECODER_PARAMS: &[&str] = &[
    "cls",
    "object_hook",
    "parse_float",
    "parse_int",
    "parse_constant",
    "object_pairs_hook",
    "strict",
];

fn loads(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(if args.is_empty() {
            types::type_error("loads() missing 1 required positional argument: 's'")
        } else {
            types::type_error(format!(
                "loads() takes 1 positional argument but {} were given",
                args.len()
            ))
        });
    }
    decode_text(vm, &args[0], kwargs)
}

fn decode_text(vm: &mut Vm, doc: &Value, kwargs: Kw) -> PyResult<Value> {
    for (k, _) in kwargs {
        if !k.with(|s| DECODER_PARAMS.contains(&s)) {
            return Err(types::type_error(format!(
                "JSONDecoder.__init__() got an unexpected keyword argument '{k}'"
            )));
        }
    }
    let text = match doc {
        Value::Str(s) => {
            if s.text.starts_with('\u{feff}') {
                return Err(decode_error(
                    "Unexpected UTF-8 BOM (decode using utf-8-sig)",
                    doc,
                    0,
                ));
            }
            s.text.clone()
        }
        Value::Bytes(b) => {
            let b: &[u8] = b.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(b);
            String::from_utf8_lossy(b).into_owned()
        }
        other => {
            return Err(types::type_error(format!(
                "the JSON object must be str, bytes or bytearray, not {}",
                other.type_name()
            )))
        }
    };
    let doc = Value::str(text.clone());
    let hook = |name: &str| kwarg(kwargs, name).filter(|v| !v.is_none());
    let mut dec = Decoder {
        chars: text.chars().collect(),
        doc,
        object_hook: hook("object_hook"),
        object_pairs_hook: hook("object_pairs_hook"),
        parse_float: hook("parse_float"),
        parse_int: hook("parse_int"),
        parse_constant: hook("parse_constant"),
        depth: 0,
    };
    let start = dec.skip_ws(0);
    let (v, end) = match dec.scan(vm, start) {
        Ok(r) => r,
        Err(ScanError::NoValue(pos)) => return Err(decode_error("Expecting value", &dec.doc, pos)),
        Err(ScanError::Raised(e)) => return Err(e),
    };
    let end = dec.skip_ws(end);
    if end != dec.chars.len() {
        return Err(decode_error("Extra data", &dec.doc, end));
    }
    Ok(v)
}

fn load(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(types::type_error(format!(
            "load() takes 1 positional argument but {} were given",
            args.len()
        )));
    }
    let read = ops::getattr(vm, &args[0], Symbol::new("read"))?;
    let text = vm.call(&read, &[])?;
    decode_text(vm, &text, kwargs)
}

/// Builds the `json` module (and registers `json.decoder`).
pub fn module(vm: &mut Vm) -> Value {
    let err = Value::Class(decode_error_class());
    let decoder = super::new_module("json.decoder");
    {
        let g = &decoder.globals;
        g.insert(Symbol::new("__name__"), Value::str("json.decoder"));
        g.insert(Symbol::new("JSONDecodeError"), err.clone());
    }
    let decoder = Value::Module(decoder);
    super::register_module(vm, "json.decoder", decoder.clone());
    let m = super::new_module("json");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("json"));
        g.insert(Symbol::new("decoder"), decoder);
        g.insert(Symbol::new("JSONDecodeError"), err);
        g.insert(Symbol::new("JSONEncoder"), Value::Class(encoder_class()));
        g.insert(Symbol::new("dumps"), Value::builtin("dumps", dumps));
        g.insert(Symbol::new("dump"), Value::builtin("dump", dump));
        g.insert(Symbol::new("loads"), Value::builtin("loads", loads));
        g.insert(Symbol::new("load"), Value::builtin("load", load));
    }
    Value::Module(m)
}
