package conf

import (
	"sort"
	"unicode/utf16"
)

// javaHashSetOrder returns the distinct items in the order a Java
// HashSet<String> built by adding them one by one iterates: by bucket of
// the spread String.hashCode in the final table (16 buckets, doubling
// whenever more than 3/4 full), insertion order within a bucket. Hadoop
// prints `hdfs getconf -journalNodes` in this order. (Java turns a bucket
// holding 8 or more entries into a tree; journal host lists never get
// there.)
func javaHashSetOrder(items []string) []string {
	unique := uniqueInOrder(items)
	buckets := 16
	for len(unique) > buckets*3/4 {
		buckets *= 2
	}
	index := func(s string) int {
		h := javaStringHash(s)
		return int((h ^ (h >> 16)) & uint32(buckets-1))
	}
	sort.SliceStable(unique, func(i, j int) bool { return index(unique[i]) < index(unique[j]) })
	return unique
}

func uniqueInOrder(items []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range items {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// javaStringHash is Java's String.hashCode over UTF-16 code units.
func javaStringHash(s string) uint32 {
	var h uint32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + uint32(u)
	}
	return h
}
