//! The event loop: a FIFO of ready callbacks and a timer heap, run the way
//! CPython's BaseEventLoop._run_once runs them, so output order matches.

pub mod clock;
pub mod debug;
pub mod future;
pub mod graph;
pub mod io;
pub mod net;
#[cfg(unix)]
pub mod signals;
pub mod sigquit;
pub mod task;
pub mod timers;
pub mod trace;
pub mod workers;

use crate::value::object::Native;
use crate::value::{types, PyResult, Value};
use crate::vm::Vm;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

pub use task::TaskData;

/// Work queued on the loop.
#[derive(Clone)]
pub enum Callback {
    /// Run a task's next step, optionally throwing an exception into it.
    Step { task: Value, exc: Option<Value> },
    /// A task's awaited future completed.
    Wakeup { task: Value, future: Value },
    /// Call a script callable with arguments.
    Call { func: Value, args: Vec<Value> },
    /// Call a script callable inside a contextvars Context (call_soon / call_later).
    CallIn {
        func: Value,
        args: Vec<Value>,
        context: crate::vm::context::ContextRef,
    },
    /// asyncio.sleep's timer: finish the future unless it was cancelled.
    SetResultUnlessCancelled { future: Value, value: Value },
    /// run_until_complete's done callback for this future: stop after this iteration.
    StopLoop(Value),
    /// The asyncgen finalizer: start a task that closes this async generator.
    CloseAsyncGen(Value),
}

/// A scheduled callback that can be cancelled (asyncio.Handle / TimerHandle).
pub struct Handle {
    pub cancelled: Cell<bool>,
    pub callback: RefCell<Option<Callback>>,
    pub when: f64,
    pub timer: bool,
    /// A timer still in the heap (CPython's `_scheduled`): cancelling it counts
    /// toward the heap's clean-up threshold.
    pub scheduled: Cell<bool>,
}

impl Handle {
    /// The handle of a callback scheduled with call_soon.
    pub fn soon() -> Rc<Handle> {
        Rc::new(Handle {
            cancelled: Cell::new(false),
            callback: RefCell::new(None),
            when: 0.0,
            timer: false,
            scheduled: Cell::new(false),
        })
    }

    /// Handle.cancel / TimerHandle.cancel.
    pub fn cancel(&self, event_loop: Option<&mut EventLoop>) {
        if self.cancelled.get() {
            return;
        }
        if self.timer && self.scheduled.get() {
            if let Some(l) = event_loop {
                l.timer_cancelled_count += 1;
            }
        }
        self.cancelled.set(true);
        self.callback.borrow_mut().take();
    }
}

/// The shortest task list that is pruned of finished tasks.
const MIN_TASKS_PRUNE: usize = 64;

/// CPython's thresholds for rebuilding the heap without its cancelled timers.
const MIN_SCHEDULED_TIMER_HANDLES: usize = 100;
const MIN_CANCELLED_TIMER_HANDLES_FRACTION: f64 = 0.5;

/// One entry of the ready queue: a callback, cancellable through its handle.
struct Ready {
    handle: Option<Rc<Handle>>,
    callback: Callback,
}

/// A task the loop made to close a dropped async generator. CPython's task runs the
/// `aclose()` awaitable itself, so an exception thrown in before its first step goes
/// into the generator, and the next send then throws GeneratorExit.
pub struct Finalizer {
    pub task: Value,
    pub op: Value,
    /// An exception was thrown in before the first step.
    pub thrown: bool,
}

/// The event loop's state.
pub struct EventLoop {
    ready: VecDeque<Ready>,
    timers: timers::TimerHeap,
    /// Cancelled timers still in the heap.
    timer_cancelled_count: usize,
    pub stopping: bool,
    pub running: bool,
    pub closed: bool,
    /// The task whose step is running.
    pub current_task: Option<Value>,
    /// Every task created on this loop that is pending or failed unretrieved, in
    /// creation order (others are pruned when the list has doubled since the last
    /// prune, so a long-running server does not keep every task it ever made).
    pub tasks: Vec<Value>,
    /// The length of `tasks` at which the next prune happens.
    pub tasks_prune_at: usize,
    pub debug: bool,
    /// Async generators first iterated under this loop (asyncio.run closes the ones
    /// still suspended at shutdown).
    pub asyncgens: Vec<std::rc::Weak<crate::vm::generator::Generator>>,
    /// Tasks closing dropped async generators, with their `aclose()` awaitable.
    pub finalizers: Vec<Finalizer>,
    /// loop.set_exception_handler's handler (None: the default one).
    pub exception_handler: Value,
    /// The script-visible loop object; a loop object that is not the current
    /// loop's belongs to a loop that was replaced, and behaves as closed.
    pub object: Value,
    /// Sockets and worker threads (made on first use).
    pub io: Option<io::IoDriver>,
    /// loop.add_signal_handler's callbacks by signal number.
    pub signal_handlers: std::collections::HashMap<i32, (Value, Vec<Value>)>,
    /// asyncio.run's main task (Ctrl-C cancels it).
    pub main_task: Option<Value>,
}

impl EventLoop {
    pub fn new() -> EventLoop {
        EventLoop {
            ready: VecDeque::new(),
            timers: timers::TimerHeap::default(),
            timer_cancelled_count: 0,
            stopping: false,
            running: false,
            closed: false,
            current_task: None,
            tasks: Vec::new(),
            tasks_prune_at: MIN_TASKS_PRUNE,
            debug: debug::default_on(),
            asyncgens: Vec::new(),
            finalizers: Vec::new(),
            exception_handler: Value::None,
            object: Value::native(Native::Loop),
            io: None,
            signal_handlers: std::collections::HashMap::new(),
            main_task: None,
        }
    }

    /// True when callbacks are queued to run now.
    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// When the earliest live timer is due (the REPL sleeps until then between inputs).
    pub fn next_timer(&self) -> Option<f64> {
        self.timers
            .iter()
            .filter(|t| !t.cancelled.get())
            .map(|t| t.when)
            .min_by(f64::total_cmp)
    }

    /// True when sockets are registered or worker threads are busy.
    pub fn io_pending(&self) -> bool {
        self.io.as_ref().is_some_and(|io| io.pending())
    }

    /// Records a new task (dropping the finished ones nothing waits to report, once
    /// the list has doubled: amortized O(1) per task).
    pub fn add_task(&mut self, task: Value) {
        if self.tasks.len() >= self.tasks_prune_at {
            self.prune_tasks();
        }
        self.tasks.push(task);
    }

    /// Forgets the finished tasks (keeping failed ones whose exception nobody
    /// retrieved, reported when the loop ends).
    pub fn prune_tasks(&mut self) {
        self.tasks
            .retain(|t| future::future_of(t).is_some_and(|f| !f.done() || f.log_traceback.get()));
        self.tasks_prune_at = (2 * self.tasks.len()).max(MIN_TASKS_PRUNE);
    }

    /// Tasks not yet done.
    pub fn pending_tasks(&self) -> Vec<Value> {
        self.tasks
            .iter()
            .filter(|t| future::future_of(t).is_some_and(|f| !f.done()))
            .cloned()
            .collect()
    }
}

impl Default for EventLoop {
    fn default() -> Self {
        EventLoop::new()
    }
}

/// The global count behind default task names (`Task-N`).
pub struct TaskCounter(pub Cell<u64>);

impl Vm {
    /// The running loop, or the `no running event loop` RuntimeError.
    pub fn running_loop(&mut self) -> PyResult<&mut EventLoop> {
        match &mut self.event_loop {
            Some(l) if l.running => Ok(l),
            _ => Err(types::runtime_error("no running event loop")),
        }
    }

    /// The loop (created on first use).
    pub fn event_loop(&mut self) -> &mut EventLoop {
        self.event_loop
            .get_or_insert_with(|| Box::new(EventLoop::new()))
    }

    /// Schedules `callback` for the next loop iteration. Only script callables get a
    /// Handle (what an exception report shows); a task's steps and wake-ups, which
    /// nobody can cancel or print, go without one.
    pub fn call_soon(&mut self, callback: Callback) {
        let handle =
            matches!(callback, Callback::Call { .. } | Callback::CallIn { .. }).then(Handle::soon);
        self.push_ready(callback, handle);
    }

    /// loop.call_soon: schedules `callback` and returns its handle.
    pub fn call_soon_handle(&mut self, callback: Callback) -> Rc<Handle> {
        let handle = Handle::soon();
        self.push_ready(callback, Some(handle.clone()));
        handle
    }

    fn push_ready(&mut self, callback: Callback, handle: Option<Rc<Handle>>) {
        // Async generators dropped since the last call were "finalized" first, as
        // CPython's hook runs at the moment the generator is freed.
        self.flush_finalizers();
        self.event_loop()
            .ready
            .push_back(Ready { handle, callback });
    }

    /// loop.call_at (absolute loop time).
    pub fn call_at(&mut self, when: f64, callback: Callback) -> Rc<Handle> {
        let handle = Rc::new(Handle {
            cancelled: Cell::new(false),
            callback: RefCell::new(Some(callback)),
            when,
            timer: true,
            scheduled: Cell::new(true),
        });
        self.event_loop().timers.push(handle.clone());
        handle
    }

    /// One iteration of the loop (CPython's `_run_once`). Returns false when nothing
    /// can ever run again (no ready callbacks, timers or I/O): a deadlock if work is pending.
    pub fn run_once(&mut self) -> PyResult<bool> {
        // An iteration of the loop counts as an instruction, so --max-instructions also
        // ends a loop that only ever waits (a task asleep until float('inf') under the
        // virtual clock advances time a day per iteration, as CPython's would).
        self.executed += 1;
        self.check_limits()?;
        self.collect_if_due();
        self.flush_warnings();
        #[cfg(unix)]
        signals::dispatch_pending(self)?;
        if sigquit::take() {
            self.print_await_tree();
        }
        let l = self.event_loop.as_mut().expect("loop");
        let scheduled = l.timers.len();
        if scheduled > MIN_SCHEDULED_TIMER_HANDLES
            && l.timer_cancelled_count as f64 / scheduled as f64
                > MIN_CANCELLED_TIMER_HANDLES_FRACTION
        {
            l.timers.remove_cancelled();
            l.timer_cancelled_count = 0;
        } else {
            while l.timers.peek().is_some_and(|t| t.cancelled.get()) {
                l.timer_cancelled_count = l.timer_cancelled_count.saturating_sub(1);
                if let Some(h) = l.timers.pop() {
                    h.scheduled.set(false);
                }
            }
        }
        let idle = l.ready.is_empty() && !l.stopping;
        let next_timer = l.timers.peek().map(|h| h.when);
        if l.io_pending() {
            // CPython's selector timeout: 0 with callbacks ready, the next timer's
            // delay, or no limit.
            let timeout = match (idle, next_timer) {
                (false, _) => Some(0.0),
                (true, Some(when)) => Some((when - self.clock.now()).clamp(0.0, 86400.0)),
                (true, None) => None,
            };
            self.poll_io(timeout)?;
        } else if idle {
            match next_timer {
                Some(when) => {
                    let now = self.clock.now();
                    if when > now {
                        if self.clock.is_virtual() {
                            // now + (when - now), capped like CPython's select timeout: the
                            // same float arithmetic as the reference, so loop.time() agrees
                            // to the last bit.
                            self.clock.advance_to(now + (when - now).min(86400.0));
                        } else {
                            let mut wait = (when - now).min(86400.0);
                            if sigquit::installed() {
                                // Wake up now and then to answer Ctrl-\.
                                wait = wait.min(sigquit::SLICE);
                            }
                            std::thread::sleep(std::time::Duration::from_secs_f64(wait));
                        }
                    }
                }
                None => return Ok(false),
            }
        }
        let end_time = self.clock.now() + 1e-9;
        let l = self.event_loop.as_mut().expect("loop");
        while let Some(h) = l.timers.peek() {
            if h.when >= end_time {
                break;
            }
            let Some(h) = l.timers.pop() else { break };
            h.scheduled.set(false);
            // A cancelled timer still goes to the ready queue, where it is skipped.
            let cb = h.callback.borrow_mut().take();
            if let Some(callback) = cb {
                l.ready.push_back(Ready {
                    handle: Some(h.clone()),
                    callback,
                });
            }
        }
        let ntodo = l.ready.len();
        for _ in 0..ntodo {
            let Some(item) = self.event_loop.as_mut().and_then(|l| l.ready.pop_front()) else {
                break;
            };
            if item.handle.as_ref().is_some_and(|h| h.cancelled.get()) {
                continue;
            }
            if self.trace.is_some() {
                let timer = item.handle.as_ref().is_some_and(|h| h.timer);
                trace::callback_begins(self, timer, &item.callback);
            }
            self.run_callback(item.callback, item.handle)?;
            self.check_limits()?;
            self.flush_finalizers();
        }
        if self.trace.is_some() {
            trace::callback_begins(self, false, &Callback::StopLoop(Value::None));
        }
        Ok(true)
    }

    /// Waits for I/O readiness or a worker's result (up to `timeout` seconds; None
    /// waits until something happens) and handles what arrived. With the virtual
    /// clock, time follows real time while sockets are registered and jumps to the
    /// next timer only when a worker is not busy either.
    fn poll_io(&mut self, timeout: Option<f64>) -> PyResult<()> {
        let virtual_clock = self.clock.is_virtual();
        let started = std::time::Instant::now();
        let wait = match timeout {
            Some(t) if virtual_clock => Some(t.min(0.05)),
            Some(t) if sigquit::installed() => Some(t.min(sigquit::SLICE)),
            None if sigquit::installed() => Some(sigquit::SLICE),
            other => other,
        };
        let (events, woken) = {
            let Some(io) = self.event_loop.as_mut().and_then(|l| l.io.as_mut()) else {
                return Ok(());
            };
            io.poll(wait.map(std::time::Duration::from_secs_f64))
        };
        if virtual_clock && events.is_empty() && !woken {
            if let Some(t) = timeout {
                let busy = self
                    .event_loop
                    .as_ref()
                    .and_then(|l| l.io.as_ref())
                    .is_some_and(|io| io.busy > 0);
                let now = self.clock.now();
                let step = if busy || t <= 0.05 {
                    started.elapsed().as_secs_f64().min(t)
                } else {
                    started.elapsed().as_secs_f64()
                };
                if !busy && t <= 0.05 {
                    self.clock.advance_to(now + t);
                } else {
                    self.clock.advance_to(now + step);
                }
            }
        }
        for (source, readiness) in events {
            net::dispatch(self, source, readiness)?;
        }
        workers::collect(self)?;
        #[cfg(unix)]
        signals::dispatch_pending(self)?;
        Ok(())
    }

    /// Runs one callback; errors from plain callbacks go to the exception handler.
    fn run_callback(&mut self, callback: Callback, handle: Option<Rc<Handle>>) -> PyResult<()> {
        match callback {
            Callback::Step { task, exc } => {
                if self.trace.is_some() {
                    trace::step_begins(self, &task, &exc);
                }
                task::step(self, &task, exc)
            }
            Callback::Wakeup { task, future } => task::wakeup(self, &task, &future),
            Callback::CallIn {
                func,
                args,
                context,
            } => {
                let saved = crate::stdlib::contextvars::enter(self, &context);
                let r = self.run_callback(Callback::Call { func, args }, handle);
                crate::stdlib::contextvars::exit(self, &context, saved);
                r
            }
            Callback::Call { func, args } => match self.call(&func, &args) {
                Ok(_) => Ok(()),
                Err(e) => {
                    if types::exc_is(&e, |t| &t.keyboard_interrupt)
                        || types::exc_is(&e, |t| &t.system_exit)
                    {
                        return Err(e);
                    }
                    let what = crate::stdlib::asyncio::callback_source(self, &func, &args);
                    let message = Value::str(format!("Exception in callback {what}"));
                    let handle = handle.map_or(Value::None, |h| Value::native(Native::Handle(h)));
                    crate::stdlib::asyncio::call_exception_handler(
                        self,
                        &[("message", message), ("exception", e), ("handle", handle)],
                    );
                    Ok(())
                }
            },
            Callback::CloseAsyncGen(agen) => {
                let Value::Generator(g) = &agen else {
                    return Ok(());
                };
                let op = crate::stdlib::async_gen::aclose_op(g);
                let coro = self.asyncio_helper("_aclose_agen", std::slice::from_ref(&op))?;
                let task = task::create_task(self, coro, None)?;
                self.event_loop().finalizers.push(Finalizer {
                    task,
                    op,
                    thrown: false,
                });
                Ok(())
            }
            Callback::StopLoop(fut) => {
                // Like CPython's _run_until_complete_cb: a SystemExit or KeyboardInterrupt
                // has already ended run_forever, and stopping now would stop the next run
                // (asyncio.run's cleanup) too early.
                let escaped = future::future_of(&fut).is_some_and(|f| {
                    f.exception_value().as_ref().is_some_and(|e| {
                        types::exc_is(e, |t| &t.system_exit)
                            || types::exc_is(e, |t| &t.keyboard_interrupt)
                    })
                });
                if escaped {
                    return Ok(());
                }
                if let Some(l) = self.event_loop.as_mut() {
                    l.stopping = true;
                }
                Ok(())
            }
            Callback::SetResultUnlessCancelled { future, value } => {
                if future::future_of(&future).is_some_and(|f| !f.done()) {
                    future::set_result(self, &future, value)?;
                }
                Ok(())
            }
        }
    }

    /// Schedules `aclose()` for async generators dropped while suspended.
    pub fn flush_finalizers(&mut self) {
        for g in crate::vm::generator::take_finalizers() {
            self.event_loop().ready.push_back(Ready {
                handle: None,
                callback: Callback::CloseAsyncGen(Value::Generator(g)),
            });
        }
    }

    /// Calls a helper function of the aio-written asyncio module.
    pub fn asyncio_helper(&mut self, name: &str, args: &[Value]) -> PyResult<Value> {
        let m = crate::stdlib::import_module(self, "asyncio")?;
        let f = crate::vm::ops::getattr(self, &m, crate::value::Symbol::new(name))?;
        self.call(&f, args)
    }

    /// loop.call_exception_handler's default: the message and the traceback on stderr.
    pub fn report_exception(&mut self, message: &str, exc: &Value) {
        if crate::vm::limits::tripped(self).is_some() {
            // A run stopped by a resource limit reports that alone.
            return;
        }
        self.stdout.flush();
        let text = crate::vm::exceptions::format_exception(self, exc);
        self.stderr.write_str(&format!("{message}\n{text}"));
    }

    /// Runs the loop until `fut` is done (loop.run_until_complete).
    pub fn run_until_complete(&mut self, fut: &Value) -> PyResult<Value> {
        {
            let l = self.event_loop();
            if l.running {
                return Err(types::runtime_error("This event loop is already running"));
            }
            if l.closed {
                return Err(types::runtime_error("Event loop is closed"));
            }
            l.running = true;
            l.stopping = false;
        }
        let result = self.run_loop_until(fut);
        if let Some(l) = self.event_loop.as_mut() {
            l.running = false;
            l.stopping = false;
        }
        result?;
        let f = future::future_of(fut).ok_or_else(|| types::type_error("expected a future"))?;
        if !f.done() {
            return Err(types::runtime_error(
                "Event loop stopped before Future completed.",
            ));
        }
        future::result(f)
    }

    fn run_loop_until(&mut self, fut: &Value) -> PyResult<()> {
        future::add_done_callback(self, fut, future::DoneCallback::StopLoop);
        let r = self.run_forever_inner();
        if let Some(f) = future::future_of(fut) {
            f.callbacks
                .borrow_mut()
                .retain(|c| !matches!(c, future::DoneCallback::StopLoop));
        }
        r
    }

    /// run_forever's body: iterations until stop() (or a deadlock).
    pub fn run_forever_inner(&mut self) -> PyResult<()> {
        loop {
            if !self.run_once()? {
                return Err(self.deadlock());
            }
            if self.event_loop.as_ref().is_some_and(|l| l.stopping) {
                return Ok(());
            }
        }
    }

    /// Ctrl-\ (SIGQUIT): the await tree on stderr, and the program goes on.
    fn print_await_tree(&mut self) {
        self.stdout.flush();
        let now = self.clock.now();
        let mut report = task::await_tree_report(self, false);
        if report.is_empty() {
            report = "no pending tasks\n".to_string();
        }
        self.stderr.write_str(&format!(
            "aio: Ctrl-\\ at t={now:.3}: the await tree\n{report}"
        ));
        self.stderr.flush();
    }

    /// Prints the deadlock report and returns the exception that ends the program.
    fn deadlock(&mut self) -> Value {
        self.stdout.flush();
        let report = task::await_tree_report(self, true);
        self.stderr.write_str(&report);
        self.stderr
            .write_str("aio: deadlock: no task can make progress\n");
        let class = types::with_types(|t| t.system_exit.clone());
        types::new_exception(&class, vec![Value::Int(3)])
    }
}

impl Vm {
    /// The current loop's object (the loop is created on first use).
    pub fn loop_object(&mut self) -> Value {
        self.event_loop().object.clone()
    }
}
