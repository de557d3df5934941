//! The thread's mark: which backend anyloop runs on this thread, and whether
//! it is async code (a task, a `block_on`) or a blocking closure.
//!
//! One thread-local word, shared by the umbrella crate (which reads it first
//! in `Backend::current`, and sets it around the tasks it spawns) and the
//! backend crates, whose runtimes set it on the threads that run their
//! executor (their `block_on`, smol's worker threads), so that the tasks
//! those threads poll find it already set and need not set it themselves.
//! Not an API for applications: the umbrella's `Backend::current` is.

use std::cell::Cell;

/// A thread's mark: a backend kind, a plug-in's index and the async flag,
/// in one word (compared and copied as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark(u32);

const ASYNC: u32 = 1 << 16;

impl Mark {
    /// No backend: anyloop runs nothing on this thread.
    pub const NONE: Mark = Mark(0);
    /// Kind of a tokio runtime.
    pub const TOKIO: u8 = 1;
    /// Kind of a smol runtime.
    pub const SMOL: u8 = 2;
    /// Kind of an async-std runtime.
    pub const ASYNC_STD: u8 = 3;
    /// Kind of a plug-in runtime (its index in [`Mark::plugin`]).
    pub const PLUGIN: u8 = 4;

    /// The mark of backend `kind` (plug-in `plugin`), async or blocking.
    #[inline(always)]
    pub const fn new(kind: u8, plugin: u8, is_async: bool) -> Mark {
        Mark(kind as u32 | (plugin as u32) << 8 | if is_async { ASYNC } else { 0 })
    }

    /// The backend's kind; `0` for [`Mark::NONE`].
    #[inline(always)]
    pub const fn kind(self) -> u8 {
        self.0 as u8
    }

    /// The plug-in's index (meaningful for [`Mark::PLUGIN`] only).
    #[inline(always)]
    pub const fn plugin(self) -> u8 {
        (self.0 >> 8) as u8
    }

    /// Returns `true` for async code (a task or a `block_on`).
    #[inline(always)]
    pub const fn is_async(self) -> bool {
        self.0 & ASYNC != 0
    }

    /// The same backend, in async code.
    #[inline(always)]
    pub const fn to_async(self) -> Mark {
        Mark(self.0 | ASYNC)
    }
}

thread_local! {
    static MARK: Cell<Mark> = const { Cell::new(Mark::NONE) };
}

/// The thread's mark.
#[inline(always)]
pub fn get() -> Mark {
    MARK.get()
}

/// Sets the thread's mark and returns the previous one.
#[inline(always)]
pub fn replace(mark: Mark) -> Mark {
    MARK.replace(mark)
}

/// Sets the thread's mark.
#[inline(always)]
pub fn set(mark: Mark) {
    MARK.set(mark);
}

/// Marks the thread with `mark` until dropped (also on unwind), then
/// restores the mark it had.
#[derive(Debug)]
pub struct Enter(Mark);

impl Enter {
    /// Marks the thread with `mark`.
    #[inline(always)]
    pub fn new(mark: Mark) -> Enter {
        Enter(replace(mark))
    }
}

impl Drop for Enter {
    #[inline(always)]
    fn drop(&mut self) {
        set(self.0);
    }
}
