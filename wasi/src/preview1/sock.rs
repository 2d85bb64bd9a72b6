//! Sockets: `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`, on the listening sockets
//! the embedder grants and the connections accepted from them.

use super::args;
use crate::backend::{HostObject, Object, Transfer};
use crate::ctx::{require, Entry, Kind, WasiCtx};
use crate::memory::GuestMemory;
use crate::types::{fdflags, riflags, rights, Errno, WasiResult};

impl WasiCtx {
    pub(crate) fn sock_accept(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::sock_accept,
    ) -> WasiResult<()> {
        let flags = u16::try_from(a.flags).map_err(|_| Errno::Inval)?;
        if flags & !fdflags::NONBLOCK != 0 {
            return Err(Errno::Inval);
        }
        let e = self.entry_mut(a.fd)?;
        let held = e.rights_base;
        let nonblocking = e.flags & fdflags::NONBLOCK != 0;
        let entry = match &mut e.kind {
            Kind::Stream(_) => return Err(Errno::Notsock),
            Kind::Host(h) => {
                if !h.is_listener() {
                    return Err(if h.is_socket() {
                        Errno::Inval
                    } else {
                        Errno::Notsock
                    });
                }
                require(held, rights::SOCK_ACCEPT)?;
                let socket = h.accept(nonblocking, flags)?;
                let mut entry = Entry::new(Kind::Host(socket), rights::SOCKET, 0);
                entry.flags = flags;
                entry
            }
        };
        self.install(mem, entry, a.out)
    }

    pub(crate) fn sock_recv(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::sock_recv,
    ) -> WasiResult<()> {
        let iovs = mem.read_iovecs(a.iovs, a.iovs_len)?;
        let flags = u16::try_from(a.ri_flags).map_err(|_| Errno::Inval)?;
        let all = riflags::RECV_PEEK | riflags::RECV_WAITALL;
        if flags & !all != 0 {
            return Err(Errno::Inval);
        }
        let n = self
            .socket(a.fd, rights::FD_READ)?
            .recv(mem, &iovs, flags)?;
        mem.write_u32(a.datalen, n)?;
        mem.write_u16(a.roflags, 0)
    }

    pub(crate) fn sock_send(
        &mut self,
        mem: &mut GuestMemory<'_>,
        a: args::sock_send,
    ) -> WasiResult<()> {
        let iovs = mem.read_iovecs(a.iovs, a.iovs_len)?;
        if a.si_flags != 0 {
            return Err(Errno::Inval);
        }
        let n = self
            .socket(a.fd, rights::FD_WRITE)?
            .transfer(Transfer::Write, mem, &iovs, None)?;
        mem.write_u32(a.datalen, n)
    }

    pub(crate) fn sock_shutdown(&mut self, a: args::sock_shutdown) -> WasiResult<()> {
        let socket = self.socket(a.fd, rights::SOCK_SHUTDOWN)?;
        let how = u8::try_from(a.how).map_err(|_| Errno::Inval)?;
        socket.shutdown(how)
    }

    /// The connected socket behind `fd`, after checking it holds the `required` rights.
    fn socket(&mut self, fd: u32, required: u64) -> WasiResult<&mut Object> {
        let (h, held) = self.host(fd, Errno::Notsock)?;
        if !h.is_socket() {
            return Err(Errno::Notsock);
        }
        require(held, required)?;
        Ok(h)
    }
}
