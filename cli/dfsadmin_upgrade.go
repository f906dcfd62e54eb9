package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/hdfsd/hdfsd/hdfsclient"
)

// finalizeUpgrade is DFSAdmin.finalizeUpgrade: every NameNode of an HA
// nameservice, else the one NameNode.
func (a *dfsAdmin) finalizeUpgrade(ctx context.Context) (int, error) {
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	if !dfs.IsLogical() {
		if err := dfs.Active().FinalizeUpgrade(ctx); err != nil {
			return 0, err
		}
		fmt.Fprintln(a.out, "Finalize upgrade successful")
		return 0, nil
	}
	return 0, a.eachNameNode(dfs, func(p *hdfsclient.Proxy, nn hdfsclient.NameNode) (string, error) {
		return "Finalize upgrade successful for " + nn.Display, p.FinalizeUpgrade(ctx)
	}, func(nn string) string { return "Finalize upgrade failed for " + nn })
}

// upgrade is DFSAdmin.upgrade: -upgrade query | finalize.
func (a *dfsAdmin) upgrade(ctx context.Context, arg string) (int, error) {
	switch {
	case strings.EqualFold(arg, "finalize"):
		return a.finalizeUpgrade(ctx)
	case !strings.EqualFold(arg, "query"):
		dfsadminPrintUsage(a.err, "-upgrade")
		return dfsadminFailure, nil
	}
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	status := func(done bool) string {
		if done {
			return "Upgrade finalized"
		}
		return "Upgrade not finalized"
	}
	if !dfs.IsLogical() {
		done, err := dfs.Active().UpgradeStatus(ctx)
		if err != nil {
			return 0, err
		}
		fmt.Fprintln(a.out, status(done))
		return 0, nil
	}
	return 0, a.eachNameNode(dfs, func(p *hdfsclient.Proxy, nn hdfsclient.NameNode) (string, error) {
		done, err := p.UpgradeStatus(ctx)
		return status(done) + " for " + nn.Display, err
	}, func(nn string) string { return "Getting upgrade status failed for " + nn })
}
