package nnbench

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Op names, as NNThroughputBenchmark spells them.
const (
	opAll         = "all"
	opCreate      = "create"
	opMkdirs      = "mkdirs"
	opOpen        = "open"
	opDelete      = "delete"
	opFileStatus  = "fileStatus"
	opRename      = "rename"
	opBlockReport = "blockReport"
	opReplication = "replication"
	opClean       = "clean"
)

// Defaults of NNThroughputBenchmark's OperationStatsBase and its ops.
const (
	defaultBaseDir     = "/nnThroughputBenchmark"
	defaultOps         = 10
	defaultThreads     = 3
	defaultFilesPerDir = 4
	defaultDirsPerDir  = 2
	defaultBlockSize   = 16 // BLOCK_SIZE
	defaultReplication = 3  // dfs.replication
	defaultNNPort      = "8020"
	noRefresh          = int(^uint32(0) >> 1) // Integer.MAX_VALUE
)

// common holds the options every op shares.
type common struct {
	keepResults bool
	logLevel    string
	ugcRefresh  int // refresh user-to-groups mappings every ugcRefresh ops
}

// spec is one op's parsed command line.
type spec struct {
	name        string
	threads     int
	ops         int // -files or -dirs
	perDir      int // -filesPerDir or -dirsPerDir
	blockSize   int64
	close       bool
	useExisting bool
	baseDirName string
}

// baseDir is where the op works: <baseDirName>/<op>.
func (s spec) baseDir() string { return s.baseDirName + "/" + s.name }

// usageError asks Run to print the usage and exit as ExitUtil.terminate(-1).
type usageError struct{}

func (usageError) Error() string { return "nnbench: usage" }

// generic removes Hadoop's generic options that name the NameNode (-fs URI,
// -namenode URI, -D fs.defaultFS=URI) from args, wherever they are, and
// returns the NameNode's host:port ("" when none was given).
func generic(args []string) (rest []string, addr string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a != "-fs" && a != "-namenode" && a != "-D" {
			rest = append(rest, a)
			continue
		}
		if i+1 == len(args) {
			return nil, "", usageError{}
		}
		i++
		v := args[i]
		if a == "-D" {
			k, val, _ := strings.Cut(v, "=")
			if k != "fs.defaultFS" {
				continue // other configuration keys do not matter here
			}
			v = val
		}
		if addr, err = nnAddr(v); err != nil {
			return nil, "", err
		}
	}
	return rest, addr, nil
}

// nnAddr turns hdfs://host[:port] (or host:port) into host:port.
func nnAddr(uri string) (string, error) {
	if !strings.Contains(uri, "://") {
		uri = "hdfs://" + uri
	}
	u, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("nnbench: bad NameNode URI %q: %w", uri, err)
	}
	if u.Scheme != "hdfs" || u.Hostname() == "" {
		return "", fmt.Errorf("nnbench: %q is not a remote NameNode (want hdfs://host:port)", uri)
	}
	port := u.Port()
	if port == "" {
		port = defaultNNPort
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}

// parseCommon checks the "-op type" prefix and takes the options every op
// shares out of args, as OperationStatsBase.verifyOpArgument does.
func parseCommon(args []string) ([]string, common, error) {
	c := common{logLevel: "ERROR", ugcRefresh: noRefresh}
	if len(args) < 2 || !strings.HasPrefix(args[0], "-op") {
		return nil, c, usageError{}
	}
	args = slices.Clone(args)
	if i := slices.Index(args, "-keepResults"); i >= 0 {
		c.keepResults = true
		args = slices.Delete(args, i, i+1)
	}
	v, args, err := takeValue(args, "-logLevel")
	if err != nil {
		return nil, c, err
	} else if v != "" {
		c.logLevel = logLevel(v)
	}
	if v, args, err = takeValue(args, "-UGCacheRefreshCount"); err != nil || v == "" {
		return args, c, err
	}
	g, err := atoi("-UGCacheRefreshCount", v)
	if g > 0 {
		c.ugcRefresh = g
	}
	return args, c, err
}

// takeValue removes "flag value" from args and returns value.
func takeValue(args []string, flag string) (string, []string, error) {
	i := slices.Index(args, flag)
	if i < 0 {
		return "", args, nil
	}
	if i+1 >= len(args) {
		return "", nil, usageError{}
	}
	v := args[i+1]
	return v, slices.Delete(args, i, i+2), nil
}

// logLevel maps a level name the way log4j's Level.toLevel does, with
// ERROR for names it does not know.
func logLevel(s string) string {
	switch u := strings.ToUpper(s); u {
	case "ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF":
		return u
	}
	return "ERROR"
}

// atoi parses an int as Java's Integer.parseInt; a bad number is an error
// (the Java tool dies with NumberFormatException), not a usage error.
func atoi(flag, v string) (int, error) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("nnbench: bad value %q for %s", v, flag)
	}
	return int(n), nil
}

// opFlags lists the flags each op accepts, and whether each takes a value.
// open, delete, fileStatus and rename parse as create plus -useExisting,
// so they accept (and ignore) -close too, as in Java.
var opFlags = map[string]map[string]bool{
	opCreate: {"-files": true, "-threads": true, "-filesPerDir": true, "-blockSize": true, "-baseDirName": true, "-close": false},
	opMkdirs: {"-dirs": true, "-threads": true, "-dirsPerDir": true, "-baseDirName": true},
	opClean:  {"-baseDirName": true},
}

func flagsOf(op string) map[string]bool {
	switch op {
	case opOpen, opDelete, opFileStatus, opRename:
		f := map[string]bool{"-useExisting": false}
		for k, v := range opFlags[opCreate] {
			f[k] = v
		}
		return f
	}
	return opFlags[op]
}

// parseSpec parses the op's own flags from args[2:]. Under "-op all"
// (ignoreOthers) flags of other ops are skipped; otherwise they are a usage
// error.
func parseSpec(op string, args []string, ignoreOthers bool) (spec, error) {
	s := spec{name: op, threads: defaultThreads, ops: defaultOps, perDir: defaultFilesPerDir,
		blockSize: defaultBlockSize, baseDirName: defaultBaseDir}
	if op == opMkdirs {
		s.perDir = defaultDirsPerDir
	}
	if op == opClean {
		s.threads, s.ops = 1, 1
	}
	flags := flagsOf(op)
	for i := 2; i < len(args); i++ {
		hasValue, ok := flags[args[i]]
		if !ok {
			if !ignoreOthers {
				return s, usageError{}
			}
			continue
		}
		if !hasValue {
			s.setBool(args[i])
			continue
		}
		if i+1 == len(args) {
			return s, usageError{}
		}
		if err := s.set(args[i], args[i+1]); err != nil {
			return s, err
		}
		i++
	}
	return s, s.validate()
}

func (s *spec) setBool(flag string) {
	switch flag {
	case "-close":
		s.close = true
	case "-useExisting":
		s.useExisting = true
	}
}

func (s *spec) set(flag, v string) error {
	if flag == "-baseDirName" {
		s.baseDirName = v
		return nil
	}
	n, err := atoi(flag, v)
	switch flag {
	case "-files", "-dirs":
		s.ops = n
	case "-threads":
		s.threads = n
	case "-filesPerDir", "-dirsPerDir":
		s.perDir = n
	case "-blockSize":
		s.blockSize = int64(n)
	}
	return err
}

func (s spec) validate() error {
	if s.perDir < 1 {
		return fmt.Errorf("nnbench: %s needs at least 1 entry per directory, got %d", s.name, s.perDir)
	}
	if !strings.HasPrefix(s.baseDirName, "/") {
		return fmt.Errorf("nnbench: -baseDirName %q is not an absolute path", s.baseDirName)
	}
	return nil
}
