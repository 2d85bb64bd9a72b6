//! Waiting: `poll_oneoff` over clock deadlines and descriptor readiness. What can be waited on
//! besides time depends on the backend (`Backend::poll_wait`).

use super::{args, put};
use alloc::vec::Vec;

use crate::backend::{Active, Backend, HostObject};
use crate::ctx::{Kind, WasiCtx};
use crate::memory::GuestMemory;
use crate::types::{
    eventrwflags, eventtype, layout, rights, subclockflags, ClockId, Errno, Readiness, WasiResult,
    Woken,
};

struct Subscription {
    userdata: u64,
    what: SubKind,
}

enum SubKind {
    /// Fires when `remaining` nanoseconds have passed since the call started.
    Clock {
        remaining: u64,
    },
    /// A clock subscription that failed while being decoded.
    ClockError(Errno),
    Fd {
        fd: u32,
        read: bool,
    },
}

struct Event {
    userdata: u64,
    error: Errno,
    ty: u8,
    nbytes: u64,
    flags: u16,
}

impl WasiCtx {
    fn readiness(&mut self, fd: u32, read: bool) -> Readiness {
        let e = match self.entry_mut(fd) {
            Ok(e) => e,
            Err(err) => return Readiness::Failed(err),
        };
        if let Err(err) = e.require(rights::POLL_FD_READWRITE) {
            return Readiness::Failed(err);
        }
        match &mut e.kind {
            Kind::Stream(s) => {
                if !read {
                    return Readiness::Ready {
                        nbytes: 0,
                        hangup: false,
                    };
                }
                match s.read_ready() {
                    Ok(Some(nbytes)) => Readiness::Ready {
                        nbytes,
                        hangup: false,
                    },
                    Ok(None) => {
                        #[cfg(all(feature = "std", unix))]
                        if s.host_fd().is_some() {
                            return Readiness::Pending;
                        }
                        Readiness::Ready {
                            nbytes: 0,
                            hangup: false,
                        }
                    }
                    Err(err) => Readiness::Failed(err),
                }
            }
            Kind::Host(h) => h.readiness(read),
        }
    }

    fn read_subscriptions(
        &mut self,
        mem: &GuestMemory<'_>,
        ptr: u32,
        n: u32,
    ) -> WasiResult<Vec<Subscription>> {
        let total = n
            .checked_mul(layout::SUBSCRIPTION_SIZE)
            .ok_or(Errno::Fault)?;
        mem.slice(ptr, total)?;
        let mut subs = Vec::with_capacity(n as usize);
        for i in 0..n {
            let at = ptr + i * layout::SUBSCRIPTION_SIZE;
            let userdata = mem.read_u64(at + layout::SUBSCRIPTION_USERDATA)?;
            let tag = mem.read_u8(at + layout::SUBSCRIPTION_TAG)?;
            let what = match tag {
                eventtype::CLOCK => {
                    let id = mem.read_u32(at + layout::SUBSCRIPTION_CLOCK_ID)?;
                    let timeout = mem.read_u64(at + layout::SUBSCRIPTION_CLOCK_TIMEOUT)?;
                    let flags = mem.read_u16(at + layout::SUBSCRIPTION_CLOCK_FLAGS)?;
                    self.clock_subscription(id, timeout, flags)
                }
                eventtype::FD_READ | eventtype::FD_WRITE => SubKind::Fd {
                    fd: mem.read_u32(at + layout::SUBSCRIPTION_FD)?,
                    read: tag == eventtype::FD_READ,
                },
                _ => return Err(Errno::Inval),
            };
            subs.push(Subscription { userdata, what });
        }
        Ok(subs)
    }

    fn clock_subscription(&mut self, id: u32, timeout: u64, flags: u16) -> SubKind {
        let clock = match ClockId::from_raw(id) {
            Ok(c) => c,
            Err(e) => return SubKind::ClockError(e),
        };
        if flags & !subclockflags::SUBSCRIPTION_CLOCK_ABSTIME != 0 {
            return SubKind::ClockError(Errno::Inval);
        }
        if matches!(clock, ClockId::ProcessCputime | ClockId::ThreadCputime) {
            // Waiting does not consume CPU time; such a wait could never end.
            return SubKind::ClockError(Errno::Notsup);
        }
        if flags & subclockflags::SUBSCRIPTION_CLOCK_ABSTIME != 0 {
            match self.platform.clock_time(clock) {
                Ok(now) => SubKind::Clock {
                    remaining: timeout.saturating_sub(now),
                },
                Err(e) => SubKind::ClockError(e),
            }
        } else {
            SubKind::Clock { remaining: timeout }
        }
    }

    pub(crate) fn poll_oneoff(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::poll_oneoff,
    ) -> WasiResult<()> {
        if a.n == 0 {
            return Err(Errno::Inval);
        }
        let subs = self.read_subscriptions(mem, a.input, a.n)?;
        mem.slice(
            a.output,
            a.n.checked_mul(layout::EVENT_SIZE).ok_or(Errno::Fault)?,
        )?;
        mem.slice(a.nevents, 4)?;

        let start = self.platform.clock_time(ClockId::Monotonic).ok();
        let mut slept: u64 = 0;
        // Descriptors the last host poll reported ready (or hung up), as (fd, read, hangup).
        let mut woke: Vec<Woken> = Vec::new();
        let events = loop {
            let mut events = Vec::new();
            let mut pending: Vec<(u32, bool)> = Vec::new();
            for sub in &subs {
                match sub.what {
                    SubKind::ClockError(err) => events.push(Event {
                        userdata: sub.userdata,
                        error: err,
                        ty: eventtype::CLOCK,
                        nbytes: 0,
                        flags: 0,
                    }),
                    SubKind::Clock { .. } => {}
                    SubKind::Fd { fd, read } => {
                        let ty = if read {
                            eventtype::FD_READ
                        } else {
                            eventtype::FD_WRITE
                        };
                        let state = match woke.iter().find(|w| w.0 == fd && w.1 == read) {
                            Some(&(_, _, hangup)) => Readiness::Ready { nbytes: 0, hangup },
                            None => self.readiness(fd, read),
                        };
                        match state {
                            Readiness::Ready { nbytes, hangup } => events.push(Event {
                                userdata: sub.userdata,
                                error: Errno::Success,
                                ty,
                                nbytes,
                                flags: if hangup {
                                    eventrwflags::FD_READWRITE_HANGUP
                                } else {
                                    0
                                },
                            }),
                            Readiness::Failed(err) => events.push(Event {
                                userdata: sub.userdata,
                                error: err,
                                ty,
                                nbytes: 0,
                                flags: 0,
                            }),
                            Readiness::Pending => pending.push((fd, read)),
                        }
                    }
                }
            }
            let elapsed = match (start, self.platform.clock_time(ClockId::Monotonic).ok()) {
                (Some(s), Some(now)) => now.saturating_sub(s),
                _ => slept,
            };
            let mut next_deadline: Option<u64> = None;
            for sub in &subs {
                if let SubKind::Clock { remaining } = sub.what {
                    if remaining <= elapsed {
                        events.push(Event {
                            userdata: sub.userdata,
                            error: Errno::Success,
                            ty: eventtype::CLOCK,
                            nbytes: 0,
                            flags: 0,
                        });
                    } else {
                        let left = remaining - elapsed;
                        next_deadline = Some(next_deadline.map_or(left, |d| d.min(left)));
                    }
                }
            }
            if !events.is_empty() {
                break events;
            }
            if pending.is_empty() && next_deadline.is_none() {
                // Nothing can ever become ready.
                break events;
            }
            let (ready, waited) = Active::poll_wait(self, &pending, next_deadline)?;
            woke = ready;
            slept = slept.saturating_add(waited);
        };

        for (i, ev) in events.iter().enumerate() {
            let mut buf = [0u8; layout::EVENT_SIZE as usize];
            put(&mut buf, layout::EVENT_USERDATA, &ev.userdata.to_le_bytes());
            put(&mut buf, layout::EVENT_ERROR, &ev.error.raw().to_le_bytes());
            put(&mut buf, layout::EVENT_TYPE, &[ev.ty]);
            if ev.ty != eventtype::CLOCK {
                put(&mut buf, layout::EVENT_NBYTES, &ev.nbytes.to_le_bytes());
                put(&mut buf, layout::EVENT_FLAGS, &ev.flags.to_le_bytes());
            }
            mem.write_bytes(a.output + (i as u32) * layout::EVENT_SIZE, &buf)?;
        }
        mem.write_u32(a.nevents, events.len() as u32)
    }
}
