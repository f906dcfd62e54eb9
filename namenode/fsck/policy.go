package fsck

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// storageTypes lists Hadoop's StorageType enum in ordinal order.
var storageTypes = []string{"RAM_DISK", "SSD", "DISK", "ARCHIVE", "PROVIDED", "NVDIMM"}

func storageOrdinal(t string) int {
	for i, s := range storageTypes {
		if s == t {
			return i
		}
	}
	return len(storageTypes)
}

// builtinPolicies are the default storage policy suite in id order, each
// with its storage types sorted by ordinal.
var builtinPolicies = []struct {
	name  string
	types []string
}{
	{"PROVIDED", []string{"DISK", "PROVIDED"}},
	{"COLD", []string{"ARCHIVE"}},
	{"WARM", []string{"DISK", "ARCHIVE"}},
	{"HOT", []string{"DISK"}},
	{"ONE_SSD", []string{"SSD", "DISK"}},
	{"ALL_SSD", []string{"SSD"}},
	{"ALL_NVDIMM", []string{"NVDIMM"}},
	{"LAZY_PERSIST", []string{"RAM_DISK", "DISK"}},
}

// policySummary is the -storagepolicies table: blocks counted by the
// storage types of their replicas and the policy their file asks for.
type policySummary struct {
	order  []string // keys in first-seen order (ties keep it)
	counts map[string]*allocation
	total  int
}

type allocation struct {
	specified string
	types     []string // sorted by ordinal
	actual    string   // the policy the types satisfy; "" when none
	count     int
}

func newPolicySummary() *policySummary {
	return &policySummary{counts: map[string]*allocation{}}
}

// add counts one block: the storage types of its readable replicas.
func (p *policySummary) add(b *Block, specified string) {
	corrupt := allCorrupt(b, countReplicas(b))
	var types []string
	for i := range b.Replicas {
		if rep := &b.Replicas[i]; located(rep, corrupt) {
			types = append(types, rep.StorageType)
		}
	}
	sort.SliceStable(types, func(i, j int) bool { return storageOrdinal(types[i]) < storageOrdinal(types[j]) })
	key := specified + "|" + strings.Join(types, ",")
	a, ok := p.counts[key]
	if !ok {
		a = &allocation{specified: specified, types: types, actual: matchPolicy(types)}
		p.counts[key] = a
		p.order = append(p.order, key)
	}
	a.count++
	p.total++
}

// matchPolicy finds the first policy whose types the sorted types are:
// the policy's sorted types, then its last type repeated.
func matchPolicy(types []string) string {
	for _, pol := range builtinPolicies {
		pt := append([]string(nil), pol.types...)
		sort.SliceStable(pt, func(i, j int) bool { return storageOrdinal(pt[i]) < storageOrdinal(pt[j]) })
		if len(pt) > len(types) {
			continue
		}
		ok := true
		for i := range pt {
			if pt[i] != types[i] {
				ok = false
				break
			}
		}
		for j := len(pt); ok && j < len(types); j++ {
			ok = types[j] == pt[len(pt)-1]
		}
		if ok {
			return pol.name
		}
	}
	return ""
}

// descriptor is "DISK:3(HOT)": counts per storage type, then the policy
// the types satisfy.
func (a *allocation) descriptor() string {
	var parts []string
	for _, t := range storageTypes {
		n := 0
		for _, x := range a.types {
			if x == t {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, t+":"+strconv.Itoa(n))
		}
	}
	s := strings.Join(parts, ",")
	if a.actual != "" {
		s += "(" + a.actual + ")"
	}
	return s
}

// javaPercent is NumberFormat.getPercentInstance with four fraction
// digits: "66.6667%".
func javaPercent(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 4, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + frac + "%"
}

func (p *policySummary) String() string {
	var ok, bad strings.Builder
	ok.WriteString("\nBlocks satisfying the specified storage policy:\nStorage Policy                  # of blocks       % of blocks\n")
	keys := append([]string(nil), p.order...)
	sort.SliceStable(keys, func(i, j int) bool { return p.counts[keys[i]].count > p.counts[keys[j]].count })
	for _, k := range keys {
		a := p.counts[k]
		pct := javaPercent(float64(a.count) / float64(p.total))
		if a.specified == a.actual {
			fmt.Fprintf(&ok, "%-25s %10d  %20s\n", a.descriptor(), a.count, pct)
			continue
		}
		if bad.Len() == 0 {
			bad.WriteString("\nBlocks NOT satisfying the specified storage policy:\nStorage Policy                  Specified Storage Policy      # of blocks       % of blocks\n")
		}
		fmt.Fprintf(&bad, "%-35s %-20s %10d  %20s\n", a.descriptor(), a.specified, a.count, pct)
	}
	if bad.Len() == 0 {
		bad.WriteString("\nAll blocks satisfy specified storage policy.\n")
	}
	return ok.String() + bad.String()
}
