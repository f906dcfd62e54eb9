package nnimage

import (
	"errors"
	"io"
	"slices"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
	"github.com/hdfsd/hdfsd/namenode/namespace"
)

// ahead decodes and converts the INODE section in its own goroutine, a
// batch at a time, while the caller adds the inodes to the tree: decoding
// and adding use two cores. Batches are recycled, so that a load of any
// size allocates a handful of them.
type ahead struct {
	out  chan *inodeBatch
	free chan *inodeBatch
	errc chan error
	quit chan struct{}
	done chan struct{}
}

// batchLen is the number of inodes in a batch.
const batchLen = 1024

// decodeAhead starts decoding s with conv, a copy the goroutine owns.
// Range over batches(), giving each batch back with release; then err
// gives the decoder's error (a decode or conversion error, which comes
// after the batches of the inodes before it). stop ends the decoder early
// and waits for it.
func decodeAhead(s *fsimage.Stream[fsimage.INode], conv fromImage) *ahead {
	a := &ahead{out: make(chan *inodeBatch, 4), free: make(chan *inodeBatch, 8),
		errc: make(chan error, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		defer close(a.out)
		a.errc <- a.run(s, &conv)
	}()
	return a
}

func (a *ahead) batches() <-chan *inodeBatch { return a.out }

func (a *ahead) release(b *inodeBatch) {
	select {
	case a.free <- b:
	default:
	}
}

func (a *ahead) err() error { return <-a.errc }

func (a *ahead) stop() {
	close(a.quit)
	<-a.done
}

func (a *ahead) run(s *fsimage.Stream[fsimage.INode], conv *fromImage) error {
	b := a.batch()
	for {
		in, err := s.Scan()
		if err == nil {
			var n *namespace.Inode
			if n, err = conv.inode(in); err == nil {
				b.add(n)
				if len(b.nodes) < batchLen {
					continue
				}
			}
		}
		if len(b.nodes) > 0 {
			select {
			case a.out <- b:
			case <-a.quit:
				return nil
			}
			b = a.batch()
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// batch returns a recycled batch, or a new one.
func (a *ahead) batch() *inodeBatch {
	select {
	case b := <-a.free:
		b.reset()
		return b
	default:
		return &inodeBatch{nodes: make([]namespace.Inode, 0, batchLen)}
	}
}

// inodeBatch holds converted inodes and copies of the bytes and slices
// they point to, which the decoder and converter reuse.
type inodeBatch struct {
	nodes  []namespace.Inode
	bytes  []byte
	blocks []namespace.Block
	xattrs []namespace.XAttr
	acl    []namespace.AclEntry
}

func (b *inodeBatch) reset() {
	b.nodes, b.bytes, b.blocks = b.nodes[:0], b.bytes[:0], b.blocks[:0]
	b.xattrs, b.acl = b.xattrs[:0], b.acl[:0]
}

// add appends a copy of n. Slices taken from the batch's buffers stay
// valid when a buffer grows (they keep the old array), and are reused
// only after release.
func (b *inodeBatch) add(n *namespace.Inode) {
	c := *n
	c.Name, c.Target = b.keep(n.Name), b.keep(n.Target)
	c.Blocks = keepSlice(&b.blocks, n.Blocks)
	c.ACL = keepSlice(&b.acl, n.ACL)
	c.TypeQuotas = slices.Clone(n.TypeQuotas) // rare
	c.XAttrs = keepSlice(&b.xattrs, n.XAttrs)
	for i := range c.XAttrs {
		c.XAttrs[i].Value = b.keep(c.XAttrs[i].Value)
	}
	b.nodes = append(b.nodes, c)
}

// keep copies p into the batch's bytes; nil stays nil.
func (b *inodeBatch) keep(p []byte) []byte {
	if p == nil {
		return nil
	}
	return keepSlice(&b.bytes, p)
}

func keepSlice[T any](buf *[]T, s []T) []T {
	if s == nil {
		return nil
	}
	start := len(*buf)
	*buf = append(*buf, s...)
	return (*buf)[start:len(*buf):len(*buf)]
}
