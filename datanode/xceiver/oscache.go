package xceiver

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
