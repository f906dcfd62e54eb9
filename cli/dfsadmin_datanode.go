package cli

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/hdfsclient"
	"github.com/hdfsd/hdfsd/internal/javafmt"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// The dfsadmin commands addressed to one DataNode's IPC port
// (ClientDatanodeProtocol), as DFSAdmin runs them.

// dnCall calls method on the DataNode at hostPort.
func (a *dfsAdmin) dnCall(ctx context.Context, hostPort, method string, req, resp proto.Message) error {
	if err := checkHostPort(hostPort); err != nil {
		return err
	}
	cl, err := hdfsclient.NewRPCClient(a.conf, hdfsclient.Options{})
	if err != nil {
		return err
	}
	defer cl.Close()
	return cl.Call(ctx, hostPort, dnipc.ClientDatanodeProtocolName, method, req, resp)
}

// checkHostPort is NetUtils.createSocketAddr's check of a host:port
// without a default port.
func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err == nil {
		var p int
		p, err = strconv.Atoi(port)
		if err == nil && (p < 0 || p > 65535 || host == "") {
			err = fmt.Errorf("bad port")
		}
	}
	if err != nil {
		return &usageErr{"Does not contain a valid host:port authority: " + s}
	}
	return nil
}

// dnQuery is dnCall for the commands that wrap a failed call in
// DFSAdmin's "Datanode unreachable." IOException.
func (a *dfsAdmin) dnQuery(ctx context.Context, hostPort, method string, req, resp proto.Message) error {
	err := a.dnCall(ctx, hostPort, method, req, resp)
	if _, usage := err.(*usageErr); err == nil || usage {
		return err
	}
	return fmt.Errorf("Datanode unreachable. %s", javaString(err))
}

func (a *dfsAdmin) getBalancerBandwidth(ctx context.Context, dn string) (int, error) {
	resp := &hdfspb.GetBalancerBandwidthResponseProto{}
	if err := a.dnQuery(ctx, dn, "getBalancerBandwidth", &hdfspb.GetBalancerBandwidthRequestProto{}, resp); err != nil {
		return dfsadminFailure, err
	}
	fmt.Fprintf(a.out, "Balancer bandwidth is %d bytes per second.\n", resp.GetBandwidth())
	return 0, nil
}

func (a *dfsAdmin) getDatanodeInfo(ctx context.Context, dn string) (int, error) {
	resp := &hdfspb.GetDatanodeInfoResponseProto{}
	if err := a.dnQuery(ctx, dn, "getDatanodeInfo", &hdfspb.GetDatanodeInfoRequestProto{}, resp); err != nil {
		return dfsadminFailure, err
	}
	li := resp.GetLocalInfo()
	fmt.Fprintf(a.out, "Uptime: %d, Software version: %s, Config version: %s\n",
		li.GetUptime(), li.GetSoftwareVersion(), li.GetConfigVersion())
	return 0, nil
}

func (a *dfsAdmin) evictWriters(ctx context.Context, dn string) (int, error) {
	if err := a.dnQuery(ctx, dn, "evictWriters", &hdfspb.EvictWritersRequestProto{}, &hdfspb.EvictWritersResponseProto{}); err != nil {
		return dfsadminFailure, err
	}
	fmt.Fprintf(a.out, "Requested writer eviction to datanode %s\n", dn)
	return 0, nil
}

// shutdownDatanode: an optional second word must be "upgrade" (any case).
func (a *dfsAdmin) shutdownDatanode(ctx context.Context, argv []string) (int, error) {
	dn, upgrade := argv[1], false
	if len(argv) == 3 {
		if !strings.EqualFold(argv[2], "upgrade") {
			dfsadminPrintUsage(a.err, "-shutdownDatanode")
			return dfsadminFailure, nil
		}
		upgrade = true
	}
	req := &hdfspb.ShutdownDatanodeRequestProto{ForUpgrade: proto.Bool(upgrade)}
	if err := a.dnCall(ctx, dn, "shutdownDatanode", req, &hdfspb.ShutdownDatanodeResponseProto{}); err != nil {
		return dfsadminFailure, err
	}
	fmt.Fprintf(a.out, "Submitted a shutdown request to datanode %s\n", dn)
	return 0, nil
}

func (a *dfsAdmin) refreshNamenodes(ctx context.Context, dn string) (int, error) {
	err := a.dnCall(ctx, dn, "refreshNamenodes", &hdfspb.RefreshNamenodesRequestProto{}, &hdfspb.RefreshNamenodesResponseProto{})
	if err != nil {
		return dfsadminFailure, err
	}
	return 0, nil
}

// triggerBlockReport parses as DFSAdmin does (StringUtils' pop helpers,
// "--" ending the options) and reports its own failures with exit status
// 1, not 255.
func (a *dfsAdmin) triggerBlockReport(ctx context.Context, argv []string) (int, error) {
	args := append([]string(nil), argv[1:]...)
	nn, err := popOptionWithArgument("-namenode", &args)
	if err != nil {
		return dfsadminFailure, err
	}
	if nn != "" {
		if err := checkHostPort(nn); err != nil {
			return dfsadminFailure, err
		}
	}
	incremental := popOption("-incremental", &args)
	dn, ok := popFirstNonOption(&args)
	if !ok {
		fmt.Fprintln(a.err, "You must specify a host:port pair.")
		return 1, nil
	}
	if len(args) > 0 {
		fmt.Fprintf(a.err, "Can't understand arguments: %s\n", strings.Join(args, " "))
		return 1, nil
	}
	req := &hdfspb.TriggerBlockReportRequestProto{Incremental: proto.Bool(incremental)}
	if nn != "" {
		req.NnAddress = proto.String(nn)
	}
	if err := a.dnCall(ctx, dn, "triggerBlockReport", req, &hdfspb.TriggerBlockReportResponseProto{}); err != nil {
		if _, ok := err.(*usageErr); ok {
			return dfsadminFailure, err
		}
		fmt.Fprintf(a.err, "triggerBlockReport error: %s\n", javaString(err))
		return 1, nil
	}
	kind, to := "a full ", ""
	if incremental {
		kind = "an incremental "
	}
	if nn != "" {
		to = " to namenode " + nn
	}
	fmt.Fprintf(a.out, "Triggering %sblock report on %s%s.\n", kind, dn, to)
	return 0, nil
}

// popOptionWithArgument removes name and the word after it from args
// (before any "--") and returns that word.
func popOptionWithArgument(name string, args *[]string) (string, error) {
	for i, cur := range *args {
		if cur == "--" {
			break
		}
		if cur == name {
			if i+1 >= len(*args) {
				return "", &usageErr{"option " + name + " requires 1 argument."}
			}
			v := (*args)[i+1]
			*args = append((*args)[:i:i], (*args)[i+2:]...)
			return v, nil
		}
	}
	return "", nil
}

// popOption removes name from args (before any "--") and says whether it
// was there.
func popOption(name string, args *[]string) bool {
	for i, cur := range *args {
		if cur == "--" {
			break
		}
		if cur == name {
			*args = append((*args)[:i:i], (*args)[i+1:]...)
			return true
		}
	}
	return false
}

// popFirstNonOption removes and returns the first word not starting with
// "-", or the word after a "--".
func popFirstNonOption(args *[]string) (string, bool) {
	for i, cur := range *args {
		if cur == "--" {
			if i+1 >= len(*args) {
				return "", false
			}
			v := (*args)[i+1]
			*args = append((*args)[:i+1:i+1], (*args)[i+2:]...)
			return v, true
		}
		if !strings.HasPrefix(cur, "-") {
			*args = append((*args)[:i:i], (*args)[i+1:]...)
			return cur, true
		}
	}
	return "", false
}

// getVolumeReport prints each volume as DatanodeVolumeInfo's report.
func (a *dfsAdmin) getVolumeReport(ctx context.Context, dn string) (int, error) {
	resp := &hdfspb.GetVolumeReportResponseProto{}
	if err := a.dnCall(ctx, dn, "getVolumeReport", &hdfspb.GetVolumeReportRequestProto{}, resp); err != nil {
		return dfsadminFailure, err
	}
	vols := resp.GetVolumeInfo()
	fmt.Fprintf(a.out, "Active Volumes : %d\n", len(vols))
	for _, v := range vols {
		size := func(n uint64) string { return fmt.Sprintf("%d(%s)", n, javafmt.ByteDesc(int64(n))) }
		fmt.Fprintf(a.out, "\nDirectory: %s\nStorageType: %s\nCapacity Used: %s\nCapacity Left: %s\n"+
			"Capacity Reserved: %s\nReserved Space for Replicas: %s\nBlocks: %d\n",
			v.GetPath(), v.GetStorageType(), size(v.GetUsedSpace()), size(v.GetFreeSpace()),
			size(v.GetReservedSpace()), size(v.GetReservedSpaceForReplicas()), v.GetNumBlocks())
	}
	return 0, nil
}

// deleteBlockPool: an optional third word must be "force".
func (a *dfsAdmin) deleteBlockPool(ctx context.Context, argv []string) (int, error) {
	force := false
	if len(argv) == 4 {
		if argv[3] != "force" {
			dfsadminPrintUsage(a.err, "-deleteBlockPool")
			return dfsadminFailure, nil
		}
		force = true
	}
	req := &hdfspb.DeleteBlockPoolRequestProto{BlockPool: proto.String(argv[2]), Force: proto.Bool(force)}
	if err := a.dnCall(ctx, argv[1], "deleteBlockPool", req, &hdfspb.DeleteBlockPoolResponseProto{}); err != nil {
		return dfsadminFailure, err
	}
	return 0, nil
}
