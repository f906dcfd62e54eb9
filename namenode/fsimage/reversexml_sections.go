package fsimage

import (
	"encoding/hex"
	"strconv"

	"encoding/xml"
)

// The reconstructor's section processors, one per XML section.

func (rc *reconstructor) nameSection() error {
	n, err := rc.ev.load()
	if err != nil {
		return err
	}
	r := &rd{n: n}
	ns := &NameSystem{NamespaceID: r.reqI32("namespaceId", "<NameSection> is missing <namespaceId>")}
	ns.Present = ns.Present.With(NSNamespaceID)
	r.optI64("genstampV1", &ns.GenstampV1, &ns.Present, NSGenstampV1)
	r.optI64("genstampV2", &ns.GenstampV2, &ns.Present, NSGenstampV2)
	r.optI64("genstampV1Limit", &ns.GenstampV1Limit, &ns.Present, NSGenstampV1Limit)
	r.optI64("lastAllocatedBlockId", &ns.LastAllocatedBlockID, &ns.Present, NSLastAllocatedBlockID)
	r.optI64("txid", &ns.TxID, &ns.Present, NSTxID)
	r.optI64("rollingUpgradeStartTime", &ns.RollingUpgradeStartTime, &ns.Present, NSRollingUpgradeStartTime)
	r.optI64("lastAllocatedStripedBlockId", &ns.LastAllocatedStripedBlockID, &ns.Present, NSLastAllocatedStripedBlockID)
	if err := r.done("NameSection"); err != nil {
		return err
	}
	return rc.w.NameSystem(ns)
}

func (rc *reconstructor) erasureCodingSection() error {
	n, err := rc.ev.load()
	if err != nil {
		return err
	}
	var ps []ECPolicy
	for ec := n.child("erasureCodingPolicy"); ec != nil; ec = n.child("erasureCodingPolicy") {
		r := &rd{n: ec}
		id := r.reqI32("policyId", "<erasureCodingPolicy> has no <policyId>")
		p := ECPolicy{ID: uint32(id), Present: FieldsOf(ECName, ECSchemaF, ECCellSize)}
		p.Name = r.reqStr("policyName", "<erasureCodingPolicy> has no <policyName>")
		p.CellSize = r.reqI32("cellSize", "<erasureCodingPolicy> has no <cellSize>")
		if st, ok := r.str("policyState"); ok {
			p.Present = p.Present.With(ECState)
			switch st {
			case "DISABLED":
				p.State = ECDisabled
			case "ENABLED":
				p.State = ECEnabled
			case "REMOVED":
				p.State = ECRemoved
			default:
				r.missing(false, "unknown <policyState> "+st)
			}
		}
		schema := ec.child("ecSchema")
		r.missing(schema != nil, "<erasureCodingPolicy> has no <ecSchema>")
		if r.err != nil {
			return r.err
		}
		s := &rd{n: schema}
		p.Schema = &ECSchema{
			CodecName:   s.reqStr("codecName", "<ecSchema> has no <codecName>"),
			DataUnits:   s.reqI32("dataUnits", "<ecSchema> has no <dataUnits>"),
			ParityUnits: s.reqI32("parityUnits", "<ecSchema> has no <parityUnits>"),
		}
		if opts := schema.child("extraOptions"); opts != nil {
			for o := opts.child("option"); o != nil && s.err == nil; o = opts.child("option") {
				or := &rd{n: o}
				k := or.reqStr("key", "<option> has no <key>")
				v := or.reqStr("value", "<option> has no <value>")
				p.Schema.Options = append(p.Schema.Options, ECOption{k, v})
				s.err = or.err
			}
		}
		if s.err != nil {
			return s.err
		}
		ps = append(ps, p)
	}
	if err := n.done("ErasureCodingSection"); err != nil {
		return err
	}
	return rc.w.ErasureCoding(ps)
}

func (rc *reconstructor) inodeSection() error {
	hn, err := rc.ev.load("inode")
	if err != nil {
		return err
	}
	r := &rd{n: hn}
	h := &INodeHeader{}
	r.optI64("lastInodeId", &h.LastINodeID, &h.Present, IHLastINodeID)
	num, ok := r.i32("numInodes")
	r.missing(ok, "failed to find <numInodes> in INodeSection")
	h.NumINodes, h.Present = int64(num), h.Present.With(IHNumINodes)
	if err := r.done("INodeSection"); err != nil {
		return err
	}
	if err := rc.w.BeginINodes(h); err != nil {
		return err
	}
	for i := int32(0); i < num; i++ {
		if _, err := rc.ev.expectTag("inode", false); err != nil {
			return reverseErr("only found %d <inode> entries out of %d: %v", i, num, err)
		}
		n, err := rc.ev.load()
		if err != nil {
			return err
		}
		in, err := rc.inode(n)
		if err != nil {
			return err
		}
		if err := rc.w.INode(in); err != nil {
			return err
		}
	}
	return rc.ev.expectTagEnd("INodeSection")
}

// records reads repeated <tag> elements until the section's end tag
// (which Hadoop does not check by name).
func (rc *reconstructor) records(tag string, each func(*xnode) error) error {
	for {
		t, err := rc.ev.expectTag(tag, true)
		if err != nil {
			return err
		}
		if _, end := t.(xml.EndElement); end {
			return nil
		}
		n, err := rc.ev.load()
		if err != nil {
			return err
		}
		if err := each(n); err != nil {
			return err
		}
	}
}

func (rc *reconstructor) referenceSection() error {
	if err := rc.w.BeginReferences(); err != nil {
		return err
	}
	return rc.records("ref", func(n *xnode) error {
		r := &rd{n: n}
		ref := &Reference{}
		r.optI64("referredId", &ref.ReferredID, &ref.Present, RefReferredID)
		if name, ok := r.str("name"); ok {
			ref.Name = nonNil([]byte(name))
		}
		r.optI32("dstSnapshotId", &ref.DstSnapshotID, &ref.Present, RefDstSnapshotID)
		r.optI32("lastSnapshotId", &ref.LastSnapshotID, &ref.Present, RefLastSnapshotID)
		if err := r.done("ref"); err != nil {
			return err
		}
		return rc.w.Reference(ref)
	})
}

func (rc *reconstructor) directorySection() error {
	if err := rc.w.BeginDirEntries(); err != nil {
		return err
	}
	return rc.records("directory", func(n *xnode) error {
		r := &rd{n: n}
		d := &DirEntry{}
		d.Parent, _ = r.i64("parent")
		for c := n.child("child"); c != nil && r.err == nil; c = n.child("child") {
			v, err := strconv.ParseInt(c.val, 10, 64)
			if err != nil {
				return reverseErr("<child> is not a long: %q", c.val)
			}
			d.Children = append(d.Children, v)
		}
		for c := n.child("refChild"); c != nil && r.err == nil; c = n.child("refChild") {
			v, err := strconv.ParseInt(c.val, 10, 32)
			if err != nil {
				return reverseErr("<refChild> is not an int: %q", c.val)
			}
			d.RefChildren = append(d.RefChildren, int32(v))
		}
		if err := r.done("directory"); err != nil {
			return err
		}
		return rc.w.DirEntry(d)
	})
}

func (rc *reconstructor) filesUCSection() error {
	if err := rc.w.BeginFilesUnderConstruction(); err != nil {
		return err
	}
	return rc.records("inode", func(n *xnode) error {
		r := &rd{n: n}
		e := &FileUCEntry{}
		e.INodeID, _ = r.i64("id")
		e.FullPath, _ = r.str("path")
		if err := r.done("inode"); err != nil {
			return err
		}
		return rc.w.FileUnderConstruction(e)
	})
}

func (rc *reconstructor) snapshotSection() error {
	hn, err := rc.ev.load("snapshot")
	if err != nil {
		return err
	}
	r := &rd{n: hn}
	h := &SnapshotHeader{
		SnapshotCounter: r.reqI32("snapshotCounter", "no <snapshotCounter> entry found in SnapshotSection header"),
		NumSnapshots:    r.reqI32("numSnapshots", "no <numSnapshots> entry found in SnapshotSection header"),
	}
	for sd := hn.child("snapshottableDir"); sd != nil && r.err == nil; sd = hn.child("snapshottableDir") {
		sr := &rd{n: sd}
		for id, ok := sr.i64("dir"); ok; id, ok = sr.i64("dir") {
			h.SnapshottableDirs = append(h.SnapshottableDirs, id)
		}
		r.err = sr.err
	}
	if err := r.done("SnapshotSection"); err != nil {
		return err
	}
	if err := rc.w.BeginSnapshots(h); err != nil {
		return err
	}
	for i := int32(0); i < h.NumSnapshots; i++ {
		if _, err := rc.ev.expectTag("snapshot", false); err != nil {
			return reverseErr("only read %d <snapshot> entries out of %d: %v", i, h.NumSnapshots, err)
		}
		n, err := rc.ev.load()
		if err != nil {
			return err
		}
		sr := &rd{n: n}
		id := sr.reqI32("id", "<snapshot> section was missing <id>")
		if sr.err != nil {
			return sr.err
		}
		root, err := rc.inode(n.child("root"))
		if err != nil {
			return err
		}
		if err := rc.w.Snapshot(&Snapshot{ID: id, Root: *root}); err != nil {
			return err
		}
	}
	return rc.ev.expectTagEnd("SnapshotSection")
}

func (rc *reconstructor) secretManagerSection() error {
	hn, err := rc.ev.load("delegationKey", "token")
	if err != nil {
		return err
	}
	r := &rd{n: hn}
	s := &SecretManager{
		CurrentID:           r.reqI32("currentId", "SecretManager section had no <currentId>"),
		TokenSequenceNumber: r.reqI32("tokenSequenceNumber", "SecretManager section had no <tokenSequenceNumber>"),
	}
	numKeys := r.reqI32("numDelegationKeys", "SecretManager section had no <numDelegationKeys>")
	numTokens := r.reqI32("numTokens", "SecretManager section had no <numTokens>")
	if err := r.done("SecretManager"); err != nil {
		return err
	}
	for i := int32(0); i < numKeys; i++ {
		n, err := rc.element("delegationKey", i, numKeys)
		if err != nil {
			return err
		}
		kr := &rd{n: n}
		k := DelegationKey{Present: FieldsOf(KeyID, KeyExpiryDate)}
		k.ID = kr.reqI32("id", "delegation key stanza <delegationKey> lacked an <id> field")
		k.ExpiryDate = kr.date(kr.reqStr("expiry", "delegation key stanza <delegationKey> lacked an <expiry> field"))
		k.Key = kr.hexBytes(kr.reqStr("key", "delegation key stanza <delegationKey> lacked a <key> field"))
		if err := kr.done("delegationKey"); err != nil {
			return err
		}
		s.Keys = append(s.Keys, k)
	}
	for i := int32(0); i < numTokens; i++ {
		n, err := rc.element("token", i, numTokens)
		if err != nil {
			return err
		}
		tr := &rd{n: n}
		t := Token{}
		tr.optI32("version", &t.Version, &t.Present, TokenVersion)
		tr.optStr("owner", &t.Owner, &t.Present, TokenOwner)
		tr.optStr("renewer", &t.Renewer, &t.Present, TokenRenewer)
		tr.optStr("realUser", &t.RealUser, &t.Present, TokenRealUser)
		tr.optDate("issueDate", &t.IssueDate, &t.Present, TokenIssueDate)
		tr.optDate("maxDate", &t.MaxDate, &t.Present, TokenMaxDate)
		tr.optI32("sequenceNumber", &t.SequenceNumber, &t.Present, TokenSequenceNumber)
		tr.optI32("masterKeyId", &t.MasterKeyID, &t.Present, TokenMasterKeyID)
		tr.optDate("expiryDate", &t.ExpiryDate, &t.Present, TokenExpiryDate)
		if err := tr.done("token"); err != nil {
			return err
		}
		s.Tokens = append(s.Tokens, t)
	}
	if err := rc.ev.expectTagEnd("SecretManagerSection"); err != nil {
		return err
	}
	return rc.w.SecretManager(s)
}

// element reads the i-th of n expected <tag> elements.
func (rc *reconstructor) element(tag string, i, n int32) (*xnode, error) {
	if _, err := rc.ev.expectTag(tag, false); err != nil {
		return nil, reverseErr("only read %d <%s> entries out of %d: %v", i, tag, n, err)
	}
	return rc.ev.load()
}

func (r *rd) optStr(key string, dst *string, p *Fields, f Field) {
	if v, ok := r.str(key); ok {
		*dst, *p = v, p.With(f)
	}
}

func (r *rd) optDate(key string, dst *int64, p *Fields, f Field) {
	if v, ok := r.str(key); ok {
		*dst, *p = r.date(v), p.With(f)
	}
}

func (r *rd) date(s string) int64 {
	if r.err != nil {
		return 0
	}
	ms, err := parseISODate(s)
	if err != nil {
		r.err = reverseErr("%v", err)
	}
	return ms
}

func (r *rd) hexBytes(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil && r.err == nil {
		r.err = reverseErr("%q is not hex", s)
	}
	return nonNil(b)
}

func (rc *reconstructor) cacheManagerSection() error {
	hn, err := rc.ev.load("pool", "directive")
	if err != nil {
		return err
	}
	r := &rd{n: hn}
	c := &CacheManager{NextDirectiveID: r.reqI64("nextDirectiveId", "CacheManager section had no <nextDirectiveId>")}
	numPools := r.reqI32("numPools", "CacheManager section had no <numPools>")
	numDirectives := r.reqI32("numDirectives", "CacheManager section had no <numDirectives>")
	if r.err != nil {
		return r.err
	}
	for i := int32(0); i < numPools; i++ {
		n, err := rc.element("pool", i, numPools)
		if err != nil {
			return err
		}
		pr := &rd{n: n}
		p := CachePool{Present: FieldsOf(PoolName, PoolOwnerName, PoolGroupName, PoolMode, PoolLimit, PoolMaxRelativeExpiry)}
		p.PoolName = pr.reqStr("poolName", "<pool> found without <poolName>")
		p.OwnerName = pr.reqStr("ownerName", "<pool> found without <ownerName>")
		p.GroupName = pr.reqStr("groupName", "<pool> found without <groupName>")
		p.Mode = pr.reqI32("mode", "<pool> found without <mode>")
		p.Limit = pr.reqI64("limit", "<pool> found without <limit>")
		p.MaxRelativeExpiry = pr.reqI64("maxRelativeExpiry", "<pool> found without <maxRelativeExpiry>")
		if err := pr.done("pool"); err != nil {
			return err
		}
		c.Pools = append(c.Pools, p)
	}
	for i := int32(0); i < numDirectives; i++ {
		n, err := rc.element("directive", i, numDirectives)
		if err != nil {
			return err
		}
		dr := &rd{n: n}
		d := CacheDirective{Present: FieldsOf(DirectiveID, DirectivePath, DirectiveReplication, DirectivePool)}
		d.ID = dr.reqI64("id", "<directive> found without <id>")
		d.Path = dr.reqStr("path", "<directive> found without <path>")
		d.Replication = dr.reqI32("replication", "<directive> found without <replication>")
		d.Pool = dr.reqStr("pool", "<directive> found without <pool>")
		if e := n.child("expiration"); e != nil && dr.err == nil {
			er := &rd{n: e}
			d.Expiration = &CacheExpiration{
				Millis:     er.reqI64("millis", "cache directive <expiration> found without <millis>"),
				IsRelative: e.flag("relative"),
			}
			dr.err = er.err
		}
		if err := dr.done("directive"); err != nil {
			return err
		}
		c.Directives = append(c.Directives, d)
	}
	if err := rc.ev.expectTagEnd("CacheManagerSection"); err != nil {
		return err
	}
	return rc.w.CacheManager(c)
}
