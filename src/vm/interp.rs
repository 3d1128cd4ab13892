//! The dispatch loop.

use super::call::{self, Prepared};
pub use super::delegate::take_segment;
use super::delegate::{asyncgen_op_kind, stop_async_iteration};
use super::exceptions;
use super::frame::{Block, Entry, Frame};
use super::generator::{AsyncGenOpKind, GenKind, GenState};
use super::ops;
use super::{Halt, Vm};
use crate::bytecode::Op;
use crate::value::object::{CellRef, Native};
use crate::value::{types, PyResult, PyStr, Symbol, Value};

use std::rc::Rc;

/// What an instruction did to the frame stack.
pub(super) enum Flow {
    Next,
    /// Push a new frame (a script call).
    Push(Box<Frame>),
    /// Return from the top frame.
    Return(Value),
    /// Yield from the top frame.
    Yield(Value),
    /// Re-raise keeping the traceback as it is.
    Reraise(Value),
    /// Push a resumed generator's frames (its own at the bottom).
    PushSegment(Vec<Box<Frame>>),
    /// Push a generator's frames and raise an exception in the top one (athrow, aclose).
    PushSegmentThrow(Vec<Box<Frame>>, Value),
    /// `yield` in an async generator: hands the value to the `asend` being awaited.
    AsyncYield(Value),
}

/// How to resume a suspended fiber.
pub enum Resume {
    Send(Value),
    Throw(Value),
}

impl Vm {
    /// Runs the fiber until its bottom frame returns, raises or yields.
    pub fn run(&mut self, fiber: &mut Vec<Box<Frame>>) -> Halt {
        self.run_resumed(fiber, None)
    }

    /// Runs the fiber, first raising `throw` in its top frame if given.
    pub fn run_resumed(&mut self, fiber: &mut Vec<Box<Frame>>, throw: Option<Value>) -> Halt {
        let mut pending: Option<(Value, bool)> = throw.map(|e| (e, false));
        loop {
            if pending.is_none() {
                pending = self.take_interrupt().map(|e| (e, false));
            }
            if let Some((exc, reraise)) = pending.take() {
                if let Some(halt) = self.unwind(fiber, exc, reraise) {
                    return halt;
                }
            }
            if super::generator::close_pending() {
                self.collect_if_due();
                self.close_dropped_generators();
            }
            let flow = match self.step(fiber) {
                Ok(flow) => flow,
                Err(e) => {
                    pending = Some((e, false));
                    continue;
                }
            };
            match flow {
                Flow::Next => {}
                Flow::Push(frame) => {
                    if self.depth >= self.recursion_limit {
                        pending = Some((
                            types::recursion_error("maximum recursion depth exceeded"),
                            false,
                        ));
                        continue;
                    }
                    self.depth += 1;
                    if self.count_ops {
                        if let Some(d) = self.debug.as_mut() {
                            d.ops += frame.code.ops.len() as u64;
                        }
                    }
                    fiber.push(frame);
                }
                Flow::Reraise(e) => pending = Some((e, true)),
                Flow::PushSegment(seg) => {
                    if self.depth + seg.len() > self.recursion_limit {
                        if let Some(g) = seg[0].generator.as_ref().and_then(|w| w.upgrade()) {
                            g.state.set(GenState::Suspended);
                            *g.frames.borrow_mut() = seg;
                        }
                        pending = Some((
                            types::recursion_error("maximum recursion depth exceeded"),
                            false,
                        ));
                        continue;
                    }
                    self.depth += seg.len();
                    fiber.extend(seg);
                }
                Flow::PushSegmentThrow(seg, exc) => {
                    self.depth += seg.len();
                    fiber.extend(seg);
                    pending = Some((exc, false));
                }
                Flow::AsyncYield(v) => match self.async_yield(fiber, v) {
                    Ok(Some(halt)) => return halt,
                    Ok(None) => {}
                    Err(e) => pending = Some((e, false)),
                },
                Flow::Return(v) => match self.do_return(fiber, v) {
                    Ok(Some(halt)) => return halt,
                    Ok(None) => {}
                    Err(e) => pending = Some((e, false)),
                },
                Flow::Yield(v) => {
                    if let Some(halt) = self.do_yield(fiber, v) {
                        return halt;
                    }
                }
            }
        }
    }

    fn do_return(&mut self, fiber: &mut Vec<Box<Frame>>, v: Value) -> PyResult<Option<Halt>> {
        let mut frame = fiber.pop().expect("frame");
        self.depth -= 1;
        if let Some(g) = frame.generator.as_ref().and_then(|w| w.upgrade()) {
            g.state.set(GenState::Finished);
        }
        let entry = std::mem::replace(&mut frame.entry, Entry::Call);
        self.recycle_frame(frame);
        match entry {
            Entry::Call => {
                fiber.last_mut().expect("caller").push(v);
            }
            Entry::Init(obj) => {
                if !v.is_none() {
                    return Err(types::type_error(format!(
                        "__init__() should return None, not '{}'",
                        v.type_name()
                    )));
                }
                fiber.last_mut().expect("caller").push(obj);
            }
            Entry::Bottom => return Ok(Some(Halt::Return(v))),
            Entry::ForIter => {
                let caller = fiber.last_mut().expect("caller");
                caller.pop();
                if let Op::ForIter(target) = caller.code.ops[caller.ip - 1] {
                    caller.ip = target as usize;
                }
            }
            Entry::Delegate => {
                let caller = fiber.last_mut().expect("caller");
                let op = caller.pop();
                if let Some(kind) = asyncgen_op_kind(&op) {
                    // The async generator finished: asend/athrow raise StopAsyncIteration,
                    // aclose completes.
                    if matches!(kind, AsyncGenOpKind::Close(_)) {
                        caller.push(Value::None);
                    } else {
                        caller.push(op);
                        return Err(stop_async_iteration());
                    }
                } else {
                    caller.push(v);
                }
            }
        }
        Ok(None)
    }

    /// `yield` inside an async generator driven by an asend/athrow/aclose awaitable: the
    /// generator suspends and the awaiting frame receives the value.
    fn async_yield(&mut self, fiber: &mut Vec<Box<Frame>>, v: Value) -> PyResult<Option<Halt>> {
        let n = fiber.len();
        let driven = n >= 2
            && matches!(fiber[n - 1].entry, Entry::Delegate)
            && asyncgen_op_kind(fiber[n - 2].top()).is_some();
        if !driven {
            // A natively driven async generator: the caller reads the yielded value.
            return Ok(self.do_yield(fiber, v));
        }
        let frame = fiber.pop().expect("frame");
        self.depth -= 1;
        if let Some(g) = frame.generator.as_ref().and_then(|w| w.upgrade()) {
            g.state.set(GenState::Suspended);
            *g.frames.borrow_mut() = vec![frame];
        }
        let caller = fiber.last_mut().expect("caller");
        let op = caller.pop();
        if matches!(asyncgen_op_kind(&op), Some(AsyncGenOpKind::Close(_))) {
            return Err(types::runtime_error(
                "async generator ignored GeneratorExit",
            ));
        }
        caller.push(v);
        Ok(None)
    }

    fn do_yield(&mut self, fiber: &mut Vec<Box<Frame>>, v: Value) -> Option<Halt> {
        let mut b = fiber.len() - 1;
        while b > 0 && matches!(fiber[b].entry, Entry::Delegate) {
            b -= 1;
        }
        match fiber[b].entry {
            Entry::ForIter | Entry::Call | Entry::Init(_) if b > 0 => {
                let seg = fiber.split_off(b);
                self.depth -= seg.len();
                if let Some(g) = seg[0].generator.as_ref().and_then(|w| w.upgrade()) {
                    g.state.set(GenState::Suspended);
                    *g.frames.borrow_mut() = seg;
                }
                fiber.last_mut().expect("caller").push(v);
                None
            }
            _ => {
                if let Some(g) = fiber[b].generator.as_ref().and_then(|w| w.upgrade()) {
                    g.state.set(GenState::Suspended);
                }
                Some(Halt::Yield(v))
            }
        }
    }

    /// Finds a handler for `exc`, popping frames that have none. Returns a Halt when
    /// the exception leaves the bottom frame.
    fn unwind(
        &mut self,
        fiber: &mut Vec<Box<Frame>>,
        mut exc: Value,
        reraise: bool,
    ) -> Option<Halt> {
        let mut first = true;
        loop {
            let frame = fiber.last_mut()?;
            frame.awaiting = false;
            if first {
                if !reraise {
                    exceptions::set_context(
                        &exc,
                        frame_handled(fiber).or_else(|| self.handled_base.clone()),
                    );
                    let frame = fiber.last_mut()?;
                    exceptions::add_traceback(&exc, &frame.code, frame.line());
                }
                first = false;
            } else {
                exceptions::add_traceback(&exc, &frame.code, frame.line());
            }
            let frame = fiber.last_mut()?;
            // A tripped resource limit runs no handler: the script may not carry on.
            if let Some(block) = frame.blocks.pop().filter(|_| self.tripped.is_none()) {
                let level = frame.nlocals + block.level as usize;
                frame.stack.truncate(level);
                frame.push(exc);
                frame.ip = block.handler as usize;
                return None;
            }
            let frame = fiber.pop().expect("frame");
            self.depth -= 1;
            if let Some(g) = frame.generator.as_ref().and_then(|w| w.upgrade()) {
                g.state.set(GenState::Finished);
                // aclose() succeeds when the generator exits with GeneratorExit (or stops).
                if g.kind == GenKind::AsyncGenerator && matches!(frame.entry, Entry::Delegate) {
                    if let Some(caller) = fiber.last_mut() {
                        let closing = matches!(
                            asyncgen_op_kind(caller.top()),
                            Some(AsyncGenOpKind::Close(_))
                        );
                        let clean = types::exc_is(&exc, |t| &t.generator_exit)
                            || types::exc_is(&exc, |t| &t.stop_async_iteration);
                        if closing && clean {
                            caller.pop();
                            caller.push(Value::None);
                            return None;
                        }
                    }
                }
                exc = exceptions::convert_stop_iteration(&g, exc);
            }
            match frame.entry {
                Entry::Bottom => return Some(Halt::Error(exc)),
                Entry::ForIter | Entry::Delegate | Entry::Call | Entry::Init(_) => {
                    if fiber.is_empty() {
                        return Some(Halt::Error(exc));
                    }
                }
            }
        }
    }

    /// Executes instructions of the top frame until one changes the frame stack
    /// (a call, return, yield or raise).
    fn step(&mut self, fiber: &mut Vec<Box<Frame>>) -> PyResult<Flow> {
        loop {
            let frame = fiber.last_mut().expect("a frame to run");
            let op = frame.code.ops[frame.ip];
            frame.ip += 1;
            self.executed += 1;
            match op {
                Op::Nop => {}
                Op::LoadConst(i) => {
                    let v = frame.code.consts[i as usize].clone();
                    frame.push(v);
                }
                Op::LoadFast(i) => {
                    let v = &frame.stack[i as usize];
                    if let Value::Undef = v {
                        let name = frame.code.varnames[i as usize];
                        return Err(types::unbound_local_error(format!(
                        "cannot access local variable '{name}' where it is not associated with a value"
                    )));
                    }
                    let v = v.clone();
                    frame.push(v);
                }
                Op::StoreFast(i) => {
                    let v = frame.pop();
                    frame.stack[i as usize] = v;
                    if super::generator::close_pending() {
                        return Ok(Flow::Next);
                    }
                }
                Op::DeleteFast(i) => {
                    if let Value::Undef = frame.stack[i as usize] {
                        let name = frame.code.varnames[i as usize];
                        return Err(types::unbound_local_error(format!(
                        "cannot access local variable '{name}' where it is not associated with a value"
                    )));
                    }
                    frame.stack[i as usize] = Value::Undef;
                    if super::generator::close_pending() {
                        return Ok(Flow::Next);
                    }
                }
                Op::LoadDeref(i) => {
                    let v = frame.cells[i as usize].borrow().clone();
                    if let Value::Undef = v {
                        return Err(frame.deref_error(i));
                    }
                    frame.push(v);
                }
                Op::StoreDeref(i) => {
                    let v = frame.pop();
                    *frame.cells[i as usize].borrow_mut() = v;
                }
                Op::DeleteDeref(i) => {
                    let old =
                        std::mem::replace(&mut *frame.cells[i as usize].borrow_mut(), Value::Undef);
                    if let Value::Undef = old {
                        return Err(frame.deref_error(i));
                    }
                }
                Op::LoadClosure(i) => {
                    let cell = frame.cells[i as usize].clone();
                    frame.push(Value::native(Native::Cell(cell)));
                }
                Op::LoadClassDeref(i) => {
                    let name = frame.deref_name(i);
                    let found = frame
                        .namespace
                        .as_ref()
                        .and_then(|ns| ns.borrow().get(&name).cloned());
                    let v = match found {
                        Some(v) => v,
                        None => {
                            let v = frame.cells[i as usize].borrow().clone();
                            if let Value::Undef = v {
                                return Err(frame.deref_error(i));
                            }
                            v
                        }
                    };
                    frame.push(v);
                }
                Op::LoadGlobal(i) => {
                    let name = frame.code.names[i as usize];
                    let v = self.global_value(frame, i, name)?;
                    frame.push(v);
                }
                Op::StoreGlobal(i) => {
                    let name = frame.code.names[i as usize];
                    let v = frame.pop();
                    let cache = &frame.code.name_cache[i as usize];
                    let old = frame.globals.globals.store_cached(name, v, cache);
                    drop(old);
                    if super::generator::close_pending() {
                        return Ok(Flow::Next);
                    }
                }
                Op::DeleteGlobal(i) => {
                    let name = frame.code.names[i as usize];
                    let old = frame.globals.globals.remove(&name);
                    if old.is_none() {
                        return Err(exceptions::name_error(name));
                    }
                    drop(old);
                    if super::generator::close_pending() {
                        return Ok(Flow::Next);
                    }
                }
                Op::LoadName(i) => {
                    let name = frame.code.names[i as usize];
                    let local = frame
                        .namespace
                        .as_ref()
                        .and_then(|ns| ns.borrow().get(&name).cloned());
                    let v = match local {
                        Some(v) => v,
                        None => self.global_value(frame, i, name)?,
                    };
                    frame.push(v);
                }
                Op::StoreName(i) => {
                    let name = frame.code.names[i as usize];
                    let v = frame.pop();
                    let old = match &frame.namespace {
                        Some(ns) => ns.borrow_mut().insert(name, v),
                        None => {
                            let cache = &frame.code.name_cache[i as usize];
                            frame.globals.globals.store_cached(name, v, cache)
                        }
                    };
                    drop(old);
                    if super::generator::close_pending() {
                        return Ok(Flow::Next);
                    }
                }
                Op::DeleteName(i) => {
                    let name = frame.code.names[i as usize];
                    let removed = match &frame.namespace {
                        Some(ns) => ns.borrow_mut().shift_remove(&name),
                        None => frame.globals.globals.remove(&name),
                    };
                    if removed.is_none() {
                        return Err(exceptions::name_error(name));
                    }
                    drop(removed);
                    if super::generator::close_pending() {
                        return Ok(Flow::Next);
                    }
                }
                Op::LoadAttr(i) => {
                    let name = frame.code.names[i as usize];
                    let obj = frame.pop();
                    if let Value::Instance(inst) = &obj {
                        let cache = &frame.code.attr_cache[i as usize];
                        if let Some(v) = ops::attr_cache::load(inst, name, cache) {
                            frame.push(v);
                            continue;
                        }
                    }
                    let v = ops::getattr(self, &obj, name)?;
                    fiber.last_mut().expect("frame").push(v);
                }
                Op::StoreAttr(i) => {
                    let name = frame.code.names[i as usize];
                    let obj = frame.pop();
                    let v = frame.pop();
                    let v = match &obj {
                        Value::Instance(inst) => {
                            let cache = &frame.code.store_cache[i as usize];
                            match ops::attr_cache::store(inst, name, v, cache) {
                                Ok(()) => continue,
                                Err(v) => v,
                            }
                        }
                        _ => v,
                    };
                    ops::setattr(self, &obj, name, v)?;
                }
                Op::DeleteAttr(i) => {
                    let name = frame.code.names[i as usize];
                    let obj = frame.pop();
                    ops::delattr(self, &obj, name)?;
                }
                Op::LoadMethod(i) => {
                    let name = frame.code.names[i as usize];
                    let obj = frame.pop();
                    if let Value::Instance(inst) = &obj {
                        let cache = &frame.code.method_cache[i as usize];
                        if let Some(f) = ops::attr_cache::method(inst, name, cache) {
                            frame.push(f);
                            frame.push(obj);
                            continue;
                        }
                    }
                    let (method, receiver) = ops::load_method(self, &obj, name)?;
                    let frame = fiber.last_mut().expect("frame");
                    if let (Value::Instance(inst), false) =
                        (&receiver, matches!(receiver, Value::Undef))
                    {
                        let cache = &frame.code.method_cache[i as usize];
                        ops::attr_cache::remember_method(inst, &method, cache);
                    }
                    frame.push(method);
                    frame.push(receiver);
                }
                Op::CallMethod(argc) => {
                    let argc = argc as usize;
                    let len = frame.stack.len();
                    if let (Value::Function(f), false) = (
                        &frame.stack[len - argc - 2],
                        matches!(frame.stack[len - argc - 1], Value::Undef),
                    ) {
                        if is_simple_call(&f.code, argc + 1) {
                            let f = f.clone();
                            let mut callee = self.new_frame(f.code.clone(), f.globals.clone());
                            for (slot, v) in callee
                                .stack
                                .iter_mut()
                                .zip(frame.stack.drain(len - argc - 1..))
                            {
                                *slot = v;
                            }
                            frame.pop();
                            if !f.closure.is_empty() {
                                callee.cells.extend(f.closure.iter().cloned());
                            }
                            callee.function = Some(f);
                            if let Some(flow) = self.enter_call(fiber, callee) {
                                return Ok(flow);
                            }
                            continue;
                        }
                        if is_simple_generator_call(&f.code, argc + 1) && self.debug.is_none() {
                            let f = f.clone();
                            self.make_generator_inline(frame, f, argc + 1);
                            continue;
                        }
                    }
                    if let Some(func) = inline_native(&frame.stack[len - argc - 2], self) {
                        let base = if let Value::Undef = frame.stack[len - argc - 1] {
                            len - argc
                        } else {
                            len - argc - 1
                        };
                        self.call_native_inline(fiber, func, base, len - argc - 2)?;
                        if super::generator::close_pending() {
                            return Ok(Flow::Next);
                        }
                        continue;
                    }
                    let receiver = frame.stack[len - argc - 1].clone();
                    let args: Vec<Value> = if let Value::Undef = receiver {
                        frame.stack.drain(len - argc..).collect()
                    } else {
                        let mut a = Vec::with_capacity(argc + 1);
                        a.push(receiver);
                        a.extend(frame.stack.drain(len - argc..));
                        a
                    };
                    frame.pop();
                    let method = frame.pop();
                    return self.call_flow(fiber, &method, args, Vec::new());
                }
                Op::Call(argc) => {
                    let argc = argc as usize;
                    let len = frame.stack.len();
                    if let Value::Function(f) = &frame.stack[len - argc - 1] {
                        if is_simple_call(&f.code, argc) {
                            let f = f.clone();
                            let mut callee = self.new_frame(f.code.clone(), f.globals.clone());
                            for (slot, v) in
                                callee.stack.iter_mut().zip(frame.stack.drain(len - argc..))
                            {
                                *slot = v;
                            }
                            frame.pop();
                            if !f.closure.is_empty() {
                                callee.cells.extend(f.closure.iter().cloned());
                            }
                            callee.function = Some(f);
                            if let Some(flow) = self.enter_call(fiber, callee) {
                                return Ok(flow);
                            }
                            continue;
                        }
                        if is_simple_generator_call(&f.code, argc) && self.debug.is_none() {
                            // A coroutine or generator function: its frame becomes the
                            // new object's, straight from the operand stack.
                            let f = f.clone();
                            self.make_generator_inline(frame, f, argc);
                            continue;
                        }
                    }
                    if let Some(func) = inline_native(&frame.stack[len - argc - 1], self) {
                        self.call_native_inline(fiber, func, len - argc, len - argc - 1)?;
                        if super::generator::close_pending() {
                            return Ok(Flow::Next);
                        }
                        continue;
                    }
                    let args: Vec<Value> = frame.stack.drain(len - argc..).collect();
                    let func = frame.pop();
                    return self.call_flow(fiber, &func, args, Vec::new());
                }
                Op::CallKw(argc) => {
                    let names = frame.pop();
                    let argc = argc as usize;
                    let len = frame.stack.len();
                    let mut args: Vec<Value> = frame.stack.drain(len - argc..).collect();
                    let func = frame.pop();
                    let names = match &names {
                        Value::Tuple(t) => t.clone(),
                        _ => Rc::new(Vec::new()),
                    };
                    let kw_values = args.split_off(args.len() - names.len());
                    let kwargs: Vec<(Symbol, Value)> = names
                        .iter()
                        .zip(kw_values)
                        .map(|(n, v)| (Symbol::new(n.as_str().unwrap_or("")), v))
                        .collect();
                    return self.call_flow(fiber, &func, args, kwargs);
                }
                Op::CallNamespace => {
                    let func = frame.pop();
                    let which = match &func {
                        Value::Builtin(b)
                            if b.receiver.is_none() && matches!(b.name, "locals" | "globals") =>
                        {
                            Some(b.name == "locals")
                        }
                        _ => None,
                    };
                    match which {
                        Some(locals) => {
                            let v = frame.namespace_dict(locals);
                            frame.push(v);
                        }
                        None => return self.call_flow(fiber, &func, Vec::new(), Vec::new()),
                    }
                }
                Op::CallEx => {
                    let kwargs = frame.pop();
                    let args = frame.pop();
                    let func = frame.pop();
                    let args = match &args {
                        Value::Tuple(t) => (**t).clone(),
                        other => ops::collect_iterable(self, other)?,
                    };
                    let kwargs = match &kwargs {
                        Value::Dict(d) => {
                            let d = d.borrow();
                            let mut out = Vec::with_capacity(d.len());
                            for e in d.iter() {
                                match e.key.as_str() {
                                    Some(k) => out.push((Symbol::new(k), e.value.clone())),
                                    None => {
                                        return Err(types::type_error("keywords must be strings"))
                                    }
                                }
                            }
                            out
                        }
                        _ => Vec::new(),
                    };
                    return self.call_flow(fiber, &func, args, kwargs);
                }
                Op::Subscript => {
                    let key = frame.pop();
                    let obj = frame.pop();
                    let v = ops::getitem(self, &obj, &key)?;
                    fiber.last_mut().expect("frame").push(v);
                }
                Op::StoreSubscript => {
                    let key = frame.pop();
                    let obj = frame.pop();
                    let v = frame.pop();
                    ops::setitem(self, &obj, key, v)?;
                }
                Op::DeleteSubscript => {
                    let key = frame.pop();
                    let obj = frame.pop();
                    ops::delitem(self, &obj, &key)?;
                }
                Op::Binary(bop) | Op::Inplace(bop) => {
                    let len = frame.stack.len();
                    // Numbers are immutable, so `x op= y` is `x op y` for them.
                    if let Some(v) =
                        ops::number_fast(bop, &frame.stack[len - 2], &frame.stack[len - 1])
                    {
                        frame.replace_top_two(v);
                        continue;
                    }
                    if bop == crate::ast::BinOp::Add
                        && matches!(frame.stack[len - 2], Value::Str(_))
                        && concat_in_place(frame)
                    {
                        continue;
                    }
                    let b = frame.pop();
                    let a = frame.pop();
                    let v = if matches!(op, Op::Inplace(_)) {
                        ops::inplace_op(self, bop, &a, &b)?
                    } else {
                        ops::binary_op(self, bop, &a, &b)?
                    };
                    fiber.last_mut().expect("frame").push(v);
                }
                Op::Compare(cop) => {
                    let len = frame.stack.len();
                    if let Some(t) =
                        ops::compare_fast(cop, &frame.stack[len - 2], &frame.stack[len - 1])
                    {
                        frame.replace_top_two(Value::Bool(t));
                        continue;
                    }
                    let b = frame.pop();
                    let a = frame.pop();
                    let v = ops::compare(self, cop, &a, &b)?;
                    fiber.last_mut().expect("frame").push(v);
                }
                Op::Neg | Op::Pos | Op::Invert => {
                    let a = frame.pop();
                    let v = ops::unary_op(self, op, &a)?;
                    fiber.last_mut().expect("frame").push(v);
                }
                Op::Not => {
                    let a = frame.pop();
                    let t = ops::truthy(self, &a)?;
                    fiber.last_mut().expect("frame").push(Value::Bool(!t));
                }
                Op::Pop => {
                    frame.pop();
                    if super::generator::close_pending() {
                        return Ok(Flow::Next);
                    }
                }
                Op::Dup => {
                    let v = frame.top().clone();
                    frame.push(v);
                }
                Op::Dup2 => {
                    let a = frame.peek(1).clone();
                    let b = frame.peek(0).clone();
                    frame.push(a);
                    frame.push(b);
                }
                Op::Rot2 => {
                    let len = frame.stack.len();
                    frame.stack.swap(len - 1, len - 2);
                }
                Op::Rot3 => {
                    let v = frame.pop();
                    let len = frame.stack.len();
                    frame.stack.insert(len - 2, v);
                }
                Op::Rot4 => {
                    let v = frame.pop();
                    let len = frame.stack.len();
                    frame.stack.insert(len - 3, v);
                }
                Op::BuildTuple(n) => {
                    let len = frame.stack.len();
                    let items: Vec<Value> = frame.stack.drain(len - n as usize..).collect();
                    frame.push(Value::tuple(items));
                }
                Op::BuildList(n) => {
                    let len = frame.stack.len();
                    let items: Vec<Value> = frame.stack.drain(len - n as usize..).collect();
                    frame.push(Value::list(items));
                }
                Op::BuildSet(n) => {
                    let folded = n & crate::bytecode::op::FOLDED_SET != 0;
                    let n = n & !crate::bytecode::op::FOLDED_SET;
                    let len = frame.stack.len();
                    let items: Vec<Value> = frame.stack.drain(len - n as usize..).collect();
                    let set = if folded {
                        ops::new_folded_set(self, items)?
                    } else {
                        ops::new_set(self, items, false)?
                    };
                    fiber.last_mut().expect("frame").push(set);
                }
                Op::BuildMap(n) => {
                    let len = frame.stack.len();
                    let items: Vec<Value> = frame.stack.drain(len - 2 * n as usize..).collect();
                    let d = crate::value::new_dict_rc(crate::value::Dict::new());
                    for pair in items.chunks(2) {
                        ops::dict_set(self, &d, pair[0].clone(), pair[1].clone())?;
                    }
                    fiber.last_mut().expect("frame").push(Value::Dict(d));
                }
                Op::BuildSlice(n) => {
                    let step = if n == 3 { frame.pop() } else { Value::None };
                    let stop = frame.pop();
                    let start = frame.pop();
                    frame.push(Value::native(Native::Slice(crate::value::object::Slice {
                        start,
                        stop,
                        step,
                    })));
                }
                Op::BuildString(n) => {
                    let len = frame.stack.len();
                    let mut s = String::new();
                    for v in frame.stack.drain(len - n as usize..) {
                        if let Value::Str(ref p) = v {
                            s.push_str(&p.text);
                        }
                    }
                    frame.push(Value::str(s));
                }
                Op::ListAppend(i) => {
                    let v = frame.pop();
                    if let Value::List(l) = frame.peek(i as usize - 1) {
                        l.borrow_mut().push(v);
                    }
                }
                Op::SetAdd(i) => {
                    let v = frame.pop();
                    let set = frame.peek(i as usize - 1).clone();
                    ops::set_add(self, &set, v)?;
                }
                Op::MapAdd(i) => {
                    let v = frame.pop();
                    let k = frame.pop();
                    if let Value::Dict(d) = &frame.peek(i as usize - 1).clone() {
                        ops::dict_set(self, d, k, v)?;
                    }
                }
                Op::ListExtend(i) => {
                    let it = frame.pop();
                    let list = frame.peek(i as usize - 1).clone();
                    let items =
                        ops::collect_iterable(self, &it).map_err(|e| ops::star_error(e, &it))?;
                    if let Value::List(l) = &list {
                        l.borrow_mut().extend(items);
                    }
                }
                Op::SetUpdate(i) => {
                    let it = frame.pop();
                    let set = frame.peek(i as usize - 1).clone();
                    if let Value::Set(s) = &set {
                        ops::set_update(self, s, &it)?;
                    }
                }
                Op::DictUpdate(i) | Op::DictMerge(i) => {
                    let m = frame.pop();
                    let target = frame.peek(i as usize - 1).clone();
                    if let Value::Dict(d) = &target {
                        let call = matches!(op, Op::DictMerge(_));
                        if let Err(e) = ops::dict_update(self, d, &m, call) {
                            if !call {
                                return Err(e);
                            }
                            // Below the dict: the positional tuple, then the callable.
                            let func = frame.peek(i as usize + 1).clone();
                            return Err(ops::call_kwargs_error(self, e, &func));
                        }
                    }
                }
                Op::ListToTuple => {
                    let v = frame.pop();
                    let items = match &v {
                        Value::List(l) => l.borrow().clone(),
                        _ => Vec::new(),
                    };
                    frame.push(Value::tuple(items));
                }
                Op::UnpackSequence(n) => {
                    let seq = frame.pop();
                    let items = ops::unpack(self, &seq, n as usize, None)?;
                    let frame = fiber.last_mut().expect("frame");
                    frame.stack.extend(items.into_iter().rev());
                }
                Op::UnpackEx(arg) => {
                    let before = (arg & 0xffff) as usize;
                    let after = (arg >> 16) as usize;
                    let seq = frame.pop();
                    let items = ops::unpack(self, &seq, before, Some(after))?;
                    let frame = fiber.last_mut().expect("frame");
                    frame.stack.extend(items.into_iter().rev());
                }
                Op::Jump(t) => {
                    if (t as usize) < frame.ip {
                        if let Some(e) = self.take_interrupt() {
                            return Err(e);
                        }
                        if self.count_ops {
                            if let Some(d) = self.debug.as_mut() {
                                d.ops += (frame.ip - t as usize) as u64;
                            }
                        }
                    }
                    frame.ip = t as usize;
                }
                Op::PopJumpIfFalse(t) => {
                    let v = frame.pop();
                    let truth = match v {
                        Value::Bool(b) => b,
                        _ => ops::truthy(self, &v)?,
                    };
                    if !truth {
                        fiber.last_mut().expect("frame").ip = t as usize;
                    }
                }
                Op::PopJumpIfTrue(t) => {
                    let v = frame.pop();
                    let truth = match v {
                        Value::Bool(b) => b,
                        _ => ops::truthy(self, &v)?,
                    };
                    if truth {
                        fiber.last_mut().expect("frame").ip = t as usize;
                    }
                }
                Op::JumpIfFalseOrPop(t) => {
                    let v = frame.top().clone();
                    if !ops::truthy(self, &v)? {
                        fiber.last_mut().expect("frame").ip = t as usize;
                    } else {
                        fiber.last_mut().expect("frame").pop();
                    }
                }
                Op::JumpIfTrueOrPop(t) => {
                    let v = frame.top().clone();
                    if ops::truthy(self, &v)? {
                        fiber.last_mut().expect("frame").ip = t as usize;
                    } else {
                        fiber.last_mut().expect("frame").pop();
                    }
                }
                Op::GetIter => {
                    let v = frame.pop();
                    let it = ops::get_iter(self, &v)?;
                    fiber.last_mut().expect("frame").push(it);
                }
                Op::ForIter(t) => {
                    // `for i in range(...)`: step the range iterator in place.
                    if let Some(Value::Native(n)) = frame.stack.last() {
                        if let Native::Iter(state, _) = &**n {
                            let next = match &mut *state.borrow_mut() {
                                crate::value::object::IterState::Range {
                                    next,
                                    step,
                                    remaining,
                                } => Some(if *remaining > 0 {
                                    let v = *next;
                                    *remaining -= 1;
                                    // The last value's successor may not fit; it is never used.
                                    *next = next.wrapping_add(*step);
                                    Some(v)
                                } else {
                                    None
                                }),
                                _ => None,
                            };
                            match next {
                                Some(Some(v)) => {
                                    frame.push(Value::Int(v));
                                    continue;
                                }
                                Some(None) => {
                                    frame.pop();
                                    frame.ip = t as usize;
                                    continue;
                                }
                                None => {}
                            }
                        }
                    }
                    let it = frame.top().clone();
                    if let Value::Generator(g) = &it {
                        if g.kind == GenKind::Generator {
                            let g = g.clone();
                            return self.resume_for_iter(fiber, &g);
                        }
                    }
                    match ops::iter_next(self, &it)? {
                        Some(v) => fiber.last_mut().expect("frame").push(v),
                        None => {
                            let frame = fiber.last_mut().expect("frame");
                            frame.pop();
                            frame.ip = t as usize;
                        }
                    }
                }
                Op::MakeFunction(flags) => {
                    let code = match &frame.pop() {
                        Value::Native(n) => match &**n {
                            Native::Code(c) => c.clone(),
                            _ => return Err(types::system_error("MakeFunction without code")),
                        },
                        _ => return Err(types::system_error("MakeFunction without code")),
                    };
                    let closure: Vec<CellRef> = if flags & 4 != 0 {
                        match &frame.pop() {
                            Value::Tuple(t) => t
                                .iter()
                                .filter_map(|c| match c {
                                    Value::Native(n) => match &**n {
                                        Native::Cell(cell) => Some(cell.clone()),
                                        _ => None,
                                    },
                                    _ => None,
                                })
                                .collect(),
                            _ => Vec::new(),
                        }
                    } else {
                        Vec::new()
                    };
                    let kwdefaults = if flags & 2 != 0 {
                        match &frame.pop() {
                            Value::Tuple(t) => t
                                .iter()
                                .map(|v| {
                                    if let Value::Undef = v {
                                        None
                                    } else {
                                        Some(v.clone())
                                    }
                                })
                                .collect(),
                            _ => Vec::new(),
                        }
                    } else {
                        vec![None; code.kwonlyargcount as usize]
                    };
                    let defaults = if flags & 1 != 0 {
                        match &frame.pop() {
                            Value::Tuple(t) => (**t).clone(),
                            _ => Vec::new(),
                        }
                    } else {
                        Vec::new()
                    };
                    let f = call::make_function(
                        code,
                        frame.globals.clone(),
                        defaults,
                        kwdefaults,
                        closure,
                    );
                    frame.push(f);
                }
                Op::Return => {
                    let v = frame.pop();
                    // A plain call returning to its caller: stay in this loop.
                    if matches!(frame.entry, Entry::Call)
                        && frame.generator.is_none()
                        && fiber.len() > 1
                    {
                        let done = fiber.pop().expect("frame");
                        self.depth -= 1;
                        self.recycle_frame(done);
                        fiber.last_mut().expect("caller").push(v);
                        if super::generator::close_pending() {
                            return Ok(Flow::Next);
                        }
                        continue;
                    }
                    return Ok(Flow::Return(v));
                }
                Op::Yield => {
                    let v = frame.pop();
                    if frame.code.flags.is_coroutine {
                        return Ok(Flow::AsyncYield(v));
                    }
                    return Ok(Flow::Yield(v));
                }
                Op::AsyncGenWrap => {}
                Op::GetYieldFromIter => {
                    let v = frame.pop();
                    if let Some(g) = crate::stdlib::generators::wrapped_coroutine(&v) {
                        // `yield from coro.__await__()`: delegate to the coroutine itself.
                        fiber.last_mut().expect("frame").push(Value::Generator(g));
                        return Ok(Flow::Next);
                    }
                    let it = match &v {
                    Value::Generator(g) if g.kind == GenKind::Generator => v.clone(),
                    Value::Generator(g) if g.kind == GenKind::Coroutine => {
                        return Err(types::type_error(
                            "cannot 'yield from' a coroutine object in a non-coroutine generator",
                        ))
                    }
                    _ => ops::get_iter(self, &v)?,
                };
                    fiber.last_mut().expect("frame").push(it);
                }
                Op::GetAwaitable(origin) => {
                    let v = frame.pop();
                    if self.is_yield_once(&v) {
                        // `asyncio.sleep(0)`'s awaitable: YieldFrom yields once on it
                        // directly, with no iterator to allocate.
                        fiber.last_mut().expect("frame").push(v);
                        continue;
                    }
                    let aw = match ops::get_awaitable(self, &v) {
                        Err(_) if origin > 0 && v.class().lookup(crate::value::intern::sym::AWAIT).is_none() => {
                            return Err(types::type_error(format!(
                                "'async with' received an object from {} that does not implement __await__: {}",
                                if origin == 1 { "__aenter__" } else { "__aexit__" },
                                v.type_name()
                            )))
                        }
                        r => r?,
                    };
                    fiber.last_mut().expect("frame").push(aw);
                }
                Op::YieldFrom => return self.yield_from(fiber),
                Op::SetupExcept(t) | Op::SetupFinally(t) => {
                    let level = frame.level() as u32;
                    frame.blocks.push(Block { handler: t, level });
                }
                Op::SetupCleanup(t) => {
                    let level = frame.level() as u32 - 1;
                    frame.blocks.push(Block { handler: t, level });
                }
                Op::PopBlock => {
                    frame.blocks.pop();
                }
                Op::PushExcInfo => {
                    let exc = frame.pop();
                    let prev = frame.handled.take().unwrap_or(Value::None);
                    frame.handled = Some(exc.clone());
                    frame.push(prev);
                    frame.push(exc);
                }
                Op::PopExcept => {
                    let prev = frame.pop();
                    frame.handled = if prev.is_none() { None } else { Some(prev) };
                }
                Op::Reraise => {
                    let exc = frame.pop();
                    return Ok(Flow::Reraise(exc));
                }
                Op::CheckExcMatch => {
                    let typ = frame.pop();
                    let exc = frame.top().clone();
                    let m = exceptions::exception_matches(&exc, &typ)?;
                    fiber.last_mut().expect("frame").push(Value::Bool(m));
                }
                Op::CheckEgMatch => {
                    let typ = frame.pop();
                    let rest = frame.pop();
                    let (rest, matched) = exceptions::split_group(self, &rest, &typ)?;
                    let frame = fiber.last_mut().expect("frame");
                    frame.push(rest);
                    frame.push(matched);
                }
                Op::PrepReraiseStar => {
                    let raised = frame.pop();
                    let orig = frame.pop();
                    let v = exceptions::prep_reraise_star(self, &orig, &raised)?;
                    fiber.last_mut().expect("frame").push(v);
                }
                Op::Raise(n) => {
                    return match n {
                        0 => match frame_handled(fiber).or_else(|| self.handled_base.clone()) {
                            Some(e) => Ok(Flow::Reraise(e)),
                            None => Err(types::runtime_error("No active exception to reraise")),
                        },
                        _ => {
                            let cause = if n == 2 { Some(frame.pop()) } else { None };
                            let exc = frame.pop();
                            let exc = exceptions::make_raisable(self, exc)?;
                            if let Some(cause) = cause {
                                exceptions::set_cause(self, &exc, cause)?;
                            }
                            Err(exc)
                        }
                    };
                }
                Op::BeforeWith => {
                    let mgr = frame.pop();
                    let enter = ops::special_method(
                        self,
                        &mgr,
                        crate::value::intern::sym::ENTER,
                        "__enter__",
                        true,
                    )?;
                    let exit = ops::special_method(
                        self,
                        &mgr,
                        crate::value::intern::sym::EXIT,
                        "__exit__",
                        true,
                    )?;
                    let result = self.call(&enter, &[])?;
                    let frame = fiber.last_mut().expect("frame");
                    frame.push(exit);
                    frame.push(result);
                }
                Op::BeforeAsyncWith => {
                    let mgr = frame.pop();
                    let enter = ops::special_method(
                        self,
                        &mgr,
                        crate::value::intern::sym::AENTER,
                        "__aenter__",
                        false,
                    )?;
                    let exit = ops::special_method(
                        self,
                        &mgr,
                        crate::value::intern::sym::AEXIT,
                        "__aexit__",
                        false,
                    )?;
                    let result = self.call(&enter, &[])?;
                    let frame = fiber.last_mut().expect("frame");
                    frame.push(exit);
                    frame.push(result);
                }
                Op::WithExceptStart => {
                    let exc = frame.top().clone();
                    let exit = frame.peek(2).clone();
                    let typ = Value::Class(exc.class());
                    let tb = crate::stdlib::tbobj::traceback_of(&exc);
                    let r = self.call(&exit, &[typ, exc, tb])?;
                    fiber.last_mut().expect("frame").push(r);
                }
                Op::FormatValue(flags) => {
                    let spec = if flags & 4 != 0 {
                        Some(frame.pop())
                    } else {
                        None
                    };
                    let v = frame.pop();
                    let s = ops::format_value(self, &v, flags & 3, spec.as_ref())?;
                    fiber.last_mut().expect("frame").push(s);
                }
                Op::ImportName(i) => {
                    let name = frame.code.names[i as usize];
                    let fromlist = frame.pop();
                    let _level = frame.pop();
                    let text = name.text();
                    let mut m = crate::stdlib::import_module(self, &text)?;
                    // `import a.b` binds `a`: the statement gets the top-level package.
                    if let (Some((top, _)), true) = (text.split_once('.'), fromlist.is_none()) {
                        m = crate::stdlib::import_module(self, top)?;
                    }
                    fiber.last_mut().expect("frame").push(m);
                }
                Op::ImportFrom(i) => {
                    let name = frame.code.names[i as usize];
                    let m = frame.top().clone();
                    let v = ops::getattr(self, &m, name).map_err(|_| {
                        let mname = match &m {
                            Value::Module(m) => m.name.clone(),
                            _ => "?".into(),
                        };
                        let e = types::import_error(format!(
                            "cannot import name '{name}' from '{mname}' (unknown location)"
                        ));
                        if let Value::Instance(i) = &e {
                            i.dict.insert(Symbol::new("name"), Value::str(mname));
                        }
                        e
                    })?;
                    fiber.last_mut().expect("frame").push(v);
                }
                Op::ImportStar => {
                    let m = frame.pop();
                    if let Value::Module(m) = &m {
                        crate::stdlib::load_lazy_parts(self, m)?;
                        let items: Vec<(Symbol, Value)> = m.globals.items();
                        let frame = fiber.last_mut().expect("frame");
                        for (k, v) in items {
                            if !k.with(|s| s.starts_with('_')) {
                                frame.globals.globals.insert(k, v);
                            }
                        }
                    }
                }
                Op::LoadBuildClass => {
                    let v = self.builtins.globals.get(&Symbol::new("__build_class__"));
                    frame.push(v.unwrap_or(Value::None));
                }
                Op::LoadAssertionError => {
                    let c = types::with_types(|t| t.assertion_error.clone());
                    frame.push(Value::Class(c));
                }
                Op::PrintExpr => {
                    let v = frame.pop();
                    if !v.is_none() {
                        let r = ops::repr(self, &v)?;
                        self.stdout.write_str(&r);
                        self.stdout.write_str("\n");
                        self.builtins.globals.insert(Symbol::new("_"), v);
                    }
                }
                Op::GetAIter => {
                    let v = frame.pop();
                    let it = ops::get_aiter(self, &v)?;
                    fiber.last_mut().expect("frame").push(it);
                }
                Op::GetANext => {
                    let it = frame.top().clone();
                    let aw = ops::get_anext(self, &it)?;
                    fiber.last_mut().expect("frame").push(aw);
                }
                Op::EndAsyncFor => {
                    let exc = frame.pop();
                    if types::exc_is(&exc, |t| &t.stop_async_iteration) {
                        frame.pop();
                        frame.handled = None;
                    } else {
                        return Ok(Flow::Reraise(exc));
                    }
                }
                Op::Unreachable => return Err(types::system_error("unreachable code was reached")),
            }
        }
    }

    /// Calls from the dispatch loop: script functions become a pushed frame.
    fn call_flow(
        &mut self,
        fiber: &mut [Box<Frame>],
        func: &Value,
        args: Vec<Value>,
        kwargs: Vec<(Symbol, Value)>,
    ) -> PyResult<Flow> {
        let prepared = if matches!(func, Value::Function(_)) {
            call::prepare_call(self, func, args, kwargs)
        } else {
            // Natives cannot see the fiber: record what sys.exc_info() must report, and
            // drop it afterwards so a later nested run never inherits a stale one.
            self.native_handled = frame_handled(fiber).or_else(|| self.handled_base.clone());
            if let Value::Builtin(b) = func {
                if b.name == crate::runtime::graph::STACK_PROBE
                    || b.name == crate::runtime::graph::PLACE_PROBE
                {
                    crate::runtime::graph::record_caller_frames(fiber);
                }
            }
            let r = call::prepare_call(self, func, args, kwargs);
            self.native_handled = self.handled_base.clone();
            r
        };
        match prepared? {
            Prepared::Done(v) => {
                if self.debug.is_some()
                    && matches!(&v, Value::Generator(g) if g.kind == super::generator::GenKind::Coroutine)
                {
                    crate::runtime::debug::coroutine_created(self, &v, fiber);
                }
                fiber.last_mut().expect("frame").push(v);
                Ok(Flow::Next)
            }
            Prepared::Frame(f) => Ok(Flow::Push(f)),
        }
    }
}

/// The function of a native builtin that the dispatch loop may call in place, with its
/// arguments still on the operand stack: no bound receiver, not one of the call-graph
/// probes (which look at the caller's frames), and not under --debug (which inspects
/// every coroutine a call creates).
#[inline]
fn inline_native(callee: &Value, vm: &Vm) -> Option<crate::value::object::NativeFn> {
    match callee {
        Value::Builtin(b)
            if b.receiver.is_none()
                && vm.debug.is_none()
                && b.name != crate::runtime::graph::STACK_PROBE
                && b.name != crate::runtime::graph::PLACE_PROBE =>
        {
            Some(b.func)
        }
        _ => None,
    }
}

impl Vm {
    /// The global (or builtin) `name`, the `i`th name of `frame`'s code, through the
    /// code's name cache; the module's deferred definitions are asked before NameError.
    #[inline]
    fn global_value(&mut self, frame: &Frame, i: u32, name: Symbol) -> PyResult<Value> {
        let cache = &frame.code.name_cache[i as usize];
        if let Some(v) = frame
            .globals
            .globals
            .lookup_cached(&self.builtins.globals, name, cache)
        {
            return Ok(v);
        }
        match crate::stdlib::lazy_global(self, &frame.globals, name)? {
            Some(v) => Ok(v),
            None => Err(exceptions::name_error(name)),
        }
    }

    /// A plain positional call of a coroutine or generator function whose callee and
    /// `argc` arguments are the top of `frame`'s stack: replaces them with the new
    /// object, its frame filled straight from the stack.
    #[inline(never)]
    fn make_generator_inline(
        &mut self,
        frame: &mut Frame,
        f: Rc<crate::value::object::Function>,
        argc: usize,
    ) {
        let len = frame.stack.len();
        let mut callee = self.new_frame(f.code.clone(), f.globals.clone());
        for (slot, v) in callee.stack.iter_mut().zip(frame.stack.drain(len - argc..)) {
            *slot = v;
        }
        frame.pop();
        if !f.closure.is_empty() {
            callee.cells.extend(f.closure.iter().cloned());
        }
        callee.function = Some(f.clone());
        let g = call::wrap_generator(&f, callee);
        frame.push(g);
    }

    /// Calls a native with the arguments `stack[base..]` of the top frame, then replaces
    /// everything from `callee` (the callee's slot) up with the result.
    #[inline(never)]
    fn call_native_inline(
        &mut self,
        fiber: &mut [Box<Frame>],
        func: crate::value::object::NativeFn,
        base: usize,
        callee: usize,
    ) -> PyResult<()> {
        // Natives cannot see the fiber: record what sys.exc_info() must report, and
        // drop it afterwards so a later nested run never inherits a stale one.
        self.native_handled = frame_handled(fiber).or_else(|| self.handled_base.clone());
        let frame = fiber.last_mut().expect("frame");
        let r = func(self, &frame.stack[base..], &[]);
        self.native_handled = self.handled_base.clone();
        let v = r?;
        // A Ctrl-C that arrived during the call (say `os.kill(os.getpid(), SIGINT)`)
        // is raised here, as CPython's eval breaker does after a call.
        if let Some(e) = self.take_interrupt() {
            return Err(e);
        }
        frame.stack.truncate(callee);
        frame.push(v);
        Ok(())
    }
}

/// A call that needs no argument binding: exactly the positional parameters, no cells
/// of its own, not a generator.
impl Vm {
    /// Pushes a plain call's frame and keeps running in `step` (None), or hands it to
    /// the caller of `step` (the recursion limit is reached, Ctrl-C is pending or a resource limit tripped).
    #[inline]
    fn enter_call(&mut self, fiber: &mut Vec<Box<Frame>>, callee: Box<Frame>) -> Option<Flow> {
        if self.depth >= self.recursion_limit {
            return Some(Flow::Push(callee));
        }
        self.depth += 1;
        fiber.push(callee);
        if self.executed > self.instruction_limit
            || super::INTERRUPT.load(std::sync::atomic::Ordering::Relaxed)
        {
            return Some(Flow::Next);
        }
        None
    }
}

/// `s += t` / `s = s + t` on strings where the next instruction stores the result back
/// into the local `s` came from: like CPython, drop the local's reference first so the
/// string can grow in place instead of being copied (which makes a loop of `+=`
/// quadratic). Returns false, changing nothing, when the pattern does not apply.
fn concat_in_place(frame: &mut Frame) -> bool {
    let len = frame.stack.len();
    let (Value::Str(a), Value::Str(_)) = (&frame.stack[len - 2], &frame.stack[len - 1]) else {
        return false;
    };
    let Some(Op::StoreFast(slot)) = frame.code.ops.get(frame.ip).copied() else {
        return false;
    };
    let slot = slot as usize;
    match &frame.stack[slot] {
        Value::Str(local) if Rc::ptr_eq(local, a) => {}
        _ => return false,
    }
    if Rc::strong_count(a) != 2 {
        return false;
    }
    // The local's reference goes (the StoreFast that follows rebinds it anyway).
    frame.stack[slot] = Value::Undef;
    let (Some(Value::Str(ref b)), Some(Value::Str(a))) =
        (frame.stack.pop(), frame.stack.last_mut())
    else {
        return false; // not reached: both operands were checked to be strings
    };
    match Rc::get_mut(a) {
        Some(s) => s.append(b),
        None => {
            let mut joined = PyStr::new(a.text.clone());
            joined.append(b);
            *a = Rc::new(joined);
        }
    }
    true
}

#[inline]
fn is_simple_call(code: &crate::bytecode::Code, argc: usize) -> bool {
    code.argcount as usize == argc
        && code.kwonlyargcount == 0
        && !code.flags.has_varargs
        && !code.flags.has_varkw
        && !code.flags.is_generator
        && !code.flags.is_coroutine
        && code.cellvars.is_empty()
}

/// Like `is_simple_call`, for a generator, coroutine or async generator function.
#[inline]
fn is_simple_generator_call(code: &crate::bytecode::Code, argc: usize) -> bool {
    code.argcount as usize == argc
        && code.kwonlyargcount == 0
        && !code.flags.has_varargs
        && !code.flags.has_varkw
        && (code.flags.is_generator || code.flags.is_coroutine)
        && code.cellvars.is_empty()
}

/// The exception being handled by the innermost frame that handles one.
pub fn frame_handled(fiber: &[Box<Frame>]) -> Option<Value> {
    fiber.iter().rev().find_map(|f| f.handled.clone())
}
