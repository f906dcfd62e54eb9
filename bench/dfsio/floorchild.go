package dfsio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// floorEnv names the environment variable that makes Run the child of a
// CPU floor instead of a benchmark: "write SIZE DIR" or "serve SIZE DIR".
// The child takes a listening loopback socket as fd 3, accepts one
// connection on it, moves SIZE bytes and prints its CPU on stdout.
const floorEnv = "HDFSD_DFSIO_FLOOR"

// The shapes of the floors' packets and files.
const (
	chunkLen      = 512 // bytes per checksum, dfs.bytes-per-checksum
	sumLen        = 4   // a CRC32C
	writeChunks   = 126 // a client's 64 KiB packet holds 126 chunks
	writeData     = writeChunks * chunkLen
	serveData     = 64 << 10 // a DataNode's read packet (xceiver's maxPacketData)
	serveHeader   = 40       // about a read packet's length prefix and header
	metaHeaderLen = 7        // a .meta file's version, checksum type and chunk size
	blockName     = "blk_floor"
	metaName      = "blk_floor.meta"
)

// floorChildResult is what the child prints: the bytes it moved and the
// CPU and time that took, from the accepted connection to its Close.
type floorChildResult struct {
	bytes     int64
	user, sys time.Duration
	elapsed   time.Duration
}

func (r floorChildResult) String() string {
	return fmt.Sprintf("bytes=%d user_ns=%d sys_ns=%d elapsed_ns=%d", r.bytes, r.user, r.sys, r.elapsed)
}

func parseFloorChildResult(s string) (floorChildResult, error) {
	var r floorChildResult
	var user, sys, elapsed int64
	_, err := fmt.Sscanf(strings.TrimSpace(s), "bytes=%d user_ns=%d sys_ns=%d elapsed_ns=%d", &r.bytes, &user, &sys, &elapsed)
	if err != nil {
		return r, fmt.Errorf("dfsio: floor child printed %q: %w", s, err)
	}
	r.user, r.sys, r.elapsed = time.Duration(user), time.Duration(sys), time.Duration(elapsed)
	return r, nil
}

// runFloorChild is the child's whole run; it returns the exit status.
func runFloorChild(spec string, stdout, stderr io.Writer) int {
	r, err := floorChild(spec)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stdout, r)
	return 0
}

func floorChild(spec string) (floorChildResult, error) {
	var r floorChildResult
	role, sizeDir, _ := strings.Cut(spec, " ")
	sizeStr, dir, _ := strings.Cut(sizeDir, " ")
	size, err := strconv.ParseInt(sizeStr, 10, 64)
	if err != nil || size < 0 || dir == "" || role != modeWrite && role != floorServe {
		return r, fmt.Errorf("dfsio: %s=%q: want write|serve SIZE DIR", floorEnv, spec)
	}
	ln, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		return r, fmt.Errorf("dfsio: floor child: %w", err)
	}
	if tl, ok := ln.(*net.TCPListener); ok {
		tl.SetDeadline(time.Now().Add(time.Minute))
	}
	c, err := ln.Accept()
	ln.Close()
	if err != nil {
		return r, fmt.Errorf("dfsio: floor child: %w", err)
	}
	before, err := rusage()
	if err != nil {
		c.Close()
		return r, err
	}
	start := time.Now()
	if role == modeWrite {
		r.bytes, err = receivePackets(c, dir, size)
	} else {
		r.bytes, err = sendPackets(c.(*net.TCPConn), dir, size)
	}
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	r.elapsed = time.Since(start)
	after, rerr := rusage()
	if err != nil || rerr != nil {
		return r, fmt.Errorf("dfsio: floor child %s: %w", role, firstNonNil(err, rerr))
	}
	r.user = time.Duration(after.Utime.Nano() - before.Utime.Nano())
	r.sys = time.Duration(after.Stime.Nano() - before.Stime.Nano())
	return r, nil
}

func firstNonNil(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func rusage() (syscall.Rusage, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return ru, fmt.Errorf("dfsio: getrusage: %w", err)
	}
	return ru, nil
}

// chunks is how many checksums cover n bytes.
func chunks(n int) int { return (n + chunkLen - 1) / chunkLen }

// metaHeader is a .meta file's header for CRC32C over 512-byte chunks.
func metaHeader() []byte {
	h := []byte{0, 1, 2, 0, 0, 0, 0} // version 1, CRC32C
	binary.BigEndian.PutUint32(h[3:], chunkLen)
	return h
}

// receivePackets is the write floor's receiver, the least a DataNode
// storing a replica does: read size bytes in frames of a packet's
// checksums then its data, verify each chunk's CRC32C, and write the data
// to a block file and the checksums to its .meta file with one write each
// per packet, no fsync. Like a DataNode, it allocates the block file's
// space 8 MiB ahead of the writes (fallocate, keeping the size), where the
// file system can.
func receivePackets(c io.Reader, dir string, size int64) (int64, error) {
	blk, err := os.Create(filepath.Join(dir, blockName))
	if err != nil {
		return 0, err
	}
	defer blk.Close()
	meta, err := os.Create(filepath.Join(dir, metaName))
	if err != nil {
		return 0, err
	}
	defer meta.Close()
	if _, err := meta.Write(metaHeader()); err != nil {
		return 0, err
	}
	frame := make([]byte, writeChunks*sumLen+writeData)
	var got, allocated int64
	prealloc := true
	for got < size {
		n := int(min(size-got, writeData))
		if end := got + int64(n); prealloc && end > allocated {
			to := min(end+floorPrealloc, size)
			prealloc = allocateKeepSize(blk, allocated, to-allocated) == nil
			allocated = to
		}
		k := chunks(n)
		f := frame[:k*sumLen+n]
		if _, err := io.ReadFull(c, f); err != nil {
			return got, err
		}
		sums, data := f[:k*sumLen], f[k*sumLen:]
		if err := verifyChunks(sums, data, got); err != nil {
			return got, err
		}
		if _, err := blk.Write(data); err != nil {
			return got, err
		}
		if _, err := meta.Write(sums); err != nil {
			return got, err
		}
		got += int64(n)
	}
	if err := blk.Close(); err != nil {
		return got, err
	}
	return got, meta.Close()
}

// floorPrealloc is how far ahead of its writes the write floor allocates.
const floorPrealloc = 8 << 20

// allocateKeepSize is fallocate(FALLOC_FL_KEEP_SIZE).
func allocateKeepSize(f *os.File, off, n int64) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = syscall.Fallocate(int(fd), 0x1, off, n) }); err != nil {
		return err
	}
	return ferr
}

// verifyChunks checks data, which starts at off, against its checksums.
func verifyChunks(sums, data []byte, off int64) error {
	for i := 0; i*chunkLen < len(data); i++ {
		chunk := data[i*chunkLen : min((i+1)*chunkLen, len(data))]
		if crc32.Checksum(chunk, castagnoli) != binary.BigEndian.Uint32(sums[i*sumLen:]) {
			return fmt.Errorf("dfsio: checksum error in the chunk at %d", off+int64(i*chunkLen))
		}
	}
	return nil
}

// sendPackets is the serve floor's sender, the least a DataNode serving a
// read does: per packet of 64 KiB, one send of a header and the checksums
// (read from the .meta file through a 64 KiB buffer) flagged as having
// more to come, then sendfile(2) of the data from the block file.
func sendPackets(c *net.TCPConn, dir string, size int64) (int64, error) {
	blk, err := os.Open(filepath.Join(dir, blockName))
	if err != nil {
		return 0, err
	}
	defer blk.Close()
	meta, err := os.Open(filepath.Join(dir, metaName))
	if err != nil {
		return 0, err
	}
	defer meta.Close()
	sums := bufio.NewReaderSize(meta, 64<<10)
	if _, err := sums.Discard(metaHeaderLen); err != nil {
		return 0, err
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return 0, err
	}
	src := int(blk.Fd())
	pkt := make([]byte, serveHeader+chunks(serveData)*sumLen)
	var off int64
	for off < size {
		n := int(min(size-off, serveData))
		p := pkt[:serveHeader+chunks(n)*sumLen]
		if _, err := io.ReadFull(sums, p[serveHeader:]); err != nil {
			return off, fmt.Errorf("reading checksums: %w", err)
		}
		if err := sendMore(rc, p); err != nil {
			return off, err
		}
		if err := sendfile(rc, src, &off, n); err != nil {
			return off, err
		}
	}
	return off, nil
}

// sendMore sends b on the connection with MSG_MORE where there is one, so
// that it leaves in the same segment as what is sent next.
func sendMore(rc syscall.RawConn, b []byte) error {
	var serr error
	err := rc.Write(func(fd uintptr) bool {
		for len(b) > 0 {
			n, err := syscall.SendmsgN(int(fd), b, nil, nil, msgMore)
			switch err {
			case nil:
				b = b[n:]
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false
			default:
				serr = fmt.Errorf("sendmsg: %w", err)
				return true
			}
		}
		return true
	})
	return firstNonNil(err, serr)
}

// sendfile sends n bytes of the file src from *off to the connection,
// advancing *off, waiting whenever the socket buffer is full.
func sendfile(rc syscall.RawConn, src int, off *int64, n int) error {
	var serr error
	err := rc.Write(func(fd uintptr) bool {
		for n > 0 {
			w, err := syscall.Sendfile(int(fd), src, off, n)
			switch {
			case err == syscall.EAGAIN:
				return false // the poller waits until the socket is writable
			case err == syscall.EINTR:
				continue
			case err != nil:
				serr = fmt.Errorf("sendfile: %w", err)
				return true
			case w == 0:
				serr = fmt.Errorf("sendfile: %w", io.ErrUnexpectedEOF)
				return true
			}
			n -= w
		}
		return true
	})
	return firstNonNil(err, serr)
}
