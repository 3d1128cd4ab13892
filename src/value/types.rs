//! The builtin classes (int, list, ValueError, ...) and the helpers that raise
//! builtin exceptions from native code.

use super::intern::Symbol;
use super::object::{Class, ExcData, Instance, Layout, Native};
use super::{PyResult, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

macro_rules! builtin_types {
    ($root:ident; $( $field:ident : $name:literal < $base:ident , $layout:ident ; )*) => {
        /// Every builtin class, created once per thread.
        pub struct Types {
            pub $root: Rc<Class>,
            $( pub $field: Rc<Class>, )*
        }

        impl Types {
            fn create() -> Types {
                let $root = new_class("object", None, Layout::Object, false);
                $( let $field = new_class($name, Some(&$base), Layout::$layout, false); )*
                Types { $root, $( $field, )* }
            }
        }
    };
}

builtin_types! {
    object;
    type_: "type" < object, Native;
    int: "int" < object, Native;
    bool_: "bool" < int, Native;
    float: "float" < object, Native;
    str_: "str" < object, Native;
    bytes: "bytes" < object, Native;
    tuple: "tuple" < object, Native;
    list: "list" < object, Native;
    dict: "dict" < object, Native;
    set: "set" < object, Native;
    frozenset: "frozenset" < object, Native;
    range: "range" < object, Native;
    slice: "slice" < object, Native;
    none_type: "NoneType" < object, Native;
    function: "function" < object, Native;
    builtin_function: "builtin_function_or_method" < object, Native;
    method: "method" < object, Native;
    module: "module" < object, Native;
    generator: "generator" < object, Native;
    coroutine: "coroutine" < object, Native;
    coroutine_wrapper: "coroutine_wrapper" < object, Native;
    frame: "frame" < object, Native;
    async_generator: "async_generator" < object, Native;
    property: "property" < object, Native;
    staticmethod: "staticmethod" < object, Native;
    classmethod: "classmethod" < object, Native;
    super_: "super" < object, Native;
    not_implemented_type: "NotImplementedType" < object, Native;
    ellipsis: "ellipsis" < object, Native;
    code: "code" < object, Native;
    iterator: "iterator" < object, Native;
    dict_keys: "dict_keys" < object, Native;
    dict_values: "dict_values" < object, Native;
    dict_items: "dict_items" < object, Native;

    base_exception: "BaseException" < object, Exception;
    base_exception_group: "BaseExceptionGroup" < base_exception, Exception;
    generator_exit: "GeneratorExit" < base_exception, Exception;
    keyboard_interrupt: "KeyboardInterrupt" < base_exception, Exception;
    system_exit: "SystemExit" < base_exception, Exception;
    exception: "Exception" < base_exception, Exception;
    arithmetic_error: "ArithmeticError" < exception, Exception;
    floating_point_error: "FloatingPointError" < arithmetic_error, Exception;
    overflow_error: "OverflowError" < arithmetic_error, Exception;
    zero_division_error: "ZeroDivisionError" < arithmetic_error, Exception;
    assertion_error: "AssertionError" < exception, Exception;
    attribute_error: "AttributeError" < exception, Exception;
    buffer_error: "BufferError" < exception, Exception;
    eof_error: "EOFError" < exception, Exception;
    exception_group: "ExceptionGroup" < exception, Exception;
    import_error: "ImportError" < exception, Exception;
    module_not_found_error: "ModuleNotFoundError" < import_error, Exception;
    lookup_error: "LookupError" < exception, Exception;
    index_error: "IndexError" < lookup_error, Exception;
    key_error: "KeyError" < lookup_error, Exception;
    memory_error: "MemoryError" < exception, Exception;
    name_error: "NameError" < exception, Exception;
    unbound_local_error: "UnboundLocalError" < name_error, Exception;
    os_error: "OSError" < exception, Exception;
    blocking_io_error: "BlockingIOError" < os_error, Exception;
    child_process_error: "ChildProcessError" < os_error, Exception;
    connection_error: "ConnectionError" < os_error, Exception;
    broken_pipe_error: "BrokenPipeError" < connection_error, Exception;
    connection_aborted_error: "ConnectionAbortedError" < connection_error, Exception;
    connection_refused_error: "ConnectionRefusedError" < connection_error, Exception;
    connection_reset_error: "ConnectionResetError" < connection_error, Exception;
    file_exists_error: "FileExistsError" < os_error, Exception;
    file_not_found_error: "FileNotFoundError" < os_error, Exception;
    interrupted_error: "InterruptedError" < os_error, Exception;
    is_a_directory_error: "IsADirectoryError" < os_error, Exception;
    not_a_directory_error: "NotADirectoryError" < os_error, Exception;
    permission_error: "PermissionError" < os_error, Exception;
    process_lookup_error: "ProcessLookupError" < os_error, Exception;
    timeout_error: "TimeoutError" < os_error, Exception;
    reference_error: "ReferenceError" < exception, Exception;
    runtime_error: "RuntimeError" < exception, Exception;
    not_implemented_error: "NotImplementedError" < runtime_error, Exception;
    recursion_error: "RecursionError" < runtime_error, Exception;
    stop_async_iteration: "StopAsyncIteration" < exception, Exception;
    stop_iteration: "StopIteration" < exception, Exception;
    syntax_error: "SyntaxError" < exception, Exception;
    indentation_error: "IndentationError" < syntax_error, Exception;
    tab_error: "TabError" < indentation_error, Exception;
    system_error: "SystemError" < exception, Exception;
    type_error: "TypeError" < exception, Exception;
    value_error: "ValueError" < exception, Exception;
    unicode_error: "UnicodeError" < value_error, Exception;
    unicode_decode_error: "UnicodeDecodeError" < unicode_error, Exception;
    unicode_encode_error: "UnicodeEncodeError" < unicode_error, Exception;
    warning: "Warning" < exception, Exception;
    deprecation_warning: "DeprecationWarning" < warning, Exception;
    runtime_warning: "RuntimeWarning" < warning, Exception;
    user_warning: "UserWarning" < warning, Exception;
    resource_warning: "ResourceWarning" < warning, Exception;
}

/// Creates a class with a linear MRO under `base`.
pub fn new_class(name: &str, base: Option<&Rc<Class>>, layout: Layout, is_user: bool) -> Rc<Class> {
    new_class_in(name, base, layout, is_user, "builtins")
}

/// Creates a class that belongs to a module other than builtins.
pub fn new_class_in(
    name: &str,
    base: Option<&Rc<Class>>,
    layout: Layout,
    is_user: bool,
    module: &str,
) -> Rc<Class> {
    let mut mro = Vec::new();
    if let Some(b) = base {
        mro.push(b.clone());
        mro.extend(b.mro.iter().cloned());
    }
    // A new class may reuse a freed one's address: caches keyed by class pointer and
    // epoch must not mistake it for the old one.
    crate::value::object::class_changed();
    Rc::new(Class {
        name: name.to_string(),
        qualname: RefCell::new(name.to_string()),
        module: module.to_string(),
        base: base.cloned(),
        mro,
        dict: Default::default(),
        layout,
        is_user,
        unhashable: Cell::new(false),
        getattribute: Cell::new(false),
        lookup_cache: Default::default(),
    })
}

/// The asyncio classes the runtime's native objects belong to.
pub struct AsyncTypes {
    pub future: Rc<Class>,
    pub task: Rc<Class>,
    pub event_loop: Rc<Class>,
    pub handle: Rc<Class>,
    pub timer_handle: Rc<Class>,
    pub cancelled_error: Rc<Class>,
    pub invalid_state_error: Rc<Class>,
    pub agen_asend: Rc<Class>,
    pub agen_athrow: Rc<Class>,
}

impl AsyncTypes {
    fn create(t: &Types) -> AsyncTypes {
        let future = new_class_in("Future", Some(&t.object), Layout::Native, false, "asyncio");
        let task = new_class_in("Task", Some(&future), Layout::Native, false, "asyncio");
        let handle = new_class_in("Handle", Some(&t.object), Layout::Native, false, "asyncio");
        AsyncTypes {
            task,
            future,
            event_loop: new_class_in(
                "_UnixSelectorEventLoop",
                Some(&t.object),
                Layout::Native,
                false,
                "asyncio",
            ),
            timer_handle: new_class_in(
                "TimerHandle",
                Some(&handle),
                Layout::Native,
                false,
                "asyncio",
            ),
            handle,
            cancelled_error: new_class_in(
                "CancelledError",
                Some(&t.base_exception),
                Layout::Exception,
                false,
                "asyncio.exceptions",
            ),
            agen_asend: new_class_in(
                "async_generator_asend",
                Some(&t.object),
                Layout::Native,
                false,
                "builtins",
            ),
            agen_athrow: new_class_in(
                "async_generator_athrow",
                Some(&t.object),
                Layout::Native,
                false,
                "builtins",
            ),
            invalid_state_error: new_class_in(
                "InvalidStateError",
                Some(&t.exception),
                Layout::Exception,
                false,
                "asyncio.exceptions",
            ),
        }
    }
}

/// ExceptionGroup derives from both Exception and BaseExceptionGroup.
fn fix_exception_group(mut t: Types) -> Types {
    let mro = vec![
        t.exception.clone(),
        t.base_exception_group.clone(),
        t.base_exception.clone(),
        t.object.clone(),
    ];
    crate::value::object::class_changed();
    t.exception_group = Rc::new(Class {
        name: "ExceptionGroup".to_string(),
        qualname: RefCell::new("ExceptionGroup".to_string()),
        module: "builtins".to_string(),
        base: Some(t.exception.clone()),
        mro,
        dict: Default::default(),
        layout: Layout::Exception,
        is_user: false,
        unhashable: Cell::new(false),
        getattribute: Cell::new(false),
        lookup_cache: Default::default(),
    });
    t
}

thread_local! {
    static TYPES: Rc<Types> = Rc::new(fix_exception_group(Types::create()));
    static ASYNC_TYPES: Rc<AsyncTypes> = TYPES.with(|t| Rc::new(AsyncTypes::create(t)));
}

thread_local! {
    static ITER_TYPES: RefCell<std::collections::HashMap<&'static str, Rc<Class>>> =
        RefCell::default();
}

/// The class of a native iterator named `name` (`list_iterator`, `enumerate`, ...):
/// made on first use, deriving from the shared `iterator` class for its methods.
fn iter_class(t: &Types, name: &'static str) -> Rc<Class> {
    if name == "iterator" {
        return t.iterator.clone();
    }
    ITER_TYPES.with(|m| {
        m.borrow_mut()
            .entry(name)
            .or_insert_with(|| new_class(name, Some(&t.iterator), Layout::Native, false))
            .clone()
    })
}

/// Runs `f` with the asyncio classes.
pub fn with_async_types<R>(f: impl FnOnce(&AsyncTypes) -> R) -> R {
    ASYNC_TYPES.with(|t| f(t))
}

/// The builtin classes.
pub fn types() -> Rc<Types> {
    TYPES.with(|t| t.clone())
}

/// Runs `f` with the builtin classes, without cloning the registry.
pub fn with_types<R>(f: impl FnOnce(&Types) -> R) -> R {
    TYPES.with(|t| f(t))
}

/// The class of any value.
pub fn class_of(v: &Value) -> Rc<Class> {
    if let Value::Instance(i) = v {
        return i.class.clone();
    }
    if let Value::Class(_) = v {
        return with_types(|t| t.type_.clone());
    }
    if let Value::Native(n) = v {
        if let Native::Object { class, .. } = &**n {
            return class.clone();
        }
    }
    with_types(|t| {
        match v {
            Value::Undef | Value::None => &t.none_type,
            Value::Bool(_) => &t.bool_,
            Value::Int(_) | Value::BigInt(_) => &t.int,
            Value::Float(_) => &t.float,
            Value::Str(_) => &t.str_,
            Value::Bytes(_) => &t.bytes,
            Value::Tuple(_) => &t.tuple,
            Value::List(_) => &t.list,
            Value::Dict(_) => &t.dict,
            Value::Set(s) if s.frozen => &t.frozenset,
            Value::Set(_) => &t.set,
            Value::Range(_) => &t.range,
            Value::Function(_) => &t.function,
            Value::Builtin(_) => &t.builtin_function,
            Value::Method(_) => &t.method,
            Value::Module(_) => &t.module,
            Value::Generator(g) => match g.kind {
                crate::vm::generator::GenKind::Generator => &t.generator,
                crate::vm::generator::GenKind::Coroutine => &t.coroutine,
                crate::vm::generator::GenKind::AsyncGenerator => &t.async_generator,
            },
            Value::Native(n) => match &**n {
                Native::Slice(_) => &t.slice,
                Native::Iter(_, name) => return iter_class(t, name),
                Native::Property { .. } => &t.property,
                Native::StaticMethod(_) => &t.staticmethod,
                Native::ClassMethod(_) => &t.classmethod,
                Native::Super { .. } => &t.super_,
                Native::DictView(_, k) => match k {
                    super::object::DictIterKind::Keys => &t.dict_keys,
                    super::object::DictIterKind::Values => &t.dict_values,
                    super::object::DictIterKind::Items => &t.dict_items,
                },
                Native::Code(_) | Native::Cell(_) => &t.code,
                Native::Future(f) => {
                    return with_async_types(|a| {
                        if f.task.is_some() {
                            a.task.clone()
                        } else {
                            a.future.clone()
                        }
                    })
                }
                Native::Loop => return with_async_types(|a| a.event_loop.clone()),
                Native::AsyncGenOp(op) => {
                    return with_async_types(|a| {
                        if op.borrow().is_throw() {
                            a.agen_athrow.clone()
                        } else {
                            a.agen_asend.clone()
                        }
                    })
                }
                Native::Handle(h) => {
                    return with_async_types(|a| {
                        if h.timer {
                            a.timer_handle.clone()
                        } else {
                            a.handle.clone()
                        }
                    })
                }
                Native::NotImplemented => &t.not_implemented_type,
                Native::Ellipsis => &t.ellipsis,
                Native::Object { .. } => unreachable!("handled above"),
            },
            Value::Instance(_) | Value::Class(_) => unreachable!("handled above"),
        }
        .clone()
    })
}

/// A new exception instance of `class` with `args`.
pub fn new_exception(class: &Rc<Class>, args: Vec<Value>) -> Value {
    Value::instance(Instance {
        class: class.clone(),
        dict: Default::default(),
        exc: Some(Box::new(RefCell::new(ExcData {
            args,
            ..Default::default()
        }))),
        base: None,
    })
}

/// A new exception of a builtin class with a message.
pub fn exc(pick: impl FnOnce(&Types) -> &Rc<Class>, msg: impl Into<String>) -> Value {
    let class = with_types(|t| pick(t).clone());
    new_exception(&class, vec![Value::str(msg)])
}

macro_rules! raisers {
    ($($fn_name:ident => $field:ident),* $(,)?) => {
        $(
            #[doc = concat!("A new `", stringify!($field), "` exception with this message.")]
            pub fn $fn_name(msg: impl Into<String>) -> Value {
                exc(|t| &t.$field, msg)
            }
        )*
    };
}

raisers! {
    type_error => type_error,
    value_error => value_error,
    index_error => index_error,
    key_error_msg => key_error,
    attribute_error => attribute_error,
    name_error => name_error,
    runtime_error => runtime_error,
    zero_division_error => zero_division_error,
    overflow_error => overflow_error,
    recursion_error => recursion_error,
    not_implemented_error => not_implemented_error,
    unbound_local_error => unbound_local_error,
    assertion_error => assertion_error,
    import_error => import_error,
    module_not_found_error => module_not_found_error,
    memory_error => memory_error,
    os_error => os_error,
    system_error => system_error,
}

/// `KeyError(key)`: the key itself is the argument.
pub fn key_error(key: Value) -> Value {
    let class = with_types(|t| t.key_error.clone());
    new_exception(&class, vec![key])
}

/// `StopIteration(value)` (no args when the value is None).
pub fn stop_iteration(value: Value) -> Value {
    let class = with_types(|t| t.stop_iteration.clone());
    let args = if value.is_none() { vec![] } else { vec![value] };
    new_exception(&class, args)
}

/// Returns Err(TypeError) built from a format.
pub fn raise_type<T>(msg: impl Into<String>) -> PyResult<T> {
    Err(type_error(msg))
}

/// True if `v` is an instance of `class` (or a subclass).
pub fn is_instance_of(v: &Value, class: &Class) -> bool {
    match v {
        Value::Instance(i) => i.class.is_subclass(class),
        _ => class_of(v).is_subclass(class),
    }
}

/// True if exception `v` is an instance of the builtin class picked.
pub fn exc_is(v: &Value, pick: impl FnOnce(&Types) -> &Rc<Class>) -> bool {
    with_types(|t| is_instance_of(v, pick(t)))
}

/// Sets an attribute in a builtin class's namespace (used while building the builtins).
pub fn set_class_attr(class: &Rc<Class>, name: &str, value: Value) {
    class.dict.borrow_mut().insert(Symbol::new(name), value);
    crate::value::object::class_changed();
}
