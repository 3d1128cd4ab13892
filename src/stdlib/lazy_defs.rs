//! Library modules whose top-level functions and classes compile on first use.
//!
//! `import asyncio` used to lex, parse and compile all of asyncio.aio at every
//! start, most of whose functions a given program never calls. Here the
//! module's text is cut, line by line, into its top-level `def` / `async def`
//! / `class` blocks and the rest. The rest runs at import as before; each
//! block is compiled and run in the module's namespace the first time its
//! name is looked up and missing: a global read in the module's own code
//! (`Op::LoadGlobal`, `Op::LoadName`), an attribute read or `from m import`
//! from outside. `dir()`, `__dict__` and `import *` load every block first.
//!
//! A block keeps its line numbers (it is parsed behind as many empty lines as
//! precede it), so tracebacks and code objects read as if the whole file had
//! been compiled. The split is conservative: a name defined by two blocks, or
//! also assigned, deleted or declared `global` anywhere, stays eager.

use super::vtypes;
use crate::source::SourceFile;
use crate::value::object::Module;
use crate::value::{PyResult, Symbol, Value};
use crate::vm::Vm;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

/// One top-level definition block, compiled when first needed.
struct Block {
    /// Byte range of the block's lines in the module text.
    start: usize,
    end: usize,
    /// Its first line (1-based).
    line: usize,
    /// The name it defines.
    name: Symbol,
    loaded: Cell<bool>,
}

/// The blocks of one module still to load.
pub struct LazyDefs {
    filename: String,
    /// The whole module text.
    full: Rc<SourceFile>,
    blocks: Vec<Block>,
    by_name: HashMap<Symbol, usize>,
}

thread_local! {
    /// Lazily defined modules, by the address of their `Module`.
    static LAZY: RefCell<Vec<(Weak<Module>, Rc<LazyDefs>)>> = const { RefCell::new(Vec::new()) };
}

/// The name a top-level line defines, if it starts a definition block.
fn def_name(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("def ")
        .or_else(|| line.strip_prefix("async def "))
        .or_else(|| line.strip_prefix("class "))?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The identifiers a top-level statement binds by assignment or `del`
/// (over-approximated: every identifier left of the first `=`).
fn bound_names(line: &str, out: &mut Vec<String>) {
    let target = if let Some(rest) = line.strip_prefix("del ") {
        rest
    } else if let Some(i) = line.find('=') {
        &line[..i]
    } else {
        return;
    };
    for word in target.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if !word.is_empty() {
            out.push(word.to_string());
        }
    }
}

/// A definition block found by `split`: (start byte, end byte, first line, name).
type Found = (usize, usize, usize, String);

/// Splits `text` into the eager part (the definition blocks blanked out, so
/// line numbers stay) and the definition blocks, with the names they define.
/// None when the text has nothing to defer.
fn split(text: &str) -> Option<(String, Vec<Found>)> {
    let mut blocks: Vec<Found> = Vec::new();
    let mut eager_bound: Vec<String> = Vec::new();
    let mut globals_declared: Vec<String> = Vec::new();
    let mut open: Option<(usize, usize, String)> = None;
    let mut in_triple: Option<&str> = None;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let quote_state_before = in_triple;
        for q in ["\"\"\"", "'''"] {
            let n = trimmed.matches(q).count();
            if n % 2 == 1 {
                in_triple = match in_triple {
                    Some(open_q) if open_q == q => None,
                    None => Some(q),
                    other => other,
                };
            }
        }
        if let Some(rest) = trimmed.trim_start().strip_prefix("global ") {
            globals_declared.extend(rest.split(',').map(|s| s.trim().to_string()));
        }
        // A line that starts a new top-level statement: not indented, not a
        // comment, not inside a string, not a closing bracket.
        let top = quote_state_before.is_none()
            && !trimmed.is_empty()
            && !trimmed.starts_with([' ', '\t', '#', ')', ']', '}']);
        if !top {
            continue;
        }
        if let Some((s, l, name)) = open.take() {
            blocks.push((s, start, l, name));
        }
        if trimmed.starts_with('@') {
            // Decorators: keep the whole module eager (none in the library).
            return None;
        }
        match def_name(trimmed) {
            Some(name) => open = Some((start, i + 1, name.to_string())),
            None => bound_names(trimmed, &mut eager_bound),
        }
    }
    if let Some((s, l, name)) = open.take() {
        blocks.push((s, text.len(), l, name));
    }
    // A name defined twice, or also bound elsewhere, keeps its blocks eager.
    let mut count: HashMap<&str, usize> = HashMap::new();
    for b in &blocks {
        *count.entry(b.3.as_str()).or_default() += 1;
    }
    let keep: Vec<Found> = blocks
        .iter()
        .filter(|b| {
            count[b.3.as_str()] == 1
                && !eager_bound.contains(&b.3)
                && !globals_declared.contains(&b.3)
        })
        .cloned()
        .collect();
    if keep.is_empty() {
        return None;
    }
    let mut eager = String::with_capacity(text.len());
    let mut pos = 0;
    for (s, e, _, _) in &keep {
        eager.push_str(&text[pos..*s]);
        eager.extend(text[*s..*e].chars().filter(|&c| c == '\n'));
        pos = *e;
    }
    eager.push_str(&text[pos..]);
    Some((eager, keep))
}

fn compile(src: &Rc<SourceFile>, filename: &str) -> PyResult<Rc<crate::bytecode::Code>> {
    let ast = crate::parser::parse_module(src).map_err(|e| {
        vtypes::exc(
            |t| &t.syntax_error,
            format!("{} ({}, line {})", e.msg, filename, e.line(src)),
        )
    })?;
    crate::compiler::compile_module(&ast, src, crate::compiler::Mode::File)
        .map_err(|e| vtypes::exc(|t| &t.syntax_error, e.msg))
}

/// Loads a library module written in aio with its definitions deferred:
/// registers it, runs the eager part and returns the module.
pub fn load(vm: &mut Vm, name: &str, filename: String, text: String) -> PyResult<Value> {
    let Some((eager, blocks)) = split(&text) else {
        return super::load_source_module(vm, name, filename, text);
    };
    let full = Rc::new(SourceFile::new(filename.clone(), text));
    let src = Rc::new(SourceFile::new(filename.clone(), eager));
    let code = compile(&src, &filename)?;
    // Tracebacks show lines of the whole file.
    vm.sources.insert(filename.clone(), full.clone());
    let m = super::new_module(name);
    m.globals.insert(Symbol::new("__name__"), Value::str(name));
    m.globals
        .insert(Symbol::new("__file__"), Value::str(filename.clone()));
    let defs = LazyDefs {
        filename,
        full: full.clone(),
        by_name: blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (Symbol::new(&b.3), i))
            .collect(),
        blocks: blocks
            .into_iter()
            .map(|(start, end, line, name)| Block {
                start,
                end,
                line,
                name: Symbol::new(&name),
                loaded: Cell::new(false),
            })
            .collect(),
    };
    LAZY.with(|l| {
        let mut l = l.borrow_mut();
        l.retain(|(w, _)| w.strong_count() > 0);
        l.push((Rc::downgrade(&m), Rc::new(defs)));
    });
    let mv = Value::Module(m.clone());
    super::register_module(vm, name, mv.clone());
    if let Err(e) = vm.run_module(code, m) {
        vm.modules.borrow_mut().shift_remove(name);
        super::sys::note_module(vm, name, None);
        return Err(e);
    }
    Ok(mv)
}

fn defs_of(m: &Rc<Module>) -> Option<Rc<LazyDefs>> {
    LAZY.with(|l| {
        l.borrow()
            .iter()
            .find(|(w, _)| std::ptr::eq(w.as_ptr(), Rc::as_ptr(m)))
            .map(|(_, d)| d.clone())
    })
}

fn load_block(vm: &mut Vm, m: &Rc<Module>, defs: &LazyDefs, i: usize) -> PyResult<()> {
    let b = &defs.blocks[i];
    if b.loaded.replace(true) {
        return Ok(());
    }
    // Already bound (a program replaced it: `asyncio.sleep = my_sleep`): the
    // definition would have been overwritten by that assignment, so it stays
    // unloaded.
    if m.globals.get(&b.name).is_some() {
        return Ok(());
    }
    let mut text = "\n".repeat(b.line - 1);
    text.push_str(&defs.full.text[b.start..b.end]);
    let src = Rc::new(SourceFile::new(defs.filename.clone(), text));
    let code = compile(&src, &defs.filename)?;
    vm.run_module(code, m.clone())?;
    Ok(())
}

/// A name missing from `m`'s namespace: if a deferred block defines it,
/// loads the block and answers the name.
pub fn lookup(vm: &mut Vm, m: &Rc<Module>, name: Symbol) -> PyResult<Option<Value>> {
    let Some(defs) = defs_of(m) else {
        return Ok(None);
    };
    let Some(&i) = defs.by_name.get(&name) else {
        return Ok(None);
    };
    load_block(vm, m, &defs, i)?;
    Ok(m.globals.get(&name))
}

/// Loads every deferred block of `m` (its whole namespace is about to be read).
pub fn load_all(vm: &mut Vm, m: &Rc<Module>) -> PyResult<()> {
    let Some(defs) = defs_of(m) else {
        return Ok(());
    };
    for i in 0..defs.blocks.len() {
        load_block(vm, m, &defs, i)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn blocks_keep_their_lines_and_shared_names_stay_eager() {
        let text = "x = 1\n\ndef f(\n    a,\n):\n    '''doc\nnot a statement\n'''\n    return a\n\nclass C:\n    pass\n\ndef g():\n    global h\n\ndef h():\n    pass\nf = f\n";
        let (eager, blocks) = split(text).expect("something to defer");
        let names: Vec<&str> = blocks.iter().map(|b| b.3.as_str()).collect();
        // f is reassigned at top level and h is declared global: both eager.
        assert_eq!(names, ["C", "g"]);
        assert_eq!(eager.lines().count(), text.lines().count());
        assert!(eager.contains("def f(\n    a,\n):"));
        assert!(!eager.contains("class C"));
        assert_eq!(blocks[0].2, 11);
    }

    #[test]
    fn the_asyncio_library_splits_into_blocks_that_parse() {
        let text = include_str!("asyncio/asyncio.aio");
        let (eager, blocks) = split(text).expect("asyncio defers its definitions");
        assert!(blocks.len() >= 30, "{} blocks", blocks.len());
        let check = |t: String| {
            let src = crate::source::SourceFile::new("<t>", t);
            crate::parser::parse_module(&src).expect("parses");
        };
        check(eager);
        for (s, e, line, _) in blocks {
            check("\n".repeat(line - 1) + &text[s..e]);
        }
    }
}
