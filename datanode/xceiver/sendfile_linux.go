package xceiver

import (
	"io"
	"net"
	"os"
	"syscall"
)

// sendPacketFromFile sends a packet's header and checksums, then n bytes
// of f from off, with no copy of the data through user space. The header
// goes with MSG_MORE, so that it leaves in the same segments as the data
// instead of a small one of its own that the reader would wake up for;
// sendfile(2) takes the offset itself, so the file's position is not
// moved. ok is false when the connection is not a socket: the caller then
// sends the packet as before.
func (t *tconn) sendPacketFromFile(hdr []byte, f *os.File, off, n int64) (sent int64, ok bool, err error) {
	if t.raw == nil {
		return 0, false, nil
	}
	fc, err := f.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	t.armWrite()
	var opErr error
	cerr := fc.Control(func(ffd uintptr) {
		werr := t.raw.Write(func(sfd uintptr) bool {
			for len(hdr) > 0 {
				m, err := syscall.SendmsgN(int(sfd), hdr, nil, nil, syscall.MSG_MORE)
				switch err {
				case nil:
					hdr = hdr[m:]
				case syscall.EINTR:
				case syscall.EAGAIN:
					return false
				default:
					opErr = os.NewSyscallError("sendmsg", err)
					return true
				}
			}
			for sent < n {
				o := off + sent
				m, err := syscall.Sendfile(int(sfd), int(ffd), &o, int(min(n-sent, 1<<30)))
				if m > 0 {
					sent += int64(m)
				}
				switch {
				case err == syscall.EAGAIN:
					return false
				case err == syscall.EINTR:
				case err != nil:
					opErr = os.NewSyscallError("sendfile", err)
					return true
				case m == 0:
					opErr = io.ErrUnexpectedEOF // the file ends before off+n
					return true
				}
			}
			return true
		})
		if opErr == nil {
			opErr = werr
		}
	})
	if opErr == nil {
		opErr = cerr
	}
	if opErr != nil && opErr != io.ErrUnexpectedEOF {
		opErr = &net.OpError{Op: "write", Net: t.LocalAddr().Network(), Source: t.LocalAddr(), Addr: t.RemoteAddr(), Err: opErr}
	}
	return sent, true, opErr
}
