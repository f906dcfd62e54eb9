package dfsio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// floorServe is the serve floor's role; the write floor's is modeWrite.
const floorServe = "serve"

// defaultFloorSize is -floorsize's default.
const defaultFloorSize = 1 << 30

// cpuFloor is a CPU floor: the CPU a child process spent doing the least a
// DataNode must do to store (role modeWrite) or serve (floorServe) bytes
// over loopback TCP, measured by the child with getrusage around the work
// alone. The child is this binary run again (see floorEnv), so that its
// CPU is its own and not this process's.
type cpuFloor struct {
	role string
	floorChildResult
	whole time.Duration // the child's rusage at exit: start-up included
	pid   int
	where string // the disk, as diskName
	err   error
}

func (f cpuFloor) cpu() time.Duration { return f.user + f.sys }

// perGiB is the floor in CPU seconds per GiB moved.
func (f cpuFloor) perGiB() float64 {
	if f.err != nil {
		return 0
	}
	return perGiB(f.cpu(), float64(f.bytes)/(1<<30))
}

// measureFloor measures the floor of the mode's DataNode CPU, size bytes
// in a temporary directory under dir, removed afterwards: for -write, a
// child receives packets (checksums, then 126 chunks of data), verifies
// them and writes the block and .meta files; for -read, it sends a block
// this process wrote and read (so it is in the page cache, as a block
// just written is) with sendfile(2), 64 KiB per packet.
func measureFloor(ctx context.Context, mode, dir string, size int64) cpuFloor {
	f := cpuFloor{role: modeWrite, where: diskName(dir)}
	if mode == modeRead {
		f.role = floorServe
	}
	tmp, err := os.MkdirTemp(dir, "dfsio-floor-*")
	if err == nil {
		defer os.RemoveAll(tmp)
		if f.role == floorServe {
			err = writeBlock(tmp, size)
		}
	}
	if err == nil {
		err = runFloor(ctx, &f, tmp, size)
	}
	if err != nil {
		f.err = fmt.Errorf("dfsio: %s floor: %w", f.role, err)
	}
	return f
}

// runFloor runs the child that measures f in dir, handing it a listening
// socket, and plays its peer.
func runFloor(ctx context.Context, f *cpuFloor, dir string, size int64) error {
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	lf, err := ln.File() // a copy: only the child listens once ln is closed
	ln.Close()
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		lf.Close()
		return err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), floorEnv+"="+f.role+" "+strconv.FormatInt(size, 10)+" "+dir)
	cmd.ExtraFiles = []*os.File{lf} // fd 3
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Start()
	lf.Close()
	if err != nil {
		return err
	}
	f.pid = cmd.Process.Pid
	peerErr := playPeer(ctx, f.role, addr, size)
	if peerErr != nil {
		cmd.Process.Kill()
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("child %d: %w: %s", f.pid, firstNonNil(peerErr, err), strings.TrimSpace(stderr.String()))
	}
	if peerErr != nil {
		return peerErr
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		f.whole = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	f.floorChildResult, err = parseFloorChildResult(stdout.String())
	if err == nil && f.bytes != size {
		err = fmt.Errorf("child %d moved %d bytes, want %d", f.pid, f.bytes, size)
	}
	return err
}

// playPeer is the child's client: the sender of the write floor's
// packets, the reader (discarding) of the serve floor's.
func playPeer(ctx context.Context, role, addr string, size int64) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if role == modeWrite {
		return sendFrames(c, size)
	}
	n, err := io.CopyBuffer(onlyWriter{io.Discard}, onlyReader{c}, make([]byte, 256<<10))
	packets := (size + serveData - 1) / serveData
	want := size + packets*serveHeader + (size+chunkLen-1)/chunkLen*sumLen
	if err == nil && n != want {
		err = fmt.Errorf("received %d bytes, want %d", n, want)
	}
	return err
}

// sendFrames sends size bytes of the benchmark's pattern as the write
// floor's frames: a packet's checksums, then its data. Each packet starts
// with its offset, so that no two have the same checksums.
func sendFrames(c io.Writer, size int64) error {
	frame := make([]byte, writeChunks*sumLen+writeData)
	data := pattern(writeData)
	var sent int64
	for sent < size {
		n := int(min(size-sent, writeData))
		k := chunks(n)
		f := frame[:k*sumLen+n]
		copy(f[k*sumLen:], data[:n])
		if n >= 8 {
			binary.BigEndian.PutUint64(f[k*sumLen:], uint64(sent))
		}
		putSums(f[:k*sumLen], f[k*sumLen:])
		if _, err := c.Write(f); err != nil {
			return err
		}
		sent += int64(n)
	}
	return nil
}

// putSums puts the CRC32C of each chunk of data in sums.
func putSums(sums, data []byte) {
	for i := 0; i*chunkLen < len(data); i++ {
		chunk := data[i*chunkLen : min((i+1)*chunkLen, len(data))]
		binary.BigEndian.PutUint32(sums[i*sumLen:], crc32.Checksum(chunk, castagnoli))
	}
}

// writeBlock writes the serve floor's block of size bytes of the pattern,
// and its .meta file, to dir, then reads both once.
func writeBlock(dir string, size int64) error {
	buf := pattern(1 << 20)
	sums := make([]byte, chunks(len(buf))*sumLen)
	blk, err := os.Create(filepath.Join(dir, blockName))
	if err != nil {
		return err
	}
	meta, err := os.Create(filepath.Join(dir, metaName))
	if err != nil {
		blk.Close()
		return err
	}
	_, err = meta.Write(metaHeader())
	for left := size; left > 0 && err == nil; {
		data := buf[:min(left, int64(len(buf)))]
		s := sums[:chunks(len(data))*sumLen]
		putSums(s, data)
		if _, err = blk.Write(data); err == nil {
			_, err = meta.Write(s)
		}
		left -= int64(len(data))
	}
	err = errors.Join(err, blk.Close(), meta.Close())
	for _, name := range []string{blockName, metaName} {
		if err == nil {
			err = readOnce(filepath.Join(dir, name), buf)
		}
	}
	return err
}

// readOnce reads the file at path through buf and discards it.
func readOnce(path string, buf []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyBuffer(onlyWriter{io.Discard}, onlyReader{f}, buf)
	return err
}
