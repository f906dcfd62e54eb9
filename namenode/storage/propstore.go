package storage

import (
	"slices"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/hdfsd/hdfsd/internal/javafmt"
)

// KeyOrder is the order in which a JVM's Properties.store writes the keys.
// It is the iteration order of the map behind java.util.Properties, which
// changed twice; Hadoop does not choose it, its JVM does.
type KeyOrder uint8

const (
	// OrderJava9 is the order of Java 9 to 17, whose Properties sits on a
	// ConcurrentHashMap of 16 bins: by hash bin, then by insertion. A
	// Hadoop 3.3/3.4 NameNode on JDK 11 or 17 writes
	// namespaceID, blockpoolID, storageType, cTime, clusterID, layoutVersion
	// (shared/testdata/hadoop-3.3.2/nn-namedir.tgz, JDK 17).
	OrderJava9 KeyOrder = iota
	// OrderJava8 is the order of Java 8's Hashtable (11 buckets, read from
	// the last bucket down, newest entry first in a bucket):
	// namespaceID, clusterID, cTime, storageType, blockpoolID, layoutVersion
	// (the Hadoop 2.x name dirs in shared/testdata/hadoop).
	OrderJava8
	// OrderSorted is the order of Java 18 and later (JDK-8231640): keys
	// sorted.
	OrderSorted
)

// OrderedKeys returns p's keys in the order a JVM of the given kind writes
// them. The hash orders are exact up to the size at which the JVM's map
// grows (11 keys for Java 9, 8 for Java 8; a NameNode VERSION has 6);
// beyond it the keys keep their insertion order.
func (p *Properties) OrderedKeys(o KeyOrder) []string {
	keys := p.Keys()
	switch {
	case o == OrderSorted:
		slices.Sort(keys)
	case o == OrderJava8 && len(keys) <= 8:
		slices.Reverse(keys) // newest first within a bucket
		slices.SortStableFunc(keys, func(a, b string) int {
			return int(hashtableIndex(b)) - int(hashtableIndex(a))
		})
	case o == OrderJava9 && len(keys) <= 11:
		slices.SortStableFunc(keys, func(a, b string) int {
			return int(chmBin(a)) - int(chmBin(b))
		})
	}
	return keys
}

// javaHash is String.hashCode over UTF-16 code units.
func javaHash(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// chmBin is ConcurrentHashMap's bin for a key in a 16-bin table.
func chmBin(key string) int32 {
	h := javaHash(key)
	return (h ^ int32(uint32(h)>>16)) & 0x7fffffff & 15
}

// hashtableIndex is Hashtable's bucket for a key in an 11-bucket table.
func hashtableIndex(key string) int32 { return (javaHash(key) & 0x7fffffff) % 11 }

// StoreProperties renders p as Properties.store(OutputStream, null) does:
// a "#" line with the date as Date.toString prints it, then key=value
// lines, escaped for ISO-8859-1 with \uXXXX for anything else.
func StoreProperties(p *Properties, o KeyOrder, now time.Time) []byte {
	var b strings.Builder
	b.WriteString("#" + javafmt.Date(now) + "\n")
	for _, k := range p.OrderedKeys(o) {
		v, _ := p.Get(k)
		escapeTo(&b, k, true)
		b.WriteByte('=')
		escapeTo(&b, v, false)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// escapeTo writes s escaped as Properties.saveConvert does: every blank in
// a key, a leading blank in a value, = : # ! and backslash get a
// backslash; controls and non-ASCII become \uXXXX (upper-case hex).
func escapeTo(b *strings.Builder, s string, isKey bool) {
	for i, u := range utf16.Encode([]rune(s)) {
		switch {
		case u == ' ' && (isKey || i == 0):
			b.WriteString(`\ `)
		case u == '\t':
			b.WriteString(`\t`)
		case u == '\n':
			b.WriteString(`\n`)
		case u == '\r':
			b.WriteString(`\r`)
		case u == '\f':
			b.WriteString(`\f`)
		case u == '=' || u == ':' || u == '#' || u == '!' || u == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(u))
		case u < 0x20 || u > 0x7e:
			const hex = "0123456789ABCDEF"
			b.WriteString(`\u`)
			b.WriteByte(hex[u>>12&15])
			b.WriteByte(hex[u>>8&15])
			b.WriteByte(hex[u>>4&15])
			b.WriteByte(hex[u&15])
		default:
			b.WriteByte(byte(u))
		}
	}
}
