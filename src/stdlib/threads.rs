//! What `asyncio.to_thread` and `loop.run_in_executor` run where.
//!
//! The VM is single-threaded, so a call goes to a worker thread only when it is
//! one of the blocking natives below, whose work can be described as plain Rust
//! data: `time.sleep(d)`, `sum(range(...))`, and `read()` / `write(data)` on a
//! file object. Any other callable (script functions included) runs on the
//! loop thread at once, when the call is made; its result or exception reaches
//! the future one loop iteration later, as a thread's would.

use crate::runtime::future;
use crate::runtime::workers::{self, Finish, Job, JobResult};
use crate::value::object::NativeFn;
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::Vm;

type Kw<'a> = &'a [(Symbol, Value)];

/// The same native function (compared by address).
fn same_fn(a: NativeFn, b: NativeFn) -> bool {
    a as usize == b as usize
}

/// A worker-thread job for `func(*args)`, when there is one.
fn job_for(vm: &mut Vm, func: &Value, args: &[Value]) -> PyResult<Option<(Job, Option<Finish>)>> {
    let Value::Builtin(b) = func else {
        return Ok(None);
    };
    if b.receiver.is_none() && same_fn(b.func, super::time::sleep) && args.len() == 1 {
        let d = super::time::seconds(vm, &args[0])?;
        if d < 0.0 {
            return Err(types::value_error("sleep length must be non-negative"));
        }
        let job: Job = if vm.clock.is_virtual() {
            Box::new(move || JobResult::Slept(d))
        } else {
            Box::new(move || {
                if let Ok(dur) = std::time::Duration::try_from_secs_f64(d) {
                    std::thread::sleep(dur);
                }
                JobResult::None
            })
        };
        return Ok(Some((job, None)));
    }
    if b.receiver.is_none() && same_fn(b.func, super::builtins::sum) && args.len() == 1 {
        if let Value::Range(r) = &args[0] {
            let (start, stop, step) = (r.start, r.stop, r.step);
            let job: Job = Box::new(move || sum_range(start, stop, step));
            return Ok(Some((job, None)));
        }
        return Ok(None);
    }
    if let Some(recv) = &b.receiver {
        return super::files::thread_job(vm, b.name, recv, args);
    }
    Ok(None)
}

/// sum(range(start, stop, step)), added one by one like the builtin.
fn sum_range(start: i64, stop: i64, step: i64) -> JobResult {
    let mut total: i128 = 0;
    let mut big: Option<num_bigint::BigInt> = None;
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        match total.checked_add(i as i128) {
            Some(t) => total = t,
            None => {
                let b = big.take().unwrap_or_default() + num_bigint::BigInt::from(total);
                big = Some(b);
                total = i as i128;
            }
        }
        match i.checked_add(step) {
            Some(n) => i = n,
            None => break,
        }
    }
    match big {
        Some(b) => JobResult::BigInt((b + num_bigint::BigInt::from(total)).to_string()),
        None => match i64::try_from(total) {
            Ok(n) => JobResult::Int(n),
            Err(_) => JobResult::BigInt(total.to_string()),
        },
    }
}

/// `_run_in_thread(func, args, kwargs)`: a future for `func(*args, **kwargs)`,
/// computed on a worker thread when the call allows it, else on the loop thread.
fn run_in_thread(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let func = args.first().cloned().unwrap_or(Value::None);
    let call_args: Vec<Value> = match args.get(1) {
        Some(Value::Tuple(t)) => t.to_vec(),
        Some(Value::List(l)) => l.borrow().clone(),
        _ => Vec::new(),
    };
    let has_kwargs = matches!(args.get(2), Some(Value::Dict(d)) if !d.borrow().is_empty());
    if !has_kwargs {
        if let Some((job, finish)) = job_for(vm, &func, &call_args)? {
            return workers::submit(vm, job, finish);
        }
    }
    // Called at once, as a thread would start it at once; the outcome reaches
    // the future one loop iteration later, as a thread's result would.
    let fut = future::new_future();
    let pos = args.get(1).cloned().unwrap_or(Value::tuple(Vec::new()));
    let kw = args.get(2).cloned().unwrap_or(Value::None);
    // A worker thread starts with an empty context (to_thread passes
    // copy_context().run to carry the caller's).
    let ctx: crate::vm::context::ContextRef = Default::default();
    let saved = crate::stdlib::contextvars::enter(vm, &ctx);
    let outcome = call_with(vm, &func, &pos, &kw);
    crate::stdlib::contextvars::exit(vm, &ctx, saved);
    let (ok, value) = match outcome {
        Ok(v) => (true, v),
        Err(e) => {
            if types::exc_is(&e, |t| &t.keyboard_interrupt) || types::exc_is(&e, |t| &t.system_exit)
            {
                return Err(e);
            }
            (false, e)
        }
    };
    vm.call_soon(crate::runtime::Callback::Call {
        func: Value::builtin("_settle", settle),
        args: vec![fut.clone(), Value::Bool(ok), value],
    });
    Ok(fut)
}

/// Sets `fut`'s result (ok) or exception, unless it was cancelled meanwhile.
fn settle(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let [fut, ok, value] = args else {
        return Ok(Value::None);
    };
    if future::future_of(fut).is_some_and(|f| f.done()) {
        return Ok(Value::None);
    }
    if matches!(ok, Value::Bool(true)) {
        future::set_result(vm, fut, value.clone())?;
    } else {
        future::set_exception(vm, fut, value.clone())?;
    }
    Ok(Value::None)
}

/// Calls `func(*pos, **kw)` (a tuple or list, a dict or None).
fn call_with(vm: &mut Vm, func: &Value, pos: &Value, kw: &Value) -> PyResult<Value> {
    let pos: Vec<Value> = match pos {
        Value::Tuple(t) => t.to_vec(),
        Value::List(l) => l.borrow().clone(),
        _ => Vec::new(),
    };
    let mut kwargs: Vec<(Symbol, Value)> = Vec::new();
    if let Value::Dict(d) = kw {
        for e in d.borrow().iter() {
            if let Value::Str(s) = &e.key {
                kwargs.push((Symbol::new(&s.text), e.value.clone()));
            }
        }
    }
    vm.call_kw(func, &pos, &kwargs)
}

/// `loop.run_in_executor(executor, func, *args)`: None or a ThreadPoolExecutor.
pub fn loop_run_in_executor(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if args.len() < 3 {
        return Err(types::type_error(format!(
            "run_in_executor() missing {} required positional argument{}",
            3 - args.len(),
            if args.len() == 2 { "" } else { "s" }
        )));
    }
    let executor = &args[1];
    if !matches!(executor, Value::None) {
        let shut = match crate::vm::ops::getattr(vm, executor, Symbol::new("_shutdown")) {
            Ok(v) => crate::vm::ops::truthy(vm, &v)?,
            Err(_) => false,
        };
        if shut {
            return Err(types::runtime_error(
                "cannot schedule new futures after shutdown",
            ));
        }
    }
    let call = [
        args[2].clone(),
        Value::tuple(args[3..].to_vec()),
        Value::None,
    ];
    run_in_thread(vm, &call, &[])
}

/// `_report(message, exc)`: the loop's default exception handler output.
fn report(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let message = match args.first() {
        Some(Value::Str(s)) => s.text.clone(),
        _ => String::new(),
    };
    if let Some(exc) = args.get(1) {
        vm.report_exception(&message, exc);
    }
    Ok(Value::None)
}

/// Adds `_run_in_thread` and `_report` to the native `_asyncio` module.
pub fn register(g: &mut crate::value::object::AttrMap) {
    g.insert(Symbol::new("_report"), Value::builtin("_report", report));
    g.insert(
        Symbol::new("_run_in_thread"),
        Value::builtin("_run_in_thread", run_in_thread),
    );
}
