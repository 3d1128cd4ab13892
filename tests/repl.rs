//! The REPL core driven line by line: the transcript of a session, as a user would see it.

use aio::repl::transcript;

#[test]
fn async_session_transcript() {
    let lines = [
        "import asyncio",
        "async def fetch(x):",
        "    await asyncio.sleep(1)",
        "    return x * 2",
        "",
        "r = await fetch(21)",
        "r",
        "_ + 1",
        "None",
        "[i async for i in agen()] if False else 'skip'",
        "async def ticker():",
        "    n = 0",
        "    while True:",
        "        print('tick', n)",
        "        n += 1",
        "        await asyncio.sleep(0.1)",
        "",
        "t = asyncio.create_task(ticker(), name='ticker')",
        "await asyncio.sleep(0.25)",
        ":tasks",
        "1 / 0",
        "x = 5",
        "x",
        "t.cancel()",
        "await asyncio.sleep(0)",
        "t.cancelled()",
        ":clock",
        "async with asyncio.timeout(1):",
        "    await asyncio.sleep(0.5)",
        "",
        "class Count:",
        "    def __init__(self): self.i = 0",
        "    def __aiter__(self): return self",
        "    async def __anext__(self):",
        "        if self.i == 3: raise StopAsyncIteration",
        "        self.i += 1",
        "        await asyncio.sleep(0.1)",
        "        return self.i",
        "",
        "async for v in Count():",
        "    print(v)",
        "",
        "def broken(:",
        "exit(3)",
    ];
    insta::assert_snapshot!(mask_addresses(&transcript(&lines)));
}

/// `:tasks` while a program runs describes what each task waits on as things
/// stand (no "no producer left": a producer may still come); a statement that
/// can never finish gets the deadlock wording.
#[test]
fn sync_waits_in_tasks_listing() {
    let lines = [
        "import asyncio",
        "q = asyncio.Queue()",
        "lock = asyncio.Lock()",
        "async def consume():",
        "    while True:",
        "        print('got', await q.get())",
        "",
        "async def hold():",
        "    async with lock:",
        "        await asyncio.sleep(100)",
        "",
        "c = asyncio.create_task(consume(), name='consumer')",
        "h = asyncio.create_task(hold(), name='holder')",
        "await asyncio.sleep(0)",
        "async def grab():",
        "    await lock.acquire()",
        "",
        "w = asyncio.create_task(grab(), name='waiter')",
        "await asyncio.sleep(0)",
        ":tasks",
        "q.put_nowait('item')",
        "await asyncio.sleep(0)",
        "h.cancel()",
        "await asyncio.sleep(0)",
        "lock.locked(), w.done()",
        ":tasks",
        "await q.join()",
        "q.task_done()",
        "await asyncio.Queue(maxsize=1).get()",
    ];
    insta::assert_snapshot!(mask_addresses(&transcript(&lines)));
}

/// Object addresses differ between runs.
fn mask_addresses(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(" at 0x") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        let end = rest
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(rest.len());
        out.push_str("ADDR");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
