package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hdfsd/hdfsd/datanode/dnipc"
	"github.com/hdfsd/hdfsd/hdfsclient"
	"github.com/hdfsd/hdfsd/internal/javafmt"
	"github.com/hdfsd/hdfsd/protos/hdfspb"
)

// `dfsadmin -reconfig <namenode|datanode> <host:ipc_port|livenodes>
// <start|status|properties>`, as DFSAdmin.reconfig runs it: a DataNode is
// asked over ClientDatanodeProtocol, a NameNode over
// ReconfigurationProtocol; "livenodes" runs start or status on every
// live DataNode in turn.

func (a *dfsAdmin) reconfig(ctx context.Context, argv []string) (int, error) {
	nodeType, addr, op := argv[1], argv[2], argv[3]
	switch op {
	case "start":
		return a.reconfigNodes(ctx, nodeType, addr, a.reconfigStart, "Starting of reconfiguration task")
	case "status":
		return a.reconfigNodes(ctx, nodeType, addr, a.reconfigStatus, "Retrieval of reconfiguration status")
	case "properties":
		return a.reconfigProperties(ctx, nodeType, addr)
	}
	fmt.Fprintln(a.err, "Unknown operation: "+op)
	return dfsadminFailure, nil
}

// reconfigNodes runs one on addr, or, for "livenodes", on every live
// DataNode's IPC address and sums up.
func (a *dfsAdmin) reconfigNodes(ctx context.Context, nodeType, addr string, one func(context.Context, string, string) (int, error), what string) (int, error) {
	if addr != "livenodes" {
		return one(ctx, nodeType, addr)
	}
	if nodeType != "datanode" {
		fmt.Fprintln(a.err, "Only datanode type supports reconfiguration in bulk.")
		return 1, nil
	}
	c, err := a.dfs()
	if err != nil {
		return dfsadminFailure, err
	}
	nodes, err := c.Active().DatanodeReport(ctx, hdfsclient.ReportLive)
	if err != nil {
		fmt.Fprintln(a.err, "DFS datanode stats could not be retrieved.")
		return 1, nil
	}
	ok, failed := 0, 0
	for _, n := range nodes {
		code, err := one(ctx, nodeType, n.IPAddr+":"+strconv.Itoa(n.IPCPort))
		if code == 0 && err == nil {
			ok++
		} else {
			failed++
		}
	}
	fmt.Fprintf(a.out, "%s successful on %d nodes, failed on %d nodes.\n", what, ok, failed)
	if failed > 0 {
		return 1, nil
	}
	return 0, nil
}

// reconfigCall sends method to the node; false when the node type has
// no reconfiguration (DFSAdmin prints that and goes on).
func (a *dfsAdmin) reconfigCall(ctx context.Context, nodeType, addr, method string, req, resp proto.Message) (bool, error) {
	var protocol string
	switch nodeType {
	case "namenode":
		protocol = dnipc.ReconfigurationProtocolName
	case "datanode":
		protocol = dnipc.ClientDatanodeProtocolName
	default:
		fmt.Fprintln(a.err, "Node type "+nodeType+" does not support reconfiguration.")
		return false, nil
	}
	if err := checkHostPort(addr); err != nil {
		return false, err
	}
	cl, err := hdfsclient.NewRPCClient(a.conf, hdfsclient.Options{})
	if err != nil {
		return false, err
	}
	defer cl.Close()
	return true, cl.Call(ctx, addr, protocol, method, req, resp)
}

// reconfigStart is DFSAdmin.startReconfiguration: like Hadoop's, it
// reports the task as started even for a node type it turned away.
func (a *dfsAdmin) reconfigStart(ctx context.Context, nodeType, addr string) (int, error) {
	served, err := a.reconfigCall(ctx, nodeType, addr, "startReconfiguration",
		&hdfspb.StartReconfigurationRequestProto{}, &hdfspb.StartReconfigurationResponseProto{})
	if _, usage := err.(*usageErr); usage {
		return dfsadminFailure, err
	}
	if err != nil {
		fmt.Fprintf(a.err, "Node [%s] reconfiguring: %s.\n", addr, javaString(err))
		return 1, nil
	}
	fmt.Fprintf(a.out, "Started reconfiguration task on node [%s].\n", addr)
	if !served {
		return 1, nil
	}
	return 0, nil
}

// reconfigStatus is DFSAdmin.getReconfigurationStatus.
func (a *dfsAdmin) reconfigStatus(ctx context.Context, nodeType, addr string) (int, error) {
	resp := &hdfspb.GetReconfigurationStatusResponseProto{}
	served, err := a.reconfigCall(ctx, nodeType, addr, "getReconfigurationStatus", &hdfspb.GetReconfigurationStatusRequestProto{}, resp)
	if _, usage := err.(*usageErr); usage {
		return dfsadminFailure, err
	}
	if err != nil {
		fmt.Fprintf(a.err, "Node [%s] reloading configuration: %s.\n", addr, javaString(err))
		return 1, nil
	}
	fmt.Fprintf(a.out, "Reconfiguring status for node [%s]: ", addr)
	if !served {
		return 1, nil
	}
	fmt.Fprint(a.out, reconfigStatusText(dnipc.ReconfigStatusOf(resp), a.loc))
	return 0, nil
}

// reconfigStatusText is what DFSAdmin prints after "Reconfiguring status
// for node [...]: ". An unset new value prints as Java's "null".
func reconfigStatusText(st dnipc.ReconfigStatus, loc *time.Location) string {
	if st.Start.IsZero() {
		return "no task was found.\n"
	}
	s := "started at " + javafmt.Date(st.Start.In(loc))
	if st.End.IsZero() {
		return s + " and is still running.\n"
	}
	s += " and finished at " + javafmt.Date(st.End.In(loc)) + ".\n"
	for _, c := range st.Changes {
		newVal := c.New
		if !c.NewSet {
			newVal = "null"
		}
		if c.Err == "" {
			s += fmt.Sprintf("SUCCESS: Changed property %s\n\tFrom: \"%s\"\n\tTo: \"%s\"\n", c.Name, c.Old, newVal)
			continue
		}
		s += fmt.Sprintf("FAILED: Change property %s\n\tFrom: \"%s\"\n\tTo: \"%s\"\n\tError: %s.\n", c.Name, c.Old, newVal, c.Err)
	}
	return s
}

// reconfigProperties is DFSAdmin.getReconfigurableProperties.
func (a *dfsAdmin) reconfigProperties(ctx context.Context, nodeType, addr string) (int, error) {
	resp := &hdfspb.ListReconfigurablePropertiesResponseProto{}
	served, err := a.reconfigCall(ctx, nodeType, addr, "listReconfigurableProperties", &hdfspb.ListReconfigurablePropertiesRequestProto{}, resp)
	if _, usage := err.(*usageErr); usage {
		return dfsadminFailure, err
	}
	if err != nil {
		fmt.Fprintf(a.err, "Node [%s] reconfiguration: %s.\n", addr, javaString(err))
		return 1, nil
	}
	if !served {
		return 1, nil
	}
	fmt.Fprintf(a.out, "Node [%s] Reconfigurable properties:\n", addr)
	for _, n := range resp.GetName() {
		fmt.Fprintln(a.out, n)
	}
	return 0, nil
}
