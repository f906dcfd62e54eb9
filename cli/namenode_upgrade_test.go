package cli

import "testing"

// NameNode.parseArguments for -upgrade, -upgradeOnly and -rollback: the
// flags that may follow -upgrade, the cluster ID required after
// -clusterid, -renameReserved taking the next argument when there is one.
func TestParseUpgradeOptionsLikeParseArguments(t *testing.T) {
	for _, c := range []struct {
		args []string
		want startup
		err  string
	}{
		{[]string{"-upgrade"}, startup{opt: "-upgrade"}, ""},
		{[]string{"-UPGRADE", "-clusterid", "cid"}, startup{opt: "-upgrade", clusterID: "cid"}, ""},
		{[]string{"-upgradeOnly", "-renameReserved"}, startup{opt: "-upgradeonly", renameReserved: true}, ""},
		{[]string{"-upgrade", "-renameReserved", ".snapshot=.my-snapshot", "-clusterid", "c"},
			startup{opt: "-upgrade", renameReserved: true, reservedPairs: ".snapshot=.my-snapshot", clusterID: "c"}, ""},
		{[]string{"-upgrade", "-clusterid"}, startup{}, "Must specify a valid cluster ID after the -clusterid flag"},
		{[]string{"-upgrade", "-force"}, startup{}, "Unknown upgrade flag: -force"},
		{[]string{"-rollback"}, startup{opt: "-rollback"}, ""},
	} {
		got, err := parseNameNodeArgs(c.args)
		switch {
		case c.err != "" && (err == nil || err.Error() != c.err):
			t.Errorf("%q: err %v, want %q", c.args, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%q: %+v %v, want %+v", c.args, got, err, c.want)
		}
	}
}
