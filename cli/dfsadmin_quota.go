package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"

	"github.com/hdfsd/hdfsd/hdfsclient"
)

// quotaCmd is one of the four quota commands after argument parsing
// (DFSAdmin's SetQuotaCommand and friends).
type quotaCmd struct {
	name                    string // "setQuota", ...
	namespace, storageSpace int64
	storageType             hdfsclient.StorageType
	dirs                    []string
}

// parseQuota parses the arguments as Hadoop's CommandFormat and
// StringUtils do; errors are usage errors.
func parseQuota(cmd string, args []string) (quotaCmd, error) {
	q := quotaCmd{name: cmd[1:], namespace: hdfsclient.QuotaDontSet, storageSpace: hdfsclient.QuotaDontSet}
	needQuota := cmd == "-setQuota" || cmd == "-setSpaceQuota"
	var quota int64
	if needQuota {
		if len(args) < 2 {
			return q, &usageErr{"Not enough arguments: expected 2 but got " + fmt.Sprint(len(args))}
		}
		v, err := parseTraditionalBinary(args[0])
		var nfe *numberFormatErr
		switch {
		case errors.As(err, &nfe) && cmd == "-setSpaceQuota":
			return q, &usageErr{fmt.Sprintf("%q is not a valid value for a quota.", args[0])}
		case errors.As(err, &nfe):
			return q, &usageErr{nfe.msg}
		case err != nil:
			return q, err
		}
		quota, args = v, args[1:]
	}
	if cmd == "-setSpaceQuota" || cmd == "-clrSpaceQuota" {
		var rest []string
		for i := 0; i < len(args); i++ {
			if args[i] == "-storageType" && i+1 < len(args) && q.storageType == "" {
				t, err := hdfsclient.ParseStorageType(args[i+1])
				if err != nil && cmd == "-setSpaceQuota" {
					return q, &usageErr{"Storage type " + args[i+1] + " is not available. Available storage types are " + hdfsclient.TypesSupportingQuota()}
				}
				if err != nil {
					return q, &usageErr{err.Error()}
				}
				q.storageType = t
				i++
				continue
			}
			rest = append(rest, args[i])
		}
		args = rest
	}
	if len(args) == 0 {
		return q, &usageErr{"Not enough arguments: expected 1 but got 0"}
	}
	q.dirs = args
	switch cmd {
	case "-setQuota":
		q.namespace = quota
	case "-clrQuota":
		q.namespace = hdfsclient.QuotaReset
	case "-setSpaceQuota":
		q.storageSpace = quota
	case "-clrSpaceQuota":
		q.storageSpace = hdfsclient.QuotaReset
	}
	return q, q.check()
}

// check is DFSClient's sanity check of quota values.
func (q quotaCmd) check() error {
	valid := func(v int64, min int64) bool {
		return v >= min || v == hdfsclient.QuotaDontSet || v == hdfsclient.QuotaReset
	}
	if q.storageType != "" {
		if !valid(q.storageSpace, 1) {
			return &usageErr{fmt.Sprintf("Invalid values for quota :%d", q.storageSpace)}
		}
		if !q.storageType.SupportsQuota() {
			return &usageErr{"Don't support Quota for storage type : " + string(q.storageType)}
		}
		return nil
	}
	if !valid(q.namespace, 1) || !valid(q.storageSpace, 0) {
		return &usageErr{fmt.Sprintf("Invalid values for quota : %d and %d", q.namespace, q.storageSpace)}
	}
	return nil
}

// quota runs a quota command on each directory. A directory that fails
// prints "<cmd>: <message>" and makes the exit status 255, the others
// still run (FsShell Command.runAll).
func (a *dfsAdmin) quota(ctx context.Context, cmd string, args []string) (int, error) {
	q, err := parseQuota(cmd, args)
	if err != nil {
		return 0, err
	}
	dfs, err := a.dfs()
	if err != nil {
		return 0, err
	}
	p := dfs.Active()
	code := 0
	for _, dir := range q.dirs {
		path := a.absPath(dir)
		ok, err := p.Exists(ctx, path)
		if err == nil && !ok {
			err = fmt.Errorf("`%s': No such file or directory", dir)
		}
		if err == nil {
			err = p.SetQuota(ctx, path, q.namespace, q.storageSpace, q.storageType)
		}
		if err != nil {
			fmt.Fprintf(a.err, "%s: %s\n", q.name, firstLine(errorMessage(err)))
			code = dfsadminFailure
		}
	}
	return code, nil
}

// dfsadminUser is the user relative paths are resolved for, as Hadoop's
// UGI picks it under simple authentication.
func dfsadminUser() string {
	if u := os.Getenv("HADOOP_USER_NAME"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}
