package core

import (
	"encoding/binary"
	"sort"
)

// Cache is the JournaledEditsCache: the latest batches of edits, for
// getJournaledEdits. Unlike Hadoop's, which stores a batch before writing
// it, only batches that are durable are stored (the CacheEdits action
// comes after the write and fsync).
type Cache struct {
	capacity int
	lv       int32 // 0: none yet
	header   []byte
	batches  []batch
	size     int
	lowest   int64 // -1: empty
	highest  int64
	initial  int64
}

type batch struct {
	first int64
	data  []byte
}

// NewCache returns a cache holding at most capacity bytes of edits.
func NewCache(capacity int) *Cache {
	c := &Cache{capacity: capacity}
	c.reset(-1)
	return c
}

func (c *Cache) reset(initial int64) {
	c.batches, c.size = nil, 0
	c.initial, c.lowest, c.highest = initial, initial, -1
}

// Store adds the batch first..last of layout lv.
func (c *Cache) Store(data []byte, first, last int64, lv int32) {
	if first < 0 || last < first {
		return
	}
	switch {
	case lv != c.lv:
		c.reset(first)
		c.lv = lv
		c.header = binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(lv)), 0)
	case c.lowest == -1:
		c.reset(first)
	case c.highest+1 != first:
		c.reset(first)
	}
	for c.size+len(data) > c.capacity && len(c.batches) > 0 {
		c.size -= len(c.batches[0].data)
		c.batches = c.batches[1:]
	}
	if len(data) > c.capacity {
		c.reset(-1)
		return
	}
	if len(c.batches) == 0 {
		c.lowest = first
	} else {
		c.lowest = c.batches[0].first
	}
	c.batches = append(c.batches, batch{first: first, data: data})
	c.highest = last
	c.size += len(data)
}

// Retrieve returns the layout header followed by up to max transactions
// from since on, and how many there are (retrieveEdits).
func (c *Cache) Retrieve(since int64, max int) ([]byte, int, error) {
	if c.lowest == -1 || since < c.lowest {
		return nil, 0, c.miss(since)
	}
	if since > c.highest {
		return []byte{}, 0, nil
	}
	i := sort.Search(len(c.batches), func(i int) bool { return c.batches[i].first > since }) - 1
	out := append([]byte(nil), c.header...)
	count := int64(0)
	for k := i; k < len(c.batches) && count < int64(max); k++ {
		b := c.batches[k]
		next := c.highest + 1
		if k+1 < len(c.batches) {
			next = c.batches[k+1].first
		}
		data := b.data
		if k == i {
			data = data[txPosition(data, since):]
		}
		count += next - maxInt64(since, b.first)
		out = append(out, data...)
	}
	if count > int64(max) {
		cut := txPosition(out[len(c.header):], since+int64(max))
		out = out[:len(c.header)+cut]
		count = int64(max)
	}
	return out, int(count), nil
}

func maxInt64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// txPosition is the offset of the record holding txid in a run of edit
// records (opcode, int32 length, int64 txid, ...), or len(b) when none.
func txPosition(b []byte, txid int64) int {
	pos := 0
	for pos+13 <= len(b) {
		if int64(binary.BigEndian.Uint64(b[pos+5:])) >= txid {
			return pos
		}
		n := int(binary.BigEndian.Uint32(b[pos+1:]))
		if n < 0 || pos+5+n > len(b) {
			break
		}
		pos += 5 + n
	}
	return len(b)
}

func (c *Cache) miss(since int64) error {
	if c.lowest == -1 {
		return errf(KindCacheMiss, "Cache is empty; either it was never written to or the last write overflowed the cache capacity.")
	}
	if since < c.initial {
		return errf(KindCacheMiss, "Cache started at txn ID %d but requested txns starting at %d.", c.initial, since)
	}
	return errf(KindCacheMiss, "Oldest txn ID available in the cache is %d, but requested txns starting at %d. "+
		"The cache size (dfs.journalnode.edit-cache-size.bytes) or cache fraction (dfs.journalnode.edit-cache-size.fraction) "+
		"may need to be increased to hold more transactions (currently %d bytes containing %d transactions)",
		c.lowest, since, c.capacity, c.highest-c.lowest+1)
}

// Capacity is the cache's size limit in bytes.
func (c *Cache) Capacity() int { return c.capacity }
