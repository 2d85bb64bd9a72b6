//! The process: `proc_exit`, `proc_raise` and `sched_yield`.

use super::args;
use alloc::format;

use crate::ctx::WasiCtx;
use crate::types::{signal, Errno, WasiResult};
use wrt::Error;

impl WasiCtx {
    /// `proc_exit`: `Error::exit(code)` when exit is allowed, otherwise a trap.
    pub(crate) fn proc_exit(&mut self, a: args::proc_exit) -> Error {
        self.flush();
        if self.exit_allowed {
            Error::exit(a.code as i32)
        } else {
            Error::host(format!(
                "the guest called proc_exit({}), but exiting is not allowed \
                 (grant capabilities.process.exit_allowed)",
                a.code
            ))
        }
    }

    /// `proc_raise`: signals whose default action is to ignore them are ignored; the others
    /// would terminate the process, which ends the call with a trap naming the signal.
    pub(crate) fn proc_raise(&mut self, a: args::proc_raise) -> Result<Errno, Error> {
        let Ok(sig) = u8::try_from(a.sig) else {
            return Ok(Errno::Inval);
        };
        match sig {
            signal::NONE | signal::CHLD | signal::CONT | signal::URG | signal::WINCH => {
                Ok(Errno::Success)
            }
            signal::STOP | signal::TSTP | signal::TTIN | signal::TTOU => Ok(Errno::Notsup),
            1..=signal::SYS => {
                self.flush();
                Err(Error::host(format!(
                    "the guest raised {} and terminated",
                    signal::name(sig)
                )))
            }
            _ => Ok(Errno::Inval),
        }
    }

    pub(crate) fn sched_yield(&mut self, _: args::sched_yield) -> WasiResult<()> {
        self.platform.yield_now();
        Ok(())
    }
}
