// Command hadoopfs stands in for `hadoop fs` in the upstream bats tests,
// which call it for two things: -checksum (compared with the CLI under
// test) and -cp. The checksum is computed here from the file's content
// as HDFS defines it (MD5 of the blocks' MD5s of their 512-byte CRC32C
// chunk sums), not asked of the DataNodes, so the DataNodes' answer to
// the CLI under test is checked against an independent computation.
//
//	hadoopfs [--config DIR] fs -checksum hdfs://host:port/path ...
//	hadoopfs [--config DIR] fs -cp SRC DST
package main

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"net/url"
	"os"
	"os/user"

	"github.com/colinmarc/hdfs/v2"
	"github.com/colinmarc/hdfs/v2/hadoopconf"
)

const bytesPerCRC = 512

func main() {
	args := os.Args[1:]
	if len(args) >= 2 && args[0] == "--config" {
		os.Setenv("HADOOP_CONF_DIR", args[1])
		args = args[2:]
	}
	if len(args) < 2 || args[0] != "fs" {
		fmt.Fprintln(os.Stderr, "usage: hadoopfs [--config DIR] fs -checksum URI... | fs -cp SRC DST")
		os.Exit(255)
	}
	var err error
	switch args[1] {
	case "-checksum":
		err = checksums(args[2:])
	case "-cp":
		if len(args) != 4 {
			err = fmt.Errorf("-cp: want SRC DST")
		} else {
			err = copyFile(args[2], args[3])
		}
	default:
		err = fmt.Errorf("%s: not supported by this stand-in", args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hadoopfs:", err)
		os.Exit(1)
	}
}

// client connects to the NameNode named by uri, or the configured one.
func client(uri string) (*hdfs.Client, string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return nil, "", err
	}
	opts := hdfs.ClientOptions{}
	if u.Host != "" {
		opts.Addresses = []string{u.Host}
	} else {
		conf, err := hadoopconf.LoadFromEnvironment()
		if err != nil {
			return nil, "", err
		}
		opts = hdfs.ClientOptionsFromConf(conf)
	}
	if name := os.Getenv("HADOOP_USER_NAME"); name != "" {
		opts.User = name
	} else if me, err := user.Current(); err == nil {
		opts.User = me.Username
	}
	c, err := hdfs.NewClient(opts)
	return c, u.Path, err
}

func checksums(uris []string) error {
	for _, uri := range uris {
		c, p, err := client(uri)
		if err != nil {
			return err
		}
		fi, err := c.Stat(p)
		if err != nil {
			return err
		}
		blockSize := fi.Sys().(*hdfs.FileStatus).GetBlocksize()
		r, err := c.Open(p)
		if err != nil {
			return err
		}
		sum, algo, err := fileChecksum(r, int64(blockSize))
		r.Close()
		c.Close()
		if err != nil {
			return err
		}
		fmt.Printf("%s\t%s\t%s\n", uri, algo, sum)
	}
	return nil
}

// fileChecksum is MD5MD5CRC32FileChecksum over the content: per block the
// MD5 of its chunks' CRC32C values, then the MD5 of those digests as the
// Java client computes it (over its whole digest buffer, which starts at
// 32 bytes and doubles). A file with one block or none reports 0 CRCs
// per block, as DFSClient does.
func fileChecksum(r io.Reader, blockSize int64) (hexSum, algo string, err error) {
	var blockMD5s []byte
	buf := make([]byte, bytesPerCRC)
	blocks := 0
	var crcsPerBlock int64
	for {
		var crcs []byte
		var n int64
		for n < blockSize {
			k, err := io.ReadFull(r, buf[:min(int64(len(buf)), blockSize-n)])
			if k > 0 {
				crcs = binary.BigEndian.AppendUint32(crcs, crc32.Checksum(buf[:k], crc32.MakeTable(crc32.Castagnoli)))
				n += int64(k)
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				break
			}
			if err != nil {
				return "", "", err
			}
		}
		if n == 0 {
			break
		}
		d := md5.Sum(crcs)
		blockMD5s = append(blockMD5s, d[:]...)
		crcsPerBlock = int64(len(crcs) / 4)
		blocks++
		if n < blockSize {
			break
		}
	}
	if blocks <= 1 {
		crcsPerBlock = 0
	}
	if blocks == 0 {
		// An empty file: DFSClient reports MD5-of-0MD5-of-0CRC32 over an
		// empty digest buffer.
		d := md5.Sum(make([]byte, 32))
		out := binary.BigEndian.AppendUint32(nil, 0)
		out = binary.BigEndian.AppendUint64(out, 0)
		return hex.EncodeToString(append(out, d[:]...)), "MD5-of-0MD5-of-0CRC32", nil
	}
	size := 32
	for size < len(blockMD5s) {
		size *= 2
	}
	padded := make([]byte, size)
	copy(padded, blockMD5s)
	d := md5.Sum(padded)
	out := binary.BigEndian.AppendUint32(nil, bytesPerCRC)
	out = binary.BigEndian.AppendUint64(out, uint64(crcsPerBlock))
	return hex.EncodeToString(append(out, d[:]...)), fmt.Sprintf("MD5-of-%dMD5-of-%dCRC32C", crcsPerBlock, bytesPerCRC), nil
}

func copyFile(src, dst string) error {
	c, sp, err := client(src)
	if err != nil {
		return err
	}
	defer c.Close()
	_, dp, err := client(dst)
	if err != nil {
		return err
	}
	r, err := c.Open(sp)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := c.Create(dp)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
