package dfsio

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// cpuUse is CPU time spent during the I/O phase.
type cpuUse struct {
	pids []int // the DataNodes measured; none for the client
	cpu  time.Duration
	err  error
}

// report is what a run prints beyond TestDFSIO's lines.
type report struct {
	c      config
	files  int
	bytes  int64
	wall   time.Duration // the I/O phase, all files
	tput   float64       // TestDFSIO's Throughput mb/sec, from exact times
	bounds *machineBounds
	floor  *cpuFloor // nil under -nobounds
	dn     *cpuUse
	client cpuUse
}

// aggregate is the cluster's throughput over the wall clock, in mb/sec.
func (r report) aggregate() float64 {
	if r.wall <= 0 {
		return 0
	}
	return float64(r.bytes) / mega / r.wall.Seconds()
}

// gib is the data the benchmark moved, in GiB.
func (r report) gib() float64 { return float64(r.bytes) / (1 << 30) }

// dnGiB is the data the DataNodes moved: each replica for a write.
func (r report) dnGiB() float64 {
	if r.c.mode == modeWrite {
		return r.gib() * float64(r.c.replication)
	}
	return r.gib()
}

func ratio(x, bound float64) float64 {
	if bound <= 0 {
		return 0
	}
	return x / bound
}

// printExtras prints the machine bounds and CPU costs under the
// TestDFSIO lines.
func printExtras(w io.Writer, r report) {
	agg := r.aggregate()
	fmt.Fprintf(w, "----- Machine bounds, measured in this run -----\n")
	fmt.Fprintf(w, "  Aggregate mb/sec: %.2f (%s MB by %d files in %.3f s wall clock)\n",
		agg, decimal(r.gib()*1024), r.files, r.wall.Seconds())
	if r.bounds == nil {
		fmt.Fprintf(w, "  (not measured: -nobounds)\n")
	} else {
		b := r.bounds
		printBound(w, "Disk write+fsync", b.disk, agg)
		if r.c.mode == modeWrite && b.disk.err == nil && r.c.replication > 1 {
			fmt.Fprintf(w, "    x%d replicas on one machine: ratio %.3f\n",
				r.c.replication, ratio(agg*float64(r.c.replication), b.disk.mbps()))
		}
		printBound(w, "Loopback TCP copy", b.loopback, agg)
		printBound(w, "CRC32C 512-byte chunks", b.crcChunked, agg)
		printBound(w, "CRC32C one pass", b.crcWhole, agg)
	}
	fmt.Fprintf(w, "----- CPU during the I/O phase (/proc at USER_HZ %d, getrusage) -----\n", userHZ)
	switch {
	case r.dn == nil:
		fmt.Fprintf(w, "  DataNode CPU sec/GiB: not measured (give -dnpids auto or PID,PID,...)\n")
	case r.dn.err != nil:
		fmt.Fprintf(w, "  DataNode CPU sec/GiB: %v\n", r.dn.err)
	default:
		how := "GiB read"
		if r.c.mode == modeWrite {
			how = fmt.Sprintf("GiB written x %d replicas", r.c.replication)
		}
		fmt.Fprintf(w, "  DataNode CPU sec/GiB: %.3f (%.2f s by pids %s over %.3f %s)\n",
			perGiB(r.dn.cpu, r.dnGiB()), r.dn.cpu.Seconds(), joinInts(r.dn.pids), r.dnGiB(), how)
	}
	printFloor(w, r)
	if r.client.err != nil {
		fmt.Fprintf(w, "  Client CPU sec/GiB: %v\n", r.client.err)
	} else {
		fmt.Fprintf(w, "  Client CPU sec/GiB: %.3f (%.2f s user+system over %.3f GiB)\n",
			perGiB(r.client.cpu, r.gib()), r.client.cpu.Seconds(), r.gib())
	}
}

// floorNames are the floors' names in the report, by role.
var floorNames = map[string]string{modeWrite: "Write floor", floorServe: "Serve floor"}

// floorHow says what each floor's child does.
var floorHow = map[string]string{
	modeWrite:  "receives 63 KiB packets, CRC32C per 512 bytes, writes block + .meta, no fsync",
	floorServe: "sends 64 KiB packets: header + checksums write, then sendfile from the page cache",
}

// printFloor prints the mode's CPU floor and the DataNodes' CPU over it.
func printFloor(w io.Writer, r report) {
	f := r.floor
	switch {
	case f == nil:
		fmt.Fprintf(w, "  DataNode CPU floor: not measured (-nobounds)\n")
		return
	case f.err != nil:
		fmt.Fprintf(w, "  %s CPU sec/GiB: %v\n", floorNames[f.role], f.err)
		return
	}
	fmt.Fprintf(w, "  %s CPU sec/GiB: %.3f (child pid %d: %.3f s user + %.3f s system over %.3f GiB in %.3f s,"+
		" %.3f s with start-up; %s; in %s)\n", floorNames[f.role], f.perGiB(), f.pid, f.user.Seconds(),
		f.sys.Seconds(), float64(f.bytes)/(1<<30), f.elapsed.Seconds(), f.whole.Seconds(), floorHow[f.role], f.where)
	if dn, ok := r.dnPerGiB(); ok {
		fmt.Fprintf(w, "  DataNode CPU / %s: %.3f\n", strings.ToLower(floorNames[f.role]), ratio(dn, f.perGiB()))
	}
}

// dnPerGiB is the DataNodes' CPU seconds per GiB they moved, if measured.
func (r report) dnPerGiB() (float64, bool) {
	if r.dn == nil || r.dn.err != nil {
		return 0, false
	}
	return perGiB(r.dn.cpu, r.dnGiB()), true
}

func printBound(w io.Writer, name string, b bound, agg float64) {
	if b.err != nil {
		fmt.Fprintf(w, "  %s: %v\n", name, b.err)
		return
	}
	fmt.Fprintf(w, "  %s mb/sec: %.2f ratio %.3f (%s, %s MB in %.3f s)\n",
		name, b.mbps(), ratio(agg, b.mbps()), b.where, decimal(float64(b.bytes)/mega), b.elapsed.Seconds())
}

func perGiB(d time.Duration, gib float64) float64 {
	if gib <= 0 {
		return 0
	}
	return d.Seconds() / gib
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// summaryLine is one line of key=value pairs for grepping CI logs; values
// not measured are "NA". Rates are in MiB/s, as TestDFSIO's mb/sec; MB/s is
// TestDFSIO's Throughput (bytes over the sum of the per-file times) but
// from exact times, not whole milliseconds, so that files shorter than a
// millisecond do not make it infinite.
func summaryLine(r report) string {
	agg := r.aggregate()
	kv := []string{"files=" + strconv.Itoa(r.files), "bytes=" + strconv.FormatInt(r.bytes, 10)}
	if r.c.mode == modeWrite {
		kv = append(kv, "replication="+strconv.Itoa(r.c.replication))
	}
	kv = append(kv, "wall_s="+num(r.wall.Seconds()), "MB/s="+num(r.tput), "agg_MB/s="+num(agg))
	add := func(key string, b bound) {
		if r.bounds == nil || b.err != nil {
			kv = append(kv, key+"_bound_MB/s=NA", key+"_ratio=NA")
			return
		}
		kv = append(kv, key+"_bound_MB/s="+num(b.mbps()), key+"_ratio="+num(ratio(agg, b.mbps())))
	}
	var b machineBounds
	if r.bounds != nil {
		b = *r.bounds
	}
	add("disk", b.disk)
	add("net", b.loopback)
	add("crc512", b.crcChunked)
	add("crc", b.crcWhole)
	dn := "NA"
	dnPerGiB, dnOK := r.dnPerGiB()
	if dnOK {
		dn = num(dnPerGiB)
	}
	client := "NA"
	if r.client.err == nil {
		client = num(perGiB(r.client.cpu, r.gib()))
	}
	kv = append(kv, "dn_cpu_s_per_GiB="+dn, "client_cpu_s_per_GiB="+client)
	floorKey := "dn_write_floor_cpu_s_per_GiB="
	if r.c.mode == modeRead {
		floorKey = "dn_serve_floor_cpu_s_per_GiB="
	}
	floor, toFloor := "NA", "NA"
	if r.floor != nil && r.floor.err == nil {
		floor = num(r.floor.perGiB())
		if dnOK {
			toFloor = num(ratio(dnPerGiB, r.floor.perGiB()))
		}
	}
	kv = append(kv, floorKey+floor, "dn_cpu_ratio_to_floor="+toFloor)
	return "dfsio " + r.c.mode + ": " + strings.Join(kv, " ")
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
