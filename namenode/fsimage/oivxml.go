package fsimage

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// WriteXML writes the image as `hdfs oiv -p XML` does
// (PBImageXmlWriter): sections in load order, each element's text mangled
// by XMLUtils, numbers in Java's signed view, the same line breaks.
func WriteXML(img *Image, w *bufio.Writer, opts Options) error {
	rev := opts.Revision
	if rev == "" {
		rev = "Unknown"
	}
	x := &xmlDumper{printer: printer{w: w}, img: img}
	sum := img.Summary()
	x.print("<?xml version=\"1.0\"?>\n<fsimage>", "<version>")
	x.o("layoutVersion", itoa(int64(sum.LayoutVersion)))
	x.o("onDiskVersion", itoa(int64(int32(sum.OnDiskVersion))))
	x.o("oivRevision", rev)
	x.print("</version>\n")
	for _, sec := range sortedForLoad(sum.Sections) {
		if err := x.section(sec); err != nil {
			return err
		}
		if x.err != nil {
			return fmt.Errorf("fsimage: writing XML: %w", x.err)
		}
	}
	x.print("</fsimage>\n")
	return x.err
}

type xmlDumper struct {
	printer
	img   *Image
	names names
}

// o writes <e>mangled v</e>.
func (x *xmlDumper) o(e, v string) { x.print("<", e, ">", mangleXML(v), "</", e, ">") }

// flag writes <e/> when v is true: a boolean is present or absent.
func (x *xmlDumper) flag(e string, v bool) {
	if v {
		x.print("<", e, "/>")
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func (x *xmlDumper) section(sec SectionInfo) error {
	switch sec.Name {
	case SectionNSInfo:
		n, err := x.img.ReadNameSystem(sec)
		if err != nil {
			return err
		}
		x.print("<NameSection>")
		x.o("namespaceId", itoa(int64(n.NamespaceID)))
		x.o("genstampV1", itoa(n.GenstampV1))
		x.o("genstampV2", itoa(n.GenstampV2))
		x.o("genstampV1Limit", itoa(n.GenstampV1Limit))
		x.o("lastAllocatedBlockId", itoa(n.LastAllocatedBlockID))
		x.o("txid", itoa(n.TxID))
		x.print("</NameSection>\n")
	case SectionStringTable:
		t, err := x.img.ReadStringTable(sec)
		if err != nil {
			return err
		}
		x.names = names{t}
	case SectionErasureCoding:
		ps, err := x.img.ReadErasureCoding(sec)
		if err != nil {
			return err
		}
		return x.erasureCoding(ps)
	case SectionINode:
		return x.inodes(sec)
	case SectionINodeReference:
		return x.references(sec)
	case SectionINodeDir:
		return x.dirEntries(sec)
	case SectionFilesUnderConstruction:
		return x.filesUC(sec)
	case SectionSnapshot:
		return x.snapshots(sec)
	case SectionSnapshotDiff:
		return x.snapshotDiffs(sec)
	case SectionSecretManager:
		s, err := x.img.ReadSecretManager(sec)
		if err != nil {
			return err
		}
		x.secretManager(s)
	case SectionCacheManager:
		c, err := x.img.ReadCacheManager(sec)
		if err != nil {
			return err
		}
		x.cacheManager(c)
	case SectionExtendedACL, SectionINodeSub, SectionINodeReferenceSub,
		SectionINodeDirSub, SectionSnapshotDiffSub:
	default:
		return fmt.Errorf("%w: %s: unrecognized section %q", ErrCorrupt, x.img.name, sec.Name)
	}
	return nil
}

func (x *xmlDumper) inodes(sec SectionInfo) error {
	h, s, err := x.img.OpenINodes(sec)
	if err != nil {
		return err
	}
	x.print("<INodeSection>")
	x.o("lastInodeId", itoa(h.LastINodeID))
	x.o("numInodes", itoa(h.NumINodes))
	for i := int64(0); i < h.NumINodes; i++ {
		n, err := s.Next()
		if errors.Is(err, io.EOF) {
			return corruptf(x.img.name, "section INODE holds %d inodes, its header says %d", i, h.NumINodes)
		}
		if err != nil {
			return err
		}
		x.print("<inode>")
		if err := x.inodeFields(n); err != nil {
			return err
		}
		x.print("</inode>\n")
	}
	x.print("</INodeSection>\n")
	return nil
}

func (x *xmlDumper) inodeFields(n *INode) error {
	typ := n.Type
	if typ == 0 {
		typ = TypeFile // an absent INode reads as the proto default
	}
	x.o("id", itoa(n.ID))
	x.o("type", typ.String())
	x.o("name", javaString(n.Name))
	switch {
	case n.File != nil:
		return x.file(n.File)
	case n.Dir != nil:
		return x.dir(n.Dir)
	case n.Symlink != nil:
		l := n.Symlink
		perm, err := x.names.permission(l.Permission)
		if err != nil {
			return err
		}
		x.o("permission", perm)
		x.o("target", javaString(l.Target))
		x.o("mtime", itoa(l.ModTime))
		x.o("atime", itoa(l.AccessTime))
	}
	return nil
}

func (x *xmlDumper) file(f *INodeFile) error {
	striped := f.Present.Has(FileECPolicyID)
	if striped {
		x.o("replication", "1") // INodeFile.DEFAULT_REPL_FOR_STRIPED_BLOCKS
	} else {
		x.o("replication", itoa(int64(f.Replication)))
	}
	x.o("mtime", itoa(f.ModTime))
	x.o("atime", itoa(f.AccessTime))
	x.o("preferredBlockSize", itoa(f.PreferredBlockSize))
	perm, err := x.names.permission(f.Permission)
	if err != nil {
		return err
	}
	x.o("permission", perm)
	if f.Present.Has(FileXAttrs) {
		if err := x.xattrs(f.XAttrs); err != nil {
			return err
		}
	}
	if err := x.acls(f.ACL); err != nil {
		return err
	}
	x.blocks(f.Blocks)
	if f.Present.Has(FileStoragePolicyID) {
		x.o("storagePolicyId", itoa(int64(f.StoragePolicyID)))
	}
	if striped {
		x.o("blockType", f.BlockType.String())
		x.o("erasureCodingPolicyId", itoa(int64(f.ECPolicyID)))
	}
	if uc := f.UC; uc != nil {
		x.print("<file-under-construction>")
		x.o("clientName", javaStr(uc.ClientName))
		x.o("clientMachine", javaStr(uc.ClientMachine))
		x.print("</file-under-construction>\n")
	}
	return nil
}

func (x *xmlDumper) blocks(bs []Block) {
	if len(bs) == 0 {
		return
	}
	x.print("<blocks>")
	for _, b := range bs {
		x.print("<block>")
		x.o("id", itoa(b.ID))
		x.o("genstamp", itoa(b.GenStamp))
		x.o("numBytes", itoa(b.NumBytes))
		x.print("</block>\n")
	}
	x.print("</blocks>\n")
}

func (x *xmlDumper) dir(d *INodeDirectory) error {
	x.o("mtime", itoa(d.ModTime))
	perm, err := x.names.permission(d.Permission)
	if err != nil {
		return err
	}
	x.o("permission", perm)
	if d.Present.Has(DirXAttrs) {
		if err := x.xattrs(d.XAttrs); err != nil {
			return err
		}
	}
	if err := x.acls(d.ACL); err != nil {
		return err
	}
	if d.Present.Has(DirDSQuota) && d.Present.Has(DirNSQuota) {
		x.o("nsquota", itoa(d.NSQuota))
		x.o("dsquota", itoa(d.DSQuota))
	}
	for _, q := range d.TypeQuotas {
		x.print("<typeQuota>")
		x.o("type", q.StorageType.String())
		x.o("quota", itoa(q.Quota))
		x.print("</typeQuota>")
	}
	return nil
}

func (x *xmlDumper) xattrs(xs []XAttr) error {
	x.print("<xattrs>")
	for _, a := range xs {
		x.print("<xattr>")
		ns, err := namespaceName(a.Name.Namespace())
		if err != nil {
			return err
		}
		x.o("ns", ns)
		name, ok, err := x.names.get(KindXAttr, a.Name.NameID())
		if err != nil {
			return err
		}
		if !ok {
			return corruptf(x.img.name, "xattr name %d is not in the string table", a.Name.NameID())
		}
		x.o("name", name)
		if utf8.Valid(a.Value) {
			x.o("val", string(a.Value))
		} else {
			x.o("valHex", hex.EncodeToString(a.Value))
		}
		x.print("</xattr>")
	}
	x.print("</xattrs>")
	return nil
}

func (x *xmlDumper) acls(es []ACLEntry) error {
	if len(es) == 0 {
		return nil
	}
	x.print("<acls>")
	for _, e := range es {
		s, err := x.names.acl(e)
		if err != nil {
			return err
		}
		x.o("acl", s)
	}
	x.print("</acls>")
	return nil
}

// systemECPolicies are SystemErasureCodingPolicies: the NameNode stores
// only their id and state, and the viewer fills in the rest.
var systemECPolicies = map[int8]ECPolicy{
	1: {Name: "RS-6-3-1024k", CellSize: 1 << 20, Schema: &ECSchema{CodecName: "rs", DataUnits: 6, ParityUnits: 3}},
	2: {Name: "RS-3-2-1024k", CellSize: 1 << 20, Schema: &ECSchema{CodecName: "rs", DataUnits: 3, ParityUnits: 2}},
	3: {Name: "RS-LEGACY-6-3-1024k", CellSize: 1 << 20, Schema: &ECSchema{CodecName: "rs-legacy", DataUnits: 6, ParityUnits: 3}},
	4: {Name: "XOR-2-1-1024k", CellSize: 1 << 20, Schema: &ECSchema{CodecName: "xor", DataUnits: 2, ParityUnits: 1}},
	5: {Name: "RS-10-4-1024k", CellSize: 1 << 20, Schema: &ECSchema{CodecName: "rs", DataUnits: 10, ParityUnits: 4}},
}

// resolveECPolicy is PBHelperClient.convertErasureCodingPolicyInfo: a
// built-in id wins over what the image says.
func (x *xmlDumper) resolveECPolicy(p ECPolicy) (ECPolicy, int8, error) {
	id := int8(p.ID)
	if sys, ok := systemECPolicies[id]; ok {
		sys.State, sys.Present = p.State, p.Present
		p = sys
	} else if !p.Present.Has(ECName) || p.Schema == nil || !p.Present.Has(ECCellSize) {
		return p, id, corruptf(x.img.name, "erasure coding policy %d lacks its name, schema or cell size", id)
	}
	if !p.Present.Has(ECState) {
		return p, id, corruptf(x.img.name, "erasure coding policy %d has no state", id)
	}
	return p, id, nil
}

func (x *xmlDumper) erasureCoding(ps []ECPolicy) error {
	if len(ps) == 0 {
		return nil
	}
	x.print("<ErasureCodingSection>\n")
	for _, raw := range ps {
		p, id, err := x.resolveECPolicy(raw)
		if err != nil {
			return err
		}
		x.print("<erasureCodingPolicy>\n")
		x.o("policyId", itoa(int64(id)))
		x.o("policyName", javaStr(p.Name))
		x.o("cellSize", itoa(int64(p.CellSize)))
		x.o("policyState", p.State.String())
		x.print("<ecSchema>\n")
		x.o("codecName", javaStr(p.Schema.CodecName))
		x.o("dataUnits", itoa(int64(p.Schema.DataUnits)))
		x.o("parityUnits", itoa(int64(p.Schema.ParityUnits)))
		if opts := dedupOptions(p.Schema.Options); len(opts) > 0 {
			x.print("<extraOptions>\n")
			for _, o := range opts {
				x.print("<option>\n")
				x.o("key", javaStr(o.Key))
				x.o("value", javaStr(o.Value))
				x.print("</option>\n")
			}
			x.print("</extraOptions>\n")
		}
		x.print("</ecSchema>\n", "</erasureCodingPolicy>\n\n")
	}
	x.print("</ErasureCodingSection>\n\n")
	return nil
}

// dedupOptions orders schema options as the HashMap PBHelperClient puts
// them in: later duplicates override values, iteration is by bucket.
func dedupOptions(opts []ECOption) []ECOption {
	keys := make([]string, len(opts))
	last := map[string]string{}
	for i, o := range opts {
		keys[i] = o.Key
		last[o.Key] = o.Value
	}
	var out []ECOption
	for _, i := range javaHashOrder(keys, tableSizeFor(len(opts))) {
		out = append(out, ECOption{keys[i], last[keys[i]]})
	}
	return out
}

// tableSizeFor is HashMap.tableSizeFor: the power of two >= n, at least 1.
func tableSizeFor(n int) int {
	c := 1
	for c < n {
		c <<= 1
	}
	return c
}
