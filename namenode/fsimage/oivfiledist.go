package fsimage

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/hdfsd/hdfsd/internal/javafmt"
)

// FileDistribution defaults (FileDistributionCalculator).
const (
	DefaultMaxSize = 0x2000000000 // 128 GiB
	DefaultStep    = 0x200000     // 2 MiB
	maxIntervals   = 0x8000000    // 128 Mi buckets
)

// WriteFileDistribution writes the file size histogram of
// `hdfs oiv -p FileDistribution`: buckets of opts.Step bytes up to
// opts.MaxSize (larger files go in the last one), then totals. Like
// Hadoop, it prints "Processed N inodes." for every 2^20th inode into the
// output, and counts in Java ints.
func WriteFileDistribution(img *Image, w *bufio.Writer, opts Options) error {
	maxSize, step := opts.MaxSize, int64(opts.Step)
	if maxSize == 0 {
		maxSize = DefaultMaxSize
	}
	if step == 0 {
		step = DefaultStep
	}
	if step < 0 || maxSize < 0 {
		return invalidf("FileDistribution needs a positive -step and -maxSize (got %d and %d)", step, maxSize)
	}
	intervals := maxSize / step
	if intervals > maxIntervals {
		return invalidf("too many distribution intervals (maxSize/step): %d, should be less than %d",
			intervals, maxIntervals+1)
	}
	c := &fileDist{step: step, maxSize: maxSize, last: int(intervals), counts: map[int]int32{}, format: opts.Format}
	p := &printer{w: w}
	for _, sec := range img.Summary().Sections {
		if sec.Name != SectionINode {
			continue
		}
		if err := c.run(img, sec, p); err != nil {
			return err
		}
		c.output(p)
	}
	return p.err
}

// fileDist is FileDistributionCalculator; counts is sparse, keyed by bucket.
type fileDist struct {
	step, maxSize int64
	last          int // index of the last bucket
	counts        map[int]int32
	format        bool
	files, dirs   int32
	blocks        int32
	space         int64
	maxFileSize   int64
}

func (c *fileDist) run(img *Image, sec SectionInfo, p *printer) error {
	h, s, err := img.OpenINodes(sec)
	if err != nil {
		return err
	}
	for i := int64(0); i < h.NumINodes; i++ {
		n, err := s.Next()
		if errors.Is(err, io.EOF) {
			return corruptf(img.name, "section INODE holds %d inodes, its header says %d", i, h.NumINodes)
		}
		if err != nil {
			return err
		}
		switch n.Type {
		case TypeFile:
			if err := c.addFile(n.File); err != nil {
				return corruptf(img.name, "inode %d: %v", n.ID, err)
			}
		case TypeDirectory:
			c.dirs++
		}
		if i%(1<<20) == 0 {
			p.print("Processed ", strconv.FormatInt(i, 10), " inodes.\n")
		}
	}
	return nil
}

func (c *fileDist) addFile(f *INodeFile) error {
	if f == nil {
		f = &INodeFile{}
	}
	c.files++
	c.blocks += int32(len(f.Blocks))
	var size int64
	for _, b := range f.Blocks {
		size += b.NumBytes
	}
	c.maxFileSize = max(c.maxFileSize, size)
	c.space += size * int64(f.Replication)
	bucket := c.last
	if size <= c.maxSize {
		bucket = int(int32(math.Ceil(float64(size) / float64(c.step))))
		bucket = min(bucket, c.last)
	}
	if bucket < 0 {
		return fmt.Errorf("negative file size %d", size)
	}
	c.counts[bucket]++
	return nil
}

func (c *fileDist) output(p *printer) {
	if c.format {
		p.print("Size Range\tNumFiles\n")
	} else {
		p.print("Size\tNumFiles\n")
	}
	buckets := make([]int, 0, len(c.counts))
	for i, n := range c.counts {
		if n != 0 {
			buckets = append(buckets, i)
		}
	}
	sort.Ints(buckets)
	for _, i := range buckets {
		n := c.counts[i]
		if c.format {
			lo := int64(0)
			if i > 0 {
				lo = int64(i-1) * c.step
			}
			hi := int64(i) * c.step
			if i == c.last {
				hi = c.maxFileSize
			}
			open := "("
			if i == 0 {
				open = "["
			}
			p.print(open, javafmt.ByteDesc(lo), ", ", javafmt.ByteDesc(hi), "]\t", itoa(int64(n)))
		} else {
			p.print(itoa(int64(i)*c.step), "\t", itoa(int64(n)))
		}
		p.print("\n")
	}
	p.print("totalFiles = ", itoa(int64(c.files)), "\n")
	p.print("totalDirectories = ", itoa(int64(c.dirs)), "\n")
	p.print("totalBlocks = ", itoa(int64(c.blocks)), "\n")
	p.print("totalSpace = ", itoa(c.space), "\n")
	p.print("maxFileSize = ", itoa(c.maxFileSize), "\n")
}
