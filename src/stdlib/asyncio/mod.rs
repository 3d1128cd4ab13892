//! The asyncio module: the native core (`_asyncio`: Future, Task, the loop,
//! run, create_task) and the rest written in aio (asyncio.aio).

mod queue_fast;

use crate::runtime::future::{self, future_of, DoneCallback};
use crate::runtime::{self, task, Callback};
use crate::stdlib::builtins::arity;
use crate::value::object::{Module, Native};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::generator::GenKind;
use crate::vm::ops;
use crate::vm::Vm;
use std::rc::Rc;

mod call_graph;
mod exception_handler;
mod task_stack;

pub use exception_handler::{call_exception_handler, callback_source};

type Kw<'a> = &'a [(Symbol, Value)];

fn kwarg<'a>(kwargs: Kw<'a>, name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(k, _)| k.with(|s| s == name))
        .map(|(_, v)| v)
}

/// The names asyncio re-exports from asyncio.streams.
const STREAM_NAMES: &[&str] = &[
    "IncompleteReadError",
    "LimitOverrunError",
    "StreamReader",
    "StreamWriter",
    "Server",
    "open_connection",
    "start_server",
    "to_thread",
];

/// The names asyncio re-exports from its call-graph part (graph.aio).
const GRAPH_NAMES: &[&str] = &[
    "FrameCallGraphEntry",
    "FutureCallGraph",
    "capture_call_graph",
    "format_call_graph",
    "print_call_graph",
];

/// `import asyncio`: the aio-written module over the native core.
///
/// Only asyncio.aio's top-level statements run here; its functions and
/// classes compile on first use (`lazy_defs`). The streams part
/// (asyncio.streams) and the call-graph part (graph.aio) load on first use of
/// one of their names (`lazy_attr`), so a program pays at start-up only for
/// what it uses.
pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let core = native_core(vm);
    vm.modules.borrow_mut().insert("_asyncio".to_string(), core);
    super::lazy_defs::load(
        vm,
        "asyncio",
        "<aio asyncio>".to_string(),
        include_str!("asyncio.aio").to_string(),
    )
}

/// `import asyncio.streams` (also loaded by the first use of a stream name
/// through the asyncio module): the streams part, re-exported by asyncio.
pub fn streams_module(vm: &mut Vm) -> PyResult<Value> {
    if let Some(m) = vm.modules.borrow().get("asyncio.streams") {
        return Ok(m.clone());
    }
    let asyncio = super::import_module(vm, "asyncio")?;
    let streams = super::load_source_module(
        vm,
        "asyncio.streams",
        "<aio asyncio.streams>".to_string(),
        include_str!("streams.aio").to_string(),
    )?;
    if let (Value::Module(a), Value::Module(s)) = (&asyncio, &streams) {
        let g = &a.globals;
        g.insert(Symbol::new("streams"), streams.clone());
        for name in STREAM_NAMES {
            let sym = Symbol::new(name);
            if let Some(v) = s.globals.get(&sym) {
                g.insert(sym, v);
            }
        }
    }
    Ok(streams)
}

/// Runs graph.aio inside the asyncio module's own namespace (once).
fn load_graph(vm: &mut Vm, m: &Rc<Module>) -> PyResult<()> {
    if m.globals.get(&Symbol::new("capture_call_graph")).is_some() {
        return Ok(());
    }
    super::run_source_in(
        vm,
        m,
        "<aio asyncio.graph>".to_string(),
        include_str!("graph.aio").to_string(),
    )
}

/// A name missing from a module's namespace that a lazily loaded part
/// defines: loads the part and answers the name (None when no part has it).
pub fn lazy_attr(vm: &mut Vm, m: &Rc<Module>, name: Symbol) -> PyResult<Option<Value>> {
    if m.name != "asyncio" {
        return Ok(None);
    }
    let text = name.text();
    if &*text == "streams" || STREAM_NAMES.contains(&&*text) {
        streams_module(vm)?;
    } else if GRAPH_NAMES.contains(&&*text) {
        load_graph(vm, m)?;
    } else {
        return Ok(None);
    }
    Ok(m.globals.get(&name))
}

/// Loads every lazy part of a module (for `from asyncio import *`, `dir()`
/// and `__dict__`, which see the whole namespace).
pub fn load_lazy_parts(vm: &mut Vm, m: &Rc<Module>) -> PyResult<()> {
    if m.name == "asyncio" {
        streams_module(vm)?;
        load_graph(vm, m)?;
    }
    Ok(())
}

fn native_core(_vm: &mut Vm) -> Value {
    let m = super::new_module("_asyncio");
    {
        let g = &m.globals;
        let def = |name: &'static str, f: crate::value::object::NativeFn| {
            g.insert(Symbol::new(name), Value::builtin(name, f));
        };
        def("run", run);
        def("create_task", create_task);
        def("ensure_future", ensure_future);
        def("get_running_loop", get_running_loop);
        def("get_event_loop", get_event_loop);
        def("new_event_loop", new_event_loop);
        def("set_event_loop", set_event_loop);
        def("current_task", current_task);
        def("all_tasks", all_tasks);
        def("iscoroutine", iscoroutine);
        def("isfuture", isfuture);
        def("iscoroutinefunction", iscoroutinefunction);
        def("_set_result_unless_cancelled", set_result_unless_cancelled);
        def("_gathering_future", gathering_future);
        def("_report_exception", report_exception_native);
        def("_runner_close", runner_close);
        def("_gather_cancel_requested", gather_cancel_requested);
        def("_cancelled_error_of", cancelled_error_of);
        def("_cancel_message", cancel_message);
        def("_label", label);
        def("_yield_once", yield_once);
        def("_holder", call_graph::holder);
        def(crate::runtime::graph::PLACE_PROBE, call_graph::caller_place);
        def("_debug_warn", call_graph::debug_warn);
        def("_debug_enabled", call_graph::debug_enabled);
        def(crate::runtime::graph::STACK_PROBE, call_graph::call_graph);
        def("future_add_to_awaited_by", call_graph::add_to_awaited_by);
        def(
            "future_discard_from_awaited_by",
            call_graph::discard_from_awaited_by,
        );
        def("_queue_put_fast", queue_fast::put_fast);
        def("_queue_get_fast", queue_fast::get_fast);
        let mut natives = crate::value::object::AttrMap::default();
        super::streams::register(&mut natives);
        super::threads::register(&mut natives);
        for (k, v) in natives {
            g.insert(k, v);
        }
        types::with_async_types(|a| {
            g.insert(Symbol::new("Future"), Value::Class(a.future.clone()));
            g.insert(Symbol::new("Task"), Value::Class(a.task.clone()));
            g.insert(
                Symbol::new("CancelledError"),
                Value::Class(a.cancelled_error.clone()),
            );
            g.insert(
                Symbol::new("InvalidStateError"),
                Value::Class(a.invalid_state_error.clone()),
            );
            g.insert(
                Symbol::new("AbstractEventLoop"),
                Value::Class(a.event_loop.clone()),
            );
            g.insert(Symbol::new("Handle"), Value::Class(a.handle.clone()));
            g.insert(
                Symbol::new("TimerHandle"),
                Value::Class(a.timer_handle.clone()),
            );
        });
    }
    register_methods();
    Value::Module(m)
}

fn register_methods() {
    types::with_async_types(|a| {
        let m = |c: &std::rc::Rc<crate::value::object::Class>,
                 name: &'static str,
                 f: crate::value::object::NativeFn| {
            types::set_class_attr(c, name, Value::builtin(name, f));
        };
        let f = &a.future;
        m(f, "__new__", future_new);
        m(f, "result", fut_result);
        m(f, "exception", fut_exception);
        m(f, "set_result", fut_set_result);
        m(f, "set_exception", fut_set_exception);
        m(f, "done", fut_done);
        m(f, "cancelled", fut_cancelled);
        m(f, "cancel", fut_cancel);
        m(f, "add_done_callback", fut_add_done_callback);
        m(f, "remove_done_callback", fut_remove_done_callback);
        m(f, "get_loop", fut_get_loop);
        m(f, "__repr__", fut_repr);
        let t = &a.task;
        m(t, "__new__", task_new);
        m(t, "get_name", task_get_name);
        m(t, "set_name", task_set_name);
        m(t, "get_coro", task_get_coro);
        m(t, "get_stack", task_stack::task_get_stack);
        m(t, "print_stack", task_stack::task_print_stack);
        m(t, "cancelling", task_cancelling);
        m(t, "uncancel", task_uncancel);
        let l = &a.event_loop;
        m(l, "time", loop_time);
        m(l, "call_soon", loop_call_soon);
        m(l, "call_soon_threadsafe", loop_call_soon);
        m(l, "call_later", loop_call_later);
        m(l, "call_at", loop_call_at);
        m(l, "create_future", loop_create_future);
        m(
            l,
            "run_in_executor",
            crate::stdlib::threads::loop_run_in_executor,
        );
        m(l, "create_task", loop_create_task);
        #[cfg(unix)]
        m(
            l,
            "add_signal_handler",
            crate::stdlib::signal::loop_add_signal_handler,
        );
        #[cfg(unix)]
        m(
            l,
            "remove_signal_handler",
            crate::stdlib::signal::loop_remove_signal_handler,
        );
        m(l, "run_until_complete", loop_run_until_complete);
        m(l, "run_forever", loop_run_forever);
        m(l, "stop", loop_stop);
        m(l, "close", loop_close);
        m(l, "is_running", loop_is_running);
        m(l, "is_closed", loop_is_closed);
        m(l, "get_debug", loop_get_debug);
        m(l, "set_debug", loop_set_debug);
        m(l, "shutdown_asyncgens", loop_shutdown_asyncgens);
        m(
            l,
            "set_exception_handler",
            exception_handler::loop_set_exception_handler,
        );
        m(
            l,
            "get_exception_handler",
            exception_handler::loop_get_exception_handler,
        );
        m(
            l,
            "call_exception_handler",
            exception_handler::loop_call_exception_handler,
        );
        m(
            l,
            "default_exception_handler",
            exception_handler::loop_default_exception_handler,
        );
        m(&a.handle, "__repr__", exception_handler::handle_repr);
        m(&a.handle, "cancel", handle_cancel);
        m(&a.handle, "cancelled", handle_cancelled);
        m(&a.timer_handle, "when", handle_when);
    });
}

fn this_future(args: &[Value]) -> PyResult<&crate::runtime::future::FutureObj> {
    args.first()
        .and_then(future_of)
        .ok_or_else(|| types::type_error("descriptor requires a 'Future' object"))
}

fn is_coroutine(v: &Value) -> bool {
    matches!(v, Value::Generator(g) if g.kind == GenKind::Coroutine)
}

/// asyncio.run(main, *, debug=None).
fn run(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("run", args, 1, 1)?;
    if vm.event_loop.as_ref().is_some_and(|l| l.running) {
        return Err(types::runtime_error(
            "asyncio.run() cannot be called from a running event loop",
        ));
    }
    if !is_coroutine(&args[0]) {
        let r = ops::repr(vm, &args[0])?;
        return Err(types::value_error(format!(
            "a coroutine was expected, got {r}"
        )));
    }
    vm.event_loop = Some(Box::new(runtime::EventLoop::new()));
    if let Some(d) = kwarg(kwargs, "debug") {
        let debug = ops::truthy(vm, d)?;
        vm.event_loop().debug = debug;
        if debug {
            runtime::debug::enable(vm);
        }
    }
    let main = task::create_task(vm, args[0].clone(), None)?;
    vm.event_loop().main_task = Some(main.clone());
    #[cfg(unix)]
    let sigint = runtime::signals::install_run_sigint(vm)?;
    let result = vm.run_until_complete(&main);
    // Ctrl-C cancelled the main task: asyncio.run raises KeyboardInterrupt instead.
    #[cfg(unix)]
    let result = match result {
        Err(e)
            if sigint && runtime::signals::sigint_count() > 0 && future::is_cancelled_error(&e) =>
        {
            let uncancel = ops::getattr(vm, &main, Symbol::new("uncancel"))?;
            let left = vm.call(&uncancel, &[])?;
            if matches!(left, Value::Int(0)) {
                let class = types::with_types(|t| t.keyboard_interrupt.clone());
                let ki = types::new_exception(&class, Vec::new());
                if let Some(d) = ki.exc_data() {
                    d.borrow_mut().context = Some(e);
                }
                Err(ki)
            } else {
                Err(e)
            }
        }
        other => other,
    };
    let shutdown = close_after_run(vm);
    #[cfg(unix)]
    if sigint {
        runtime::signals::uninstall_run_sigint();
    }
    shutdown?;
    result
}

/// The end of asyncio.run (and of asyncio.Runner): cancel what is left and let it
/// clean up, close the async generators, close the loop, report unretrieved errors.
fn close_after_run(vm: &mut Vm) -> PyResult<()> {
    let shutdown = cancel_all_tasks(vm).and_then(|_| shutdown_asyncgens(vm));
    #[cfg(unix)]
    runtime::signals::remove_all(vm);
    if let Some(l) = vm.event_loop.as_mut() {
        l.closed = true;
        l.main_task = None;
    }
    report_unretrieved(vm);
    vm.event_loop = None;
    shutdown
}

/// `_runner_close(loop)`: asyncio.Runner.close for the loop it made.
fn runner_close(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("_runner_close", args, 1, 1)?;
    match this_loop(vm, args) {
        Some(l) if l.running => Err(types::runtime_error("Cannot close a running event loop")),
        Some(_) => close_after_run(vm).map(|_| Value::None),
        None => Ok(Value::None),
    }
}

/// asyncio.run's shutdown: cancel what is left and let it clean up.
fn cancel_all_tasks(vm: &mut Vm) -> PyResult<()> {
    let pending = vm
        .event_loop
        .as_ref()
        .map(|l| l.pending_tasks())
        .unwrap_or_default();
    if pending.is_empty() {
        return Ok(());
    }
    if runtime::debug::loop_debug(vm) {
        runtime::debug::pending_at_exit(vm, &pending);
    }
    for t in &pending {
        task::cancel(vm, t, Value::None);
    }
    // gather(*pending, return_exceptions=True), via the aio-level gather.
    let gather = vm.modules.borrow().get("asyncio").cloned();
    if let Some(m) = gather {
        let g = ops::getattr(vm, &m, Symbol::new("gather"))?;
        let kw = [(Symbol::new("return_exceptions"), Value::Bool(true))];
        let fut = vm.call_kw(&g, &pending, &kw)?;
        vm.run_until_complete(&fut)?;
    }
    for t in &pending {
        let Some(f) = future_of(t) else { continue };
        if f.state.get() == future::FutState::Cancelled {
            continue;
        }
        if let Some(e) = f.exception_value() {
            f.log_traceback.set(false);
            call_exception_handler(
                vm,
                &[
                    (
                        "message",
                        Value::str("unhandled exception during asyncio.run() shutdown"),
                    ),
                    ("exception", e),
                    ("task", t.clone()),
                ],
            );
        }
    }
    Ok(())
}

/// asyncio.run's shutdown_asyncgens: close async generators still suspended.
fn shutdown_asyncgens(vm: &mut Vm) -> PyResult<()> {
    let gens = take_asyncgens(vm);
    // Always run both shutdown steps as coroutines: each costs loop iterations in which
    // pending callbacks (finalizers of dropped generators) still run, as in CPython.
    let coro = vm.asyncio_helper("_shutdown_asyncgens", &[Value::list(gens)])?;
    let t = task::create_task(vm, coro, None)?;
    vm.run_until_complete(&t)?;
    let coro = vm.asyncio_helper("_shutdown_default_executor", &[])?;
    let t = task::create_task(vm, coro, None)?;
    vm.run_until_complete(&t)?;
    Ok(())
}

/// `_report_exception(message, exc, agen)`: a generator that failed to close at
/// shutdown, for the loop's exception handler.
fn report_exception_native(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("_report_exception", args, 3, 3)?;
    call_exception_handler(
        vm,
        &[
            ("message", args[0].clone()),
            ("exception", args[1].clone()),
            ("asyncgen", args[2].clone()),
        ],
    );
    Ok(Value::None)
}

/// The loop's async generators still suspended (it forgets them all).
fn take_asyncgens(vm: &mut Vm) -> Vec<Value> {
    vm.event_loop
        .as_mut()
        .map(|l| std::mem::take(&mut l.asyncgens))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|w| w.upgrade())
        .filter(|g| g.state.get() == crate::vm::generator::GenState::Suspended)
        .map(Value::Generator)
        .collect()
}

/// loop.shutdown_asyncgens(): a coroutine that closes them.
fn loop_shutdown_asyncgens(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("shutdown_asyncgens", &args[1..], 0, 0)?;
    let gens = take_asyncgens(vm);
    vm.asyncio_helper("_shutdown_asyncgens", &[Value::list(gens)])
}

/// "Task exception was never retrieved" for failed tasks nobody looked at.
fn report_unretrieved(vm: &mut Vm) {
    let tasks = vm
        .event_loop
        .as_ref()
        .map(|l| l.tasks.clone())
        .unwrap_or_default();
    for t in tasks {
        let Some(f) = future_of(&t) else { continue };
        if !f.log_traceback.get() {
            continue;
        }
        f.log_traceback.set(false);
        let Some(e) = f.exception_value() else {
            continue;
        };
        call_exception_handler(
            vm,
            &[
                ("message", Value::str("Task exception was never retrieved")),
                ("exception", e),
                ("future", t.clone()),
            ],
        );
    }
}

fn create_task(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("create_task", args, 1, 1)?;
    if vm.running_loop().is_err() {
        return Err(types::runtime_error("no running event loop"));
    }
    task::create_task_in(
        vm,
        args[0].clone(),
        kwarg(kwargs, "name").cloned(),
        kwarg(kwargs, "context").cloned(),
    )
}

fn ensure_future(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("ensure_future", args, 1, 1)?;
    if future_of(&args[0]).is_some() {
        return Ok(args[0].clone());
    }
    if is_coroutine(&args[0]) {
        return task::create_task(vm, args[0].clone(), None);
    }
    ops::get_awaitable(vm, &args[0]).map_err(|_| {
        types::type_error("An asyncio.Future, a coroutine or an awaitable is required")
    })?;
    let coro = vm.asyncio_helper("_wrap_awaitable", &[args[0].clone()])?;
    task::create_task(vm, coro, None)
}

fn get_running_loop(vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    vm.running_loop()?;
    Ok(vm.loop_object())
}

fn get_event_loop(vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(vm.loop_object())
}

fn new_event_loop(vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    if vm.event_loop.as_ref().is_some_and(|l| l.running) {
        return Err(types::runtime_error(
            "Cannot run the event loop while another loop is running",
        ));
    }
    vm.event_loop = Some(Box::new(runtime::EventLoop::new()));
    Ok(vm.loop_object())
}

fn set_event_loop(_vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::None)
}

fn current_task(vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    let l = vm.running_loop()?;
    Ok(l.current_task.clone().unwrap_or(Value::None))
}

fn all_tasks(vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    let tasks = vm.running_loop()?.pending_tasks();
    ops::new_set(vm, tasks, false)
}

fn iscoroutine(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("iscoroutine", args, 1, 1)?;
    Ok(Value::Bool(is_coroutine(&args[0])))
}

fn isfuture(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("isfuture", args, 1, 1)?;
    Ok(Value::Bool(future_of(&args[0]).is_some()))
}

fn set_result_unless_cancelled(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("_set_result_unless_cancelled", args, 2, 2)?;
    if future_of(&args[0]).is_some_and(|f| !f.done()) {
        future::set_result(vm, &args[0], args[1].clone())?;
    }
    Ok(Value::None)
}

fn future_new(_vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(future::new_future())
}

fn task_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("Task", &args[1..], 1, 1)?;
    vm.running_loop()?;
    task::create_task_in(
        vm,
        args[1].clone(),
        kwarg(kwargs, "name").cloned(),
        kwarg(kwargs, "context").cloned(),
    )
}

fn fut_result(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    future::result(this_future(args)?)
}

fn fut_exception(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    future::exception(this_future(args)?)
}

fn fut_set_result(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("set_result", &args[1..], 1, 1)?;
    if this_future(args)?.task.is_some() {
        return Err(types::runtime_error(
            "Task does not support set_result operation",
        ));
    }
    future::set_result(vm, &args[0], args[1].clone())?;
    Ok(Value::None)
}

fn fut_set_exception(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("set_exception", &args[1..], 1, 1)?;
    if this_future(args)?.task.is_some() {
        return Err(types::runtime_error(
            "Task does not support set_exception operation",
        ));
    }
    future::set_exception(vm, &args[0], args[1].clone())?;
    Ok(Value::None)
}

fn fut_done(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(this_future(args)?.done()))
}

fn fut_cancelled(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(
        this_future(args)?.state.get() == future::FutState::Cancelled,
    ))
}

fn fut_cancel(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    this_future(args)?;
    let msg = args
        .get(1)
        .or_else(|| kwarg(kwargs, "msg"))
        .cloned()
        .unwrap_or(Value::None);
    Ok(Value::Bool(task::cancel_any(vm, &args[0], msg)))
}

fn fut_add_done_callback(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("add_done_callback", &args[1..], 1, 1)?;
    this_future(args)?;
    let context = crate::stdlib::contextvars::context_arg(vm, kwarg(kwargs, "context"))?;
    future::add_done_callback(vm, &args[0], DoneCallback::CallIn(args[1].clone(), context));
    Ok(Value::None)
}

fn fut_remove_done_callback(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("remove_done_callback", &args[1..], 1, 1)?;
    let f = this_future(args)?;
    let mut cbs = f.callbacks.borrow_mut();
    let before = cbs.len();
    cbs.retain(|c| !matches!(c, DoneCallback::Call(v) | DoneCallback::CallIn(v, _) if v.is(&args[1]) || crate::vm::ops::simple_eq(v, &args[1]) == Some(true)));
    Ok(Value::Int((before - cbs.len()) as i64))
}

fn fut_get_loop(vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(vm.loop_object())
}

/// The coroutine part of a task's repr: `main() running at x.aio:3` / `f() done, defined at ...`.
fn coro_repr(coro: &Value) -> String {
    let Value::Generator(g) = coro else {
        return String::new();
    };
    let name = g.qualname();
    if g.state.get() == crate::vm::generator::GenState::Running {
        // Its frames are on the running stack, out of reach here: the line is the
        // def line (CPython names the line being run), as `get_stack()` gives.
        return format!(
            "{}() running at {}:{}",
            name, g.code.filename, g.code.first_line
        );
    }
    let frames = g.frames.borrow();
    match frames.first() {
        Some(fr) if g.state.get() != crate::vm::generator::GenState::Finished => {
            // An unstarted coroutine is "at" its def line, as CPython's frame reports.
            let line = if g.state.get() == crate::vm::generator::GenState::Created {
                fr.code.first_line
            } else {
                fr.line().max(fr.code.first_line)
            };
            format!("{}() running at {}:{}", name, fr.code.filename, line)
        }
        _ => format!(
            "{}() done, defined at {}:{}",
            name, g.code.filename, g.code.first_line
        ),
    }
}

/// How CPython's Future repr names a done callback: `f() at file:line`, `C.m()`, `Task.task_wakeup()`.
fn callback_repr(cb: &DoneCallback) -> String {
    let cb = match cb {
        DoneCallback::CallIn(func, _) => &DoneCallback::Call(func.clone()),
        other => other,
    };
    match cb {
        DoneCallback::CallIn(..) => "callback()".to_string(),
        DoneCallback::Wakeup(_) => "Task.task_wakeup()".to_string(),
        DoneCallback::StopLoop => "_run_until_complete_cb()".to_string(),
        DoneCallback::Call(Value::Function(f)) => {
            format!(
                "{}() at {}:{}",
                f.qualname.borrow(),
                f.code.filename,
                f.code.first_line
            )
        }
        DoneCallback::Call(Value::Method(m)) => match &m.func {
            Value::Function(f) => format!("{}()", f.qualname.borrow()),
            other => format!("{}()", other.type_name()),
        },
        DoneCallback::Call(Value::Builtin(b)) => format!("{}()", b.name),
        DoneCallback::Call(other) => format!("{}()", other.type_name()),
    }
}

fn fut_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let f = this_future(args)?;
    let mut parts = vec![match f.state.get() {
        future::FutState::Pending => "pending".to_string(),
        future::FutState::Cancelled => "cancelled".to_string(),
        future::FutState::Finished => "finished".to_string(),
    }];
    let kind = if let Some(t) = &f.task {
        if !f.done() && t.num_cancels_requested.get() > 0 {
            parts[0] = "cancelling".to_string();
        }
        let name = t.name();
        parts.push(format!("name={}", ops::str_repr(&name)));
        parts.push(format!("coro=<{}>", coro_repr(&t.coro)));
        let waiter = t.fut_waiter.borrow().clone();
        if let Some(w) = waiter {
            parts.push(format!("wait_for={}", ops::repr(vm, &w)?));
        }
        "Task"
    } else {
        "Future"
    };
    if f.state.get() == future::FutState::Finished {
        let exc = f.exception_value();
        match exc {
            Some(e) => parts.push(format!("exception={}", ops::repr(vm, &e)?)),
            None => {
                let r = f.result_value();
                parts.push(format!("result={}", ops::repr(vm, &r)?));
            }
        }
    }
    let callbacks: Vec<String> = f.callbacks.borrow().iter().map(callback_repr).collect();
    match callbacks.len() {
        0 => {}
        1 | 2 => parts.push(format!("cb=[{}]", callbacks.join(", "))),
        n => parts.push(format!(
            "cb=[{}, <{} more>, {}]",
            callbacks[0],
            n - 2,
            callbacks[n - 1]
        )),
    }
    Ok(Value::str(format!("<{} {}>", kind, parts.join(" "))))
}

fn task_data(args: &[Value]) -> PyResult<&crate::runtime::TaskData> {
    this_future(args)?
        .task
        .as_deref()
        .ok_or_else(|| types::type_error("descriptor requires a 'Task' object"))
}

fn task_get_name(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::str(task_data(args)?.name()))
}

fn task_set_name(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("set_name", &args[1..], 1, 1)?;
    let name = ops::str_of(vm, &args[1])?;
    task_data(args)?.set_name(name);
    Ok(Value::None)
}

fn task_get_coro(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(task_data(args)?.coro.clone())
}

fn task_cancelling(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Int(
        task_data(args)?.num_cancels_requested.get() as i64
    ))
}

fn task_uncancel(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let t = task_data(args)?;
    if t.num_cancels_requested.get() > 0 {
        t.num_cancels_requested
            .set(t.num_cancels_requested.get() - 1);
    }
    Ok(Value::Int(t.num_cancels_requested.get() as i64))
}

/// The loop behind a loop object, or None for a loop that has been replaced.
fn this_loop<'a>(vm: &'a mut Vm, args: &[Value]) -> Option<&'a mut runtime::EventLoop> {
    let me = args.first()?;
    match vm.event_loop.as_deref_mut() {
        Some(l) if l.object.is(me) => Some(l),
        _ => None,
    }
}

/// `_check_closed()`: a closed (or replaced) loop accepts no more work.
fn check_open(vm: &mut Vm, args: &[Value]) -> PyResult<()> {
    match this_loop(vm, args) {
        Some(l) if !l.closed => Ok(()),
        _ => Err(types::runtime_error("Event loop is closed")),
    }
}

/// `_check_running()`.
fn check_not_running(vm: &mut Vm) -> PyResult<()> {
    if vm.event_loop.as_ref().is_some_and(|l| l.running) {
        return Err(types::runtime_error("This event loop is already running"));
    }
    Ok(())
}

fn loop_time(vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Float(vm.clock.now()))
}

fn handle_value(h: std::rc::Rc<runtime::Handle>) -> Value {
    Value::native(Native::Handle(h))
}

/// A loop callback that runs in `context=` or else in a copy of the current context.
fn call_in(vm: &mut Vm, func: &Value, args: &[Value], kwargs: Kw) -> PyResult<Callback> {
    let context = crate::stdlib::contextvars::context_arg(vm, kwarg(kwargs, "context"))?;
    Ok(Callback::CallIn {
        func: func.clone(),
        args: args.to_vec(),
        context,
    })
}

fn loop_call_soon(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() < 2 {
        return Err(types::type_error(
            "call_soon() missing 1 required positional argument: 'callback'",
        ));
    }
    check_open(vm, args)?;
    let cb = call_in(vm, &args[1], &args[2..], kwargs)?;
    let h = vm.call_soon_handle(cb);
    // The handle keeps its callback for its repr (the ready queue runs its own copy).
    *h.callback.borrow_mut() = Some(Callback::Call {
        func: args[1].clone(),
        args: args[2..].to_vec(),
    });
    Ok(handle_value(h))
}

fn number(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        other => other.as_i64().map(|i| i as f64).ok_or_else(|| {
            types::type_error(format!(
                "'{}' object cannot be interpreted as a number",
                other.type_name()
            ))
        }),
    }
}

fn loop_call_later(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() < 3 {
        return Err(types::type_error(
            "call_later() missing required arguments: 'delay' and 'callback'",
        ));
    }
    let when = vm.clock.now() + number(&args[1])?;
    check_open(vm, args)?;
    let cb = call_in(vm, &args[2], &args[3..], kwargs)?;
    let h = vm.call_at(when, cb);
    Ok(handle_value(h))
}

fn loop_call_at(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() < 3 {
        return Err(types::type_error(
            "call_at() missing required arguments: 'when' and 'callback'",
        ));
    }
    let when = number(&args[1])?;
    check_open(vm, args)?;
    let cb = call_in(vm, &args[2], &args[3..], kwargs)?;
    let h = vm.call_at(when, cb);
    Ok(handle_value(h))
}

fn loop_create_future(_vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(future::new_future())
}

fn loop_create_task(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("create_task", &args[1..], 1, 1)?;
    check_open(vm, args)?;
    task::create_task_in(
        vm,
        args[1].clone(),
        kwarg(kwargs, "name").cloned(),
        kwarg(kwargs, "context").cloned(),
    )
}

fn loop_run_until_complete(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("run_until_complete", &args[1..], 1, 1)?;
    // Checked before the coroutine is wrapped: a refused one is never awaited.
    check_open(vm, args)?;
    check_not_running(vm)?;
    let fut = if future_of(&args[1]).is_some() {
        args[1].clone()
    } else {
        ensure_future(vm, &args[1..], &[])?
    };
    vm.run_until_complete(&fut)
}

fn loop_run_forever(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    check_open(vm, args)?;
    check_not_running(vm)?;
    {
        let l = vm.event_loop();
        l.running = true;
        l.stopping = false;
    }
    let r = vm.run_forever_inner();
    if let Some(l) = vm.event_loop.as_mut() {
        l.running = false;
        l.stopping = false;
    }
    r.map(|_| Value::None)
}

fn loop_stop(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if let Some(l) = this_loop(vm, args) {
        l.stopping = true;
    }
    Ok(Value::None)
}

fn loop_close(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if let Some(l) = this_loop(vm, args) {
        if l.running {
            return Err(types::runtime_error("Cannot close a running event loop"));
        }
        l.closed = true;
    }
    Ok(Value::None)
}

fn loop_is_running(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(this_loop(vm, args).is_some_and(|l| l.running)))
}

fn loop_is_closed(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(this_loop(vm, args).is_none_or(|l| l.closed)))
}

fn loop_get_debug(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(this_loop(vm, args).is_some_and(|l| l.debug)))
}

fn loop_set_debug(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let d = match args.get(1) {
        Some(v) => ops::truthy(vm, v)?,
        None => true,
    };
    if let Some(l) = this_loop(vm, args) {
        l.debug = d;
    }
    if d {
        runtime::debug::enable(vm);
    }
    Ok(Value::None)
}

fn handle_of(args: &[Value]) -> PyResult<&runtime::Handle> {
    match args.first() {
        Some(Value::Native(n)) => match &**n {
            Native::Handle(h) => Ok(h),
            _ => Err(types::type_error("expected a Handle")),
        },
        _ => Err(types::type_error("expected a Handle")),
    }
}

fn handle_cancel(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let h = handle_of(args)?;
    h.cancel(vm.event_loop.as_deref_mut());
    Ok(Value::None)
}

fn handle_cancelled(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(handle_of(args)?.cancelled.get()))
}

fn handle_when(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Float(handle_of(args)?.when))
}

fn gathering_future(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("_gathering_future", args, 1, 1)?;
    let children = ops::collect_iterable(vm, &args[0])?;
    let f = future::new_future();
    if let Some(fo) = future_of(&f) {
        fo.set_children(children);
    }
    Ok(f)
}

fn gather_cancel_requested(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(this_future(args)?.cancel_requested()))
}

fn cancelled_error_of(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(future::make_cancelled_error(this_future(args)?))
}

/// A future's `_cancel_message` (None once a task's coroutine has raised CancelledError).
fn cancel_message(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(this_future(args)?.cancel_message())
}

/// `_label(fut, text_or_callable)`: names what a library-made future stands
/// for (the deadlock report shows it; a callable is asked for the text when the
/// report is drawn, with one argument: whether the program is deadlocked);
/// returns the future.
fn label(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("_label", args, 2, 2)?;
    *this_future(args)?.label.borrow_mut() = Some(args[1].clone());
    Ok(args[0].clone())
}

fn iscoroutinefunction(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("iscoroutinefunction", args, 1, 1)?;
    let f = match &args[0] {
        Value::Method(m) => m.func.clone(),
        other => other.clone(),
    };
    Ok(Value::Bool(
        matches!(&f, Value::Function(f) if f.code.flags.is_coroutine && !f.code.flags.is_generator),
    ))
}

/// True for an instance whose class's `__await__` is `_yield_once` (`_SLEEP0`): the
/// VM awaits it inline (see `Op::GetAwaitable` and `Vm::yield_from`).
#[inline]
pub fn is_yield_once(v: &Value) -> bool {
    match v {
        Value::Instance(i) => matches!(
            i.class.lookup(crate::value::intern::sym::AWAIT),
            Some(Value::Builtin(ref b)) if b.func as usize == yield_once as crate::value::object::NativeFn as usize
        ),
        _ => false,
    }
}

/// `_yield_once(self)`: `_Sleep0.__await__`, an iterator that yields None once, so the
/// awaiting task gives up exactly one loop iteration (CPython's `__sleep0`) without
/// running a generator frame.
fn yield_once(_vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(ops::new_iter(
        crate::value::object::IterState::Seq {
            items: vec![Value::None],
            index: 0,
        },
        "list_iterator",
    ))
}
