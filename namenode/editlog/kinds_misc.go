package editlog

import (
	"encoding/hex"
	"sort"
	"unicode/utf8"
)

// Kinds for delegation tokens and keys, cache directives and pools, and
// erasure-coding policies. Each writes several XML elements.

const delegationKind = "HDFS_DELEGATION_TOKEN"

// tokenK is a DelegationTokenIdentifier: version byte 0, Text owner,
// renewer and real user, vlong issue and max dates, vint sequence number
// and master key id.
type tokenK struct{}

func (tokenK) put(e *encoder, o *Op) {
	t := &o.Token
	e.u8(0)
	e.rawText(t.Owner, maxTextLen-1)
	e.rawText(t.Renewer, maxTextLen-1)
	e.rawText(t.RealUser, maxTextLen-1)
	e.vlong(t.IssueDate)
	e.vlong(t.MaxDate)
	e.vlong(int64(t.SequenceNumber))
	e.vlong(int64(t.MasterKeyID))
}

func (tokenK) get(d *decoder, o *Op) {
	t := &o.Token
	if v := d.u8(); v != 0 && d.err == nil {
		d.fail("unknown delegation token version %d", v)
	}
	t.Owner = d.text(maxTextLen-1, true)
	t.Renewer = d.text(maxTextLen-1, true)
	t.RealUser = d.text(maxTextLen-1, true)
	t.IssueDate = d.vlong()
	t.MaxDate = d.vlong()
	t.SequenceNumber = d.vint()
	t.MasterKeyID = d.vint()
}

func (tokenK) emit(x *xmlOut, tag string, o *Op) {
	t := &o.Token
	x.open(tag)
	x.leaf("KIND", delegationKind)
	x.leafInt("SEQUENCE_NUMBER", int64(t.SequenceNumber))
	x.leaf("OWNER", validText(t.Owner))
	x.leaf("RENEWER", validText(t.Renewer))
	x.leaf("REALUSER", validText(t.RealUser))
	x.leafInt("ISSUE_DATE", t.IssueDate)
	x.leafInt("MAX_DATE", t.MaxDate)
	x.leafInt("MASTER_KEY_ID", int64(t.MasterKeyID))
	x.close(tag)
}

func (tokenK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	st := p.list(s, tag)
	if len(st) == 0 {
		return
	}
	if k := p.str(st[0], "KIND"); k != delegationKind && p.err == nil {
		p.fail("can't understand DelegationTokenIdentifier KIND %s", k)
	}
	o.Token = DelegationToken{
		SequenceNumber: int32(p.int(st[0], "SEQUENCE_NUMBER", 32)),
		Owner:          p.str(st[0], "OWNER"),
		Renewer:        p.str(st[0], "RENEWER"),
		RealUser:       p.str(st[0], "REALUSER"),
		IssueDate:      p.int(st[0], "ISSUE_DATE", 64),
		MaxDate:        p.int(st[0], "MAX_DATE", 64),
		MasterKeyID:    int32(p.int(st[0], "MASTER_KEY_ID", 32)),
	}
}

// validText is Text.toString: invalid UTF-8 becomes U+FFFD.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s))
}

// keyK is a DelegationKey: vint id, vlong expiry, vint key length (-1 when
// there is no key) and the key bytes. XML shows the key in hex.
type keyK struct{}

func (keyK) put(e *encoder, o *Op) {
	e.vlong(int64(o.Key.ID))
	e.vlong(o.Key.Expiry)
	if o.Key.Key == nil {
		e.vlong(-1)
		return
	}
	e.vlong(int64(len(o.Key.Key)))
	e.bytes(o.Key.Key)
}

func (keyK) get(d *decoder, o *Op) {
	o.Key = DelegationKey{ID: d.vint(), Expiry: d.vlong()}
	n := d.vint()
	if d.err == nil && (n < -1 || n > 1<<20) {
		d.fail("delegation key length %d outside -1..%d", n, 1<<20)
	}
	if n >= 0 {
		o.Key.Key = append([]byte{}, d.take(int(n))...)
	}
}

func (keyK) emit(x *xmlOut, tag string, o *Op) {
	x.open(tag)
	x.leafInt("KEY_ID", int64(o.Key.ID))
	x.leafInt("EXPIRY_DATE", o.Key.Expiry)
	if o.Key.Key != nil {
		x.leaf("KEY", hex.EncodeToString(o.Key.Key))
	}
	x.close(tag)
}

func (keyK) parse(p *xmlParser, s *stanza, tag string, o *Op) {
	st := p.list(s, tag)
	if len(st) == 0 {
		return
	}
	o.Key = DelegationKey{ID: int32(p.int(st[0], "KEY_ID", 32)), Expiry: p.int(st[0], "EXPIRY_DATE", 64)}
	if v, ok := p.optStr(st[0], "KEY"); ok {
		o.Key.Key = p.hexBytes("KEY", v)
	}
}

// directiveK is a CacheDirectiveInfo: long id, int presence flags, then the
// present fields (path, replication short, pool, expiration long).
type directiveK struct{}

func (directiveK) put(e *encoder, o *Op) {
	c := &o.Directive
	e.i64(c.ID)
	e.i32(int32(c.Has & 0xf))
	if c.Has&DirectiveHasPath != 0 {
		e.utf8(c.Path)
	}
	if c.Has&DirectiveHasReplication != 0 {
		e.i16(c.Replication)
	}
	if c.Has&DirectiveHasPool != 0 {
		e.utf8(c.Pool)
	}
	if c.Has&DirectiveHasExpiration != 0 {
		e.i64(c.Expiration)
	}
}

func (directiveK) get(d *decoder, o *Op) {
	c := &o.Directive
	c.ID = d.i64()
	flags := d.i32()
	if flags&^0xf != 0 && d.err == nil {
		d.fail("unknown flags %#x in cache directive", flags)
	}
	c.Has = uint8(flags & 0xf)
	if c.Has&DirectiveHasPath != 0 {
		c.Path = d.utf8()
	}
	if c.Has&DirectiveHasReplication != 0 {
		c.Replication = d.i16()
	}
	if c.Has&DirectiveHasPool != 0 {
		c.Pool = d.utf8()
	}
	if c.Has&DirectiveHasExpiration != 0 {
		c.Expiration = d.i64()
	}
}

func (directiveK) emit(x *xmlOut, _ string, o *Op) {
	c := &o.Directive
	x.leafInt("ID", c.ID)
	if c.Has&DirectiveHasPath != 0 {
		x.leaf("PATH", c.Path)
	}
	if c.Has&DirectiveHasReplication != 0 {
		x.leafInt("REPLICATION", int64(c.Replication))
	}
	if c.Has&DirectiveHasPool != 0 {
		x.leaf("POOL", c.Pool)
	}
	if c.Has&DirectiveHasExpiration != 0 {
		x.leafInt("EXPIRATION", c.Expiration)
	}
}

func (directiveK) parse(p *xmlParser, s *stanza, _ string, o *Op) {
	c := CacheDirective{ID: p.int(s, "ID", 64)}
	if v, ok := p.optStr(s, "PATH"); ok {
		c.Has, c.Path = c.Has|DirectiveHasPath, v
	}
	if s.has("REPLICATION") {
		c.Has, c.Replication = c.Has|DirectiveHasReplication, int16(p.int(s, "REPLICATION", 16))
	}
	if v, ok := p.optStr(s, "POOL"); ok {
		c.Has, c.Pool = c.Has|DirectiveHasPool, v
	}
	if s.has("EXPIRATION") {
		c.Has, c.Expiration = c.Has|DirectiveHasExpiration, p.int(s, "EXPIRATION", 64)
	}
	o.Directive = c
}

// poolK is a CachePoolInfo: the name, int presence flags, then the present
// fields (owner, group, mode short, limit long, max relative expiry long,
// default replication short).
type poolK struct{}

func (poolK) put(e *encoder, o *Op) {
	c := &o.Pool
	e.utf8(c.Name)
	e.i32(int32(c.Has & 0x3f))
	if c.Has&PoolHasOwner != 0 {
		e.utf8(c.Owner)
	}
	if c.Has&PoolHasGroup != 0 {
		e.utf8(c.Group)
	}
	if c.Has&PoolHasMode != 0 {
		e.i16(int16(c.Mode & 0o1777))
	}
	if c.Has&PoolHasLimit != 0 {
		e.i64(c.Limit)
	}
	if c.Has&PoolHasMaxRelativeExpiry != 0 {
		e.i64(c.MaxRelativeExpiry)
	}
	if c.Has&PoolHasDefaultReplication != 0 {
		e.i16(c.DefaultReplication)
	}
}

func (poolK) get(d *decoder, o *Op) {
	c := CachePool{Name: d.utf8()}
	flags := d.i32()
	if flags&^0x3f != 0 && d.err == nil {
		d.fail("unknown flags %#x in cache pool", flags)
	}
	c.Has = uint8(flags & 0x3f)
	if c.Has&PoolHasOwner != 0 {
		c.Owner = d.utf8()
	}
	if c.Has&PoolHasGroup != 0 {
		c.Group = d.utf8()
	}
	if c.Has&PoolHasMode != 0 {
		c.Mode = uint16(d.i16()) & 0o1777
	}
	if c.Has&PoolHasLimit != 0 {
		c.Limit = d.i64()
	}
	if c.Has&PoolHasMaxRelativeExpiry != 0 {
		c.MaxRelativeExpiry = d.i64()
	}
	if c.Has&PoolHasDefaultReplication != 0 {
		c.DefaultReplication = d.i16()
	}
	o.Pool = c
}

func (poolK) emit(x *xmlOut, _ string, o *Op) {
	c := &o.Pool
	x.leaf("POOLNAME", c.Name)
	if c.Has&PoolHasOwner != 0 {
		x.leaf("OWNERNAME", c.Owner)
	}
	if c.Has&PoolHasGroup != 0 {
		x.leaf("GROUPNAME", c.Group)
	}
	if c.Has&PoolHasMode != 0 {
		x.leafInt("MODE", int64(c.Mode&0o1777))
	}
	if c.Has&PoolHasLimit != 0 {
		x.leafInt("LIMIT", c.Limit)
	}
	if c.Has&PoolHasMaxRelativeExpiry != 0 {
		x.leafInt("MAXRELATIVEEXPIRY", c.MaxRelativeExpiry)
	}
	if c.Has&PoolHasDefaultReplication != 0 {
		x.leafInt("DEFAULTREPLICATION", int64(c.DefaultReplication))
	}
}

func (poolK) parse(p *xmlParser, s *stanza, _ string, o *Op) {
	c := CachePool{Name: p.str(s, "POOLNAME")}
	if v, ok := p.optStr(s, "OWNERNAME"); ok {
		c.Has, c.Owner = c.Has|PoolHasOwner, v
	}
	if v, ok := p.optStr(s, "GROUPNAME"); ok {
		c.Has, c.Group = c.Has|PoolHasGroup, v
	}
	if s.has("MODE") {
		c.Has, c.Mode = c.Has|PoolHasMode, uint16(p.int(s, "MODE", 16))&0o1777
	}
	if s.has("LIMIT") {
		c.Has, c.Limit = c.Has|PoolHasLimit, p.int(s, "LIMIT", 64)
	}
	if s.has("MAXRELATIVEEXPIRY") {
		c.Has, c.MaxRelativeExpiry = c.Has|PoolHasMaxRelativeExpiry, p.int(s, "MAXRELATIVEEXPIRY", 64)
	}
	if s.has("DEFAULTREPLICATION") {
		c.Has, c.DefaultReplication = c.Has|PoolHasDefaultReplication, int16(p.int(s, "DEFAULTREPLICATION", 16))
	}
	o.Pool = c
}

// ecPolicyK is an erasure-coding policy: codec name, data units, parity
// units and cell size as ints, an int option count, and key/value pairs.
type ecPolicyK struct{}

func (ecPolicyK) put(e *encoder, o *Op) {
	c := &o.ECPolicy
	e.utf8(c.Codec)
	e.i32(c.DataUnits)
	e.i32(c.ParityUnits)
	e.i32(c.CellSize)
	e.i32(int32(len(c.Options)))
	for _, kv := range c.Options {
		e.utf8(kv.Key)
		e.utf8(kv.Value)
	}
}

func (ecPolicyK) get(d *decoder, o *Op) {
	c := ECPolicy{Codec: d.utf8(), DataUnits: d.i32(), ParityUnits: d.i32(), CellSize: d.i32()}
	n := d.count("erasure-coding option", maxElements)
	for i := 0; i < n && d.err == nil; i++ {
		c.Options = append(c.Options, KeyValue{Key: d.utf8(), Value: d.utf8()})
	}
	o.ECPolicy = c
}

// emit lists the options in the order Java's HashMap, built with the
// option count as its capacity, iterates them.
func (ecPolicyK) emit(x *xmlOut, _ string, o *Op) {
	c := &o.ECPolicy
	opts := javaHashMapOrder(c.Options, tableSizeFor(len(c.Options)))
	x.leaf("CODEC", c.Codec)
	x.leafInt("DATAUNITS", int64(c.DataUnits))
	x.leafInt("PARITYUNITS", int64(c.ParityUnits))
	x.leafInt("CELLSIZE", int64(c.CellSize))
	x.leafInt("EXTRAOPTIONS", int64(len(opts)))
	for _, kv := range opts {
		x.open("EXTRAOPTION")
		x.leaf("KEY", kv.Key)
		x.leaf("VALUE", kv.Value)
		x.close("EXTRAOPTION")
	}
}

// parse keeps the options in the order a default HashMap iterates them,
// which is the order Hadoop then writes them in.
func (ecPolicyK) parse(p *xmlParser, s *stanza, _ string, o *Op) {
	c := ECPolicy{
		Codec:       p.str(s, "CODEC"),
		DataUnits:   int32(p.int(s, "DATAUNITS", 32)),
		ParityUnits: int32(p.int(s, "PARITYUNITS", 32)),
		CellSize:    int32(p.int(s, "CELLSIZE", 32)),
	}
	if p.int(s, "EXTRAOPTIONS", 32) != 0 {
		var opts []KeyValue
		for _, st := range s.children["EXTRAOPTION"] {
			opts = append(opts, KeyValue{Key: p.str(st, "KEY"), Value: p.str(st, "VALUE")})
		}
		c.Options = javaHashMapOrder(opts, 16)
	}
	o.ECPolicy = c
}

// javaHashMapOrder returns kvs as a java.util.HashMap with the given
// initial capacity would iterate them after they were put in order: later
// duplicates replace earlier values in place, and entries come out by
// bucket of the final table, then by insertion.
func javaHashMapOrder(kvs []KeyValue, capacity int) []KeyValue {
	var out []KeyValue
	seen := make(map[string]int)
	for _, kv := range kvs {
		if i, ok := seen[kv.Key]; ok {
			out[i].Value = kv.Value
			continue
		}
		seen[kv.Key] = len(out)
		out = append(out, kv)
	}
	for size := 1; size <= len(out); size++ {
		if size > capacity*3/4 {
			capacity *= 2
		}
	}
	bucket := func(k string) uint32 {
		h := uint32(javaHash(k))
		return (h ^ h>>16) & uint32(capacity-1)
	}
	sort.SliceStable(out, func(i, j int) bool { return bucket(out[i].Key) < bucket(out[j].Key) })
	return out
}

// tableSizeFor is HashMap.tableSizeFor: the smallest power of two >= n.
func tableSizeFor(n int) int {
	c := 1
	for c < n {
		c *= 2
	}
	return c
}
