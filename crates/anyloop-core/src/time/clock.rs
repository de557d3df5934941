//! The virtual clock of a runtime: paused time for tests.
//!
//! A [`Clock`] belongs to one root future (a runtime's `block_on`) and to
//! the tasks spawned from it while it is active; [`Clocked`] installs it in
//! a thread-local while it polls them. Until a clock is first paused,
//! nothing reads it: `Instant::now()` is `std::time::Instant::now()` behind one
//! relaxed load of a process-wide count of active clocks.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Instant as StdInstant;

/// Clocks alive that have been paused at least once.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // The clock of the root future or task being polled on this thread.
    static CURRENT: Cell<Option<Arc<Clock>>> = const { Cell::new(None) };
}

/// The current instant: virtual inside a task of an active clock.
#[inline]
pub(crate) fn now() -> StdInstant {
    if any_active() {
        return now_slow();
    }
    StdInstant::now()
}

/// Returns `true` if some clock of the process has been paused: one
/// relaxed load. Only then may the code running here be on virtual time.
#[inline]
pub(crate) fn any_active() -> bool {
    ACTIVE.load(Ordering::Relaxed) != 0
}

/// [`now`] once [`any_active`] said `true`.
#[cold]
#[inline(never)]
pub(crate) fn now_slow() -> StdInstant {
    match active() {
        Some(clock) => clock.now(),
        None => StdInstant::now(),
    }
}

/// The clock of the code running on this thread, active or not.
pub fn current() -> Option<Arc<Clock>> {
    let clock = CURRENT.take();
    let copy = clock.clone();
    CURRENT.set(clock);
    copy
}

/// The clock of the code running on this thread, if it has been paused at
/// least once: one relaxed load when no clock of the process has been.
#[inline]
pub fn active() -> Option<Arc<Clock>> {
    if ACTIVE.load(Ordering::Relaxed) == 0 {
        return None;
    }
    active_slow()
}

#[cold]
#[inline(never)]
fn active_slow() -> Option<Arc<Clock>> {
    current().filter(|clock| clock.active.load(Ordering::Relaxed))
}

/// Arms a sleep until `deadline` on the clock of the code running here,
/// once [`any_active`] said `true`: `Ok` with its place on the clock while
/// that clock is paused, else `Err` with the real instant at which the
/// deadline comes. Out of line, so that the sleeps of runtimes that never
/// pause carry none of it.
#[cold]
#[inline(never)]
pub(crate) fn arm(deadline: StdInstant, waker: &Waker) -> Result<Box<Registration>, StdInstant> {
    match active_slow() {
        Some(clock) => clock.arm(deadline, waker).map(Box::new),
        None => Err(deadline),
    }
}

/// A runtime's clock: real time until paused, then a virtual instant that
/// moves only by [`advance`](Clock::advance_to) (or auto-advance).
#[derive(Debug)]
pub struct Clock {
    state: Mutex<State>,
    /// `state.active`, readable without the lock.
    active: AtomicBool,
    /// Tasks on this clock that are scheduled (woken, not yet polled) or
    /// being polled.
    busy: AtomicUsize,
    /// Blocking closures spawned on this clock that are running.
    blocking: AtomicUsize,
}

#[derive(Debug)]
struct State {
    paused: bool,
    /// Counted in `ACTIVE`: paused at least once.
    active: bool,
    /// The virtual instant at `real_base`; while paused, the virtual now.
    virt_base: StdInstant,
    real_base: StdInstant,
    /// Sleeps waiting on the virtual clock, by (deadline, registration).
    timers: BTreeMap<(StdInstant, u64), Entry>,
    next_id: u64,
    /// Timers fired whose sleep has not been polled (or dropped) since.
    fired: usize,
}

#[derive(Debug)]
struct Entry {
    waker: Option<Waker>,
    fired: bool,
}

impl Clock {
    /// A clock on real time.
    pub fn new() -> Arc<Clock> {
        let now = StdInstant::now();
        Arc::new(Clock {
            state: Mutex::new(State {
                paused: false,
                active: false,
                virt_base: now,
                real_base: now,
                timers: BTreeMap::new(),
                next_id: 0,
                fired: 0,
            }),
            active: AtomicBool::new(false),
            busy: AtomicUsize::new(0),
            blocking: AtomicUsize::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent across a panic (no user code runs
        // under the lock), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The clock's current instant.
    pub fn now(&self) -> StdInstant {
        self.lock().now()
    }

    /// Returns `true` while the clock is paused.
    pub fn is_paused(&self) -> bool {
        self.lock().paused
    }

    /// Freezes the clock at its current instant; no-op if it is paused.
    pub fn pause(&self) {
        let mut state = self.lock();
        if state.paused {
            return;
        }
        state.virt_base = state.now();
        state.paused = true;
        if !state.active {
            // The first pause runs in the root future's poll (nothing else
            // runs on an inactive clock): count the root as busy from here;
            // `Clocked` takes the count over when the poll ends.
            self.busy.fetch_add(1, Ordering::SeqCst);
            state.active = true;
            self.active.store(true, Ordering::Relaxed);
            ACTIVE.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Lets the clock run again from its virtual instant; no-op if it is
    /// not paused. The sleeps waiting on it are woken, to wait on their
    /// runtime's own timer for the rest.
    pub fn resume(&self) {
        let wakers: Vec<Waker> = {
            let mut guard = self.lock();
            let state = &mut *guard;
            if !state.paused {
                return;
            }
            state.paused = false;
            state.real_base = StdInstant::now();
            let fired = &mut state.fired;
            state
                .timers
                .values_mut()
                .filter(|entry| !entry.fired)
                .filter_map(|entry| {
                    entry.fired = true;
                    *fired += 1;
                    entry.waker.take()
                })
                .collect()
        };
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Arms a sleep until `deadline`: on the clock while it is paused, else
    /// `Err` with the real instant at which the deadline comes.
    fn arm(
        self: &Arc<Self>,
        deadline: StdInstant,
        waker: &Waker,
    ) -> Result<Registration, StdInstant> {
        let mut state = self.lock();
        if !state.paused {
            return Err(state.to_real(deadline));
        }
        let id = state.next_id;
        state.next_id += 1;
        state.timers.insert(
            (deadline, id),
            Entry {
                waker: Some(waker.clone()),
                fired: false,
            },
        );
        Ok(Registration {
            clock: Arc::clone(self),
            key: (deadline, id),
        })
    }

    /// Fires the earliest timer due at or before `target`, moving the clock
    /// to its deadline (every timer with that same deadline fires with it);
    /// with none due, moves the clock to `target` and returns `false`.
    pub fn advance_to(&self, target: StdInstant) -> bool {
        let wakers: Vec<Waker> = {
            let mut state = self.lock();
            if !state.paused {
                return false;
            }
            let next = state
                .timers
                .iter()
                .find(|(_, entry)| !entry.fired)
                .map(|(&(deadline, _), _)| deadline)
                .filter(|&deadline| deadline <= target);
            let Some(deadline) = next else {
                state.virt_base = state.virt_base.max(target);
                return false;
            };
            state.virt_base = state.virt_base.max(deadline);
            let mut fired = 0;
            let wakers = state
                .timers
                .range_mut((deadline, 0)..=(deadline, u64::MAX))
                .filter(|(_, entry)| !entry.fired)
                .filter_map(|(_, entry)| {
                    entry.fired = true;
                    fired += 1;
                    entry.waker.take()
                })
                .collect();
            state.fired += fired;
            wakers
        };
        wakers.into_iter().for_each(Waker::wake);
        true
    }

    /// Returns `true` when no task on this clock but the caller is
    /// scheduled or running.
    pub fn others_idle(&self) -> bool {
        self.busy.load(Ordering::SeqCst) <= 1
    }

    /// Returns `true` when every timer fired has been seen by its sleep.
    pub fn fired_seen(&self) -> bool {
        self.lock().fired == 0
    }

    /// Auto-advance: when no task on the clock is busy, no blocking closure
    /// runs and every fired timer was seen, fires the earliest timer.
    fn idle(&self) {
        if self.busy.load(Ordering::SeqCst) != 0 || self.blocking.load(Ordering::SeqCst) != 0 {
            return;
        }
        let next = {
            let state = self.lock();
            if !state.paused || state.fired != 0 {
                return;
            }
            match state.timers.iter().find(|(_, entry)| !entry.fired) {
                Some((&(deadline, _), _)) => deadline,
                None => return,
            }
        };
        // Checked again under the lock: a task that became busy meanwhile
        // holds the clock back (it will come here again when it is idle).
        if self.busy.load(Ordering::SeqCst) == 0 && self.blocking.load(Ordering::SeqCst) == 0 {
            self.advance_to(next);
        }
    }

    /// Counts a blocking closure as running until the guard is dropped.
    pub fn blocking(self: &Arc<Self>) -> BlockingGuard {
        self.blocking.fetch_add(1, Ordering::SeqCst);
        BlockingGuard(Arc::clone(self))
    }
}

impl State {
    /// The real instant at which `deadline` comes, while the clock runs.
    fn to_real(&self, deadline: StdInstant) -> StdInstant {
        let ahead = deadline.saturating_duration_since(self.virt_base);
        self.real_base
            .checked_add(ahead)
            .unwrap_or(deadline.max(self.real_base))
    }

    fn now(&self) -> StdInstant {
        if self.paused {
            return self.virt_base;
        }
        let since = StdInstant::now().saturating_duration_since(self.real_base);
        self.virt_base.checked_add(since).unwrap_or(self.virt_base)
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(|p| p.into_inner());
        if state.active {
            ACTIVE.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// A sleep's place on a paused clock.
#[derive(Debug)]
pub(crate) struct Registration {
    clock: Arc<Clock>,
    key: (StdInstant, u64),
}

/// What a registered sleep finds when polled.
pub(crate) enum Polled {
    /// Its timer fired (or the clock has passed its deadline).
    Fired,
    /// The clock was resumed before the timer fired: wait on real time.
    Resumed,
    /// Still waiting.
    Pending,
}

impl Registration {
    pub(crate) fn poll(&self, cx: &Context<'_>) -> Polled {
        let mut state = self.clock.lock();
        let paused = state.paused;
        let Some(entry) = state.timers.get_mut(&self.key) else {
            return Polled::Fired;
        };
        if !entry.fired {
            match &mut entry.waker {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                waker => *waker = Some(cx.waker().clone()),
            }
            return Polled::Pending;
        }
        state.timers.remove(&self.key);
        state.fired -= 1;
        let seen_all = state.fired == 0;
        let polled = if paused || self.key.0 <= state.now() {
            Polled::Fired
        } else {
            Polled::Resumed
        };
        drop(state);
        if seen_all {
            self.clock.idle();
        }
        polled
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut state = self.clock.lock();
        if let Some(entry) = state.timers.remove(&self.key)
            && entry.fired
        {
            state.fired -= 1;
            if state.fired == 0 {
                drop(state);
                self.clock.idle();
            }
        }
    }
}

/// Holds back auto-advance while a blocking closure runs.
#[derive(Debug)]
pub struct BlockingGuard(Arc<Clock>);

impl Drop for BlockingGuard {
    fn drop(&mut self) {
        if self.0.blocking.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle();
        }
    }
}

const IDLE: u8 = 0;
const SCHEDULED: u8 = 1;
const RUNNING: u8 = 2;
const RUNNING_WOKEN: u8 = 3;
const DONE: u8 = 4;

/// A task's place in the clock's count of busy tasks; also its waker, which
/// counts a wake before passing it on to the executor's.
#[derive(Debug)]
struct Task {
    clock: Arc<Clock>,
    state: AtomicU8,
    waker: Mutex<Option<Waker>>,
}

impl Task {
    /// A task in `state`, counted as busy if it is scheduled.
    fn new(clock: Arc<Clock>, state: u8) -> Arc<Task> {
        if state == SCHEDULED {
            clock.busy.fetch_add(1, Ordering::SeqCst);
        }
        Task::adopt(clock, state)
    }

    /// A task in `state`, already counted.
    fn adopt(clock: Arc<Clock>, state: u8) -> Arc<Task> {
        Arc::new(Task {
            clock,
            state: AtomicU8::new(state),
            waker: Mutex::new(None),
        })
    }

    fn enter(&self, waker: &Waker) {
        {
            let mut slot = self.waker.lock().unwrap_or_else(|p| p.into_inner());
            match &*slot {
                Some(old) if old.will_wake(waker) => {}
                _ => *slot = Some(waker.clone()),
            }
        }
        if self.state.swap(RUNNING, Ordering::SeqCst) == IDLE {
            self.clock.busy.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn exit(&self, ready: bool) {
        let idle = if ready {
            self.state.swap(DONE, Ordering::SeqCst) != IDLE
        } else {
            match self
                .state
                .compare_exchange(RUNNING, IDLE, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => true,
                Err(_) => {
                    self.state.store(SCHEDULED, Ordering::SeqCst);
                    false
                }
            }
        };
        if idle && self.clock.busy.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.clock.idle();
        }
    }

    fn mark_woken(&self) {
        let mut current = self.state.load(Ordering::SeqCst);
        loop {
            let next = match current {
                IDLE => SCHEDULED,
                RUNNING => RUNNING_WOKEN,
                _ => return,
            };
            match self
                .state
                .compare_exchange(current, next, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        if current == IDLE {
            self.clock.busy.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.mark_woken();
        let waker = self.waker.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Takes a dropped task (cancelled, or its runtime shut down) out of the
/// count.
#[derive(Debug)]
struct Tracking(Arc<Task>);

impl Drop for Tracking {
    fn drop(&mut self) {
        let state = self.0.state.swap(DONE, Ordering::SeqCst);
        if state != IDLE && state != DONE && self.0.clock.busy.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.clock.idle();
        }
    }
}

pin_project_lite::pin_project! {
    /// A future that runs on `clock`: the clock is the thread's while it is
    /// polled. Wraps the root future of anyloop's runtimes and the tasks
    /// spawned from a clock that has been paused; once the clock has been
    /// paused, it also counts the task in the clock's busy tasks (for
    /// auto-advance) while it is scheduled or polled.
    #[derive(Debug)]
    pub struct Clocked<F> {
        clock: Option<Arc<Clock>>,
        tracking: Option<(Tracking, Waker)>,
        #[pin]
        future: F,
    }
}

impl<F> Clocked<F> {
    /// Runs `future` on `clock`: the root future of a runtime.
    pub fn new(clock: Arc<Clock>, future: F) -> Clocked<F> {
        Clocked {
            clock: Some(clock),
            tracking: None,
            future,
        }
    }

    /// Runs `future` on `clock`, which has been paused: a task spawned on
    /// it, counted as scheduled from now on.
    pub fn spawned(clock: Arc<Clock>, future: F) -> Clocked<F> {
        let task = Task::new(Arc::clone(&clock), SCHEDULED);
        let waker = Waker::from(Arc::clone(&task));
        Clocked {
            clock: Some(clock),
            tracking: Some((Tracking(task), waker)),
            future,
        }
    }
}

/// Puts the clock back where it came from, also on unwind.
struct Restore<'a> {
    slot: &'a mut Option<Arc<Clock>>,
    outer: Option<Arc<Clock>>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        *self.slot = CURRENT.replace(self.outer.take());
    }
}

impl<F: Future> Future for Clocked<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if this.tracking.is_none() {
            match this.clock {
                Some(clock) if clock.active.load(Ordering::Relaxed) => {
                    let task = Task::new(Arc::clone(clock), IDLE);
                    let waker = Waker::from(Arc::clone(&task));
                    *this.tracking = Some((Tracking(task), waker));
                }
                _ => {
                    let polled = {
                        let outer = CURRENT.replace(this.clock.take());
                        let _restore = Restore {
                            slot: &mut *this.clock,
                            outer,
                        };
                        this.future.poll(cx)
                    };
                    // Paused during this poll: the future waits with the
                    // executor's waker, which the clock does not count. Count
                    // it as scheduled and poll it again at once, with ours.
                    // (`pause` counted it as busy, from then on.)
                    if let Some(clock) = this.clock.as_ref()
                        && clock.active.load(Ordering::Relaxed)
                    {
                        if polled.is_pending() {
                            let task = Task::adopt(Arc::clone(clock), SCHEDULED);
                            let waker = Waker::from(Arc::clone(&task));
                            *this.tracking = Some((Tracking(task), waker));
                            cx.waker().wake_by_ref();
                        } else {
                            clock.busy.fetch_sub(1, Ordering::SeqCst);
                        }
                    }
                    return polled;
                }
            }
        }
        let Some((Tracking(task), waker)) = this.tracking.as_ref() else {
            unreachable!("tracking was set above")
        };
        task.enter(cx.waker());
        let polled = {
            let outer = CURRENT.replace(this.clock.take());
            let _restore = Restore {
                slot: this.clock,
                outer,
            };
            // On unwind the task is dropped, which `Tracking` counts.
            this.future.poll(&mut Context::from_waker(waker))
        };
        task.exit(polled.is_ready());
        polled
    }
}

/// Runs `f` with `clock` as the thread's clock (a blocking closure spawned
/// from a paused task).
pub fn enter<R>(clock: Arc<Clock>, f: impl FnOnce() -> R) -> R {
    let mut slot = None;
    let outer = CURRENT.replace(Some(clock));
    let _restore = Restore {
        slot: &mut slot,
        outer,
    };
    f()
}
