package compattests

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"net"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"
	"google.golang.org/protobuf/encoding/protowire"
)

// The stock CLIs moving data through hdfsd DataNodes: a NameNode and
// three DataNodes as processes, 1 MiB blocks so that a few MiB span
// blocks. Debian's hdfs-cli 2.3.0 writes CRC32 chunk sums, colinmarc's
// v2.4.0 CLI and library CRC32C, so the DataNodes hold both kinds of
// replica, and every client reads what every other wrote.

const cliBlockSize = 1 << 20

// cliCluster is startRealCluster(t, 3, ...) with 1 MiB blocks, and
// /user/alice for the CLIs, which run as alice. Its DataNodes are tuned to
// io.file.buffer.size=256 KiB, so the stock CLIs read packets of 256 KiB
// (the other clusters serve Hadoop's default 64 KiB).
func cliCluster(t *testing.T) (c *realCluster, su *hdfs.Client) {
	t.Helper()
	c = startRealCluster(t, 3, map[string]string{"dfs.blocksize": strconv.Itoa(cliBlockSize), "io.file.buffer.size": "262144"})
	su, _ = aliceHome(t, c.nn)
	return c, su
}

// cliText is n bytes of numbered text lines, as the golden workload
// writes them, so that head and tail -n have lines to count.
func cliText(name string, n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%s line %07d the quick brown fox jumps over the lazy dog\n", name, i)
	}
	return b.Bytes()[:n]
}

// cliWriteLocal writes data to a new local file and returns its path.
func cliWriteLocal(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	must(t, os.WriteFile(p, data, 0o644))
	return p
}

// headLinesOf and tailLinesOf are head -n and tail -n of data.
func headLinesOf(data []byte, n int) []byte {
	off := 0
	for range n {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return data
		}
		off += i + 1
	}
	return data[:off]
}

func tailLinesOf(data []byte, n int) []byte {
	end := len(data)
	if end > 0 && data[end-1] == '\n' {
		end--
	}
	for range n {
		i := bytes.LastIndexByte(data[:end], '\n')
		if i < 0 {
			return data
		}
		end = i
	}
	return data[end+1:]
}

// prints runs a command that must succeed and print exactly want.
func (cli stockCLI) prints(t *testing.T, nn nnAddress, want []byte, args ...string) {
	t.Helper()
	got := cli.mustRun(t, nn, args...)
	if got != string(want) {
		t.Errorf("hdfs %s printed %d bytes, want %d: %s", strings.Join(args, " "), len(got), len(want),
			bytesDiff([]byte(got), want))
	}
}

// bytesDiff says where two byte strings part.
func bytesDiff(got, want []byte) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("first difference at byte %d: got %q, want %q", i,
				got[i:min(i+40, len(got))], want[i:min(i+40, len(want))])
		}
	}
	if len(got) == len(want) {
		return "equal"
	}
	return fmt.Sprintf("one is a prefix of the other (%d vs %d bytes)", len(got), len(want))
}

// Files of 0 bytes, a few hundred bytes and several blocks, put by each
// CLI and read back by it through get, cat, head and tail; the output of
// each is the file's bytes exactly, and the library reads the same.
func TestClusterCLI_PutThenGetCatHeadTail(t *testing.T) {
	c, su := cliCluster(t)
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		dir := "/user/alice/" + cli.name
		cli.prints(t, c.nn, nil, "mkdir", "-p", dir)
		for _, f := range []struct {
			name string
			size int
		}{{"empty", 0}, {"small", 700}, {"multi", 3<<20 + 777}} {
			data := cliText(cli.name+"/"+f.name, f.size)
			remote := dir + "/" + f.name
			local := cliWriteLocal(t, f.name, data)
			cli.prints(t, c.nn, nil, "put", local, remote)
			readBack(t, su, remote, data)
			fi, err := su.Stat(remote)
			must(t, err)
			if bs := fi.Sys().(*hdfs.FileStatus).GetBlocksize(); fi.Size() != int64(f.size) || bs != cliBlockSize {
				t.Errorf("%s: size %d block size %d, want %d and %d", remote, fi.Size(), bs, f.size, cliBlockSize)
			}

			got := filepath.Join(t.TempDir(), f.name)
			cli.prints(t, c.nn, nil, "get", remote, got)
			if b, err := os.ReadFile(got); err != nil || !bytes.Equal(b, data) {
				t.Errorf("hdfs get %s: %v, %s", remote, err, bytesDiff(b, data))
			}
			cli.prints(t, c.nn, data, "cat", remote)
			cli.prints(t, c.nn, headLinesOf(data, 10), "head", remote)
			cli.prints(t, c.nn, headLinesOf(data, 3), "head", "-n", "3", remote)
			cli.prints(t, c.nn, tailLinesOf(data, 10), "tail", remote)
			cli.prints(t, c.nn, tailLinesOf(data, 2), "tail", "-n", "2", remote)
			if f.size >= 100 {
				cli.prints(t, c.nn, data[:100], "head", "-c", "100", remote)
				cli.prints(t, c.nn, data[len(data)-100:], "tail", "-c", "100", remote)
			}
		}
		// A read that starts in one block and ends in the next.
		multi := cliText(cli.name+"/multi", 3<<20+777)
		cli.prints(t, c.nn, multi[:cliBlockSize+5000], "head", "-c", strconv.Itoa(cliBlockSize+5000), dir+"/multi")
		cli.prints(t, c.nn, multi[len(multi)-(2<<20+10):], "tail", "-c", strconv.Itoa(2<<20+10), dir+"/multi")
	})
}

// getmerge concatenates a directory's files in name order into one local
// file; subdirectories are left out.
func TestClusterCLI_GetmergeConcatenatesInNameOrder(t *testing.T) {
	c, su := cliCluster(t)
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		dir := "/user/alice/" + cli.name + "/parts"
		cli.prints(t, c.nn, nil, "mkdir", "-p", dir)
		var want []byte
		for i, size := range []int{1500, 0, cliBlockSize + 3, 10} {
			data := cliText(fmt.Sprintf("%s part %d", cli.name, i), size)
			cli.prints(t, c.nn, nil, "put", cliWriteLocal(t, "part", data), fmt.Sprintf("%s/part-%d", dir, i))
			want = append(want, data...)
		}
		must(t, su.MkdirAll(dir+"/zz-subdir", 0o755))
		got := filepath.Join(t.TempDir(), "merged")
		cli.prints(t, c.nn, nil, "getmerge", dir, got)
		if b, err := os.ReadFile(got); err != nil || !bytes.Equal(b, want) {
			t.Errorf("hdfs getmerge %s: %v, %s", dir, err, bytesDiff(b, want))
		}
	})
}

// Every client reads what every other wrote: the library (CRC32C), each
// CLI (colinmarc's CRC32C, Debian's CRC32). Each CLI's checksum of each
// file is the MD5-of-MD5-of-CRC computed here from the content with the
// writer's CRC, and the DataNodes' BLOCK_CHECKSUM answers name that CRC.
func TestClusterCLI_EveryClientReadsAndChecksumsWhatEveryOtherWrote(t *testing.T) {
	c, su := cliCluster(t)
	type written struct {
		path string
		data []byte
		crc  string // the writer's chunk checksum: CRC32 or CRC32C
	}
	var files []written
	must(t, su.MkdirAll("/user/alice/library", 0o755))
	sizes := []int{0, 1, 511, 512, 513, 70000, 2 << 20, 2<<20 + 1, 3<<20 + 4097}
	for _, n := range sizes {
		p := fmt.Sprintf("/user/alice/library/f-%d", n)
		data := randomBytes(t, n)
		writeFile(t, su, p, data, cliBlockSize)
		files = append(files, written{p, data, "CRC32C"})
	}
	t.Run("put", func(t *testing.T) {
		forEachCLI(t, func(t *testing.T, cli stockCLI) {
			crc := "CRC32C"
			if isDebianCLI(cli) {
				crc = "CRC32"
			}
			cli.prints(t, c.nn, nil, "mkdir", "-p", "/user/alice/"+cli.name)
			for _, n := range sizes {
				p := fmt.Sprintf("/user/alice/%s/f-%d", cli.name, n)
				data := randomBytes(t, n)
				cli.prints(t, c.nn, nil, "put", cliWriteLocal(t, "f", data), p)
				files = append(files, written{p, data, crc})
			}
		})
	})
	sums := newDNSumClient(t, c.nn, superuser(t))
	for _, f := range files {
		readBack(t, su, f.path, f.data)
		want := contentFileSum(f.data, cliBlockSize, f.crc)
		got := sums.checksum(t, f.path)
		if got != want {
			t.Errorf("%s: the DataNodes answer %s %s, computed from the content %s %s",
				f.path, got.algorithm, got.value, want.algorithm, want.value)
		}
	}
	t.Run("read", func(t *testing.T) {
		forEachCLI(t, func(t *testing.T, cli stockCLI) {
			for _, f := range files {
				cli.prints(t, c.nn, f.data, "cat", f.path)
				local := filepath.Join(t.TempDir(), "got")
				cli.prints(t, c.nn, nil, "get", f.path, local)
				if b, err := os.ReadFile(local); err != nil || !bytes.Equal(b, f.data) {
					t.Errorf("hdfs get %s: %v, %s", f.path, err, bytesDiff(b, f.data))
				}
				want := contentFileSum(f.data, cliBlockSize, f.crc)
				cli.prints(t, c.nn, []byte(want.md5+" "+f.path+"\n"), "checksum", f.path)
			}
		})
	})
}

// Truncation on a block boundary is immediate; inside a block (and inside
// a 512-byte chunk) it needs block recovery on the DataNodes, which must
// keep the replica's own CRC (CRC32 for Debian's CLI) when they recompute
// the last chunk. The second cut inside the same block recovers a replica
// the first recovery already cut. The CLIs do not wait: the test polls until the file is
// closed (a truncate to its current length succeeds once no recovery is
// in progress, as Hadoop's FSDirTruncateOp decides).
func TestClusterCLI_TruncateOnABoundaryAndInsideABlock(t *testing.T) {
	c, su := cliCluster(t)
	sums := newDNSumClient(t, c.nn, superuser(t))
	forEachCLI(t, func(t *testing.T, cli stockCLI) {
		crc := "CRC32C"
		if isDebianCLI(cli) {
			crc = "CRC32"
		}
		p := "/user/alice/" + cli.name + "/trunc"
		cli.prints(t, c.nn, nil, "mkdir", "-p", path.Dir(p))
		data := cliText(p, 3<<20+1234)
		cli.prints(t, c.nn, nil, "put", cliWriteLocal(t, "trunc", data), p)
		for _, size := range []int{2 << 20, cliBlockSize + 1000, cliBlockSize + 1000 - 512, 700, 0} {
			cli.prints(t, c.nn, nil, "truncate", strconv.Itoa(size), p)
			waitTruncated(t, su, p, int64(size))
			data = data[:size]
			readBack(t, su, p, data)
			cli.prints(t, c.nn, data, "cat", p)
			want := contentFileSum(data, cliBlockSize, crc)
			cli.prints(t, c.nn, []byte(want.md5+" "+p+"\n"), "checksum", p)
			if got := sums.checksum(t, p); got != want {
				t.Errorf("%s truncated to %d: the DataNodes answer %s %s, want %s %s",
					p, size, got.algorithm, got.md5, want.algorithm, want.md5)
			}
		}
	})
}

// waitTruncated polls until the file is closed at size: a truncate to the
// current length returns true only then (RecoveryInProgressException
// while the DataNodes recover the last block).
func waitTruncated(t *testing.T, c *hdfs.Client, p string, size int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		done, err := c.Truncate(p, size)
		if err == nil && done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still not closed at %d bytes after 30s: done %v, %v", p, size, done, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	fi, err := c.Stat(p)
	must(t, err)
	if fi.Size() != size {
		t.Fatalf("%s: %d bytes once closed, want %d", p, fi.Size(), size)
	}
}

// crcFileSum is a file checksum as `hadoop fs -checksum` prints it: the
// algorithm, and the value (bytesPerCrc, crcPerBlock, MD5) in hex, whose
// MD5 part is all the stock Go CLIs print.
type crcFileSum struct{ algorithm, value, md5 string }

func newCRCFileSum(bytesPerCrc, crcPerBlock uint64, crc string, md5 []byte) crcFileSum {
	return crcFileSum{
		algorithm: fmt.Sprintf("MD5-of-%dMD5-of-%d%s", crcPerBlock, bytesPerCrc, crc),
		value:     fmt.Sprintf("%08x%016x%x", bytesPerCrc, crcPerBlock, md5),
		md5:       hex.EncodeToString(md5),
	}
}

// contentFileSum computes MD5MD5CRC32FileChecksum from the content, with
// crc "CRC32" (IEEE) or "CRC32C" over 512-byte chunks: per block the MD5 of
// its chunk sums, then the MD5 of those digests zero-padded to a power of
// two of at least 32 bytes, as DFSClient (and colinmarc's Checksum) do.
// A file of one block reports 0 CRCs per block, as DFSClient does.
func contentFileSum(data []byte, blockSize int, crc string) crcFileSum {
	table := crc32.MakeTable(crc32.Castagnoli)
	if crc == "CRC32" {
		table = crc32.IEEETable
	}
	var blockMD5s []byte
	for off := 0; off < len(data); off += blockSize {
		block := data[off:min(off+blockSize, len(data))]
		var crcs []byte
		for c := 0; c < len(block); c += cliBytesPerCRC {
			crcs = binary.BigEndian.AppendUint32(crcs, crc32.Checksum(block[c:min(c+cliBytesPerCRC, len(block))], table))
		}
		d := md5.Sum(crcs)
		blockMD5s = append(blockMD5s, d[:]...)
	}
	padded := make([]byte, 32)
	for len(padded) < len(blockMD5s) {
		padded = make([]byte, 2*len(padded))
	}
	copy(padded, blockMD5s)
	sum := md5.Sum(padded)
	if len(data) == 0 {
		return newCRCFileSum(0, 0, "CRC32", sum[:])
	}
	perBlock := 0
	if len(data) > blockSize {
		perBlock = blockSize / cliBytesPerCRC
	}
	return newCRCFileSum(cliBytesPerCRC, uint64(perBlock), crc, sum[:])
}

const cliBytesPerCRC = 512

// dnSumClient is a library client whose DataNode connections are
// recorded, so that the BLOCK_CHECKSUM answers behind FileReader.Checksum
// can be decoded: colinmarc returns only the MD5, the answers also carry
// bytesPerCrc, crcPerBlock and crcType, which make the algorithm name.
type dnSumClient struct {
	c  *hdfs.Client
	mu sync.Mutex
	rx []*bytes.Buffer // what each DataNode connection sent back
}

func newDNSumClient(t *testing.T, nn nnAddress, user string) *dnSumClient {
	t.Helper()
	cc := &dnSumClient{}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		rx := &bytes.Buffer{}
		cc.mu.Lock()
		cc.rx = append(cc.rx, rx)
		cc.mu.Unlock()
		return &rxRecordedConn{Conn: conn, rx: rx}, nil
	}
	c, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{nn.address()}, User: user, DatanodeDialFunc: dial})
	if err != nil {
		t.Fatalf("hdfs.NewClient(%s): %v", nn.address(), err)
	}
	t.Cleanup(func() { c.Close() })
	cc.c = c
	return cc
}

type rxRecordedConn struct {
	net.Conn
	rx *bytes.Buffer
}

func (c *rxRecordedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.rx.Write(p[:n])
	return n, err
}

// checksum asks the DataNodes for p's checksum and names the algorithm
// from their answers as DFSClient.getFileChecksum does.
func (cc *dnSumClient) checksum(t *testing.T, p string) crcFileSum {
	t.Helper()
	cc.mu.Lock()
	cc.rx = nil
	cc.mu.Unlock()
	r, err := cc.c.Open(p)
	must(t, err)
	defer r.Close()
	sum, err := r.Checksum()
	if err != nil {
		t.Fatalf("checksum %s: %v", p, err)
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	var answers []blockChecksumAnswer
	for _, rx := range cc.rx {
		a, err := decodeBlockChecksumAnswer(rx.Bytes())
		if err != nil {
			t.Fatalf("checksum %s: %v", p, err)
		}
		answers = append(answers, a)
	}
	if len(answers) == 0 {
		return newCRCFileSum(0, 0, "CRC32", sum)
	}
	crcType := answers[0].crcType
	for _, a := range answers {
		if a.crcType != crcType || a.bytesPerCrc != answers[0].bytesPerCrc {
			t.Fatalf("checksum %s: blocks answer different checksums: %+v", p, answers)
		}
	}
	perBlock := uint64(0)
	if len(answers) > 1 {
		perBlock = answers[0].crcPerBlock
	}
	names := map[uint64]string{0: "NULL", 1: "CRC32", 2: "CRC32C"}
	return newCRCFileSum(answers[0].bytesPerCrc, perBlock, names[crcType], sum)
}

// blockChecksumAnswer is OpBlockChecksumResponseProto.
type blockChecksumAnswer struct {
	bytesPerCrc, crcPerBlock, crcType uint64
	md5                               []byte
}

// decodeBlockChecksumAnswer reads a varint-delimited BlockOpResponseProto
// (status 1, checksumResponse 3) with protowire: this package links the
// colinmarc client, whose generated types are internal to it.
func decodeBlockChecksumAnswer(b []byte) (blockChecksumAnswer, error) {
	var a blockChecksumAnswer
	n, k := protowire.ConsumeVarint(b)
	if k < 0 || uint64(len(b)-k) < n {
		return a, fmt.Errorf("BLOCK_CHECKSUM answer of %d bytes is not a delimited message", len(b))
	}
	var status uint64
	var inner []byte
	err := eachProtoField(b[k:k+int(n)], func(num protowire.Number, v uint64, bs []byte) {
		switch num {
		case 1:
			status = v
		case 3:
			inner = bs
		}
	})
	if err == nil && status != 0 {
		err = fmt.Errorf("BLOCK_CHECKSUM status %d", status)
	}
	if err == nil && inner == nil {
		err = fmt.Errorf("BLOCK_CHECKSUM answer without checksumResponse")
	}
	if err != nil {
		return a, err
	}
	err = eachProtoField(inner, func(num protowire.Number, v uint64, bs []byte) {
		switch num {
		case 1:
			a.bytesPerCrc = v
		case 2:
			a.crcPerBlock = v
		case 3:
			a.md5 = bs
		case 4:
			a.crcType = v
		}
	})
	return a, err
}

// eachProtoField calls fn with each varint or bytes field of a message.
func eachProtoField(b []byte, fn func(num protowire.Number, v uint64, bs []byte)) error {
	for len(b) > 0 {
		num, typ, k := protowire.ConsumeTag(b)
		if k < 0 {
			return protowire.ParseError(k)
		}
		b = b[k:]
		switch typ {
		case protowire.VarintType:
			v, k := protowire.ConsumeVarint(b)
			if k < 0 {
				return protowire.ParseError(k)
			}
			fn(num, v, nil)
			b = b[k:]
		case protowire.BytesType:
			v, k := protowire.ConsumeBytes(b)
			if k < 0 {
				return protowire.ParseError(k)
			}
			fn(num, 0, v)
			b = b[k:]
		default:
			k := protowire.ConsumeFieldValue(num, typ, b)
			if k < 0 {
				return protowire.ParseError(k)
			}
			b = b[k:]
		}
	}
	return nil
}
