//! The operand stack's maximum depth per code object, so a frame is allocated
//! once at its exact size.
//!
//! A forward data-flow pass over the instructions: each reachable instruction gets
//! the stack depth on entry, propagated along fall-through and jump edges, and
//! along the edge from a `Setup*` op to its handler (the handler starts at the
//! block's level plus the exception the VM pushes).

use super::op::{Op, FOLDED_SET};

/// How one instruction changes the depth.
struct Effect {
    /// Depth change when execution continues with the next instruction
    /// (`None`: it never does, e.g. `Return`, `Jump`).
    next: Option<i32>,
    /// A second successor and the depth change on the way there.
    branch: Option<(u32, i32)>,
    /// The most the op has on the stack above its entry depth while it runs.
    peak: i32,
}

fn effect(op: Op) -> Effect {
    use Op::*;
    let flow = |n: i32| Effect {
        next: Some(n),
        branch: None,
        peak: n.max(0),
    };
    let ends = |_pops: i32| Effect {
        next: None,
        branch: None,
        peak: 0,
    };
    let branch = |n: i32, target: u32, b: i32| Effect {
        next: Some(n),
        branch: Some((target, b)),
        peak: n.max(b).max(0),
    };
    let n = |k: u32| k as i32;
    match op {
        Nop | DeleteFast(_) | DeleteDeref(_) | DeleteGlobal(_) | DeleteName(_) => flow(0),
        LoadConst(_) | LoadFast(_) | LoadDeref(_) | LoadClosure(_) | LoadClassDeref(_)
        | LoadGlobal(_) | LoadName(_) | LoadBuildClass | LoadAssertionError => flow(1),
        StoreFast(_) | StoreDeref(_) | StoreGlobal(_) | StoreName(_) | DeleteAttr(_) => flow(-1),
        LoadAttr(_) => flow(0),
        StoreAttr(_) => flow(-2),
        LoadMethod(_) => flow(1),
        CallMethod(k) => flow(-n(k) - 1),
        Call(k) => flow(-n(k)),
        CallKw(k) => flow(-n(k) - 1),
        CallEx => flow(-2),
        CallNamespace => flow(0),
        Subscript => flow(-1),
        StoreSubscript => flow(-3),
        DeleteSubscript => flow(-2),
        Binary(_) | Inplace(_) | Compare(_) => flow(-1),
        Neg | Pos | Invert | Not => flow(0),
        Pop => flow(-1),
        Dup => flow(1),
        Dup2 => flow(2),
        Rot2 | Rot3 | Rot4 => flow(0),
        BuildTuple(k) | BuildList(k) | BuildSlice(k) | BuildString(k) => flow(1 - n(k)),
        BuildSet(k) => flow(1 - n(k & !FOLDED_SET)),
        BuildMap(k) => flow(1 - 2 * n(k)),
        ListAppend(_) | SetAdd(_) => flow(-1),
        MapAdd(_) => flow(-2),
        ListExtend(_) | SetUpdate(_) | DictUpdate(_) | DictMerge(_) => flow(-1),
        ListToTuple => flow(0),
        UnpackSequence(k) => flow(n(k) - 1),
        UnpackEx(k) => flow(n(k & 0xffff) + n(k >> 16)),
        Jump(t) => Effect {
            next: None,
            branch: Some((t, 0)),
            peak: 0,
        },
        PopJumpIfFalse(t) | PopJumpIfTrue(t) => branch(-1, t, -1),
        JumpIfFalseOrPop(t) | JumpIfTrueOrPop(t) => branch(-1, t, 0),
        GetIter => flow(0),
        // `it -> it next`, or the exhausted iterator is popped on the way to `t`.
        ForIter(t) => branch(1, t, -1),
        MakeFunction(flags) => flow(-(n(flags & 1) + n((flags >> 1) & 1) + n((flags >> 2) & 1))),
        Return => ends(-1),
        Yield => flow(0),
        GetYieldFromIter => flow(0),
        GetAwaitable(_) => flow(0),
        // While suspended, the resume value is pushed above the iterator.
        YieldFrom => Effect {
            next: Some(0),
            branch: None,
            peak: 1,
        },
        // The handler starts with the exception pushed on the block's level.
        SetupExcept(t) | SetupFinally(t) => branch(0, t, 1),
        // The level excludes the top of stack, which the exception replaces.
        SetupCleanup(t) => branch(0, t, 0),
        PopBlock => flow(0),
        PushExcInfo => flow(1),
        PopExcept => flow(-1),
        Reraise => ends(-1),
        CheckExcMatch => flow(0),
        CheckEgMatch => flow(0),
        PrepReraiseStar => flow(-1),
        Raise(k) => ends(-n(k)),
        BeforeWith | BeforeAsyncWith => flow(1),
        WithExceptStart => flow(1),
        FormatValue(flags) => flow(-n((flags >> 2) & 1)),
        ImportName(_) => flow(-1),
        ImportFrom(_) => flow(1),
        ImportStar => flow(-1),
        PrintExpr => flow(-1),
        GetAIter => flow(0),
        GetANext => flow(1),
        // `aiter exc -> ` when the loop ends (otherwise the exception propagates).
        EndAsyncFor => flow(-2),
        AsyncGenWrap => flow(0),
        Unreachable => ends(0),
    }
}

/// The most values the operand stack of a frame running `ops` ever holds.
pub fn max_depth(ops: &[Op]) -> u32 {
    let mut depth: Vec<Option<i32>> = vec![None; ops.len() + 1];
    let mut work: Vec<usize> = Vec::new();
    let mut max = 0i32;
    if ops.is_empty() {
        return 0;
    }
    depth[0] = Some(0);
    work.push(0);
    // A consistent code object reaches a fixed point after visiting each edge once;
    // the bound only guards against a compiler bug looping forever.
    let mut budget = ops.len().saturating_mul(8) + 64;
    let visit = |at: usize, d: i32, depth: &mut Vec<Option<i32>>, work: &mut Vec<usize>| {
        if at >= depth.len() {
            return;
        }
        if depth[at].is_none_or(|old| d > old) {
            depth[at] = Some(d);
            work.push(at);
        }
    };
    while let Some(ip) = work.pop() {
        if budget == 0 {
            break;
        }
        budget -= 1;
        let Some(d) = depth[ip] else { continue };
        let Some(&op) = ops.get(ip) else { continue };
        let e = effect(op);
        max = max.max(d + e.peak);
        if let Some(n) = e.next {
            visit(ip + 1, (d + n).max(0), &mut depth, &mut work);
        }
        if let Some((t, b)) = e.branch {
            visit(t as usize, (d + b).max(0), &mut depth, &mut work);
        }
    }
    max.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_line_and_calls() {
        // f(a, b) -> max 3
        let ops = [
            Op::LoadGlobal(0),
            Op::LoadConst(0),
            Op::LoadConst(1),
            Op::Call(2),
            Op::Return,
        ];
        assert_eq!(max_depth(&ops), 3);
    }

    #[test]
    fn handler_entry_counts_the_exception() {
        // try: x = a  except: pass ; the handler starts at level 0 plus the exception.
        let ops = [
            Op::SetupExcept(4),
            Op::LoadGlobal(0),
            Op::StoreFast(0),
            Op::PopBlock,
            Op::PushExcInfo,
            Op::Pop,
            Op::PopExcept,
            Op::LoadConst(0),
            Op::Return,
        ];
        assert_eq!(max_depth(&ops), 2);
    }

    #[test]
    fn for_loop_keeps_the_iterator() {
        let ops = [
            Op::LoadFast(0),
            Op::GetIter,
            Op::ForIter(5),
            Op::StoreFast(1),
            Op::Jump(2),
            Op::LoadConst(0),
            Op::Return,
        ];
        assert_eq!(max_depth(&ops), 2);
    }
}
