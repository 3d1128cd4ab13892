//! str.format and str.format_map: CPython's replacement-field grammar
//! (MarkupIterator / parse_field / field_name_split in unicode_format.h).

use super::str::this_str;
use super::Kw;
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::ops;
use crate::vm::Vm;

/// Installs format and format_map.
pub fn register() {
    types::with_types(|t| {
        super::method(&t.str_, "format", format);
        super::method(&t.str_, "format_map", format_map);
    });
}

/// Where keyword fields come from.
enum Names<'a> {
    Kwargs(Kw<'a>),
    Mapping(Value),
}

/// Auto-numbering state shared by the nested format specs of one call.
#[derive(PartialEq)]
enum Numbering {
    Init,
    Auto(usize),
    Manual,
}

struct Formatter<'a> {
    args: &'a [Value],
    names: Names<'a>,
    numbering: Numbering,
}

fn err(msg: &str) -> Value {
    types::value_error(msg)
}

fn format(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let s = this_str(args, "format")?.clone();
    let mut f = Formatter {
        args: &args[1..],
        names: Names::Kwargs(kwargs),
        numbering: Numbering::Init,
    };
    let chars: Vec<char> = s.text.chars().collect();
    Ok(Value::str(f.build(vm, &chars, 2)?))
}

fn format_map(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "str.format_map() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    let s = this_str(args, "format_map")?.clone();
    let mut f = Formatter {
        args: &[],
        names: Names::Mapping(args[1].clone()),
        numbering: Numbering::Init,
    };
    let chars: Vec<char> = s.text.chars().collect();
    Ok(Value::str(f.build(vm, &chars, 2)?))
}

/// One parsed replacement field.
struct Field {
    name: String,
    conversion: Option<char>,
    spec: String,
    spec_needs_expanding: bool,
}

impl Formatter<'_> {
    fn build(&mut self, vm: &mut Vm, s: &[char], depth: i32) -> PyResult<String> {
        if depth <= 0 {
            return Err(err("Max string recursion exceeded"));
        }
        let mut out = String::new();
        let mut i = 0;
        while i < s.len() {
            let c = s[i];
            i += 1;
            if c != '{' && c != '}' {
                out.push(c);
                continue;
            }
            let at_end = i >= s.len();
            if c == '}' && (at_end || s[i] != '}') {
                return Err(err("Single '}' encountered in format string"));
            }
            if at_end && c == '{' {
                return Err(err("Single '{' encountered in format string"));
            }
            if s[i] == c {
                out.push(c);
                i += 1;
                continue;
            }
            let field = parse_field(s, &mut i)?;
            out.push_str(&self.render(vm, field, depth)?);
        }
        Ok(out)
    }

    fn render(&mut self, vm: &mut Vm, field: Field, depth: i32) -> PyResult<String> {
        let obj = self.lookup(vm, &field.name)?;
        let obj = match field.conversion {
            None => obj,
            Some('r') => Value::str(ops::repr(vm, &obj)?),
            Some('s') => Value::str(ops::str_of(vm, &obj)?),
            Some('a') => Value::str(ops::ascii_escape(&ops::repr(vm, &obj)?)),
            Some(c) => return Err(err(&format!("Unknown conversion specifier {c}"))),
        };
        let spec = if field.spec_needs_expanding {
            let chars: Vec<char> = field.spec.chars().collect();
            self.build(vm, &chars, depth - 1)?
        } else {
            field.spec
        };
        ops::format(vm, &obj, &spec)
    }

    /// Resolves `first.attr[key]...` to a value.
    fn lookup(&mut self, vm: &mut Vm, name: &str) -> PyResult<Value> {
        let chars: Vec<char> = name.chars().collect();
        let first_end = chars
            .iter()
            .position(|c| *c == '.' || *c == '[')
            .unwrap_or(chars.len());
        let first: String = chars[..first_end].iter().collect();
        let mut obj = if first.is_empty() {
            if self.numbering == Numbering::Manual {
                return Err(err(
                    "cannot switch from manual field specification to automatic field numbering",
                ));
            }
            let n = match self.numbering {
                Numbering::Auto(n) => n,
                _ => 0,
            };
            self.numbering = Numbering::Auto(n + 1);
            self.positional(n)?
        } else if first.chars().all(|c| c.is_ascii_digit()) {
            if matches!(self.numbering, Numbering::Auto(_)) {
                return Err(err(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            self.numbering = Numbering::Manual;
            let n: usize = first
                .parse()
                .map_err(|_| err("Too many decimal digits in format string"))?;
            self.positional(n)?
        } else {
            let key = Value::str(first.clone());
            match &self.names {
                Names::Kwargs(kw) => kw
                    .iter()
                    .find(|(k, _)| k.with(|s| s == first))
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| types::key_error(key))?,
                Names::Mapping(m) => {
                    let m = m.clone();
                    ops::getitem(vm, &m, &key)?
                }
            }
        };
        let mut i = first_end;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            match c {
                '.' => {
                    let end = chars[i..]
                        .iter()
                        .position(|c| *c == '.' || *c == '[')
                        .map_or(chars.len(), |p| i + p);
                    let attr: String = chars[i..end].iter().collect();
                    if attr.is_empty() {
                        return Err(err("Empty attribute in format string"));
                    }
                    obj = ops::getattr(vm, &obj, Symbol::new(&attr))?;
                    i = end;
                }
                '[' => {
                    let Some(close) = chars[i..].iter().position(|c| *c == ']').map(|p| i + p)
                    else {
                        return Err(err("Missing ']' in format string"));
                    };
                    let key: String = chars[i..close].iter().collect();
                    if key.is_empty() {
                        return Err(err("Empty attribute in format string"));
                    }
                    let key = if key.chars().all(|c| c.is_ascii_digit()) {
                        match key.parse::<i64>() {
                            Ok(n) => Value::Int(n),
                            Err(_) => return Err(err("Too many decimal digits in format string")),
                        }
                    } else {
                        Value::str(key)
                    };
                    obj = ops::getitem(vm, &obj, &key)?;
                    i = close + 1;
                    if i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                        return Err(err(
                            "Only '.' or '[' may follow ']' in format field specifier",
                        ));
                    }
                }
                _ => {
                    return Err(err(
                        "Only '.' or '[' may follow ']' in format field specifier",
                    ))
                }
            }
        }
        Ok(obj)
    }

    fn positional(&self, n: usize) -> PyResult<Value> {
        self.args.get(n).cloned().ok_or_else(|| {
            types::index_error(format!(
                "Replacement index {n} out of range for positional args tuple"
            ))
        })
    }
}

/// parse_field: from just after `{`, reads the field name, conversion and spec.
fn parse_field(s: &[char], i: &mut usize) -> PyResult<Field> {
    let start = *i;
    let mut c = '\0';
    while *i < s.len() {
        c = s[*i];
        *i += 1;
        match c {
            '{' => return Err(err("unexpected '{' in field name")),
            '[' => {
                while *i < s.len() && s[*i] != ']' {
                    *i += 1;
                }
                continue;
            }
            '}' | ':' | '!' => break,
            _ => continue,
        }
    }
    let name_end = if matches!(c, '}' | ':' | '!') && *i > start {
        *i - 1
    } else {
        *i
    };
    let name: String = s[start..name_end].iter().collect();
    let mut field = Field {
        name,
        conversion: None,
        spec: String::new(),
        spec_needs_expanding: false,
    };
    if c == '!' || c == ':' {
        if c == '!' {
            if *i >= s.len() {
                return Err(err("end of string while looking for conversion specifier"));
            }
            field.conversion = Some(s[*i]);
            *i += 1;
            if *i < s.len() {
                let d = s[*i];
                *i += 1;
                if d == '}' {
                    return Ok(field);
                }
                if d != ':' {
                    return Err(err("expected ':' after conversion specifier"));
                }
            }
        }
        let spec_start = *i;
        let mut count = 1;
        while *i < s.len() {
            let d = s[*i];
            *i += 1;
            match d {
                '{' => {
                    field.spec_needs_expanding = true;
                    count += 1;
                }
                '}' => {
                    count -= 1;
                    if count == 0 {
                        field.spec = s[spec_start..*i - 1].iter().collect();
                        return Ok(field);
                    }
                }
                _ => {}
            }
        }
        return Err(err("unmatched '{' in format spec"));
    }
    if c != '}' {
        return Err(err("expected '}' before end of string"));
    }
    Ok(field)
}
