package fsimage

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// The Hadoop 3.1 image from Dynamometer's tests, and the XML dump that
// ships beside it. That dump was made by an older viewer (symbolic
// permissions, "perferredBlockSize", <inode> for directory children), at
// txid 61740 rather than the image's 61969, without namespaceId or the
// ErasureCodingSection, and with a licence comment (see the README). So
// it cannot equal our output byte for byte; instead every fact it states
// must be one our XML of the image states.

const dynamometer = "hadoop/dynamometer-hadoop-3.1/fsimage_0000000000000061740"

func TestDynamometerImageMatchesItsMD5(t *testing.T) {
	p := testdata(t, dynamometer)
	want, ok, err := ReadMD5File(p)
	if err != nil || !ok {
		t.Fatalf("ReadMD5File: %v, %v", ok, err)
	}
	got, err := FileMD5(p)
	if err != nil || got != want {
		t.Fatalf("MD5 %x, want %x (%v)", got, want, err)
	}
	img := openImage(t, p) // OpenFile verifies the sidecar as well
	s := img.Summary()
	if s.LayoutVersion != -64 || s.Codec != "" || len(s.Sections) != 10 {
		t.Errorf("summary = %+v", s)
	}
	ns, err := img.NameSystem()
	if err != nil || ns.TxID != 61969 || ns.LastAllocatedBlockID != 1073751924 {
		t.Errorf("NameSystem = %+v, %v", ns, err)
	}
}

func TestDynamometerXMLStatesWhatOurXMLStates(t *testing.T) {
	ours := xmlFacts(t, convert(t, testdata(t, dynamometer), "XML", Options{}))
	theirs := xmlFacts(t, wantFile(t, dynamometer+".xml"))
	if len(theirs) < 216+114 {
		t.Fatalf("only %d facts in the shipped XML", len(theirs))
	}
	// The dump predates 229 transactions the image includes; one of them
	// touched /user (inode 16388).
	const before = "inode id=16388 type=DIRECTORY name=user dsquota=-1 mtime=1494453399239 nsquota=-1 permission=hdfs:hdfs:0750"
	const after = "inode id=16388 type=DIRECTORY name=user dsquota=-1 mtime=1517869790959 nsquota=-1 permission=hdfs:hdfs:0750"
	if !theirs[before] || !ours[after] {
		t.Errorf("the known /user mtime difference is gone")
	}
	delete(theirs, before)
	delete(ours, after)
	for f := range theirs {
		if !ours[f] {
			t.Errorf("the shipped XML says %q; our XML does not", f)
		}
	}
	for f := range ours {
		if !theirs[f] {
			t.Errorf("our XML says %q; the shipped XML does not", f)
		}
	}
}

// element is a parsed XML element.
type element struct {
	name string
	text string
	kids []*element
}

func parseXML(t *testing.T, data []byte) *element {
	t.Helper()
	root := &element{}
	stack := []*element{root}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &element{name: tok.Name.Local}
			top.kids = append(top.kids, e)
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(tok)
		}
	}
	return root
}

// xmlFacts extracts, in a version-neutral spelling, the facts both
// viewers' dumps state.
func xmlFacts(t *testing.T, data []byte) map[string]bool {
	facts := map[string]bool{}
	var visit func(e *element, section string)
	visit = func(e *element, section string) {
		switch {
		case section == "NameSection" && e.name != "txid" && e.name != "namespaceId" && e.name != "NameSection":
			facts["name "+e.name+"="+e.text] = true
		case e.name == "lastInodeId" || e.name == "snapshotCounter" || e.name == "nextDirectiveId" ||
			e.name == "currentId" || e.name == "tokenSequenceNumber":
			facts[section+" "+e.name+"="+e.text] = true
		case section == "INodeSection" && e.name == "inode":
			facts[inodeFact(e)] = true
			return
		case e.name == "directory":
			var kids []string
			for _, k := range e.kids[1:] {
				kids = append(kids, k.text)
			}
			facts["dir "+e.kids[0].text+" -> "+strings.Join(kids, ",")] = true
			return
		}
		for _, k := range e.kids {
			s := section
			if strings.HasSuffix(k.name, "Section") {
				s = k.name
			}
			visit(k, s)
		}
	}
	visit(parseXML(t, data), "")
	return facts
}

func inodeFact(e *element) string {
	fields := map[string]string{}
	for _, k := range e.kids {
		name := k.name
		if name == "perferredBlockSize" {
			name = "preferredBlockSize"
		}
		fields[name] = k.text
		if name == "blocks" {
			var bs []string
			for _, b := range k.kids {
				bs = append(bs, fmt.Sprintf("%s/%s/%s", b.kids[0].text, b.kids[1].text, b.kids[2].text))
			}
			fields[name] = strings.Join(bs, ",")
		}
	}
	fields["permission"] = octalPermission(fields["permission"])
	var parts []string
	for _, k := range []string{"id", "type", "name", "replication", "mtime", "atime",
		"preferredBlockSize", "permission", "nsquota", "dsquota", "blocks"} {
		if v, ok := fields[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	sort.Strings(parts[3:])
	return "inode " + strings.Join(parts, " ")
}

// octalPermission turns "u:g:rwxr-x---" into "u:g:0750"; octal stays.
func octalPermission(p string) string {
	i := strings.LastIndex(p, ":")
	mode := p[i+1:]
	if len(mode) != 9 {
		return p
	}
	v := 0
	for j, c := range mode {
		if c != '-' {
			v |= 1 << (8 - j)
		}
	}
	return fmt.Sprintf("%s%04o", p[:i+1], v)
}
