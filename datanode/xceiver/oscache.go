package xceiver

import (
	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// cacheLag is how far behind the write position the page cache is
// managed (BlockReceiver.CACHE_DROP_LAG_BYTES).
const cacheLag = 8 << 20

// cacheBehind is BlockReceiver's management of the OS cache while a
// replica is written, with dfs.datanode.sync.behind.writes and
// dfs.datanode.drop.cache.behind.writes (or the client's drop-behind
// CachingStrategy). Every cacheLag bytes written, the bytes since the last
// time are handed to writeback (sync_file_range WRITE), and the pages more
// than cacheLag behind that point are dropped (posix_fadvise DONTNEED),
// so that a DataNode streaming large blocks does not fill the page cache
// with data nobody will read soon. The rule is pure; apply does the I/O.
type cacheBehind struct {
	sync, drop bool
	last       int64 // where the cache was last managed
}

// cacheActions is what to do once the write position reaches some offset.
type cacheActions struct {
	syncOff, syncLen int64 // sync_file_range(WRITE) this range; syncLen 0: none
	dropLen          int64 // posix_fadvise(DONTNEED) [0, dropLen); 0: none
}

// step is the rule for the write position off.
func (c *cacheBehind) step(off int64) cacheActions {
	var a cacheActions
	if !c.sync && !c.drop || off <= c.last+cacheLag {
		return a
	}
	if c.sync {
		a.syncOff, a.syncLen = c.last, off-c.last
	}
	if drop := c.last - cacheLag; c.drop && drop > 0 {
		a.dropLen = drop
	}
	c.last = off
	return a
}

// dropBehind is CachingStrategy.newDropBehind: drop the pages sent, read
// ahead as the DataNode is set to.
var dropBehind = &hdfspb.CachingStrategyProto{DropBehind: proto.Bool(true)}

// Read-side OS cache management, as BlockSender's manageOsCache.
const (
	dropReadInterval = 1 << 20   // CACHE_DROP_INTERVAL_BYTES
	longRead         = 256 << 10 // LONG_READ_THRESHOLD_BYTES
)

// readCache reads ahead of a replica being sent (posix_fadvise WILLNEED,
// dfs.datanode.readahead.bytes or the client's readahead) and, for reads
// that ask for it, drops the pages already sent (DONTNEED every 1 MiB,
// dfs.datanode.drop.cache.behind.reads for reads over 256 KiB, or every
// read when the client's CachingStrategy says drop-behind).
type readCache struct {
	readahead int64 // 0: none
	drop      bool
	raEnd     int64 // end of the last window read ahead
	dropped   int64 // pages before this offset were dropped
}

// readActions is what to do around the packet sent at some offset.
type readActions struct {
	aheadOff, aheadLen int64 // WILLNEED; aheadLen 0: none
	dropOff, dropLen   int64 // DONTNEED; dropLen 0: none
}

// newReadCache is the policy for a read of [start, end): readahead bytes
// ahead (< 0: the DataNode's default dnReadahead), drop-behind as the
// client says (dropSet) or, for long reads, as dnDrop says.
func newReadCache(start, end, readahead, dnReadahead int64, dropSet, drop, dnDrop bool) readCache {
	if readahead < 0 {
		readahead = dnReadahead
	}
	if !dropSet {
		drop = dnDrop && end-start > longRead
	}
	return readCache{readahead: readahead, drop: drop, raEnd: start, dropped: start}
}

// before is the rule before sending the packet at off (end: the read's
// end): once half of the last window is consumed, the next one is read
// ahead.
func (c *readCache) before(off, end int64) readActions {
	var a readActions
	if c.readahead <= 0 || c.raEnd >= end || off+c.readahead/2 < c.raEnd {
		return a
	}
	from := max(off, c.raEnd)
	to := min(off+c.readahead, end)
	if to > from {
		a.aheadOff, a.aheadLen = from, to-from
		c.raEnd = to
	}
	return a
}

// after is the rule once the bytes up to off are sent; last: the read is
// done, so the rest is dropped too.
func (c *readCache) after(off int64, last bool) readActions {
	var a readActions
	if !c.drop || off <= c.dropped || (!last && off < c.dropped+dropReadInterval) {
		return a
	}
	a.dropOff, a.dropLen = c.dropped, off-c.dropped
	c.dropped = off
	return a
}
