package namespace

import (
	"math"
	"strconv"
	"strings"
)

// counts is QuotaCounts: namespace (inodes), storage space (bytes times
// replication) and the bytes each storage type holds (typeSpaces).
type counts struct {
	ns, ss int64
	ts     typeCounts
}

func (c counts) add(d counts) counts {
	c.ns, c.ss = c.ns+d.ns, c.ss+d.ss
	for i := range c.ts {
		c.ts[i] += d.ts[i]
	}
	return c
}

func (c counts) neg() counts {
	c.ns, c.ss = -c.ns, -c.ss
	for i := range c.ts {
		c.ts[i] = -c.ts[i]
	}
	return c
}

// consumes reports whether c takes quota of any kind (the opposite of
// the early return of FSDirectory.verifyQuota).
func (c counts) consumes() bool {
	if c.ns > 0 || c.ss > 0 {
		return true
	}
	for _, v := range c.ts {
		if v > 0 {
			return true
		}
	}
	return false
}

// usage is INode.computeQuotaUsage for the subtree at slot, using the
// cached usage of directories that have a quota. Storage types are
// counted under the storage policy in effect at slot.
func (t *Tree) usage(v view, slot uint32) counts {
	return t.usageUnder(v, slot, t.effectivePolicy(v, slot))
}

// usageUnder is usage with the policy the parent passes down.
func (t *Tree) usageUnder(v view, slot uint32, inherited uint8) counts {
	n := v.node(slot)
	policy := t.localPolicy(v, slot)
	if policy == PolicyUnspecified {
		policy = inherited
	}
	switch n.kind() {
	case kindFile:
		bytes := t.storedBytes(v, slot)
		if t.snap.orphan[slot] {
			bytes = t.keptBytes(slot) // snapquota.go
		}
		c := t.spaceOf(n, bytes, policy)
		c.ns = 1
		return c
	case kindSymlink:
		return counts{ns: 1}
	}
	if q := v.quota(slot); q != nil && !t.snap.orphan[slot] {
		return q.used()
	}
	c := counts{ns: 1}
	for _, k := range v.dir(slot).kids {
		c = c.add(t.usageUnder(v, k, policy))
	}
	return c.add(t.homedUsage(v, slot, policy))
}

// fileSpace is INodeFile.storagespaceConsumed: each block's bytes, or the
// preferred block size while it is not complete, times the replication.
func (t *Tree) fileSpace(v view, slot uint32) int64 {
	return t.fileBytes(v, slot) * int64(v.node(slot).replication())
}

// fileBytes is fileSpace before replication.
func (t *Tree) fileBytes(v view, slot uint32) int64 {
	n := v.node(slot)
	var sum int64
	for b := n.b; b != 0; {
		blk := t.blocks.at(b - 1)
		if blk.complete {
			sum += blk.numBytes
		} else {
			sum += n.blockSize()
		}
		b = blk.next
	}
	return sum
}

// spaceOf is the storage space and per-type space of bytes of file n
// (not yet replicated) under policy: FSDirectory.getStorageTypeDeltas
// with an unchanged replication.
func (t *Tree) spaceOf(n *inode, bytes int64, policy uint8) counts {
	return counts{ss: bytes * int64(n.replication()), ts: typeSpace(policy, bytes, n.replication())}
}

// spaceDelta is spaceOf under the file's effective policy, for the
// operations that grow or shrink a file's blocks.
func (t *Tree) spaceDelta(v view, f uint32, bytes int64) counts {
	return t.spaceOf(v.node(f), bytes, t.effectivePolicy(v, f))
}

// replDelta is the change of a file's usage when its replication goes
// from old to repl (FSDirAttrOp.unprotectedSetReplication's updateCount).
func (t *Tree) replDelta(v view, f uint32, old, repl int16) counts {
	size := t.fileSize(v, f, true)
	policy := t.effectivePolicy(v, f)
	d := counts{ss: size * int64(repl-old), ts: typeSpace(policy, size, repl)}
	return d.add(counts{ts: typeSpace(policy, size, old)}.neg())
}

// violated is Quota.isViolated(quota, usage, delta).
func violated(quota, used, delta int64) bool {
	return quota >= 0 && delta > 0 && used > quota-delta
}

// verifyQuota is FSDirectory.verifyQuota: adding delta below the first pos
// inodes of r must not exceed any quota on the way up, stopping at the
// common ancestor of a rename (nilSlot for none). The usage counted is the
// current one less gone, what the operation has removed before (the file
// a create overwrites).
func (t *Tree) verifyQuota(v view, r *resolved, pos int, delta counts, common uint32, gone counts) error {
	if !delta.consumes() {
		return nil
	}
	for i := min(pos, r.n()) - 1; i >= 0; i-- {
		s := r.nodes[i]
		if s == common {
			return nil
		}
		q := v.quota(s)
		if q == nil {
			continue
		}
		if used := q.nsUsed.Load() - gone.ns; violated(q.ns, used, delta.ns) {
			return fail(ErrNSQuotaExceeded, "The NameSpace quota (directories and files) of directory %s"+
				" is exceeded: quota=%d file count=%d", r.pathTo(i), q.ns, used+delta.ns)
		}
		if used := q.ssUsed.Load() - gone.ss; violated(q.ss, used, delta.ss) {
			return dsQuotaExceeded(r.pathTo(i), q.ss, used+delta.ss)
		}
		if err := q.verifyTypes(r.pathTo(i), delta.ts, gone.ts); err != nil {
			return err
		}
	}
	return nil
}

func dsQuotaExceeded(path string, quota, count int64) error {
	return fail(ErrDSQuotaExceeded, "The DiskSpace quota of %s is exceeded: quota = %d B = %s"+
		" but diskspace consumed = %d B = %s", path, quota, long2String(quota, "B", 2),
		count, long2String(count, "B", 2))
}

// addUsage adds delta to the usage of every quota directory among the
// first pos inodes of r (FSDirectory.unprotectedUpdateCount).
func (t *Tree) addUsage(r *resolved, pos int, delta counts) {
	for i := 0; i < min(pos, r.n()); i++ {
		t.addUsageAt(r.nodes[i], delta)
	}
}

// addUsageAt adds delta to one directory's usage, if it has a quota.
func (t *Tree) addUsageAt(dir uint32, delta counts) {
	d := t.dirs.at(t.nodes.at(dir).dirSlot())
	if d.quota == 0 {
		return
	}
	t.quotas.at(d.quota - 1).addUsed(delta)
}

// addUsageUp adds delta to the quota directories from dir up to the root.
func (t *Tree) addUsageUp(dir uint32, delta counts) {
	for s := dir; s != nilSlot; s = t.nodes.at(s).parent {
		t.addUsageAt(s, delta)
	}
}

// binary prefixes of StringUtils.TraditionalBinaryPrefix.
var binaryPrefixes = []byte("KMGTPE")

// long2String is StringUtils.TraditionalBinaryPrefix.long2String.
func long2String(n int64, unit string, decimals int) string {
	if n == math.MinInt64 {
		return "-8 E" + unit
	}
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
		n = -n
	}
	if n < 1024 {
		b.WriteString(strconv.FormatInt(n, 10))
		if unit != "" {
			b.WriteString(" " + unit)
		}
		return b.String()
	}
	i := 0
	for i < len(binaryPrefixes) && n >= 1<<(10*(i+1)) {
		i++
	}
	shift := uint(10 * i)
	if n&(1<<shift-1) == 0 {
		b.WriteString(strconv.FormatInt(n>>shift, 10))
	} else {
		s := javaFixed(float64(n)/float64(int64(1)<<shift), decimals)
		if strings.HasPrefix(s, "1024") && i < len(binaryPrefixes) {
			i++
			s = javaFixed(float64(n)/float64(int64(1)<<(10*i)), decimals)
		}
		b.WriteString(s)
	}
	b.WriteString(" " + string(binaryPrefixes[i-1]) + unit)
	return b.String()
}

// javaFixed is String.format("%.Nf", x) for x >= 0: Java rounds the
// shortest decimal form of x half up, where Go would round the exact
// binary value half to even.
func javaFixed(x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	frac += strings.Repeat("0", decimals+1)
	digits := []byte(intPart + frac[:decimals])
	if frac[decimals] >= '5' {
		digits = incDecimal(digits)
	}
	n := len(digits) - decimals
	if decimals == 0 {
		return string(digits)
	}
	return string(digits[:n]) + "." + string(digits[n:])
}

// incDecimal adds one to a string of decimal digits.
func incDecimal(d []byte) []byte {
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] < '9' {
			d[i]++
			return d
		}
		d[i] = '0'
	}
	return append([]byte{'1'}, d...)
}
