package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/conf"
	"github.com/hdfsd/hdfsd/hdfsclient"
	"github.com/hdfsd/hdfsd/internal/javafmt"
)

// report is -report: cluster totals, block counters, then the DataNodes
// of each kind the flags ask for (all kinds when none is given).
func (a *dfsAdmin) report(ctx context.Context, args []string) error {
	dfs, err := a.dfs()
	if err != nil {
		return err
	}
	p := dfs.Active()
	st, err := p.FsStats(ctx)
	if err != nil {
		return err
	}
	future, err := p.FsStats(ctx) // Hadoop asks again for the bytes in future blocks
	if err != nil {
		return err
	}
	on, err := p.SetSafeMode(ctx, hdfsclient.SafeModeGet, false)
	if err != nil {
		return err
	}
	w := a.out
	if on {
		fmt.Fprintln(w, "Safe mode is ON")
		if future.BytesInFuture > 0 {
			fmt.Fprintf(w, "\nWARNING: \nName node has detected blocks with generation stamps in future.\n"+
				"Forcing exit from safemode will cause %d byte(s) to be deleted.\n"+
				"If you are sure that the NameNode was started with the correct metadata files then you may proceed with '-safemode forceExit'\n\n", future.BytesInFuture)
		}
	}
	present := st.Used + st.Remaining
	fmt.Fprintf(w, "Configured Capacity: %d (%s)\n", st.Capacity, javafmt.ByteDesc(st.Capacity))
	fmt.Fprintf(w, "Present Capacity: %d (%s)\n", present, javafmt.ByteDesc(present))
	fmt.Fprintf(w, "DFS Remaining: %d (%s)\n", st.Remaining, javafmt.ByteDesc(st.Remaining))
	fmt.Fprintf(w, "DFS Used: %d (%s)\n", st.Used, javafmt.ByteDesc(st.Used))
	usedFraction := 0.0
	if present != 0 {
		usedFraction = float64(st.Used) / float64(present)
	}
	fmt.Fprintf(w, "DFS Used%%: %s%%\n", javafmt.Fixed2(usedFraction*100))
	if err := a.blockStats(ctx, p); err != nil {
		return err
	}
	fmt.Fprint(w, "\n-------------------------------------------------\n")
	return a.datanodeSections(ctx, p, args)
}

func (a *dfsAdmin) blockStats(ctx context.Context, p *hdfsclient.Proxy) error {
	w := a.out
	rb, err := p.ReplicatedBlockStats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Replicated Blocks:\n\tUnder replicated blocks: %d\n\tBlocks with corrupt replicas: %d\n"+
		"\tMissing blocks: %d\n\tMissing blocks (with replication factor 1): %d\n",
		rb.LowRedundancy, rb.Corrupt, rb.Missing, rb.MissingReplOne)
	highestPrio(w, rb)
	fmt.Fprintf(w, "\tPending deletion blocks: %d\n", rb.PendingDeletion)
	ec, err := p.ECBlockGroupStats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Erasure Coded Block Groups: \n\tLow redundancy block groups: %d\n"+
		"\tBlock groups with corrupt internal blocks: %d\n\tMissing block groups: %d\n",
		ec.LowRedundancy, ec.Corrupt, ec.Missing)
	highestPrio(w, ec)
	fmt.Fprintf(w, "\tPending deletion blocks: %d\n", ec.PendingDeletion)
	return nil
}

func highestPrio(w io.Writer, s hdfsclient.BlockStats) {
	if s.HighestPrioLowRedundancy != nil {
		fmt.Fprintf(w, "\tLow redundancy blocks with highest priority to recover: %d\n", *s.HighestPrioLowRedundancy)
	}
}

// reportSections are -report's DataNode lists in printing order.
var reportSections = []struct {
	flag, title string
	kind        hdfsclient.ReportType // 0: the slow DataNodes
}{
	{"-live", "Live", hdfsclient.ReportLive},
	{"-dead", "Dead", hdfsclient.ReportDead},
	{"-decommissioning", "Decommissioning", hdfsclient.ReportDecommissioning},
	{"-enteringmaintenance", "Entering maintenance", hdfsclient.ReportEnteringMaintenance},
	{"-inmaintenance", "In maintenance", hdfsclient.ReportInMaintenance},
	{"-slownodes", "Slow", 0},
}

func (a *dfsAdmin) datanodeSections(ctx context.Context, p *hdfsclient.Proxy, args []string) error {
	asked := map[string]bool{}
	for _, arg := range args {
		asked[arg] = true // unknown words are ignored, as StringUtils.popOption leaves them
	}
	all := true
	for _, s := range reportSections {
		all = all && !asked[s.flag]
	}
	for _, s := range reportSections {
		if !all && !asked[s.flag] {
			continue
		}
		var nodes []hdfsclient.DatanodeInfo
		var err error
		if s.kind == 0 {
			nodes, err = p.SlowDatanodeReport(ctx)
		} else {
			nodes, err = p.DatanodeReport(ctx, s.kind)
		}
		if err != nil {
			return err
		}
		if len(nodes) > 0 || asked[s.flag] {
			fmt.Fprintf(a.out, "%s datanodes (%d):\n\n", s.title, len(nodes))
		}
		for _, dn := range nodes {
			fmt.Fprint(a.out, datanodeReport(dn, a.net, a.loc)+"\n\n")
		}
	}
	return nil
}

// datanodeReport is DatanodeInfo.getDatanodeReport.
func datanodeReport(d hdfsclient.DatanodeInfo, n conf.Network, loc *time.Location) string {
	var b strings.Builder
	b.WriteString("Name: " + d.Name())
	if name, ok := hostNameOfIP(n, d.Name()); ok {
		b.WriteString(" (" + name + ")")
	}
	b.WriteString("\nHostname: " + d.HostName + "\n")
	if d.Location != "/default-rack" {
		b.WriteString("Rack: " + d.Location + "\n")
	}
	if d.HasUpgradeDomain {
		b.WriteString("Upgrade domain: " + d.UpgradeDomain + "\n")
	}
	b.WriteString("Decommission Status : " + adminStatus(d.AdminState) + "\n")
	sized := func(label string, v int64) {
		fmt.Fprintf(&b, "%s: %d (%s)\n", label, v, javafmt.ByteDesc(v))
	}
	sized("Configured Capacity", d.Capacity)
	sized("DFS Used", d.DFSUsed)
	sized("Non DFS Used", d.NonDFSUsed)
	sized("DFS Remaining", d.Remaining)
	b.WriteString("DFS Used%: " + percent(usedPercent(d.DFSUsed, d.Capacity)) + "\n")
	b.WriteString("DFS Remaining%: " + percent(remainingPercent(d.Remaining, d.Capacity)) + "\n")
	cacheRemaining := d.CacheCapacity - d.CacheUsed
	sized("Configured Cache Capacity", d.CacheCapacity)
	sized("Cache Used", d.CacheUsed)
	sized("Cache Remaining", cacheRemaining)
	b.WriteString("Cache Used%: " + percent(usedPercent(d.CacheUsed, d.CacheCapacity)) + "\n")
	b.WriteString("Cache Remaining%: " + percent(remainingPercent(cacheRemaining, d.CacheCapacity)) + "\n")
	fmt.Fprintf(&b, "Xceivers: %d\n", d.XceiverCount)
	b.WriteString("Last contact: " + javafmt.Date(time.UnixMilli(d.LastUpdateMillis).In(loc)) + "\n")
	last := "Never"
	if d.LastBlockReportMillis != 0 {
		last = javafmt.Date(time.UnixMilli(d.LastBlockReportMillis).In(loc))
	}
	b.WriteString("Last Block Report: " + last + "\n")
	fmt.Fprintf(&b, "Num of Blocks: %d\n", d.NumBlocks)
	return b.String()
}

// printTopology is DFSAdmin.printTopology: the racks of the active
// NameNode's DataNodes in order, each with its nodes (sorted, as Hadoop's
// comment intends; its HashMap leaves them unordered), the host name of
// their IP, and their admin state.
func (a *dfsAdmin) printTopology(ctx context.Context) error {
	dfs, err := a.dfs()
	if err != nil {
		return err
	}
	nodes, err := dfs.Active().DatanodeReport(ctx, hdfsclient.ReportAll)
	if err != nil {
		return err
	}
	racks := map[string]map[string]string{}
	for _, d := range nodes {
		if racks[d.Location] == nil {
			racks[d.Location] = map[string]string{}
		}
		racks[d.Location][d.Name()] = adminStateName(d.AdminState)
	}
	for _, r := range slices.Sorted(maps.Keys(racks)) {
		fmt.Fprintln(a.out, "Rack: "+r)
		for _, n := range slices.Sorted(maps.Keys(racks[r])) {
			line := "   " + n
			if h, ok := hostNameOfIP(a.net, n); ok {
				line += " (" + h + ")"
			}
			fmt.Fprintln(a.out, line+" "+racks[r][n])
		}
		fmt.Fprintln(a.out)
	}
	return nil
}

// adminStateName is DatanodeInfo.AdminStates.toString.
func adminStateName(s hdfsclient.AdminState) string {
	switch s {
	case hdfsclient.Decommissioned:
		return "Decommissioned"
	case hdfsclient.DecommissionInProgress:
		return "Decommission In Progress"
	case hdfsclient.InMaintenance:
		return "In Maintenance"
	case hdfsclient.EnteringMaintenance:
		return "Entering Maintenance"
	}
	return "In Service"
}

func adminStatus(s hdfsclient.AdminState) string {
	switch s {
	case hdfsclient.Decommissioned:
		return "Decommissioned"
	case hdfsclient.DecommissionInProgress:
		return "Decommission in progress"
	case hdfsclient.InMaintenance:
		return "In maintenance"
	case hdfsclient.EnteringMaintenance:
		return "Entering maintenance"
	}
	return "Normal"
}

// usedPercent and remainingPercent are DFSUtilClient's, in Java float.
func usedPercent(used, capacity int64) float32 {
	if capacity <= 0 {
		return 100
	}
	return float32(used) * 100 / float32(capacity)
}

func remainingPercent(remaining, capacity int64) float32 {
	if capacity <= 0 {
		return 0
	}
	return float32(remaining) * 100 / float32(capacity)
}

// percent is DFSUtilClient.percent2String: "%.2f%%" of a float.
func percent(v float32) string { return javafmt.Fixed2(float64(v)) + "%" }

var ipPort = regexp.MustCompile(`^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(:\d+)?$`)

// hostNameOfIP is NetUtils.getHostNameOfIP: the name of the IP in
// "ip:port" by reverse lookup (the IP itself when there is none).
func hostNameOfIP(n conf.Network, ipPortStr string) (string, bool) {
	if !ipPort.MatchString(ipPortStr) {
		return "", false
	}
	host, _, _ := strings.Cut(ipPortStr, ":")
	ip := net.ParseIP(host)
	if ip == nil {
		return "", false
	}
	return n.HostName(ip), true
}
