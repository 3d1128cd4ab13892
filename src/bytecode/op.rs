//! The instruction set. Each op's stack effect is in its doc comment
//! (`before -> after`, top of stack rightmost).

use crate::ast::{BinOp, CmpOp};

/// One instruction. Operands are indices into the code object's tables or jump targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// `-> ` does nothing.
    Nop,
    /// `-> consts[i]`
    LoadConst(u32),
    /// `-> locals[i]` (UnboundLocalError if empty)
    LoadFast(u32),
    /// `v -> ` stores locals[i]
    StoreFast(u32),
    /// `-> ` empties locals[i] (UnboundLocalError if already empty)
    DeleteFast(u32),
    /// `-> cells[i]` contents (cellvars then freevars)
    LoadDeref(u32),
    /// `v -> ` stores into cells[i]
    StoreDeref(u32),
    /// `-> ` empties cells[i]
    DeleteDeref(u32),
    /// `-> cell` pushes the cell itself (to build a closure)
    LoadClosure(u32),
    /// `-> v` class body: the class namespace, else the cell cells[i]
    LoadClassDeref(u32),
    /// `-> globals[names[i]]` or builtins
    LoadGlobal(u32),
    /// `v -> ` globals[names[i]] = v
    StoreGlobal(u32),
    /// `-> ` del globals[names[i]]
    DeleteGlobal(u32),
    /// `-> v` class bodies and module level: locals, globals, builtins
    LoadName(u32),
    /// `v -> ` stores in the local namespace
    StoreName(u32),
    /// `-> ` deletes from the local namespace
    DeleteName(u32),
    /// `obj -> obj.names[i]`
    LoadAttr(u32),
    /// `v obj -> ` obj.names[i] = v
    StoreAttr(u32),
    /// `obj -> ` del obj.names[i]
    DeleteAttr(u32),
    /// `obj -> method self` or `obj -> bound Undef` (pairs with CallMethod)
    LoadMethod(u32),
    /// `method self a1..an -> result` (self may be Undef: then not passed)
    CallMethod(u32),
    /// `f a1..an -> f(a1..an)`
    Call(u32),
    /// `f a1..an kwnames -> f(...)`; the last `len(kwnames)` args are keywords (kwnames a const tuple)
    CallKw(u32),
    /// `f args_tuple kwargs_dict_or_None -> f(*args, **kwargs)`
    CallEx,
    /// `f -> f()` for a call spelled `locals()` or `globals()`: when `f` is that builtin,
    /// the calling frame's namespace as a dict; otherwise a plain call.
    CallNamespace,
    /// `obj key -> obj[key]`
    Subscript,
    /// `v obj key -> ` obj[key] = v
    StoreSubscript,
    /// `obj key -> ` del obj[key]
    DeleteSubscript,
    /// `a b -> a op b`
    Binary(BinOp),
    /// `a b -> a op= b` (tries `__iop__` first)
    Inplace(BinOp),
    /// `a b -> a op b`
    Compare(CmpOp),
    /// `v -> -v`
    Neg,
    /// `v -> +v`
    Pos,
    /// `v -> ~v`
    Invert,
    /// `v -> not v`
    Not,
    /// `v -> `
    Pop,
    /// `v -> v v`
    Dup,
    /// `a b -> a b a b`
    Dup2,
    /// `a b -> b a`
    Rot2,
    /// `a b c -> c a b`
    Rot3,
    /// `a b c d -> d a b c`
    Rot4,
    /// `a1..an -> (a1..an)`
    BuildTuple(u32),
    /// `a1..an -> [a1..an]`
    BuildList(u32),
    /// `a1..an -> {a1..an}`; with `FOLDED_SET` or'ed in, the items are constants
    /// and the set is laid out as CPython's folded-frozenset display.
    BuildSet(u32),
    /// `k1 v1..kn vn -> {k1: v1..}`
    BuildMap(u32),
    /// `start stop [step] -> slice` (operand 2 or 3)
    BuildSlice(u32),
    /// `s1..sn -> "s1..sn"` (f-string pieces)
    BuildString(u32),
    /// `list .. v -> list ..` appends v to the list `i` deep below it
    ListAppend(u32),
    /// `set .. v -> set ..`
    SetAdd(u32),
    /// `dict .. k v -> dict ..`
    MapAdd(u32),
    /// `list .. it -> list ..` extends
    ListExtend(u32),
    /// `set .. it -> set ..`
    SetUpdate(u32),
    /// `dict .. m -> dict ..` (display `{**m}`)
    DictUpdate(u32),
    /// `dict .. m -> dict ..` (call `f(**m)`: duplicate keys are an error)
    DictMerge(u32),
    /// `list -> tuple`
    ListToTuple,
    /// `seq -> vn..v1` (exactly n items)
    UnpackSequence(u32),
    /// `seq -> after.. starred before..` operand: before | after << 16
    UnpackEx(u32),
    /// `-> ` jump
    Jump(u32),
    /// `v -> ` jump if falsy
    PopJumpIfFalse(u32),
    /// `v -> ` jump if truthy
    PopJumpIfTrue(u32),
    /// `v -> v` jump if falsy, else pop
    JumpIfFalseOrPop(u32),
    /// `v -> v` jump if truthy, else pop
    JumpIfTrueOrPop(u32),
    /// `v -> iter(v)`
    GetIter,
    /// `it -> it next` or `it -> ` and jump when exhausted
    ForIter(u32),
    /// `code defaults kwdefaults closure -> function` (operand: flags of what is present)
    MakeFunction(u32),
    /// `v -> ` returns v from the frame
    Return,
    /// `v -> sent` suspends a generator
    Yield,
    /// `iterable -> iter` for `yield from` (generators and coroutines pass through)
    GetYieldFromIter,
    /// `v -> awaitable` for `await` (coroutine, Future, `__await__`); the operand says
    /// where the value came from for the error message: 0 await, 1 `__aenter__`, 2 `__aexit__`
    GetAwaitable(u8),
    /// `iter -> result` delegates to iter until it returns (yield from / await)
    YieldFrom,
    /// `-> ` pushes an except handler block at target
    SetupExcept(u32),
    /// `-> ` pushes a finally handler block at target
    SetupFinally(u32),
    /// `.. v -> .. v` pushes a handler block at target whose stack level excludes TOS
    SetupCleanup(u32),
    /// `-> ` pops the innermost handler block
    PopBlock,
    /// `exc -> prev exc` makes exc the one being handled
    PushExcInfo,
    /// `prev -> ` restores the previously handled exception
    PopExcept,
    /// `exc -> ` re-raises exc keeping its traceback
    Reraise,
    /// `exc type -> exc bool` isinstance check for except clauses
    CheckExcMatch,
    /// `eg type -> rest match` splits a group for except*
    CheckEgMatch,
    /// `orig raised_list -> exc_or_None` combines except* results
    PrepReraiseStar,
    /// `[cause] [exc] -> ` operand: 0 re-raise, 1 raise exc, 2 raise exc from cause
    Raise(u32),
    /// `mgr -> exit enter_result` (sync with)
    BeforeWith,
    /// `mgr -> aexit aenter_awaitable` (async with)
    BeforeAsyncWith,
    /// `exit .. exc -> exit .. exc result` calls exit(type, exc, tb)
    WithExceptStart,
    /// `v [spec] -> str` operand: conversion (0 none, 1 s, 2 r, 3 a) | has_spec << 2
    FormatValue(u32),
    /// `level fromlist -> module` imports names[i]
    ImportName(u32),
    /// `module -> module attr` from-import of names[i]
    ImportFrom(u32),
    /// `module -> ` star import into globals
    ImportStar,
    /// `-> builtins.__build_class__`
    LoadBuildClass,
    /// `-> AssertionError`
    LoadAssertionError,
    /// `v -> ` REPL: print repr and set `_`
    PrintExpr,
    /// `obj -> aiter` async for: calls `__aiter__`
    GetAIter,
    /// `aiter -> aiter awaitable` calls `__anext__`
    GetANext,
    /// `exc -> ` end of async for: StopAsyncIteration ends the loop, else re-raise
    EndAsyncFor,
    /// `v -> v` async generator yield wraps its value (distinguishes it from awaits)
    AsyncGenWrap,
    /// `-> ` raises the compiler-detected error consts[i] as RuntimeError (placeholder for
    /// constructs that only fail when run)
    Unreachable,
}

/// Flag in `BuildSet`'s count: the display's items were all constants.
pub const FOLDED_SET: u32 = 1 << 31;
